package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

// assessment is the API's view of a stored assessment.
type assessment struct {
	ID       string                  `json:"id"`
	Label    string                  `json:"label"`
	Answers  map[string]any          `json:"answers"`
	Complete bool                    `json:"complete"`
	Problems []server.FieldError     `json:"problems"`
	Result   *advisor.Recommendation `json:"result"`
	Versions advisor.Versions        `json:"versions"`
	// Stale and CurrentVersions say whether the content changed since the result was stored.
	Stale           bool             `json:"stale"`
	CurrentVersions advisor.Versions `json:"current_versions"`
	Revision        int              `json:"revision"`
	CreatedAt       string           `json:"created_at"`
	UpdatedAt       string           `json:"updated_at"`
}

// missing is the problem list of a draft that lacks the three required answers.
const missingAll = `[
	{"field": "identity_shape", "code": "required", "message": "identity_shape: an answer is required (one of \"b2c\", \"b2b\", \"b2b2c\")"},
	{"field": "identity_is_product", "code": "required", "message": "identity_is_product: an answer is required (true or false)"},
	{"field": "mau_now", "code": "required", "message": "mau_now: an answer is required (a whole number ≥ 0)"}]`

func problemsJSON(t *testing.T, p []server.FieldError) string {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	return string(b)
}

