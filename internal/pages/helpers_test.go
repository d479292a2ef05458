package pages_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// site is the real router, built as production builds it, driven like a browser.
type site struct {
	t       testing.TB
	handler http.Handler
	store   store.Store
}

func newSite(t testing.TB, cfg server.Config) *site {
	t.Helper()
	h, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	return newSiteWith(t, cfg, h)
}

func newSiteWith(t testing.TB, cfg server.Config, h *advisor.Holder) *site {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	srv := app.New(cfg, h, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &site{t: t, handler: srv.Handler(), store: st}
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

func textOf(sel *goquery.Selection) string { return strings.Join(strings.Fields(sel.Text()), " ") }

// scenarios are the persona scenarios of rules/tests: realistic answers.
func scenarios(t testing.TB) []*scenario.Scenario {
	t.Helper()
	list, err := scenario.Load(rfiles.FS)
	require.NoError(t, err)
	return list
}

// answersJSON is a scenario's answers from rules/tests, as JSON.
func answersJSON(t testing.TB, name string) string {
	t.Helper()
	for _, s := range scenarios(t) {
		if s.File == "rules/tests/"+name+".yaml" {
			b, err := json.Marshal(s.Answers)
			require.NoError(t, err)
			return string(b)
		}
	}
	t.Fatalf("no scenario %s", name)
	return ""
}
