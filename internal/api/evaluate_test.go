package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

func TestQuestionnaire(t *testing.T) {
	e := newAPI(t, server.Config{})
	res := e.call(t, "GET", "/api/v1/questionnaire", "", "")
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	want, err := json.Marshal(e.content.Current().Questionnaire())
	require.NoError(t, err)
	assert.JSONEq(t, string(want), res.Body)

	var q struct {
		ID    string `json:"id"`
		Steps []struct {
			ID        string `json:"id"`
			Questions []struct {
				ID      string `json:"id"`
				When    string `json:"when"`
				Options []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"questions"`
		} `json:"steps"`
	}
	res.decode(t, &q)
	assert.Equal(t, "start-here", q.ID)
	var steps []string
	for _, s := range q.Steps {
		steps = append(steps, s.ID)
	}
	assert.Equal(t, []string{"shape", "build", "constraints", "scale", "primitives"}, steps)
	sso := q.Steps[0].Questions[2]
	assert.Equal(t, "enterprise_sso", sso.ID)
	assert.Equal(t, `identity_shape in ["b2b", "b2b2c"]`, sso.When)
	assert.Len(t, sso.Options, 3)

	t.Run("conditional", func(t *testing.T) {
		etag := res.Header.Get("ETag")
		require.NotEmpty(t, etag)
		again := e.do(t, req{Method: "GET", Path: "/api/v1/questionnaire", Header: map[string]string{"If-None-Match": etag}})
		assert.Equal(t, http.StatusNotModified, again.Code)
		assert.Empty(t, again.Body)
		other := e.do(t, req{Method: "GET", Path: "/api/v1/questionnaire", Header: map[string]string{"If-None-Match": `"stale"`}})
		assert.Equal(t, http.StatusOK, other.Code)
	})
}

func TestEvaluate(t *testing.T) {
	e := newAPI(t, server.Config{})
	b2b := pagestest.AnswersJSON(t, "b2b-sso-now")

	t.Run("recommends", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/evaluate", `{"answers": `+b2b+`}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		var rec advisor.Recommendation
		res.decode(t, &rec)
		assert.Equal(t, "b2b-multi-tenant", rec.Architecture.ID)
		assert.Equal(t, "buy-managed", rec.Approach.ID)
		assert.Equal(t, e.content.Current().Versions(), rec.Versions)
		assert.Nil(t, rec.Trace)
		assert.NotContains(t, res.Body, `"trace"`)
	})

	t.Run("explain", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/evaluate?explain=true", `{"answers": `+b2b+`}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var rec advisor.Recommendation
		res.decode(t, &rec)
		assert.Len(t, rec.Trace, len(e.content.Current().Rules.Rules))
	})

	t.Run("hidden answer is ignored with a notice", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/evaluate", `{"answers": {"identity_shape": "b2c", "identity_is_product": false, "mau_now": 1000, "enterprise_sso": "now"}}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var rec advisor.Recommendation
		res.decode(t, &rec)
		require.Len(t, rec.Notices, 1)
		assert.Equal(t, `enterprise_sso: answer ignored because the question is not asked for these answers (asked when identity_shape in ["b2b", "b2b2c"])`, rec.Notices[0].Message)
		assert.NotContains(t, rec.Answers, "enterprise_sso")
	})

	t.Run("numbers are exact", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/evaluate", `{"answers": {"identity_shape": "b2c", "identity_is_product": false, "mau_now": 1e3, "mau_growth_pct": 12.5}}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var rec advisor.Recommendation
		res.decode(t, &rec)
		assert.Equal(t, 1000, rec.Cost.MAUNow)
		assert.Equal(t, 1125, rec.Cost.MAU12m)
	})
}

