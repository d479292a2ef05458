package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
	"github.com/ciamadvisor/advisor/internal/store/storetest"
)

// sixteen answers to sixteen different questions, all asked for a B2B buyer.
var sixteen = []string{
	`"channels": ["web"]`, `"enterprise_sso": "now"`, `"largest_customer_seats": 500`, `"identity_is_product": false`,
	`"identity_team": "part_time"`, `"can_operate_infra": true`, `"current_platform": "none"`, `"constraints": ["gdpr"]`,
	`"industry": "saas"`, `"mau_now": 40000`, `"mau_growth_pct": 20`, `"registered_users": 90000`,
	`"arpu_monthly_usd": 12.5`, `"budget_annual_usd": 60000`, `"must_haves": ["mfa"]`, `"go_live_weeks": 12`,
}

// patchConcurrently sends 20 PATCHes at once, of the 16 answers (four twice), through the
// send functions in turn, and checks that every answer is kept.
func patchConcurrently(t *testing.T, create func(body string) string, patch []func(path, body string) int, get func(path string) map[string]any) {
	path := create(`{"label": "race", "answers": {"identity_shape": "b2b"}}`)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			code := patch[i%len(patch)](path, `{"answers": {`+sixteen[i%len(sixteen)]+`}}`)
			assert.Equal(t, http.StatusOK, code)
		})
	}
	wg.Wait()
	answers := get(path)
	for _, a := range sixteen {
		id, _, _ := strings.Cut(strings.Trim(a, `"`), `"`)
		assert.Contains(t, answers, id, "an acknowledged answer was lost")
	}
	assert.Len(t, answers, 17)
}

func TestConcurrentPatchesKeepEveryAnswer(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		e := newAPI(t, server.Config{})
		token := e.key(t, "acme", "consultant")
		do := func(path, body string) int {
			_, res := e.serve(req{Method: "PATCH", Path: path, Body: body, Token: token})
			return res.Code
		}
		patchConcurrently(t,
			func(body string) string {
				return e.call(t, "POST", "/api/v1/assessments", body, token).Header.Get("Location")
			},
			[]func(string, string) int{do},
			func(path string) map[string]any {
				var a assessment
				e.call(t, "GET", path, "", token).decode(t, &a)
				return a.Answers
			})
	})
	t.Run("postgres, two instances", func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		var nodes [2]*httptest.Server
		for i := range nodes {
			content, err := advisor.NewHolder(advisor.Embedded())
			require.NoError(t, err)
			nodes[i] = httptest.NewServer(newAPIWith(t, server.Config{}, content, dsn).handler)
			t.Cleanup(nodes[i].Close)
		}
		st, err := store.Open(t.Context(), dsn)
		require.NoError(t, err)
		defer st.Close()
		token, hash := store.NewToken()
		require.NoError(t, st.CreateKey(t.Context(), &store.Key{Name: "shared", Role: "consultant", Hash: hash}))
		via := func(ts *httptest.Server) func(path, body string) int {
			return func(path, body string) int {
				r, err := http.NewRequest("PATCH", ts.URL+path, strings.NewReader(body))
				if err != nil {
					return 0
				}
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Authorization", "Bearer "+token)
				resp, err := ts.Client().Do(r)
				if err != nil {
					return 0
				}
				resp.Body.Close()
				return resp.StatusCode
			}
		}
		patchConcurrently(t,
			func(body string) string {
				return send(t, nodes[0], "POST", "/api/v1/assessments", body, token).Header.Get("Location")
			},
			[]func(string, string) int{via(nodes[0]), via(nodes[1])},
			func(path string) map[string]any {
				var a assessment
				send(t, nodes[1], "GET", path, "", token).decode(t, &a)
				return a.Answers
			})
	})
}

func TestIfMatch(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme", "consultant")
	created := e.call(t, "POST", "/api/v1/assessments", `{"answers": {"identity_shape": "b2c"}}`, token)
	require.Equal(t, http.StatusCreated, created.Code)
	path, first := created.Header.Get("Location"), created.Header.Get("ETag")
	assert.Equal(t, `"rev-1"`, first)

	patch := func(ifMatch, body string) response {
		return e.do(t, req{Method: "PATCH", Path: path, Body: body, Token: token, Header: map[string]string{"If-Match": ifMatch}})
	}
	res := patch(first, `{"answers": {"mau_now": 1000}}`)
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	assert.Equal(t, `"rev-2"`, res.Header.Get("ETag"))

	for _, tc := range []struct{ name, tag string }{
		{"stale tag", first},
		{"weak tag never matches", `W/"rev-2"`},
		{"unknown tag", `"rev-99"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := patch(tc.tag, `{"answers": {"mau_now": 2000}}`)
			assert.Equal(t, http.StatusPreconditionFailed, res.Code)
			assert.Contains(t, res.Body, `"type":"/problems/precondition-failed"`)
			assert.Contains(t, res.Body, `current entity tag, \"rev-2\"`)
		})
	}
	assert.Equal(t, http.StatusOK, patch(`"rev-1", "rev-2"`, `{"answers": {"mau_now": 3000}}`).Code, "any tag of a list")
	assert.Equal(t, http.StatusOK, patch("*", `{"label": "x"}`).Code)

	res = e.do(t, req{Method: "DELETE", Path: path, Token: token, Header: map[string]string{"If-Match": first}})
	assert.Equal(t, http.StatusPreconditionFailed, res.Code)
	current := e.call(t, "GET", path, "", token).Header.Get("ETag")
	res = e.do(t, req{Method: "DELETE", Path: path, Token: token, Header: map[string]string{"If-Match": current}})
	assert.Equal(t, http.StatusNoContent, res.Code)
}

