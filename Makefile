# One entry point for people and CI. `make test` is the README's test command and what .ci/run
# calls; it lints first so a formatting slip fails fast.
GO ?= go

.PHONY: run test lint bench fuzz scenarios

run:
	$(GO) run ./cmd/advisor serve

test: lint
	$(GO) test -race -count=1 ./...

lint:
	$(GO) vet ./...
	@out="$$(gofmt -l cmd internal questionnaire rules web 2>/dev/null)"; \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...
	$(GO) run ./cmd/advisor validate >/dev/null
	$(GO) run ./cmd/advisor test >/dev/null

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/rules/ ./internal/server/ ./internal/store/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseJSON -fuzztime 60s ./internal/questionnaire/

scenarios:
	$(GO) run ./cmd/advisor test --coverage