func TestEvaluateSummaryView(t *testing.T) {
	e := newAPI(t, server.Config{})
	full := e.call(t, "POST", "/api/v1/evaluate?counterfactuals=false", `{"answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, "")
	require.Equal(t, http.StatusOK, full.Code, full.Body)
	sum := e.call(t, "POST", "/api/v1/evaluate?counterfactuals=false&view=summary", `{"answers": `+pagestest.AnswersJSON(t, "b2b-sso-now")+`}`, "")
	require.Equal(t, http.StatusOK, sum.Code, sum.Body)
	var f, s map[string]any
	full.decode(t, &f)
	sum.decode(t, &s)
	assert.NotEmpty(t, f["also_viable"])
	assert.Equal(t, []any{}, s["also_viable"])
	assert.Equal(t, []any{}, s["further_reading"])
	assert.Equal(t, f["leader"], s["leader"])
	assert.Equal(t, f["shortlist"], s["shortlist"])
	assert.Less(t, len(sum.Body), len(full.Body)*2/3, "the summary is much smaller")

	bad := e.do(t, req{Method: "POST", Path: "/api/v1/evaluate?view=short", Lenient: true, Body: `{"answers": {}}`})
	assert.Equal(t, http.StatusBadRequest, bad.Code)
	assert.Contains(t, bad.Body, `view: got \"short\", want full or summary`)
}

func TestEvaluateRefusesMistakes(t *testing.T) {
	e := newAPI(t, server.Config{MaxBodyBytes: 4096})
	for _, tc := range []struct {
		name   string
		req    req
		status int
		want   string // the problem body
	}{
		{
			name:   "invalid answers, every problem by question ID",
			req:    req{Body: `{"answers": {"identity_shape": "enterprise", "mau_now": -5, "favourite_colour": "blue"}}`},
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-answers", "title": "Invalid answers", "status": 422, "instance": "/api/v1/evaluate",
				"detail": "Some answers do not fit the questionnaire; each problem is listed by question ID.",
				"errors": [
					{"field": "favourite_colour", "code": "unknown_question", "message": "favourite_colour: no such question in questionnaire \"start-here\""},
					{"field": "identity_shape", "code": "unknown_option", "message": "identity_shape: got \"enterprise\", want one of \"b2c\", \"b2b\", \"b2b2c\""},
					{"field": "identity_is_product", "code": "required", "message": "identity_is_product: an answer is required (true or false)"},
					{"field": "mau_now", "code": "out_of_range", "message": "mau_now: got -5, want a whole number ≥ 0"}]}`,
		},
		{
			name:   "answers missing",
			req:    req{Body: `{}`},
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-request", "title": "Invalid request", "status": 422, "instance": "/api/v1/evaluate",
				"detail": "Some fields of the request do not fit; each problem is listed by field.",
				"errors": [{"field": "answers", "code": "required", "message": "answers: required, a JSON object keyed by question ID"}]}`,
		},
		{
			name:   "growth beyond the questionnaire's range",
			req:    req{Body: `{"answers": {"identity_shape": "b2c", "identity_is_product": false, "mau_now": 9000000000000000, "mau_growth_pct": 1e300}}`},
			status: http.StatusUnprocessableEntity,
			want: `{"type": "/problems/invalid-answers", "title": "Invalid answers", "status": 422, "instance": "/api/v1/evaluate",
				"detail": "Some answers do not fit the questionnaire; each problem is listed by question ID.",
				"errors": [{"field": "mau_growth_pct", "code": "out_of_range", "message": "mau_growth_pct: got 1e300, want a number from -100 to 1000"}]}`,
		},
		{
			name:   "malformed JSON names line and column",
			req:    req{Body: "{\n  \"answers\": {\"mau_now\": 5,}\n}"},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "Malformed JSON at line 2, column 28: invalid character '}' looking for beginning of object key string."}`,
		},
		{
			name:   "truncated JSON",
			req:    req{Body: `{"answers": {"mau_now": 5`},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "Malformed JSON at line 1, column 26: the body ends before the JSON value does."}`,
		},
		{
			name:   "data after the object",
			req:    req{Body: `{"answers": {}} {"answers": {}}`},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "Malformed JSON at line 1, column 17: unexpected data after the JSON object."}`,
		},
		{
			name:   "unknown field",
			req:    req{Body: `{"answers": {}, "explain": true}`},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "The request has a field this endpoint does not take.",
				"errors": [{"field": "explain", "code": "unknown_field", "message": "explain: unknown field; this request takes answers"}]}`,
		},
		{
			name:   "answers of the wrong type",
			req:    req{Body: `{"answers": ["b2b"]}`},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "A field of the request has the wrong type.",
				"errors": [{"field": "answers", "code": "wrong_type", "message": "answers: got a JSON array, want an object"}]}`,
		},
		{
			name:   "body not an object",
			req:    req{Body: `"b2b"`},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "The request body must be a JSON object, not a JSON string."}`,
		},
		{
			name:   "empty body",
			req:    req{Header: map[string]string{"Content-Type": "application/json"}},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "The request body is empty; send a JSON object."}`,
		},
		{
			name:   "explain not a boolean",
			req:    req{Path: "/api/v1/evaluate?explain=please", Body: `{"answers": {}}`},
			status: http.StatusBadRequest,
			want: `{"type": "about:blank", "title": "Bad request", "status": 400, "instance": "/api/v1/evaluate",
				"detail": "A query parameter has a value this endpoint does not accept.",
				"errors": [{"field": "explain", "code": "invalid", "message": "explain: got \"please\", want true or false"}]}`,
		},
		{
			name:   "no content type",
			req:    req{Body: `{"answers": {}}`, Header: map[string]string{"Content-Type": ""}},
			status: http.StatusUnsupportedMediaType,
			want: `{"type": "about:blank", "title": "Unsupported media type", "status": 415, "instance": "/api/v1/evaluate",
				"detail": "Send the request body with Content-Type: application/json; the request has none."}`,
		},
		{
			name:   "form content type",
			req:    req{Body: `answers=1`, Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
			status: http.StatusUnsupportedMediaType,
			want: `{"type": "about:blank", "title": "Unsupported media type", "status": 415, "instance": "/api/v1/evaluate",
				"detail": "Send the request body with Content-Type: application/json, not application/x-www-form-urlencoded."}`,
		},
		{
			name:   "JSON in another charset",
			req:    req{Body: `{"answers": {}}`, Header: map[string]string{"Content-Type": "application/json; charset=latin1"}},
			status: http.StatusUnsupportedMediaType,
			want: `{"type": "about:blank", "title": "Unsupported media type", "status": 415, "instance": "/api/v1/evaluate",
				"detail": "Send the request body with Content-Type: application/json, not application/json; charset=latin1."}`,
		},
		{
			name:   "body over the limit",
			req:    req{Body: `{"answers": {"x": "` + strings.Repeat("a", 5000) + `"}}`},
			status: http.StatusRequestEntityTooLarge,
			want: `{"type": "about:blank", "title": "Request too large", "status": 413, "instance": "/api/v1/evaluate",
				"detail": "The request body is larger than the server accepts."}`,
		},
		{
			name:   "cross-site request from a browser",
			req:    req{Body: `{"answers": {}}`, Header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"}},
			status: http.StatusForbidden,
			want: `{"type": "about:blank", "title": "Cross-origin request refused", "status": 403, "instance": "/api/v1/evaluate",
				"detail": "State-changing requests must come from this site's own pages."}`,
		},
		{
			name:   "wrong method",
			req:    req{Method: "GET"},
			status: http.StatusMethodNotAllowed,
			want: `{"type": "about:blank", "title": "Method not allowed", "status": 405, "instance": "/api/v1/evaluate",
				"detail": "This address does not accept that method."}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.req.Method == "" {
				tc.req.Method = "POST"
			}
			if tc.req.Path == "" {
				tc.req.Path = "/api/v1/evaluate"
			}
			res := e.do(t, tc.req)
			assert.Equal(t, tc.status, res.Code)
			assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
			assert.JSONEq(t, tc.want, res.Body)
		})
	}
	t.Run("charset utf-8 is accepted", func(t *testing.T) {
		res := e.do(t, req{Method: "POST", Path: "/api/v1/evaluate", Body: `{"answers": {"identity_shape": "b2c", "identity_is_product": true, "mau_now": 10}}`,
			Header: map[string]string{"Content-Type": "application/json; charset=UTF-8"}})
		assert.Equal(t, http.StatusOK, res.Code, res.Body)
	})
}

