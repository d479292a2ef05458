package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// TestHeadForEveryGetRoute: HEAD used to get 405 on every page and on /healthz. Every GET
// route now answers HEAD with the GET's status and headers and no body.
func TestHeadForEveryGetRoute(t *testing.T) {
	e := newAPI(t, server.Config{})
	editor := e.key(t, "ops", "editor")
	consultant := e.key(t, "acme", "consultant")
	created := e.serve2(req{Method: "POST", Path: "/api/v1/assessments", Body: `{"label": "head", "answers": ` + pagestest.AnswersJSON(t, "b2b-sso-now") + `}`, Token: consultant})
	require.Equal(t, http.StatusCreated, created.Code, created.Body)
	var a struct{ ID string }
	created.decode(t, &a)
	web := &store.Assessment{Answers: json.RawMessage(pagestest.AnswersJSON(t, "b2b-sso-now"))}
	require.NoError(t, e.store.CreateAssessment(context.Background(), web))

	for _, path := range []string{
		"/", "/healthz", "/readyz", "/metrics", "/openapi.json",
		"/api/v1/questionnaire", "/api/v1/guides", "/api/v1/architectures", "/api/v1/vendors", "/api/v1/ruleset",
		"/api/v1/assessments", "/api/v1/assessments/" + a.ID, "/api/v1/assessments/" + a.ID + "/result",
		"/a/" + web.ID, "/a/" + web.ID + "/step/shape", "/a/" + web.ID + "/review", "/a/" + web.ID + "/result", "/a/" + web.ID + "/result.md",
	} {
		t.Run(path, func(t *testing.T) {
			token := consultant
			if path == "/metrics" || path == "/api/v1/ruleset" {
				token = editor
			}
			get := e.serve2(req{Method: "GET", Path: path, Token: token})
			require.Less(t, get.Code, 400, get.Body)
			head := e.serve2(req{Method: "HEAD", Path: path, Token: token})
			assert.Equal(t, get.Code, head.Code)
			assert.Equal(t, get.Header.Get("Location"), head.Header.Get("Location"))
			assert.Empty(t, head.Body)
			assert.Equal(t, get.Header.Get("Content-Type"), head.Header.Get("Content-Type"))
			if n := get.Header.Get("Content-Length"); n != "" {
				assert.Equal(t, n, head.Header.Get("Content-Length"))
				assert.Equal(t, strconv.Itoa(len(get.Body)), n)
			}
		})
	}
	t.Run("a POST-only route", func(t *testing.T) {
		res := e.serve2(req{Method: "HEAD", Path: "/api/v1/evaluate"})
		assert.Equal(t, http.StatusMethodNotAllowed, res.Code)
		assert.Empty(t, res.Body)
	})
}
