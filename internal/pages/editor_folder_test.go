package pages_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// editorSignIn makes an editor's key, signs in with it and returns the session cookie.
func (s *site) editorSignIn(t *testing.T) *http.Cookie {
	t.Helper()
	token, hash := store.NewToken()
	require.NoError(t, s.Store.CreateKey(context.Background(), &store.Key{Name: "ed", Role: "editor", Hash: hash}))
	rec := s.editorPost("/editor/sign-in", url.Values{"key": {token}}, nil)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	return cookies[0]
}

func (s *site) editorGetAt(path string, cookie *http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "http://advisor.test"+path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return rec
}

// TestEditorFolder: with a content folder, the workbench compares the folder as it is on disk
// with the content serving, scenario by scenario, checks it as validate does and reports its
// scenarios' coverage; a folder that does not load shows every problem with file:line:col.
func TestEditorFolder(t *testing.T) {
	dir, h := advisortest.Holder(t)
	s := newSiteWith(t, server.Config{}, h)

	rec := s.editorGetAt("/editor/folder", nil)
	assert.Equal(t, http.StatusSeeOther, rec.Code, "signed out: to the sign-in form")
	assert.Equal(t, "/editor", rec.Header().Get("Location"))

	session := s.editorSignIn(t)
	assert.Equal(t, 1, pagestest.ParseHTML(t, s.editorGet(session)).Find(`a[href="/editor/folder"]`).Length(), "the preview links to the folder view")

	t.Run("unchanged", func(t *testing.T) {
		rec := s.editorGetAt("/editor/folder", session)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		page := pagestest.ParseHTML(t, rec)
		assert.Regexp(t, `^\d+ scenarios compared, 0 changed\.$`, textOf(page.Find(".diff-summary")))
		assert.Equal(t, "No problems: the content loads and every scenario passes.", textOf(page.Find(".verdict")))
		assert.Regexp(t, `^\d+ warnings: content reviewed more than 365 days ago in rules/catalog/`, textOf(page.Find(".stale-summary")))
		assert.Regexp(t, `^Rule coverage: \d+\.\d% \(\d+ of \d+ rules fired by some scenario\)\.$`, textOf(page.Find(".rule-coverage")))
		assert.Regexp(t, `^Effect coverage: `, textOf(page.Find(".effect-coverage")))
		assert.Regexp(t, `^\d+ scenarios passed, 0 failed\.$`, textOf(page.Find(".coverage .scenarios")))
		assert.Less(t, rec.Body.Len(), 30<<10, "the page stays small")
	})

	file := filepath.Join(dir, "rules", "30-constraints.yaml")
	orig, err := os.ReadFile(file)
	require.NoError(t, err)
	write := func(t *testing.T, b []byte) {
		t.Helper()
		require.NoError(t, os.WriteFile(file, b, 0o644))
		t.Cleanup(func() { require.NoError(t, os.WriteFile(file, orig, 0o644)) })
	}

	t.Run("an edit not swapped in", func(t *testing.T) {
		edited := bytes.Replace(orig, []byte("Business Associate Agreement.\n    architecture: {regulated-self-hosted: 4}"),
			[]byte("Business Associate Agreement.\n    architecture: {regulated-self-hosted: 20}"), 1)
		require.NotEqual(t, orig, edited)
		write(t, edited)
		rec := s.editorGetAt("/editor/folder", session)
		require.Equal(t, http.StatusOK, rec.Code)
		page := pagestest.ParseHTML(t, rec)
		assert.Regexp(t, `^\d+ scenarios compared, [1-9]\d* changed\.$`, textOf(page.Find(".diff-summary")))
		assert.Contains(t, page.Find(".diff h3").Map(func(_ int, h3 *goquery.Selection) string { return h3.Text() }),
			"Patient portal under HIPAA")
		assert.Contains(t, textOf(page.Find(".diff li.headline")), "architecture: b2c-mobile-first → regulated-self-hosted")
		assert.Contains(t, textOf(page.Find(".diff ul.changes")), "constraint-hipaa", "changes name the rule")
		assert.Regexp(t, `^\d+ problems?: a server refuses this content on reload\.$`, textOf(page.Find(".verdict")))
		assert.Regexp(t, `^rules/tests/[a-z0-9-]+\.yaml:\d+:\d+$`, textOf(page.Find(".validation > ul.problems code.place").First()))
		assert.Contains(t, textOf(page.Find(".validation > ul.problems")),
			"Patient portal under HIPAA: scenario fails: architecture: expected b2c-mobile-first, got regulated-self-hosted")
		assert.Regexp(t, `^\d+ scenarios passed, [1-9]\d* failed\.$`, textOf(page.Find(".coverage .scenarios")))
		assert.Equal(t, h.Current().Versions().RuleSet, textOf(page.Find(".lead code").Eq(1)), "the serving content is unchanged")
	})

	t.Run("a folder that does not load", func(t *testing.T) {
		write(t, append([]byte("rules:\n  - id: broken\n    when: 'identity_shape =='\n"), orig...))
		rec := s.editorGetAt("/editor/folder", session)
		require.Equal(t, http.StatusOK, rec.Code)
		page := pagestest.ParseHTML(t, rec)
		assert.Regexp(t, `^The folder does not load \(\d+ problems?\)$`, textOf(page.Find("#load-h")))
		assert.Regexp(t, `^rules/30-constraints\.yaml:\d+:\d+$`, textOf(page.Find(".load-problems code.place").First()))
		assert.Zero(t, page.Find("section.diff, section.coverage").Length())
	})
}

// TestEditorFolderEmbedded: serving the built-in content, the view checks it and reports its
// coverage, and says how to compare a folder.
func TestEditorFolderEmbedded(t *testing.T) {
	s := newSite(t, server.Config{})
	rec := s.editorGetAt("/editor/folder", s.editorSignIn(t))
	require.Equal(t, http.StatusOK, rec.Code)
	page := pagestest.ParseHTML(t, rec)
	assert.Zero(t, page.Find("section.diff").Length())
	assert.Contains(t, textOf(page.Find(".lead")), "start it with advisor serve --content DIR")
	assert.Equal(t, "No problems: the content loads and every scenario passes.", textOf(page.Find(".verdict")))
	assert.Equal(t, 1, page.Find("section.coverage").Length())
}
