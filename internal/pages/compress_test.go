package pages_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/server"
)

// TestCompression checks that HTML, CSS, JavaScript and JSON above the threshold go out
// gzipped to a client that accepts it, decode to the plain body, and that small bodies and
// clients that do not ask for gzip get the body as it is.
func TestCompression(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	s.complete(id)
	landing := s.Get("/")
	require.Equal(t, http.StatusOK, landing.Code)
	css := regexp.MustCompile(`/static/app\.[0-9a-f]+\.css`).FindString(landing.Body.String())
	require.NotEmpty(t, css, "the landing page links its style sheet")

	fetch := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "http://advisor.test"+path, nil)
		req.Header.Set("Sec-Fetch-Site", "none")
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, req)
		return rec
	}
	for _, tc := range []struct{ name, path, ctype string }{
		{"result page", "/a/" + id + "/result", "text/html"},
		{"style sheet", css, "text/css"},
		{"questionnaire JSON", "/api/v1/questionnaire", "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := fetch(tc.path, "")
			require.Equal(t, http.StatusOK, plain.Code)
			assert.Empty(t, plain.Header().Get("Content-Encoding"), "no gzip unless asked for")
			require.Greater(t, plain.Body.Len(), 1024)

			zipped := fetch(tc.path, "gzip, deflate, br")
			require.Equal(t, http.StatusOK, zipped.Code)
			assert.Equal(t, "gzip", zipped.Header().Get("Content-Encoding"))
			assert.Contains(t, zipped.Header().Values("Vary"), "Accept-Encoding")
			assert.True(t, strings.HasPrefix(zipped.Header().Get("Content-Type"), tc.ctype))
			size := zipped.Body.Len()
			zr, err := gzip.NewReader(zipped.Body)
			require.NoError(t, err)
			body, err := io.ReadAll(zr)
			require.NoError(t, err)
			assert.Equal(t, plain.Body.String(), string(body), "decodes to the same body")
			t.Logf("%s: %d bytes, %d gzipped", tc.path, plain.Body.Len(), size)
		})
	}
	t.Run("small bodies as they are", func(t *testing.T) {
		rec := fetch("/healthz", "gzip")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Empty(t, rec.Header().Get("Content-Encoding"))
		assert.Equal(t, "ok\n", rec.Body.String())
	})
}
