package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

// BenchmarkEvaluateHandler is the server's cost of POST /api/v1/evaluate without the network:
// middleware, decoding, validation, rules, encoding. Compare with BenchmarkHealthzHandler, and
// profile with -cpuprofile. cmd/loadtest measures the same over loopback.
func BenchmarkEvaluateHandler(b *testing.B) {
	benchmarkEvaluate(b, "/api/v1/evaluate?counterfactuals=false")
}

// BenchmarkEvaluateHandlerCounterfactuals is the default request: with the counterfactuals.
func BenchmarkEvaluateHandlerCounterfactuals(b *testing.B) {
	benchmarkEvaluate(b, "/api/v1/evaluate")
}

func benchmarkEvaluate(b *testing.B, path string) {
	e := newAPI(b, server.Config{})
	var bodies []string
	for _, s := range pagestest.Scenarios(b) {
		if len(s.Expect.Invalid) == 0 {
			bodies = append(bodies, `{"answers": `+pagestest.AnswersJSON(b, strings.TrimSuffix(strings.TrimPrefix(s.File, "rules/tests/"), ".yaml"))+`}`)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := httptest.NewRequest("POST", path, strings.NewReader(bodies[i%len(bodies)]))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
		i++
	}
}

func BenchmarkHealthzHandler(b *testing.B) {
	e := newAPI(b, server.Config{})
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	}
}
