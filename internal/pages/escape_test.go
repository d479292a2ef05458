package pages_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
	qfiles "github.com/ciamadvisor/advisor/questionnaire"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

const hostile = `<script>alert(1)</script>`

func TestWebEscapesHostileInput(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	s.complete(id)

	rec := s.Submit("/a/"+id+"/step/scale", url.Values{"mau_now": {hostile}, "budget_annual_usd": {`"><img src=x onerror=alert(1)>`}}, "next")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	body := rec.Body.String()
	assert.NotContains(t, body, "<script>alert")
	assert.NotContains(t, body, "<img src=x")
	assert.Contains(t, body, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`)
	doc := pagestest.ParseHTML(t, rec)
	assert.Equal(t, hostile, doc.Find("#f-mau_now").AttrOr("value", ""), "kept as typed, as text")
	assert.Equal(t, 0, doc.Find("main script, main img").Length())

	// A hostile value for a choice is refused without being echoed.
	rec = s.Post("/a/"+id+"/step/shape", url.Values{"_seen": {"identity_shape"}, "identity_shape": {hostile}, "go": {"next"}})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.NotContains(t, rec.Body.String(), "alert(1)")
	assert.Equal(t, "Error: Choose one of the options shown.", textOf(pagestest.ParseHTML(t, rec).Find("#e-identity_shape")))
}

// TestWebEscapesContent serves content whose editor wrote markup into it: it must show as text.
func TestWebEscapesContent(t *testing.T) {
	q := copyFS(t, qfiles.FS)
	r := copyFS(t, rfiles.FS)
	replaceIn(t, q, "start-here.yaml", "title: Identity shape", "title: Identity "+hostile+" shape")
	replaceIn(t, q, "start-here.yaml", "label: Consumers (B2C)", "label: Consumers <b onmouseover=alert(1)>B2C</b>")
	replaceIn(t, r, "catalog/architectures.yaml", "title: B2B multi-tenant", "title: B2B <em>multi</em>-tenant "+hostile)
	replaceIn(t, r, "catalog/vendors/auth0.yaml", "name: Auth0", `name: "Auth0 <iframe src=//evil.example>"`)
	h, err := advisor.NewHolder(advisor.Source{Questionnaire: q, Rules: r})
	require.NoError(t, err)
	s := newSiteWith(t, server.Config{}, h)
	id := s.Start()
	s.complete(id)

	for _, path := range []string{"/", "/a/" + id + "/step/shape", "/a/" + id + "/review", "/a/" + id + "/result"} {
		rec := s.Get(path)
		require.Equal(t, http.StatusOK, rec.Code, path)
		body := rec.Body.String()
		for _, raw := range []string{"<script>alert", "<b onmouseover", "<em>multi", "<iframe"} {
			assert.NotContains(t, body, raw, path)
		}
	}
	step := s.Get("/a/" + id + "/step/shape").Body.String()
	assert.Contains(t, step, "Identity &lt;script&gt;alert(1)&lt;/script&gt; shape")
	assert.Contains(t, step, "Consumers &lt;b onmouseover=alert(1)&gt;B2C&lt;/b&gt;")
	doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/result"))
	assert.Contains(t, textOf(doc.Find("section.summary")), "Architecture: B2B <em>multi</em>-tenant "+hostile)
	assert.Contains(t, textOf(doc.Find("main")), "Auth0 <iframe src=//evil.example>")
}

func copyFS(t *testing.T, src fs.FS) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	require.NoError(t, err)
	return out
}

func replaceIn(t *testing.T, m fstest.MapFS, name, old, repl string) {
	t.Helper()
	s := string(m[name].Data)
	require.Contains(t, s, old, name)
	m[name].Data = []byte(strings.Replace(s, old, repl, 1))
}

type scenarioAssessment struct{ id, name string }

// scenarioAssessments stores one complete web assessment per valid persona scenario, so that
// pages can be checked across every shape of result the shipped rules produce.
func scenarioAssessments(t testing.TB, s *site) []scenarioAssessment {
	t.Helper()
	scs, err := scenario.Load(rfiles.FS)
	require.NoError(t, err)
	adv, err := advisor.Load(advisor.Embedded())
	require.NoError(t, err)
	var out []scenarioAssessment
	for _, sc := range scs {
		data, err := json.Marshal(sc.Answers)
		require.NoError(t, err)
		raw, err := questionnaire.DecodeJSON(data)
		require.NoError(t, err)
		if _, _, err := adv.Questionnaire().Validate(raw); err != nil || len(sc.Expect.Notices) > 0 {
			continue // invalid answers, or hidden ones the web form could not have posted
		}
		a := &store.Assessment{Answers: data}
		require.NoError(t, s.Store.CreateAssessment(t.Context(), a))
		out = append(out, scenarioAssessment{id: a.ID, name: sc.Name})
	}
	require.NotEmpty(t, out)
	return out
}

func formRequest(method, path, form string) *http.Request {
	req := httptest.NewRequest(method, "http://advisor.test"+path, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func (s *site) do(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return rec
}
