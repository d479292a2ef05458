package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/store"
)

// TestEditorWorkbench is an editor's session in a real browser against a server reading a
// copied content folder, as `serve --content DIR` does: sign in with the key, preview a
// scenario with its trace, edit the folder and see what the edit changes (the server has not
// reloaded it), then read the analytics of an assessment saved through the wizard and one
// saved through the API. axe-core checks every workbench page.
func TestEditorWorkbench(t *testing.T) {
	chrome := chromiumPath(t)
	axeSrc := axeSource(t)
	dir, holder := advisortest.Holder(t)
	s := startSiteWith(t, holder)
	b := newBrowser(t, chrome, s)

	newKey := func(name, role string) string {
		token, hash := store.NewToken()
		require.NoError(t, s.store.CreateKey(context.Background(), &store.Key{Name: name, Role: role, Hash: hash}))
		return token
	}
	editor, consultant := newKey("editor", "editor"), newKey("consultant", "consultant")
	part := func(name string, f func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	part("sign in", func(t *testing.T) {
		b.open(t, "/editor", 200)
		assert.Equal(t, "Editor workbench", b.text(t, "h1"))
		b.checkAxe(t, "axe", axeSrc)
		b.typeInto(t, "#key", editor)
		b.load(t, 200, press("#key", kb.Enter))
		assert.Equal(t, "/editor", b.location(t))
		assert.Equal(t, "Signed in as editor. Sign out", b.text(t, "form.sign-out p"))
		assert.Empty(t, eval[string](t, b, `document.cookie`), "the session cookie is HttpOnly")
		b.checkAxe(t, "axe signed in", axeSrc)
	})

	part("preview a scenario", func(t *testing.T) {
		b.do(t, chromedp.SetValue(chromedp.CSS("#scenario"), "Patient portal under HIPAA"))
		b.load(t, 200, press(`form.preview button[type=submit]`, kb.Enter))
		assert.Equal(t, "/editor/preview", b.location(t))
		assert.Contains(t, b.text(t, "dd.architecture"), "b2c-mobile-first")
		assert.Equal(t, "constraint-hipaa", b.text(t, "#rule-constraint-hipaa code.rule-id"), "the trace lists the rule")
		assert.NotEmpty(t, b.text(t, "#rule-constraint-hipaa .because"))
		b.checkAxe(t, "axe", axeSrc)
	})

	part("working folder", func(t *testing.T) {
		b.load(t, 200, press(`a[href="/editor/folder"]`, kb.Enter))
		assert.Equal(t, "Working folder", b.text(t, "h1"))
		assert.Regexp(t, `^\d+ scenarios compared, 0 changed\.$`, b.text(t, ".diff-summary"))
		assert.Equal(t, "No problems: the content loads and every scenario passes.", b.text(t, ".verdict"))
		assert.Regexp(t, `^Rule coverage: `, b.text(t, ".rule-coverage"))
		b.checkAxe(t, "axe", axeSrc)

		// The editor raises the weight a HIPAA constraint gives self-hosting in the copy.
		file := filepath.Join(dir, "rules", "30-constraints.yaml")
		orig, err := os.ReadFile(file)
		require.NoError(t, err)
		edited := bytes.Replace(orig, []byte("Business Associate Agreement.\n    architecture: {regulated-self-hosted: 4}"),
			[]byte("Business Associate Agreement.\n    architecture: {regulated-self-hosted: 20}"), 1)
		require.NotEqual(t, orig, edited, "the rule to edit is where the test expects it")
		require.NoError(t, os.WriteFile(file, edited, 0o644))

		b.load(t, 200, chromedp.Reload())
		assert.Regexp(t, `^\d+ scenarios compared, [1-9]\d* changed\.$`, b.text(t, ".diff-summary"))
		assert.Contains(t, b.texts(t, ".diff h3"), "Patient portal under HIPAA")
		assert.Contains(t, b.texts(t, ".diff li.headline"), "architecture: b2c-mobile-first → regulated-self-hosted")
		assert.Regexp(t, `a server refuses this content on reload\.$`, b.text(t, ".verdict"))
		assert.Regexp(t, `^rules/tests/[a-z0-9-]+\.yaml:\d+:\d+$`, b.text(t, ".validation > ul.problems code.place"))
		assert.Less(t, eval[int](t, b, `document.documentElement.outerHTML.length`), 30<<10, "the page stays under 30 KB")
		b.checkAxe(t, "axe with changes", axeSrc)
	})

	part("analytics of a wizard and an API assessment", func(t *testing.T) {
		type analytics struct {
			Results       int64 `json:"results"`
			Architectures []struct {
				ID    string `json:"id"`
				Count int64  `json:"count"`
			} `json:"architectures"`
			Funnel []struct {
				Step      string `json:"step"`
				Completed int64  `json:"completed"`
			} `json:"funnel"`
		}
		read := func(t *testing.T) (analytics, map[string]int64) {
			t.Helper()
			status, out := call(t, http.MethodGet, s.URL+"/api/v1/analytics", editor, "")
			require.Equal(t, http.StatusOK, status, out)
			var r analytics
			require.NoError(t, json.Unmarshal([]byte(out), &r))
			arch := map[string]int64{}
			for _, a := range r.Architectures {
				arch[a.ID] = a.Count
			}
			return r, arch
		}

		// Through the wizard, the B2B SaaS persona: a result is recorded each time a save leaves
		// the answers complete and changed, so the last two steps each record one.
		completeAssessment(t, s)
		wizard, arch := read(t)
		require.Positive(t, wizard.Results)
		assert.Equal(t, wizard.Results, arch["b2b-multi-tenant"], "every wizard result was B2B")
		require.NotEmpty(t, wizard.Funnel)
		for _, st := range wizard.Funnel {
			assert.Equal(t, int64(1), st.Completed, "the wizard completed step %s once", st.Step)
		}

		// Through the API, the HIPAA patient portal's answers, as a consultant would save them.
		list, err := scenario.Load(holder.Current().Source.Rules)
		require.NoError(t, err)
		var answers map[string]any
		for _, sc := range list {
			if sc.Name == "Patient portal under HIPAA" {
				answers = sc.Answers
			}
		}
		require.NotNil(t, answers)
		body, err := json.Marshal(map[string]any{"answers": answers})
		require.NoError(t, err)
		status, out := call(t, http.MethodPost, s.URL+"/api/v1/assessments", consultant, string(body))
		require.Equal(t, http.StatusCreated, status, out)

		both, arch := read(t)
		assert.Equal(t, wizard.Results+1, both.Results, "one more result, from the API")
		assert.Equal(t, int64(1), arch["b2c-mobile-first"], "the API's patient portal")
		assert.Equal(t, wizard.Funnel, both.Funnel, "the API's save is no part of the wizard's funnel")
	})

	t.Run("no console errors, script errors or failed loads", func(t *testing.T) {
		_, problems := b.rec.record()
		for _, p := range problems {
			t.Error(p)
		}
	})
}

// call sends a request with a bearer key and returns the status and body.
func call(t *testing.T, method, url, key, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}