func TestIdempotencyKey(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme", "consultant")
	post := func(path, key, body string) response {
		return e.do(t, req{Method: "POST", Path: path, Body: body, Token: token, Header: map[string]string{"Idempotency-Key": key}})
	}

	t.Run("create", func(t *testing.T) {
		first := post("/api/v1/assessments", "create-1", `{"label": "Acme"}`)
		require.Equal(t, http.StatusCreated, first.Code)
		again := post("/api/v1/assessments", "create-1", `{"label": "Acme"}`)
		assert.Equal(t, http.StatusCreated, again.Code)
		assert.Equal(t, first.Body, again.Body, "the same response, not a second assessment")
		assert.Equal(t, first.Header.Get("Location"), again.Header.Get("Location"))
		assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		assert.Empty(t, first.Header.Get("Idempotent-Replayed"))

		var list struct{ Items []any }
		e.call(t, "GET", "/api/v1/assessments", "", token).decode(t, &list)
		assert.Len(t, list.Items, 1)

		other := post("/api/v1/assessments", "create-1", `{"label": "Globex"}`)
		assert.Equal(t, http.StatusUnprocessableEntity, other.Code)
		assert.Contains(t, other.Body, "/problems/idempotency-key-reused")

		other = e.do(t, req{Method: "POST", Path: "/api/v1/assessments", Body: `{"label": "Acme"}`, Token: e.key(t, "other", "consultant"),
			Header: map[string]string{"Idempotency-Key": "create-1"}})
		assert.Equal(t, http.StatusCreated, other.Code, "keys are per API key")
		assert.NotEqual(t, first.Header.Get("Location"), other.Header.Get("Location"))

		bad := post("/api/v1/assessments", strings.Repeat("k", 256), `{}`)
		assert.Equal(t, http.StatusBadRequest, bad.Code)
	})

	t.Run("batch", func(t *testing.T) {
		body := `{"items": [{"id": "a", "answers": ` + pagestest.AnswersJSON(t, "b2b-sso-now") + `}, {"id": "b", "answers": {"identity_shap": "b2b"}}]}`
		first := e.do(t, req{Method: "POST", Path: "/api/v1/evaluate/batch", Body: body, Header: map[string]string{"Idempotency-Key": "batch-1"}})
		require.Equal(t, http.StatusOK, first.Code, first.Body)
		assert.Contains(t, first.Body, `{"status":"ok","id":"a","result":`)
		assert.Contains(t, first.Body, `{"status":"error","id":"b","errors":`)
		assert.Contains(t, first.Body, `did you mean \"identity_shape\"?`)
		again := e.do(t, req{Method: "POST", Path: "/api/v1/evaluate/batch", Body: body, Header: map[string]string{"Idempotency-Key": "batch-1"}})
		assert.Equal(t, first.Body, again.Body)
		assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	})

	t.Run("reevaluate", func(t *testing.T) {
		created := e.call(t, "POST", "/api/v1/assessments", `{"answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, token)
		path := created.Header.Get("Location") + "/reevaluate"
		first := post(path, "re-1", "")
		require.Equal(t, http.StatusCreated, first.Code, first.Body)
		again := post(path, "re-1", "")
		assert.Equal(t, first.Body, again.Body, "one revision, not two")
		var revs struct{ Items []any }
		e.call(t, "GET", created.Header.Get("Location")+"/revisions", "", token).decode(t, &revs)
		assert.Len(t, revs.Items, 2)
	})
}

func TestPortfolio(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme", "consultant")
	ids := map[string]string{}
	for _, tc := range []struct{ label, scenario string }{
		{"Acme EU", "b2b-sso-now"}, {"acme US", "consumer-app-scale"}, {"Beta", ""}, {"Gamma", "eu-sovereign-selfhost"},
	} {
		answers := "{}"
		if tc.scenario != "" {
			answers = pagestest.AnswersJSON(t, tc.scenario)
		}
		res := e.call(t, "POST", "/api/v1/assessments", `{"label": "`+tc.label+`", "answers": `+answers+`}`, token)
		require.Equal(t, http.StatusCreated, res.Code, res.Body)
		var a assessment
		res.decode(t, &a)
		ids[tc.label] = a.ID
	}
	labels := func(query string) []string {
		res := e.call(t, "GET", "/api/v1/assessments"+query, "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var list struct {
			Items []struct {
				Label, Architecture string
				Leader              *string
				Cost                *struct{ Low, High float64 } `json:"leader_three_year_cost"`
			}
		}
		res.decode(t, &list)
		var out []string
		for _, it := range list.Items {
			out = append(out, it.Label)
			if it.Architecture != "" {
				assert.NotNil(t, it.Leader, "a result has a leader here")
			}
		}
		return out
	}
	assert.Equal(t, []string{"Gamma", "Beta", "acme US", "Acme EU"}, labels(""))
	assert.Equal(t, []string{"acme US", "Acme EU"}, labels("?label_prefix=ACME"))
	assert.Equal(t, []string{"Beta"}, labels("?complete=false"))
	assert.Equal(t, []string{"Acme EU"}, labels("?architecture=b2b-multi-tenant"))
	assert.Equal(t, []string{"Acme EU", "acme US", "Beta", "Gamma"}, labels("?sort=label"))
	assert.Empty(t, labels("?updated_since=2999-01-01T00:00:00Z"))

	t.Run("unknown parameters are named", func(t *testing.T) {
		res := e.call(t, "GET", "/api/v1/assessments?srot=label&complete=true&x=1", "", token)
		require.Equal(t, http.StatusBadRequest, res.Code)
		var p struct {
			Detail string
			Errors []server.FieldError
		}
		res.decode(t, &p)
		assert.Equal(t, "The query has parameters this endpoint does not take: srot, x.", p.Detail)
		require.Len(t, p.Errors, 2)
		assert.Equal(t, "srot: unknown query parameter; this endpoint takes approach, architecture, complete, cursor, label, label_prefix, limit, sort, updated_since; did you mean \"sort\"?", p.Errors[0].Message)
	})
	t.Run("bad values are named", func(t *testing.T) {
		for query, want := range map[string]string{
			"?sort=labels":             `sort: got "labels", want one of -created_at, created_at, -updated_at, updated_at, label, -label; did you mean "label"?`,
			"?architecture=b2b":        `architecture: got "b2b"`,
			"?updated_since=yesterday": `updated_since: got "yesterday", want a date and time such as 2026-01-31T00:00:00Z (RFC 3339)`,
			"?complete=maybe":          `complete: got "maybe", want true or false`,
		} {
			res := e.call(t, "GET", "/api/v1/assessments"+query, "", token)
			assert.Equal(t, http.StatusBadRequest, res.Code, query)
			assert.Contains(t, res.Body, strings.ReplaceAll(want, `"`, `\"`), query)
		}
	})

	t.Run("export as NDJSON", func(t *testing.T) {
		res := e.call(t, "GET", "/api/v1/assessments/export?format=ndjson", "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Equal(t, "application/x-ndjson", res.Header.Get("Content-Type"))
		assert.Contains(t, res.Header.Get("Content-Disposition"), `attachment; filename="assessments-`)
		lines := strings.Split(strings.TrimSuffix(res.Body, "\n"), "\n")
		require.Len(t, lines, 4)
		var first assessment
		require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
		assert.Equal(t, "Acme EU", first.Label, "oldest first")
		require.NotNil(t, first.Result)
	})
	t.Run("export as CSV by Accept", func(t *testing.T) {
		res := e.do(t, req{Method: "GET", Path: "/api/v1/assessments/export?label_prefix=acme", Token: token, Header: map[string]string{"Accept": "text/csv"}})
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 3)
		assert.Equal(t, []string{"id", "label", "complete", "stale", "architecture"}, rows[0][:5])
		assert.Equal(t, []string{ids["Acme EU"], "Acme EU", "true", "false", "b2b-multi-tenant"}, rows[1][:5])
		col := map[string]int{}
		for i, name := range rows[0] {
			col[name] = i
		}
		assert.Equal(t, "mfa; enterprise_sso; scim; organizations", rows[1][col["must_haves"]])
	})
	t.Run("export refuses what it cannot send", func(t *testing.T) {
		res := e.do(t, req{Method: "GET", Path: "/api/v1/assessments/export", Token: token, Header: map[string]string{"Accept": "application/pdf"}})
		assert.Equal(t, http.StatusNotAcceptable, res.Code)
	})

	t.Run("compare", func(t *testing.T) {
		res := e.call(t, "GET", fmt.Sprintf("/api/v1/assessments/compare?a=%s&b=%s", ids["Acme EU"], ids["acme US"]), "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var cmp struct {
			A, B    assessment
			Answers []struct {
				Question string
				A, B     any
			}
			Result *advisor.Change
		}
		res.decode(t, &cmp)
		assert.Equal(t, "Acme EU", cmp.A.Label)
		require.NotEmpty(t, cmp.Answers)
		assert.Equal(t, "identity_shape", cmp.Answers[0].Question)
		require.NotNil(t, cmp.Result)
		assert.Equal(t, &advisor.Delta{From: "b2b-multi-tenant", To: "b2c-mobile-first"}, cmp.Result.Architecture)

		res = e.call(t, "GET", fmt.Sprintf("/api/v1/assessments/compare?a=%s&b=%s", ids["Acme EU"], ids["Beta"]), "", token)
		assert.Contains(t, res.Body, `"result":null`, "no diff without two results")
		assert.Equal(t, http.StatusBadRequest, e.call(t, "GET", "/api/v1/assessments/compare?a="+ids["Beta"], "", token).Code)
	})
}

