package pages_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ciamadvisor/advisor/internal/server"
)

// The page benchmarks measure server time for one page through the whole router: middleware,
// loading the assessment from SQLite, building the view and rendering the template. The
// target is ≤ 2 ms a page.
//
//	go test -run '^$' -bench 'Page$' -benchmem ./internal/server/

func benchPage(b *testing.B, path func(id string) string) {
	s := newSite(b, server.Config{})
	id := s.Start()
	s.complete(id)
	p := path(id)
	if rec := s.Get(p); rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d", p, rec.Code)
	} else {
		b.ReportMetric(float64(rec.Body.Len()), "page-bytes")
	}
	req := httptest.NewRequest(http.MethodGet, "http://advisor.test"+p, nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", p, rec.Code)
		}
	}
}

func BenchmarkResultPage(b *testing.B) {
	benchPage(b, func(id string) string { return "/a/" + id + "/result" })
}

func BenchmarkStepPage(b *testing.B) {
	benchPage(b, func(id string) string { return "/a/" + id + "/step/shape" })
}

func BenchmarkReviewPage(b *testing.B) {
	benchPage(b, func(id string) string { return "/a/" + id + "/review" })
}

func BenchmarkLandingPage(b *testing.B) {
	benchPage(b, func(string) string { return "/" })
}
