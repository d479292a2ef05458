package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/server"
)

func TestCatalogue(t *testing.T) {
	e := newAPI(t, server.Config{})
	c := e.content.Current().Catalog()
	for _, tc := range []struct {
		path  string
		items any
	}{
		{"/api/v1/guides", c.Guides},
		{"/api/v1/architectures", c.Architectures},
		{"/api/v1/vendors", c.Vendors},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := e.call(t, "GET", tc.path, "", "")
			require.Equal(t, http.StatusOK, res.Code, res.Body)
			want, err := json.Marshal(map[string]any{"items": tc.items})
			require.NoError(t, err)
			assert.JSONEq(t, string(want), res.Body)

			etag := res.Header.Get("ETag")
			require.NotEmpty(t, etag)
			again := e.do(t, req{Method: "GET", Path: tc.path, Header: map[string]string{"If-None-Match": `W/"x", ` + etag}})
			assert.Equal(t, http.StatusNotModified, again.Code)
		})
	}

	t.Run("vendors carry every fact with its source and date", func(t *testing.T) {
		var out struct {
			Items []struct {
				ID    string `json:"id"`
				Facts map[string]struct {
					Value    string `json:"value"`
					Source   string `json:"source"`
					Reviewed string `json:"reviewed"`
				} `json:"facts"`
			} `json:"items"`
		}
		e.call(t, "GET", "/api/v1/vendors", "", "").decode(t, &out)
		require.Len(t, out.Items, len(c.Vendors))
		for _, v := range out.Items {
			assert.Len(t, v.Facts, len(catalog.FactKeys), v.ID)
			for k, f := range v.Facts {
				if f.Value != "unknown" {
					assert.NotEmpty(t, f.Source, "%s %s", v.ID, k)
					assert.NotEmpty(t, f.Reviewed, "%s %s", v.ID, k)
				}
			}
		}
	})
}

func TestRuleset(t *testing.T) {
	dir, content := advisortest.Holder(t)
	e := newAPIWith(t, server.Config{}, content, filepath.Join(t.TempDir(), "advisor.db"))
	editor, consultant := e.key(t, "eddie", "editor"), e.key(t, "connie", "consultant")

	st := content.Status()
	public := `{"versions": {"questionnaire": "` + st.Versions.Questionnaire + `", "ruleset": "` + st.Versions.RuleSet + `"},
		"loaded_at": "` + st.LoadedAt.UTC().Format(time.RFC3339Nano) + `"`
	t.Run("anyone sees the versions", func(t *testing.T) {
		for _, token := range []string{"", consultant} {
			res := e.call(t, "GET", "/api/v1/ruleset", "", token)
			require.Equal(t, http.StatusOK, res.Code, res.Body)
			assert.JSONEq(t, public+`}`, res.Body)
		}
	})
	t.Run("an editor sees the folder", func(t *testing.T) {
		res := e.call(t, "GET", "/api/v1/ruleset", "", editor)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		dirJSON, _ := json.Marshal(dir)
		assert.JSONEq(t, public+`, "content_dir": `+string(dirJSON)+`, "last_error": null}`, res.Body)
	})
	t.Run("an editor sees why a reload failed", func(t *testing.T) {
		rule := filepath.Join(dir, "rules", "10-shape.yaml")
		src, err := os.ReadFile(rule)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(rule, append(src, "\n  - id: broken\n    when: no_such_question > 1\n"...), 0o644))
		require.Error(t, content.Reload())

		res := e.call(t, "GET", "/api/v1/ruleset", "", editor)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var out struct {
			Versions  advisor.Versions `json:"versions"`
			LastError struct {
				Message  string    `json:"message"`
				At       time.Time `json:"at"`
				Problems []struct {
					File string `json:"file"`
					Line int    `json:"line"`
				} `json:"problems"`
			} `json:"last_error"`
		}
		res.decode(t, &out)
		now := content.Status()
		assert.Equal(t, st.Versions, out.Versions, "the previous content keeps serving")
		assert.Equal(t, now.LastError.Error(), out.LastError.Message)
		assert.True(t, now.ErrorAt.Equal(out.LastError.At))
		require.NotEmpty(t, out.LastError.Problems)
		assert.Equal(t, "rules/10-shape.yaml", out.LastError.Problems[0].File)

		res = e.call(t, "GET", "/api/v1/ruleset", "", consultant)
		assert.JSONEq(t, public+`}`, res.Body, "only editors see it")
	})
	t.Run("a wrong key is refused", func(t *testing.T) {
		res := e.call(t, "GET", "/api/v1/ruleset", "", "ciam_wrong")
		assert.Equal(t, http.StatusUnauthorized, res.Code)
	})
}
