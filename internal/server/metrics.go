package server

import (
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// metrics are the server's counters, exposed at /metrics in the Prometheus text format. They
// are plain atomics: a handful of numbers do not justify a metrics library.
type metrics struct {
	requests [6]atomic.Int64 // by status class: index 1 for 1xx … 5 for 5xx
	micros   atomic.Int64    // total time spent serving, in microseconds
}

func (m *metrics) observe(status int, d time.Duration) {
	if c := status / 100; c >= 1 && c <= 5 {
		m.requests[c].Add(1)
	}
	m.micros.Add(d.Microseconds())
}

func (s *Server) metricsPage(c *gin.Context) {
	st := s.content.Status()
	w := c.Writer
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintln(w, "# HELP advisor_http_requests_total HTTP requests served, by status class.")
	fmt.Fprintln(w, "# TYPE advisor_http_requests_total counter")
	for class := 1; class <= 5; class++ {
		fmt.Fprintf(w, "advisor_http_requests_total{code=\"%dxx\"} %d\n", class, s.metrics.requests[class].Load())
	}
	fmt.Fprintln(w, "# HELP advisor_http_request_seconds_total Time spent serving requests.")
	fmt.Fprintln(w, "# TYPE advisor_http_request_seconds_total counter")
	fmt.Fprintf(w, "advisor_http_request_seconds_total %g\n", float64(s.metrics.micros.Load())/1e6)
	fmt.Fprintln(w, "# HELP advisor_content_loaded_timestamp_seconds When the serving content was loaded.")
	fmt.Fprintln(w, "# TYPE advisor_content_loaded_timestamp_seconds gauge")
	fmt.Fprintf(w, "advisor_content_loaded_timestamp_seconds %d\n", st.LoadedAt.Unix())
	fmt.Fprintln(w, "# HELP advisor_content_reload_failing 1 while the latest reload failed and older content is serving.")
	fmt.Fprintln(w, "# TYPE advisor_content_reload_failing gauge")
	failing := 0
	if st.LastError != nil {
		failing = 1
	}
	fmt.Fprintf(w, "advisor_content_reload_failing %d\n", failing)
	fmt.Fprintln(w, "# HELP advisor_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE advisor_uptime_seconds gauge")
	fmt.Fprintf(w, "advisor_uptime_seconds %d\n", int64(time.Since(s.started).Seconds()))
	fmt.Fprintln(w, "# HELP go_goroutines Goroutines that currently exist.")
	fmt.Fprintln(w, "# TYPE go_goroutines gauge")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())
}
