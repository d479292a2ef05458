# One entry point for people and CI. `make test` is the README's test command and what .ci/run
# calls; it lints first so a formatting slip fails fast, then checks for known vulnerabilities.
GO ?= go

# Go 1.27.3, the patched release go.mod requires. The go command fetches it from the module proxy
# on first use; without this a machine's default GOTOOLCHAIN=local refuses to build (go.mod says
# go >= 1.27.3). Override on the command line or in the environment to try another.
export GOTOOLCHAIN ?= go1.27.3

# The vulnerability database `make vulncheck` checks against: the golang.org/x/vulndb module at
# this version, indexed offline by .ci/vulndb.sh. Bump it to take in newer advisories.
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018

.PHONY: run test lint vulncheck speclint bench fuzz scenarios skipped

run:
	$(GO) run ./cmd/advisor serve

test: lint vulncheck speclint
	@$(GO) test -race -count=1 ./...; rc=$$?; $(MAKE) -s skipped; exit $$rc

# One line per test group that skipped and what it needs: go test hides skip messages of
# passing packages unless -v is given. The conditions are the ones the tests themselves check.
skipped:
	@[ -n "$$ADVISOR_TEST_POSTGRES" ] || echo "skipped: PostgreSQL tests (internal/store, internal/server, internal/api); set ADVISOR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	@[ -n "$$ADVISOR_TEST_CHROMIUM" ] || command -v chromium >/dev/null || echo "skipped: browser tests (internal/e2e); install chromium (apt-get install chromium) or set ADVISOR_TEST_CHROMIUM"
	@[ -f web/e2e/node_modules/axe-core/axe.min.js ] || echo "skipped: axe-core and Lighthouse checks (internal/e2e); run cd web/e2e && npm ci"

lint:
	$(GO) vet ./...
	@gofmt="$$($(GO) env GOROOT)/bin/gofmt"; [ -x "$$gofmt" ] || { echo "no gofmt at $$gofmt"; exit 1; }; \
	  out="$$("$$gofmt" -l cmd internal questionnaire rules web 2>/dev/null)"; \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...
	$(GO) run ./cmd/advisor validate >/dev/null
	$(GO) run ./cmd/advisor test >/dev/null

# The served OpenAPI document, linted by tools nobody here wrote, pinned in web/e2e/package.json:
# Redocly CLI's recommended rules and Spectral's oas ruleset, failing on any error.
speclint:
	@if [ -x web/e2e/node_modules/.bin/redocly ] && [ -x web/e2e/node_modules/.bin/spectral ]; then \
	  cd web/e2e && npx --no-install redocly lint --config redocly.yaml ../../internal/api/openapi.json && \
	  npx --no-install spectral lint --ruleset .spectral.yaml --fail-severity error ../../internal/api/openapi.json; \
	else echo "skipped: Redocly and Spectral lint of openapi.json; run cd web/e2e && npm ci"; fi

# govulncheck (pinned in go.mod's tool block), offline against that pinned database: any
# vulnerability that the code can reach fails; ones only in modules or packages it does not call
# are listed but do not fail.
vulncheck:
	@db="$$(bash .ci/vulndb.sh $(VULNDB_VERSION))" && \
	  echo "govulncheck: database golang.org/x/vulndb@$(VULNDB_VERSION)" && \
	  $(GO) tool govulncheck -db "file://$$db" ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/rules/ ./internal/api/ ./internal/pages/ ./internal/store/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseJSON -fuzztime 60s ./internal/questionnaire/

scenarios:
	$(GO) run ./cmd/advisor test --coverage
