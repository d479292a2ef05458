// Package pagestest drives the web wizard in tests as a browser does: Site sends GETs and form
// POSTs with the headers a browser on the site sends, fills in and submits the page's form, and
// starts an assessment. It also gives the persona scenarios' answers that tests post. The tests
// of internal/pages and internal/api use it; only tests may import it.
package pagestest

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

	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/store"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// Site is the real router, built as production builds it, driven like a browser.
type Site struct {
	T       testing.TB
	Handler http.Handler
	Store   store.Store
}

// Get requests path as a browser does when the address is typed in.
func (s *Site) Get(path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://advisor.test"+path, nil)
	req.Header.Set("Sec-Fetch-Site", "none")
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return rec
}

// Post submits a form the way a browser on this site does.
func (s *Site) Post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://advisor.test"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "http://advisor.test")
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return rec
}

// Start presses Start on the landing page and returns the ID of a stored assessment with no
// answers yet. Start itself stores nothing (the first saved answer creates the assessment), so
// the empty assessment is put in the store directly, as one whose answers were all cleared.
func (s *Site) Start() string {
	s.T.Helper()
	rec := s.Post("/assessments", nil)
	require.Equal(s.T, http.StatusSeeOther, rec.Code)
	require.Equal(s.T, "/a/new/step/shape", rec.Header().Get("Location"))
	a := &store.Assessment{Answers: json.RawMessage("{}")}
	require.NoError(s.T, s.Store.CreateAssessment(context.Background(), a))
	return a.ID
}

// ParseHTML parses a response's body as an HTML document.
func ParseHTML(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	require.NoError(t, err)
	return doc
}

// Fill returns what the page's form submits with the given answers typed in: every enabled
// field with its current value, then each answer replacing that field's values. It fails the
// test if an answer names a field the form does not offer enabled, or a choice it lacks, so
// the test cannot post what a browser could not.
func Fill(t testing.TB, doc *goquery.Document, answers url.Values) url.Values {
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

// Submit fills the form on the page at path and presses the button go ("next" or "back").
func (s *Site) Submit(path string, answers url.Values, button string) *httptest.ResponseRecorder {
	s.T.Helper()
	page := s.Get(path)
	require.Equal(s.T, http.StatusOK, page.Code, "GET %s", path)
	doc := ParseHTML(s.T, page)
	form := Fill(s.T, doc, answers)
	require.Equal(s.T, 1, doc.Find(`button[name=go][value=`+button+`]`).Length(), "page has a %s button", button)
	form.Set("go", button)
	action, _ := doc.Find("main form[method=post]").Attr("action")
	return s.Post(action, form)
}

// AtScale starts an assessment and answers it up to the scale step.
func (s *Site) AtScale() (id, scale string) {
	s.T.Helper()
	id = s.Start()
	require.Equal(s.T, http.StatusSeeOther, s.Submit("/a/"+id+"/step/shape", url.Values{"identity_shape": {"b2c"}}, "next").Code)
	require.Equal(s.T, http.StatusSeeOther, s.Submit("/a/"+id+"/step/build", url.Values{"identity_is_product": {"no"}}, "next").Code)
	require.Equal(s.T, http.StatusSeeOther, s.Submit("/a/"+id+"/step/constraints", nil, "next").Code)
	return id, "/a/" + id + "/step/scale"
}

// Scenarios are the persona scenarios of rules/tests: realistic answers.
func Scenarios(t testing.TB) []*scenario.Scenario {
	t.Helper()
	list, err := scenario.Load(rfiles.FS)
	require.NoError(t, err)
	return list
}

// AnswersJSON is a scenario's answers from rules/tests, as JSON.
func AnswersJSON(t testing.TB, name string) string {
	t.Helper()
	for _, s := range Scenarios(t) {
		if s.File == "rules/tests/"+name+".yaml" {
			b, err := json.Marshal(s.Answers)
			require.NoError(t, err)
			return string(b)
		}
	}
	t.Fatalf("no scenario %s", name)
	return ""
}
