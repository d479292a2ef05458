package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/server"
)

func TestAuthentication(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme-consulting", "consultant")
	revoked := e.key(t, "gone", "consultant")
	require.NoError(t, e.store.RevokeKey(context.Background(), "gone"))

	const (
		required = `{"type": "about:blank", "title": "API key required", "status": 401, "instance": "/api/v1/assessments",
			"detail": "Send an API key as Authorization: Bearer TOKEN; ` + "`advisor keys create`" + ` makes one."}`
		malformed = `{"type": "about:blank", "title": "API key required", "status": 401, "instance": "/api/v1/assessments",
			"detail": "The Authorization header must be Bearer followed by the token."}`
		invalid = `{"type": "about:blank", "title": "Invalid API key", "status": 401, "instance": "/api/v1/assessments",
			"detail": "The API key is unknown or has been revoked."}`
		realm = `Bearer realm="CIAM Advisor API"`
	)
	for _, tc := range []struct {
		name, authorization string
		challenge, want     string
	}{
		{"no key", "", realm, required},
		{"basic credentials", "Basic YWxpY2U6c2VjcmV0", realm + `, error="invalid_request", error_description="use Authorization: Bearer TOKEN"`, malformed},
		{"bearer without token", "Bearer ", realm + `, error="invalid_request", error_description="use Authorization: Bearer TOKEN"`, malformed},
		{"unknown token", "Bearer ciam_notarealtoken", realm + `, error="invalid_token", error_description="unknown or revoked key"`, invalid},
		{"revoked key", "Bearer " + revoked, realm + `, error="invalid_token", error_description="unknown or revoked key"`, invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(t, req{Method: "GET", Path: "/api/v1/assessments", Header: map[string]string{"Authorization": tc.authorization}})
			assert.Equal(t, http.StatusUnauthorized, res.Code)
			assert.Equal(t, tc.challenge, res.Header.Get("WWW-Authenticate"))
			assert.JSONEq(t, tc.want, res.Body)
		})
	}
	t.Run("valid key, any case of the scheme", func(t *testing.T) {
		res := e.do(t, req{Method: "GET", Path: "/api/v1/assessments", Header: map[string]string{"Authorization": "bearer " + token}})
		assert.Equal(t, http.StatusOK, res.Code, res.Body)
	})
	t.Run("open endpoints need no key", func(t *testing.T) {
		for _, path := range []string{"/api/v1/questionnaire", "/api/v1/guides", "/api/v1/architectures", "/api/v1/vendors", "/api/v1/ruleset", "/openapi.json"} {
			assert.Equal(t, http.StatusOK, e.call(t, "GET", path, "", "").Code, path)
		}
	})
}

func TestRateLimits(t *testing.T) {
	// One request a second with bursts of 10: the limiter's smallest burst.
	e := newAPI(t, server.Config{RateLimit: 1, KeyRateLimit: 1})
	alice, bob := e.key(t, "alice", "consultant"), e.key(t, "bob", "consultant")
	const tooMany = `{"type": "about:blank", "title": "Too many requests", "status": 429, "instance": "%s",
		"detail": "Slow down and retry after the time in the Retry-After header."}`
	exhaust := func(t *testing.T, r req) response {
		t.Helper()
		var res response
		for i := 0; i < 11; i++ {
			if res = e.do(t, r); res.Code == http.StatusTooManyRequests {
				break
			}
		}
		require.Equal(t, http.StatusTooManyRequests, res.Code)
		assert.Equal(t, "1", res.Header.Get("Retry-After"))
		assert.JSONEq(t, fmt.Sprintf(tooMany, r.Path), res.Body)
		return res
	}

	t.Run("per key on assessments", func(t *testing.T) {
		exhaust(t, req{Method: "GET", Path: "/api/v1/assessments", Token: alice})
		assert.Equal(t, http.StatusOK, e.call(t, "GET", "/api/v1/assessments", "", bob).Code, "another key has its own budget")
		assert.Equal(t, http.StatusOK, e.call(t, "GET", "/api/v1/guides", "", "").Code, "keys do not spend the IP's budget")
	})
	t.Run("per IP on open endpoints", func(t *testing.T) {
		exhaust(t, req{Method: "GET", Path: "/api/v1/guides"})
		assert.Equal(t, http.StatusTooManyRequests, e.call(t, "POST", "/api/v1/evaluate", `{"answers": {}}`, "").Code, "one budget for all open endpoints")
	})
}

func TestWrongKeysSpendTheIPBudget(t *testing.T) {
	e := newAPI(t, server.Config{RateLimit: 1, KeyRateLimit: 1})
	for i := 0; i < 10; i++ {
		res := e.call(t, "GET", "/api/v1/assessments", "", "ciam_guess")
		require.Equal(t, http.StatusUnauthorized, res.Code)
	}
	res := e.call(t, "GET", "/api/v1/assessments", "", "ciam_guess")
	assert.Equal(t, http.StatusTooManyRequests, res.Code)
	assert.Empty(t, res.Header.Get("WWW-Authenticate"))
}