func TestAssessmentLifecycle(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme-consulting", "consultant")

	// A draft: valid answers, required ones missing.
	res := e.call(t, "POST", "/api/v1/assessments", `{"label": "Globex", "answers": {"channels": ["web", "web", "api"]}}`, token)
	require.Equal(t, http.StatusCreated, res.Code, res.Body)
	var a assessment
	res.decode(t, &a)
	assert.Equal(t, "/api/v1/assessments/"+a.ID, res.Header.Get("Location"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Len(t, a.ID, 26)
	assert.Equal(t, "Globex", a.Label)
	assert.Equal(t, map[string]any{"channels": []any{"web", "api"}}, a.Answers, "a choice ticked twice is kept once")
	assert.False(t, a.Complete)
	assert.Nil(t, a.Result)
	assert.JSONEq(t, missingAll, problemsJSON(t, a.Problems))
	assert.Equal(t, e.content.Current().Versions(), a.Versions)
	path := "/api/v1/assessments/" + a.ID

	t.Run("get the draft", func(t *testing.T) {
		res := e.call(t, "GET", path, "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var got assessment
		res.decode(t, &got)
		assert.Equal(t, a, got)
	})

	t.Run("no result while incomplete", func(t *testing.T) {
		res := e.call(t, "GET", path+"/result", "", token)
		assert.Equal(t, http.StatusConflict, res.Code)
		assert.JSONEq(t, `{"type": "/problems/assessment-incomplete", "title": "Assessment incomplete", "status": 409, "instance": "`+path+`/result",
			"detail": "There is no result until the answers are complete; answer the questions listed and ask again.",
			"errors": `+missingAll+`}`, res.Body)
	})

	t.Run("complete it", func(t *testing.T) {
		res := e.call(t, "PATCH", path, `{"answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var got assessment
		res.decode(t, &got)
		assert.True(t, got.Complete)
		assert.Empty(t, got.Problems)
		require.NotNil(t, got.Result)
		assert.Equal(t, "b2b-multi-tenant", got.Result.Architecture.ID)
		assert.Equal(t, "Globex", got.Label, "a PATCH without label keeps it")
		assert.Equal(t, []any{"web", "api"}, got.Answers["channels"], "the patch replaced channels")
		assert.Equal(t, a.CreatedAt, got.CreatedAt)
		assert.NotEqual(t, a.UpdatedAt, got.UpdatedAt)

		// The result alone, as JSON, is the same as POST /evaluate gives for the answers, with
		// its revision, time and staleness in front.
		res = e.call(t, "GET", path+"/result", "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var stored map[string]any
		res.decode(t, &stored)
		assert.Equal(t, false, stored["stale"])
		assert.EqualValues(t, 2, stored["revision"], "create, then a change of answers")
		assert.Equal(t, `"rev-2"`, res.Header.Get("ETag"))
		for _, k := range []string{"revision", "computed_at", "stale", "current_versions"} {
			delete(stored, k)
		}
		direct := e.call(t, "POST", "/api/v1/evaluate", `{"answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, "")
		storedJSON, err := json.Marshal(stored)
		require.NoError(t, err)
		assert.JSONEq(t, direct.Body, string(storedJSON))

		res = e.call(t, "GET", path+"/result?format=markdown", "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Equal(t, "text/markdown; charset=utf-8", res.Header.Get("Content-Type"))
		assert.True(t, strings.HasPrefix(res.Body, "# CIAM recommendation\n\n**Client:** Globex  \n"), res.Body[:200])
		assert.Equal(t, `attachment; filename="ciam-recommendation-globex-r2.md"`, res.Header.Get("Content-Disposition"))
		for _, section := range []string{"## Summary", "## Comparison", "## Cost", "## What would change this", "## Your answers"} {
			assert.Contains(t, res.Body, "\n"+section+"\n")
		}
	})

	t.Run("relabel and clear an answer", func(t *testing.T) {
		res := e.call(t, "PATCH", path, `{"label": "Globex EU", "answers": {"mau_now": null}}`, token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var got assessment
		res.decode(t, &got)
		assert.Equal(t, "Globex EU", got.Label)
		assert.NotContains(t, got.Answers, "mau_now")
		assert.False(t, got.Complete)
		assert.Nil(t, got.Result)
		assert.JSONEq(t, `[{"field": "mau_now", "code": "required", "message": "mau_now: an answer is required (a whole number ≥ 0)"}]`, problemsJSON(t, got.Problems))
	})

	t.Run("invalid answers are refused and nothing is saved", func(t *testing.T) {
		res := e.call(t, "PATCH", path, `{"label": "changed", "answers": {"mau_now": -1, "industry": "mining"}}`, token)
		assert.Equal(t, http.StatusUnprocessableEntity, res.Code)
		assert.JSONEq(t, `{"type": "/problems/invalid-answers", "title": "Invalid answers", "status": 422, "instance": "`+path+`",
			"detail": "Some answers do not fit the questionnaire; each problem is listed by question ID.",
			"errors": [
				{"field": "industry", "code": "unknown_option", "message": "industry: got \"mining\", want one of \"general\", \"healthcare\", \"financial_services\", \"government\", \"retail\", \"gaming\", \"education\", \"saas\""},
				{"field": "mau_now", "code": "out_of_range", "message": "mau_now: got -1, want a whole number ≥ 0"}]}`, res.Body)
		var got assessment
		e.call(t, "GET", path, "", token).decode(t, &got)
		assert.Equal(t, "Globex EU", got.Label)
		assert.Equal(t, "saas", got.Answers["industry"])
	})

	t.Run("delete", func(t *testing.T) {
		res := e.call(t, "DELETE", path, "", token)
		assert.Equal(t, http.StatusNoContent, res.Code)
		assert.Empty(t, res.Body)
		for _, method := range []string{"GET", "DELETE"} {
			res := e.call(t, method, path, "", token)
			assert.Equal(t, http.StatusNotFound, res.Code)
			assert.JSONEq(t, `{"type": "about:blank", "title": "Not found", "status": 404, "instance": "`+path+`",
				"detail": "There is nothing at this address."}`, res.Body)
		}
	})
}

func TestAssessmentCreate(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme-consulting", "consultant")

	t.Run("complete answers have a result at once", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/assessments", `{"answers": `+pagestest.AnswersJSON(t, "patient-portal-hipaa")+`}`, token)
		require.Equal(t, http.StatusCreated, res.Code, res.Body)
		var a assessment
		res.decode(t, &a)
		assert.True(t, a.Complete)
		assert.Empty(t, a.Problems)
		require.NotNil(t, a.Result)
		assert.Equal(t, "", a.Label)
	})

	t.Run("an empty body makes an empty assessment", func(t *testing.T) {
		res := e.do(t, req{Method: "POST", Path: "/api/v1/assessments", Token: token})
		require.Equal(t, http.StatusCreated, res.Code, res.Body)
		var a assessment
		res.decode(t, &a)
		assert.Equal(t, map[string]any{}, a.Answers)
		assert.JSONEq(t, missingAll, problemsJSON(t, a.Problems))
	})

	for _, tc := range []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{
			name:   "invalid answers name only their own problems",
			body:   `{"answers": {"identity_shape": "b2z"}}`,
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-answers", "title": "Invalid answers", "status": 422, "instance": "/api/v1/assessments",
				"detail": "Some answers do not fit the questionnaire; each problem is listed by question ID.",
				"errors": [{"field": "identity_shape", "code": "unknown_option", "message": "identity_shape: got \"b2z\", want one of \"b2c\", \"b2b\", \"b2b2c\""}]}`,
		},
		{
			name:   "label too long",
			body:   `{"label": "` + strings.Repeat("é", 201) + `"}`,
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-request", "title": "Invalid request", "status": 422, "instance": "/api/v1/assessments",
				"detail": "Some fields of the request do not fit; each problem is listed by field.",
				"errors": [{"field": "label", "code": "too_long", "message": "label: 201 characters, at most 200"}]}`,
		},
		{
			name:   "label with a line break",
			body:   `{"label": "Globex\nInc"}`,
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-request", "title": "Invalid request", "status": 422, "instance": "/api/v1/assessments",
				"detail": "Some fields of the request do not fit; each problem is listed by field.",
				"errors": [{"field": "label", "code": "invalid", "message": "label: control characters such as line breaks are not allowed"}]}`,
		},
		{
			name:   "label with a NUL",
			body:   `{"label": "a\u0000b"}`,
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-request", "title": "Invalid request", "status": 422, "instance": "/api/v1/assessments",
				"detail": "Some fields of the request do not fit; each problem is listed by field.",
				"errors": [{"field": "label", "code": "invalid", "message": "label: control characters such as line breaks are not allowed"}]}`,
		},
		{
			name:   "label of the wrong type",
			body:   `{"label": 7}`,
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/assessments",
				"detail": "A field of the request has the wrong type.",
				"errors": [{"field": "label", "code": "wrong_type", "message": "label: got a JSON number, want a string"}]}`,
		},
		{
			name:   "unknown field",
			body:   `{"label": "x", "owner": "key_other"}`,
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/assessments",
				"detail": "The request has a field this endpoint does not take.",
				"errors": [{"field": "owner", "code": "unknown_field", "message": "owner: unknown field; this request takes label, answers"}]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, "POST", "/api/v1/assessments", tc.body, token)
			assert.Equal(t, tc.status, res.Code)
			assert.JSONEq(t, tc.want, res.Body)
		})
	}

	t.Run("merge-patch media type on PATCH only", func(t *testing.T) {
		res := e.do(t, req{Method: "POST", Path: "/api/v1/assessments", Token: token, Body: `{}`,
			Header: map[string]string{"Content-Type": "application/merge-patch+json"}})
		assert.Equal(t, http.StatusUnsupportedMediaType, res.Code)
		assert.JSONEq(t, `{"type": "about:blank", "title": "Unsupported media type", "status": 415, "instance": "/api/v1/assessments",
			"detail": "Send the request body with Content-Type: application/json, not application/merge-patch+json."}`, res.Body)

		var a assessment
		e.call(t, "POST", "/api/v1/assessments", `{}`, token).decode(t, &a)
		res = e.do(t, req{Method: "PATCH", Path: "/api/v1/assessments/" + a.ID, Token: token, Body: `{"label": "merged"}`,
			Header: map[string]string{"Content-Type": "application/merge-patch+json"}})
		assert.Equal(t, http.StatusOK, res.Code, res.Body)
		res = e.do(t, req{Method: "PATCH", Path: "/api/v1/assessments/" + a.ID, Token: token, Body: `{"label": "merged"}`,
			Header: map[string]string{"Content-Type": "text/plain"}})
		assert.JSONEq(t, `{"type": "about:blank", "title": "Unsupported media type", "status": 415, "instance": "/api/v1/assessments/`+a.ID+`",
			"detail": "Send the request body with Content-Type: application/json or application/merge-patch+json, not text/plain."}`, res.Body)
	})
}

// TestAssessmentsAreTheirOwners checks that a key sees only the assessments it created.
func TestAssessmentsAreTheirOwners(t *testing.T) {
	e := newAPI(t, server.Config{})
	alice, bob := e.key(t, "alice", "consultant"), e.key(t, "bob", "editor")
	var a assessment
	e.call(t, "POST", "/api/v1/assessments", `{"label": "alice's client"}`, alice).decode(t, &a)
	path := "/api/v1/assessments/" + a.ID

	for _, tc := range []struct{ method, path, body string }{
		{"GET", path, ""},
		{"GET", path + "/result", ""},
		{"PATCH", path, `{"label": "mine now"}`},
		{"DELETE", path, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			res := e.call(t, tc.method, tc.path, tc.body, bob)
			assert.Equal(t, http.StatusNotFound, res.Code)
			assert.JSONEq(t, `{"type": "about:blank", "title": "Not found", "status": 404, "instance": "`+tc.path+`",
				"detail": "There is nothing at this address."}`, res.Body)
		})
	}
	res := e.call(t, "GET", "/api/v1/assessments", "", bob)
	assert.JSONEq(t, `{"items": [], "next_cursor": null}`, res.Body)

	var still assessment
	e.call(t, "GET", path, "", alice).decode(t, &still)
	assert.Equal(t, "alice's client", still.Label)

	t.Run("malformed IDs are not found", func(t *testing.T) {
		for _, id := range []string{"nope", strings.Repeat("A", 26), strings.Repeat("a", 27), "../../keys"} {
			res := e.call(t, "GET", "/api/v1/assessments/"+url.PathEscape(id), "", alice)
			assert.Equal(t, http.StatusNotFound, res.Code, id)
		}
	})
}

func TestAssessmentList(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme-consulting", "consultant")
	var ids []string // oldest first
	for i := range 5 {
		label := "even"
		if i%2 == 1 {
			label = "odd"
		}
		var a assessment
		res := e.call(t, "POST", "/api/v1/assessments", fmt.Sprintf(`{"label": %q}`, label), token)
		require.Equal(t, http.StatusCreated, res.Code, res.Body)
		res.decode(t, &a)
		ids = append(ids, a.ID)
	}
	type page struct {
		Items []struct {
			ID       string           `json:"id"`
			Label    string           `json:"label"`
			Complete bool             `json:"complete"`
			Versions advisor.Versions `json:"versions"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5)
		var p page
		res := e.call(t, "GET", "/api/v1/assessments?limit=2&cursor="+url.QueryEscape(cursor), "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		res.decode(t, &p)
		assert.LessOrEqual(t, len(p.Items), 2)
		for _, it := range p.Items {
			got = append(got, it.ID)
			assert.Equal(t, e.content.Current().Versions(), it.Versions)
			assert.False(t, it.Complete)
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	assert.Equal(t, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, got, "newest first, each once")

	var all page
	e.do(t, req{Method: "GET", Path: "/api/v1/assessments?cursor=&limit=", Token: token, Lenient: true}).decode(t, &all)
	assert.Len(t, all.Items, 5, "empty parameters mean their defaults")

	var odd page
	e.call(t, "GET", "/api/v1/assessments?label=odd", "", token).decode(t, &odd)
	require.Len(t, odd.Items, 2)
	assert.Equal(t, ids[3], odd.Items[0].ID)
	assert.Equal(t, ids[1], odd.Items[1].ID)
	assert.Nil(t, odd.NextCursor)

	for _, tc := range []struct{ name, query, want string }{
		{"limit zero", "limit=0", `{"field": "limit", "code": "invalid", "message": "limit: got \"0\", want a whole number from 1 to 200"}`},
		{"limit too big", "limit=201", `{"field": "limit", "code": "invalid", "message": "limit: got \"201\", want a whole number from 1 to 200"}`},
		{"limit not a number", "limit=ten", `{"field": "limit", "code": "invalid", "message": "limit: got \"ten\", want a whole number from 1 to 200"}`},
		{"cursor not issued", "cursor=bogus", `{"field": "cursor", "code": "invalid", "message": "cursor: not one this API issued for this sort order; pass next_cursor from the previous page unchanged, or leave it out for the first page"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, "GET", "/api/v1/assessments?"+tc.query, "", token)
			assert.Equal(t, http.StatusBadRequest, res.Code)
			assert.JSONEq(t, `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/assessments",
				"detail": "A query parameter has a value this endpoint does not accept.", "errors": [`+tc.want+`]}`, res.Body)
		})
	}
}

// TestAssessmentFollowsContent checks that a result computed with other content is
// recomputed, so that a result always matches its versions.
func TestStoredResultIsARecord(t *testing.T) {
	e := newAPI(t, server.Config{})
	token := e.key(t, "acme-consulting", "consultant")
	var a assessment
	e.call(t, "POST", "/api/v1/assessments", `{"answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, token).decode(t, &a)
	require.True(t, a.Complete)
	path := "/api/v1/assessments/" + a.ID

	// Pretend it was computed by an older rule set, whose result differed.
	ctx := context.Background()
	stored, err := e.store.GetAssessment(ctx, e.keyID(t, "acme-consulting"), a.ID)
	require.NoError(t, err)
	old := e.do(t, req{Method: "POST", Path: "/api/v1/evaluate", Body: `{"answers": ` + pagestest.AnswersJSON(t, "consumer-app-scale") + `}`})
	require.Equal(t, http.StatusOK, old.Code, old.Body)
	stored.RulesetVersion = "r-older"
	stored.Result = json.RawMessage(old.Body)
	require.NoError(t, e.store.UpdateAssessment(ctx, stored))

	t.Run("served as stored, said to be stale", func(t *testing.T) {
		res := e.call(t, "GET", path, "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var got assessment
		res.decode(t, &got)
		assert.Equal(t, "r-older", got.Versions.RuleSet)
		assert.True(t, got.Stale)
		assert.Equal(t, e.content.Current().Versions(), got.CurrentVersions)
		require.NotNil(t, got.Result)
		assert.Equal(t, "b2c-mobile-first", got.Result.Architecture.ID, "never a silent recomputation")

		res = e.call(t, "GET", path+"/result", "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Contains(t, res.Body, `"stale":true`)
		res = e.call(t, "GET", path+"/result?explain=true", "", token)
		assert.Equal(t, http.StatusConflict, res.Code, "a trace of other rules than the result's would mislead")
		assert.Contains(t, res.Body, "/problems/result-stale")

		res = e.call(t, "GET", "/api/v1/assessments", "", token)
		assert.Contains(t, res.Body, `"stale":true`)
	})

	t.Run("a label change keeps the stored result", func(t *testing.T) {
		res := e.call(t, "PATCH", path, `{"label": "Initech"}`, token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var got assessment
		res.decode(t, &got)
		assert.True(t, got.Stale)
		assert.Equal(t, "b2c-mobile-first", got.Result.Architecture.ID)
	})

	t.Run("reevaluate records a revision and returns the diff", func(t *testing.T) {
		before := e.call(t, "GET", path, "", token)
		res := e.do(t, req{Method: "POST", Path: path + "/reevaluate", Token: token, Header: map[string]string{"If-Match": before.Header.Get("ETag")}})
		require.Equal(t, http.StatusCreated, res.Code, res.Body)
		var got struct {
			Revision, PreviousRevision int
			Changed                    bool
			Changes                    *advisor.Change
			Result                     advisor.Recommendation
		}
		require.NoError(t, json.Unmarshal([]byte(strings.NewReplacer(`"previous_revision"`, `"PreviousRevision"`).Replace(res.Body)), &got))
		assert.True(t, got.Changed)
		require.NotNil(t, got.Changes)
		assert.Equal(t, &advisor.Delta{From: "b2c-mobile-first", To: "b2b-multi-tenant"}, got.Changes.Architecture)
		assert.Equal(t, got.PreviousRevision+1, got.Revision)
		assert.Equal(t, fmt.Sprintf("%s/revisions/%d", path, got.Revision), res.Header.Get("Location"))

		res = e.call(t, "GET", path, "", token)
		var now assessment
		res.decode(t, &now)
		assert.False(t, now.Stale)
		assert.Equal(t, "b2b-multi-tenant", now.Result.Architecture.ID)

		res = e.do(t, req{Method: "POST", Path: path + "/reevaluate", Token: token, Header: map[string]string{"If-Match": before.Header.Get("ETag")}})
		assert.Equal(t, http.StatusPreconditionFailed, res.Code, "the tag read before the re-evaluation is stale")

		res = e.call(t, "GET", path+"/revisions", "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var revs struct {
			Items []struct {
				Revision int    `json:"revision"`
				Cause    string `json:"cause"`
			} `json:"items"`
		}
		res.decode(t, &revs)
		var causes []string
		for _, r := range revs.Items {
			causes = append(causes, r.Cause)
		}
		assert.Equal(t, []string{"reevaluate", "label", "update", "create"}, causes)

		res = e.call(t, "GET", fmt.Sprintf("%s/revisions/%d", path, revs.Items[len(revs.Items)-1].Revision), "", token)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Contains(t, res.Body, `"cause":"create"`)
		assert.Equal(t, http.StatusNotFound, e.call(t, "GET", path+"/revisions/99", "", token).Code)
	})
}