func TestResultNegotiation(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme", "consultant")
	path := e.call(t, "POST", "/api/v1/assessments", `{"label": "Acme *Corp*", "answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, token).Header.Get("Location") + "/result"
	for _, tc := range []struct{ accept, want string }{
		{"", "application/json"},
		{"text/markdown", "text/markdown; charset=utf-8"},
		{"text/markdown;q=0.5, application/json", "application/json"},
		{"text/*", "text/markdown; charset=utf-8"},
		{"*/*", "application/json"},
	} {
		res := e.do(t, req{Method: "GET", Path: path, Token: token, Header: map[string]string{"Accept": tc.accept}})
		require.Equal(t, http.StatusOK, res.Code, tc.accept)
		assert.Equal(t, tc.want, res.Header.Get("Content-Type"), tc.accept)
	}
	res := e.do(t, req{Method: "GET", Path: path, Token: token, Header: map[string]string{"Accept": "image/png"}})
	assert.Equal(t, http.StatusNotAcceptable, res.Code)

	res = e.do(t, req{Method: "GET", Path: path + "?format=markdown", Token: token})
	assert.Contains(t, res.Body, "**Client:** Acme \\*Corp\\*")
	assert.Contains(t, res.Body, "## Your answers")
	assert.Contains(t, res.Body, "Computed with questionnaire")

	res = e.call(t, "GET", path+"?explain=true", "", token)
	require.Equal(t, http.StatusOK, res.Code)
	assert.Contains(t, res.Body, `"trace":[`)
	assert.Contains(t, res.Body, `"revision":1`)
}

func TestFlow(t *testing.T) {
	e := newAPI(t, server.Config{})
	flow := func(answers string) (int, map[string]any) {
		// Lenient: answers with mistakes are what the flow is for, though the document's
		// schema of answers does not take them.
		res := e.do(t, req{Method: "POST", Path: "/api/v1/questionnaire/flow", Body: `{"answers": ` + answers + `}`, Lenient: true})
		var out map[string]any
		if res.Code == http.StatusOK {
			res.decode(t, &out)
		}
		return res.Code, out
	}
	code, out := flow(`{"identity_shape": "b2c", "enterprise_sso": "now", "constraints": ["gdpr"], "mau_now": 10}`)
	require.Equal(t, http.StatusOK, code)
	steps := out["steps"].([]any)
	shape := steps[0].(map[string]any)
	assert.Equal(t, []any{"identity_shape", "channels"}, shape["questions"], "enterprise SSO is not asked of a B2C buyer")
	assert.Equal(t, true, shape["complete"])
	assert.Equal(t, "build", out["next_step"])
	assert.Equal(t, []any{"identity_is_product"}, out["missing_required"])
	assert.Equal(t, "enterprise_sso", out["dropped"].([]any)[0].(map[string]any)["question"])
	assert.Equal(t, false, out["complete"])

	code, out = flow(`{"identity_shape": "b2b"}`)
	require.Equal(t, http.StatusOK, code)
	shape = out["steps"].([]any)[0].(map[string]any)
	assert.Contains(t, shape["questions"], "enterprise_sso", "asked of a B2B buyer")

	code, out = flow(`{"identity_shape": "b2b3c", "mau_nwo": 5}`)
	require.Equal(t, http.StatusOK, code)
	problems := out["problems"].([]any)
	require.Len(t, problems, 2)
	assert.Contains(t, problems[0].(map[string]any)["message"], `did you mean "mau_now"?`)
	assert.Contains(t, problems[1].(map[string]any)["message"], `did you mean "b2b2c" for "b2b3c"?`)
	assert.Equal(t, "shape", out["next_step"])
}