func TestEvaluateBatch(t *testing.T) {
	e := newAPI(t, server.Config{})
	b2b, hipaa := pagestest.AnswersJSON(t, "b2b-sso-now"), pagestest.AnswersJSON(t, "patient-portal-hipaa")
	single := func(answers string) string {
		res := e.call(t, "POST", "/api/v1/evaluate?counterfactuals=false", `{"answers": `+answers+`}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		return res.Body
	}

	// Items the document does not allow get their errors, and do not fail the others.
	res := e.do(t, req{Method: "POST", Path: "/api/v1/evaluate/batch", Lenient: true, Body: `{"items": [
		{"answers": ` + b2b + `},
		{"answers": {"identity_shape": "b2c", "mau_now": "many"}},
		null,
		42,
		{"answers": {}, "label": "x"},
		{"answers": ` + hipaa + `}
	]}`})
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	var out struct {
		Items []struct {
			Result json.RawMessage `json:"result"`
			Errors json.RawMessage `json:"errors"`
		} `json:"items"`
	}
	res.decode(t, &out)
	require.Len(t, out.Items, 6)
	assert.JSONEq(t, single(b2b), string(out.Items[0].Result))
	assert.JSONEq(t, `[
		{"field": "identity_is_product", "code": "required", "message": "identity_is_product: an answer is required (true or false)"},
		{"field": "mau_now", "code": "wrong_type", "message": "mau_now: got \"many\", want a whole number ≥ 0"}]`, string(out.Items[1].Errors))
	assert.JSONEq(t, `[{"field": "answers", "code": "required", "message": "answers: required, a JSON object keyed by question ID"}]`, string(out.Items[2].Errors))
	assert.JSONEq(t, `[{"field": "items[3]", "code": "wrong_type", "message": "items[3]: want an object holding answers"}]`, string(out.Items[3].Errors))
	assert.JSONEq(t, `[{"field": "label", "code": "unknown_field", "message": "label: unknown field; this request takes id, answers"}]`, string(out.Items[4].Errors))
	assert.JSONEq(t, single(hipaa), string(out.Items[5].Result))

	t.Run("explain", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/evaluate/batch?explain=true", `{"items": [{"answers": `+b2b+`}]}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Contains(t, res.Body, `"trace":[`)
	})

	t.Run("empty", func(t *testing.T) {
		res := e.call(t, "POST", "/api/v1/evaluate/batch", `{"items": []}`, "")
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.JSONEq(t, `{"items": []}`, res.Body)
	})

	items := strings.TrimSuffix(strings.Repeat(`{"answers": {}},`, 101), ",")
	for _, tc := range []struct{ name, body, want string }{
		{"more than 100 items", `{"items": [` + items + `]}`,
			`{"field": "items", "code": "too_many", "message": "items: got 101, at most 100 per request"}`},
		{"items missing", `{"answers": {}}`,
			`{"field": "answers", "code": "unknown_field", "message": "answers: unknown field; this request takes items"}`},
		{"items null", `{"items": null}`,
			`{"field": "items", "code": "required", "message": "items: required, an array of up to 100 objects each holding answers"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, "POST", "/api/v1/evaluate/batch", tc.body, "")
			var p struct {
				Status int               `json:"status"`
				Errors []json.RawMessage `json:"errors"`
			}
			res.decode(t, &p)
			require.Len(t, p.Errors, 1, res.Body)
			assert.Equal(t, res.Code, p.Status)
			assert.JSONEq(t, tc.want, string(p.Errors[0]))
		})
	}
	t.Run("exactly 100 items", func(t *testing.T) {
		items := strings.TrimSuffix(strings.Repeat(`{"answers": `+b2b+`},`, 100), ",")
		res := e.call(t, "POST", "/api/v1/evaluate/batch", `{"items": [`+items+`]}`, "")
		require.Equal(t, http.StatusOK, res.Code)
		assert.Equal(t, 100, strings.Count(res.Body, `{"status":"ok","result":`))
	})
}
