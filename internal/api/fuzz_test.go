package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

// FuzzAPI sends random bodies to the endpoints that read JSON, through the real router, and
// requires that no request gets a 5xx: a client's mistake is never the server's fault. Every
// error response is also checked against openapi.json. Run with
//
//	go test ./internal/api -run '^$' -fuzz FuzzAPI -fuzztime 1m
func FuzzAPI(f *testing.F) {
	e := newAPI(f, server.Config{MaxBodyBytes: 64 << 10})
	token := e.key(f, "fuzzer", "consultant")
	res := e.call(f, "POST", "/api/v1/assessments", `{"label": "fuzzed"}`, token)
	require.Equal(f, http.StatusCreated, res.Code, res.Body)
	assessment := res.Header.Get("Location")

	targets := []struct{ method, path string }{
		{"POST", "/api/v1/evaluate"},
		{"POST", "/api/v1/evaluate?explain=true"},
		{"POST", "/api/v1/evaluate/batch"},
		{"POST", "/api/v1/assessments"},
		{"PATCH", assessment},
	}
	b2b := pagestest.AnswersJSON(f, "b2b-sso-now")
	for _, body := range []string{
		`{"answers": ` + b2b + `}`,
		`{"items": [{"answers": ` + b2b + `}, null, 1, {"answers": {"mau_now": -1}}]}`,
		`{"label": "x", "answers": {"identity_shape": "b2c", "mau_now": null}}`,
		`{"answers": {"identity_shape": "b2c", "identity_is_product": true, "mau_now": 1e15, "mau_growth_pct": 1e300, "registered_users": 9007199254740993}}`,
		`{"answers": {"channels": "web", "constraints": [1, true, null], "largest_customer_seats": 1.5}}`,
		`{"answers": {"\u0000": "\ud800", "label": "\u0000"}}`,
		`{"answers": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
		`{"items": [` + strings.TrimSuffix(strings.Repeat(`{"answers": {}},`, 101), ",") + `]}`,
		`{"answers": {}} trailing`,
		`{"answers": {"mau_now": 1e999}}`,
		`[]`, `null`, `"`, `{`, ``, "\xff\xfe",
	} {
		for i := range targets {
			f.Add(uint8(i), []byte(body))
		}
	}
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		to := targets[int(target)%len(targets)]
		hr, res := e.serve(req{Method: to.method, Path: to.path, Token: token, Body: string(body),
			Header: map[string]string{"Content-Type": "application/json"}})
		if res.Code >= 500 {
			t.Fatalf("%s %s with %q: %d %s", to.method, to.path, body, res.Code, res.Body)
		}
		if res.Code >= 400 { // results are checked by the other tests; checking each here is slow
			checkAgainstSpec(t, hr, res)
		}
	})
}
