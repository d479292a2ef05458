package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/server"
)

func TestMetricsCountRequests(t *testing.T) {
	e := newAPI(t, server.Config{})
	editor := e.key(t, "ops", "editor")
	get := func(path, token string) (int, string) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		e.handler.ServeHTTP(rec, r)
		body, err := io.ReadAll(rec.Body)
		require.NoError(t, err)
		return rec.Code, string(body)
	}
	get("/healthz", "")
	get("/healthz", "")
	get("/no-such-page", "")
	code, body := get("/metrics", editor)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "advisor_http_requests_total{code=\"2xx\"} 2\n")
	assert.Contains(t, body, "advisor_http_requests_total{code=\"4xx\"} 1\n")
	assert.Contains(t, body, "advisor_content_reload_failing 0\n")
	assert.Contains(t, body, "# TYPE go_goroutines gauge\n")
}

// TestMetricsAreForOperators: /metrics used to be open to anyone. On the main address it needs
// an editor key; MetricsHandler (serve --metrics-addr) serves it on a listener of its own.
func TestMetricsAreForOperators(t *testing.T) {
	e := newAPI(t, server.Config{})
	consultant := e.key(t, "acme", "consultant")

	res := e.serve2(req{Method: "GET", Path: "/metrics"})
	assert.Equal(t, http.StatusUnauthorized, res.Code)
	assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	assert.NotContains(t, res.Body, "advisor_http_requests_total")

	res = e.serve2(req{Method: "GET", Path: "/metrics", Token: consultant})
	assert.Equal(t, http.StatusForbidden, res.Code)
	assert.JSONEq(t, `{"type": "about:blank", "title": "Editor key required", "status": 403, "instance": "/metrics",
		"detail": "This address is for the service's operators: send an editor's API key (advisor keys create --role editor)."}`, res.Body)

	content := e.content
	srv := app.New(server.Config{}, content, e.store, slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "# TYPE advisor_http_requests_total counter\n")
}

// serve2 serves r through the real handler without checking it against openapi.json (which
// describes /api/v1 only).
func (e *apiEnv) serve2(r req) response {
	_, res := e.serve(r)
	return res
}
