package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/store"
)

// The web wizard's browsing helpers, from internal/pages' tests: the analytics test drives the
// wizard and the API over one site to check that both feed the same counts.

// site is the real router, built as production builds it, driven like a browser.
type site struct {
	t       testing.TB
	handler http.Handler
	store   store.Store
}

func (s *site) get(path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://advisor.test"+path, nil)
	req.Header.Set("Sec-Fetch-Site", "none")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// post submits a form the way a browser on this site does.
func (s *site) post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://advisor.test"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "http://advisor.test")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// start presses Start on the landing page and returns the ID of a stored assessment with no
// answers yet. Start itself stores nothing (the first saved answer creates the assessment), so
// the empty assessment is put in the store directly, as one whose answers were all cleared.
func (s *site) start() string {
	s.t.Helper()
	rec := s.post("/assessments", nil)
	require.Equal(s.t, http.StatusSeeOther, rec.Code)
	require.Equal(s.t, "/a/new/step/shape", rec.Header().Get("Location"))
	a := &store.Assessment{Answers: json.RawMessage("{}")}
	require.NoError(s.t, s.store.CreateAssessment(context.Background(), a))
	return a.ID
}

func parseHTML(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	require.NoError(t, err)
	return doc
}

// fill returns what the page's form submits with the given answers typed in: every enabled
// field with its current value, then each answer replacing that field's values. It fails the
// test if an answer names a field the form does not offer enabled, or a choice it lacks, so
// the test cannot post what a browser could not.
func fill(t testing.TB, doc *goquery.Document, answers url.Values) url.Values {
	t.Helper()
	form := doc.Find("main form[method=post]").First()
	require.Equal(t, 1, form.Length(), "page has a form")
	out := url.Values{}
	offered := map[string]map[string]bool{}
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		if _, disabled := in.Attr("disabled"); disabled {
			return
		}
		name, _ := in.Attr("name")
		val, _ := in.Attr("value")
		if offered[name] == nil {
			offered[name] = map[string]bool{}
		}
		switch typ, _ := in.Attr("type"); typ {
		case "radio", "checkbox":
			offered[name][val] = true
			if _, on := in.Attr("checked"); on {
				out.Add(name, val)
			}
		default:
			offered[name][""] = true
			out.Add(name, val)
		}
	})
	for name, vals := range answers {
		opts, ok := offered[name]
		require.True(t, ok, "the form offers no enabled field %q", name)
		if !opts[""] {
			for _, v := range vals {
				require.True(t, opts[v], "field %q has no choice %q", name, v)
			}
		}
		out[name] = vals
	}
	return out
}

// submit fills the form on the page at path and presses the button go ("next" or "back").
func (s *site) submit(path string, answers url.Values, button string) *httptest.ResponseRecorder {
	s.t.Helper()
	page := s.get(path)
	require.Equal(s.t, http.StatusOK, page.Code, "GET %s", path)
	doc := parseHTML(s.t, page)
	form := fill(s.t, doc, answers)
	require.Equal(s.t, 1, doc.Find(`button[name=go][value=`+button+`]`).Length(), "page has a %s button", button)
	form.Set("go", button)
	action, _ := doc.Find("main form[method=post]").Attr("action")
	return s.post(action, form)
}

// atScale starts an assessment and answers it up to the scale step.
func (s *site) atScale() (id, scale string) {
	s.t.Helper()
	id = s.start()
	require.Equal(s.t, http.StatusSeeOther, s.submit("/a/"+id+"/step/shape", url.Values{"identity_shape": {"b2c"}}, "next").Code)
	require.Equal(s.t, http.StatusSeeOther, s.submit("/a/"+id+"/step/build", url.Values{"identity_is_product": {"no"}}, "next").Code)
	require.Equal(s.t, http.StatusSeeOther, s.submit("/a/"+id+"/step/constraints", nil, "next").Code)
	return id, "/a/" + id + "/step/scale"
}
