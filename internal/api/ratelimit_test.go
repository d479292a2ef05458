package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/server"
)

// TestRateLimitHeaders: every rate-limited response says the quota and what remains of it
// (draft-ietf-httpapi-ratelimit-headers), and a 429 says when to retry in both RateLimit and
// Retry-After. At one request a second the burst is 10, which takes 10 s to refill; at two a
// second, 5 s.
func TestRateLimitHeaders(t *testing.T) {
	e := newAPI(t, server.Config{RateLimit: 1, KeyRateLimit: 2})
	token := e.key(t, "alice", "consultant")
	cases := []struct {
		name, path, token, policy, first, refused string
	}{
		{name: "per IP on open endpoints", path: "/api/v1/questionnaire",
			policy: `"ip";q=10;w=10`, first: `"ip";r=9;t=1`, refused: `"ip";r=0;t=1`},
		{name: "per key on assessments", path: "/api/v1/assessments", token: token,
			policy: `"key";q=10;w=5`, first: `"key";r=9;t=1`, refused: `"key";r=0;t=1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := req{Method: "GET", Path: tc.path, Token: tc.token}
			res := e.do(t, r)
			require.Equal(t, http.StatusOK, res.Code, res.Body)
			assert.Equal(t, tc.policy, res.Header.Get("RateLimit-Policy"))
			assert.Equal(t, tc.first, res.Header.Get("RateLimit"))
			assert.Empty(t, res.Header.Get("Retry-After"))
			for i := 0; i < 20 && res.Code == http.StatusOK; i++ { // 9 more, and a few for a slow machine
				res = e.do(t, r)
			}
			require.Equal(t, http.StatusTooManyRequests, res.Code)
			assert.Equal(t, tc.policy, res.Header.Get("RateLimit-Policy"))
			assert.Equal(t, tc.refused, res.Header.Get("RateLimit"))
			assert.Equal(t, "1", res.Header.Get("Retry-After"))
		})
	}

	t.Run("unlimited: no fields", func(t *testing.T) {
		res := newAPI(t, server.Config{}).call(t, "GET", "/api/v1/questionnaire", "", "")
		require.Equal(t, http.StatusOK, res.Code)
		assert.Empty(t, res.Header.Get("RateLimit-Policy"))
		assert.Empty(t, res.Header.Get("RateLimit"))
	})
}
