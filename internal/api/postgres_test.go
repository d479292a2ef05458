package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the schema set-up
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
	"github.com/ciamadvisor/advisor/internal/store/storetest"
)

// TestTwoInstancesSharePostgres runs two servers, each with its own store, on one PostgreSQL
// database, as behind a load balancer: an assessment created through one is read and changed
// through the other, and each sees the other's changes.
func TestTwoInstancesSharePostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)

	var nodes [2]*httptest.Server
	for i := range nodes {
		content, err := advisor.NewHolder(advisor.Embedded())
		require.NoError(t, err)
		e := newAPIWith(t, server.Config{}, content, dsn)
		nodes[i] = httptest.NewServer(e.handler)
		t.Cleanup(nodes[i].Close)
	}
	a, b := nodes[0], nodes[1]
	st, err := store.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer st.Close()
	token, hash := store.NewToken()
	require.NoError(t, st.CreateKey(t.Context(), &store.Key{Name: "shared", Role: "consultant", Hash: hash}))

	res := send(t, a, "POST", "/api/v1/assessments", `{"label": "Initech", "answers": {"identity_shape": "b2b", "mau_now": 40000}}`, token)
	require.Equal(t, http.StatusCreated, res.Code, res.Body)
	var created assessment
	res.decode(t, &created)
	path := res.Header.Get("Location")

	res = send(t, b, "GET", path, "", token)
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	var read assessment
	res.decode(t, &read)
	assert.Equal(t, created, read, "instance B reads what A wrote")

	res = send(t, b, "PATCH", path, `{"answers": {"identity_is_product": false}}`, token)
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	var patched assessment
	res.decode(t, &patched)
	assert.True(t, patched.Complete)

	res = send(t, a, "GET", path, "", token)
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	var reread assessment
	res.decode(t, &reread)
	assert.Equal(t, patched, reread, "instance A reads what B wrote")
	require.NotNil(t, reread.Result)
	assert.Equal(t, "b2b-multi-tenant", reread.Result.Architecture.ID)

	res = send(t, a, "GET", "/api/v1/assessments?label=Initech", "", token)
	assert.JSONEq(t, `{"items": [{"id": "`+created.ID+`", "label": "Initech", "complete": true, "stale": false, "revision": 2,
		"architecture": "b2b-multi-tenant", "approach": "`+reread.Result.Approach.ID+`", "leader": "`+reread.Result.Leader.ID+`",
		"leader_three_year_cost": {"low": `+fmt.Sprint(reread.Result.Shortlist[0].Cost.ThreeYear.Low)+`, "high": `+fmt.Sprint(reread.Result.Shortlist[0].Cost.ThreeYear.High)+`},
		"versions": {"questionnaire": "`+patched.Versions.Questionnaire+`", "ruleset": "`+patched.Versions.RuleSet+`"},
		"created_at": "`+patched.CreatedAt+`", "updated_at": "`+patched.UpdatedAt+`"}], "next_cursor": null}`, res.Body)

	assert.Equal(t, http.StatusNoContent, send(t, b, "DELETE", path, "", token).Code)
	assert.Equal(t, http.StatusNotFound, send(t, a, "GET", path, "", token).Code)
}

// send makes a real HTTP request to ts and checks the response against openapi.json.
func send(t *testing.T, ts *httptest.Server, method, path, body, token string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, rd)
	require.NoError(t, err)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := ts.Client().Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	res := response{Code: resp.StatusCode, Header: resp.Header, Body: string(data)}
	checkAgainstSpec(t, r, res)
	return res
}
