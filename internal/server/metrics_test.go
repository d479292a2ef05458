package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/server"
)

func TestMetricsCountRequests(t *testing.T) {
	e := newAPI(t, server.Config{})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body, err := io.ReadAll(rec.Body)
		require.NoError(t, err)
		return rec.Code, string(body)
	}
	get("/healthz")
	get("/healthz")
	get("/no-such-page")
	code, body := get("/metrics")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "advisor_http_requests_total{code=\"2xx\"} 2\n")
	assert.Contains(t, body, "advisor_http_requests_total{code=\"4xx\"} 1\n")
	assert.Contains(t, body, "advisor_content_reload_failing 0\n")
	assert.Contains(t, body, "# TYPE go_goroutines gauge\n")
}
