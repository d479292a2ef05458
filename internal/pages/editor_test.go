package pages_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// editorPost submits a form to the workbench as a browser on this site does, with the session
// cookie when one is given.
func (s *site) editorPost(path string, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://advisor.test"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "http://advisor.test")
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return rec
}

func (s *site) editorGet(cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://advisor.test/editor", nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return rec
}

// TestEditorPreview: an editor signs in with the key once, previews a scenario and pasted
// answers with the explain trace, and signs out; nobody else gets in.
func TestEditorPreview(t *testing.T) {
	s := newSite(t, server.Config{})
	newKey := func(name, role string) string {
		token, hash := store.NewToken()
		require.NoError(t, s.Store.CreateKey(context.Background(), &store.Key{Name: name, Role: role, Hash: hash}))
		return token
	}
	editor, consultant := newKey("ed", "editor"), newKey("co", "consultant")

	page := pagestest.ParseHTML(t, s.editorGet(nil))
	assert.Equal(t, 1, page.Find(`form[action="/editor/sign-in"] input[type=password][name=key]`).Length(), "the sign-in form")
	assert.Zero(t, page.Find(`form[action="/editor/preview"]`).Length())

	for name, key := range map[string]string{"a consultant's key": consultant, "an unknown key": "ciam_nope", "no key": ""} {
		t.Run(name, func(t *testing.T) {
			rec := s.editorPost("/editor/sign-in", url.Values{"key": {key}}, nil)
			assert.Equal(t, http.StatusUnauthorized, rec.Code)
			assert.Empty(t, rec.Result().Cookies())
			assert.Equal(t, "That key is unknown, revoked or not an editor's key (advisor keys create --role editor makes one).",
				textOf(pagestest.ParseHTML(t, rec).Find("#key-error")))
		})
	}

	rec := s.editorPost("/editor/sign-in", url.Values{"key": {" " + editor + " "}}, nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	assert.Equal(t, "/editor", rec.Header().Get("Location"))
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	session := cookies[0]
	assert.True(t, session.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, session.SameSite)
	assert.Equal(t, "/editor", session.Path)
	assert.NotContains(t, session.Value, editor, "a session token, not the key")

	page = pagestest.ParseHTML(t, s.editorGet(session))
	assert.Equal(t, "Signed in as ed. Sign out", textOf(page.Find("form.sign-out p")))
	var name string
	for _, sc := range pagestest.Scenarios(t) {
		if sc.File == "rules/tests/b2b-sso-now.yaml" {
			name = sc.Name
		}
	}
	assert.Equal(t, 1, page.Find(`select[name=scenario] option[value="`+name+`"]`).Length(), "scenarios to pick")

	t.Run("a scenario", func(t *testing.T) {
		rec := s.editorPost("/editor/preview", url.Values{"scenario": {name}}, session)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		page := pagestest.ParseHTML(t, rec)
		assert.Contains(t, textOf(page.Find("dd.architecture")), "b2b-multi-tenant")
		assert.Contains(t, page.Find("textarea[name=answers]").Text(), `"identity_shape": "b2b"`, "the scenario's answers, to change")
		fired := page.Find("ol.fired li.rule")
		assert.Positive(t, fired.Length())
		assert.Equal(t, "shape-b2b", textOf(page.Find("#rule-shape-b2b code.rule-id")))
		assert.NotEmpty(t, textOf(page.Find("#rule-shape-b2b .because")), "the sentence the rule gives")
		assert.Contains(t, textOf(page.Find("#rule-shape-b2b .inputs")), `identity_shape = "b2b"`)
		assert.Positive(t, page.Find("details ol.not-fired li.rule").Length())
	})

	t.Run("pasted answers", func(t *testing.T) {
		rec := s.editorPost("/editor/preview", url.Values{"answers": {pagestest.AnswersJSON(t, "b2b-sso-now")}, "scenario": {"ignored"}}, session)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Contains(t, textOf(pagestest.ParseHTML(t, rec).Find("dd.architecture")), "b2b-multi-tenant")
	})

	t.Run("answers that do not parse", func(t *testing.T) {
		rec := s.editorPost("/editor/preview", url.Values{"answers": {`{"identity_shape": "b2x"}`}}, session)
		assert.Equal(t, http.StatusUnprocessableEntity, rec.Code)
		page := pagestest.ParseHTML(t, rec)
		assert.Contains(t, textOf(page.Find("#answers-error")), "identity_shape")
		assert.Equal(t, `{"identity_shape": "b2x"}`, page.Find("textarea[name=answers]").Text(), "the input is kept")
		assert.Zero(t, page.Find("section.trace").Length())
	})

	t.Run("nothing to preview", func(t *testing.T) {
		rec := s.editorPost("/editor/preview", url.Values{}, session)
		assert.Equal(t, http.StatusUnprocessableEntity, rec.Code)
		assert.Equal(t, "Pick a scenario or paste answers as a JSON object keyed by question ID.", textOf(pagestest.ParseHTML(t, rec).Find("#answers-error")))
	})

	t.Run("from another site", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "http://advisor.test/editor/preview", strings.NewReader("scenario="+url.QueryEscape(name)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.AddCookie(session)
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusForbidden, rec.Code)
	})

	t.Run("without a session", func(t *testing.T) {
		rec := s.editorPost("/editor/preview", url.Values{"scenario": {name}}, nil)
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
		assert.Equal(t, "Sign in with an editor's key first.", textOf(pagestest.ParseHTML(t, rec).Find("#key-error")))
	})

	rec = s.editorPost("/editor/sign-out", nil, session)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	cleared := rec.Result().Cookies()
	require.Len(t, cleared, 1)
	assert.Equal(t, -1, cleared[0].MaxAge)
	assert.Equal(t, http.StatusUnauthorized, s.editorPost("/editor/preview", url.Values{"scenario": {name}}, session).Code, "the old cookie no longer works")
	assert.Equal(t, 1, pagestest.ParseHTML(t, s.editorGet(session)).Find(`input[name=key]`).Length())
}
