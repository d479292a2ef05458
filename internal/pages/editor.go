package pages

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// The editors' workbench (issue 11, step 7): a page where an editor tries answers against the
// content serving now and reads why each rule fired or not.
//
//	GET  /editor            the sign-in form, or the preview form once signed in
//	POST /editor/sign-in    key=TOKEN (an editor's API key) → a session cookie, 303 to /editor
//	POST /editor/sign-out   ends the session, 303 to /editor
//	POST /editor/preview    scenario=NAME or answers=JSON → the result with its explain trace
//	GET  /editor/folder     the working folder against the content serving, its checks and coverage
//
// The editor signs in with the key once; the browser then holds a random session token in an
// HttpOnly, SameSite=Strict cookie scoped to /editor, and the database only its hash (store
// sessions), so a session works on every instance and ends with the key's revocation. POSTs
// are rate-limited per client IP and covered by the cross-origin protection of Handler.

// editorCookie names the session cookie.
const editorCookie = "advisor_editor"

// editorSessionTTL is how long a sign-in lasts.
const editorSessionTTL = 12 * time.Hour

// editorView is the data of editor.html.
type editorView struct {
	basePage
	SignedIn  bool
	KeyName   string
	SignInErr string // beside the key field
	Scenarios []string
	Scenario  string   // the scenario picked, if any
	Answers   string   // the answers as JSON, kept in the form
	Problems  []string // beside the answers field
	Result    *advisor.Recommendation
	Fired     []editorRule // in evaluation order
	NotFired  []editorRule
}

// editorRule is one rule of the explain trace, readable: the sentence it gives when it fires,
// its place, its condition and the values the condition read.
type editorRule struct {
	ID, File, When, Because string
	Line                    int
	Inputs                  []editorInput
}

type editorInput struct{ Name, Value string }

// editorRoutes registers the workbench; limit is the per-IP limit of the buyers' POSTs.
func (w *webApp) editorRoutes(e *gin.Engine, limit gin.HandlerFunc) {
	e.GET("/editor", w.handle(w.editorHome))
	e.GET("/editor/folder", limit, w.handle(w.editorFolder)) // editor_folder.go
	e.POST("/editor/sign-in", limit, w.handle(w.editorSignIn))
	e.POST("/editor/sign-out", limit, w.handle(w.editorSignOut))
	e.POST("/editor/preview", limit, w.handle(w.editorPreview))
}

// editorSession is the editor's key of the request's session, or nil without a valid one.
func (w *webApp) editorSession(c *gin.Context) (*store.Key, error) {
	token, err := c.Cookie(editorCookie)
	if err != nil || token == "" {
		return nil, nil
	}
	k, err := w.store.SessionKey(c.Request.Context(), store.HashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.Role != server.RoleEditor) {
		return nil, nil
	}
	return k, err
}

func (w *webApp) editorHome(c *gin.Context) error {
	k, err := w.editorSession(c)
	if err != nil {
		return err
	}
	if k == nil {
		return w.renderEditor(c, http.StatusOK, editorView{})
	}
	return w.renderEditor(c, http.StatusOK, editorView{SignedIn: true, KeyName: k.Name})
}

func (w *webApp) editorSignIn(c *gin.Context) error {
	token := strings.TrimSpace(c.PostForm("key"))
	k, err := w.store.KeyByHash(c.Request.Context(), store.HashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.Role != server.RoleEditor) || token == "" {
		return w.renderEditor(c, http.StatusUnauthorized, editorView{
			SignInErr: "That key is unknown, revoked or not an editor's key (advisor keys create --role editor makes one)."})
	}
	if err != nil {
		return err
	}
	session, hash := store.NewToken()
	if err := w.store.CreateSession(c.Request.Context(), hash, k.ID, time.Now().Add(editorSessionTTL)); err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: editorCookie, Value: session, Path: "/editor",
		MaxAge: int(editorSessionTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
	c.Redirect(http.StatusSeeOther, "/editor")
	return nil
}

func (w *webApp) editorSignOut(c *gin.Context) error {
	if token, err := c.Cookie(editorCookie); err == nil && token != "" {
		if err := w.store.DeleteSession(c.Request.Context(), store.HashToken(token)); err != nil {
			return err
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: editorCookie, Value: "", Path: "/editor", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
	c.Redirect(http.StatusSeeOther, "/editor")
	return nil
}

// editorPreview evaluates a scenario's answers or pasted ones with the explain trace.
func (w *webApp) editorPreview(c *gin.Context) error {
	k, err := w.editorSession(c)
	if err != nil {
		return err
	}
	if k == nil {
		return w.renderEditor(c, http.StatusUnauthorized, editorView{SignInErr: "Sign in with an editor's key first."})
	}
	adv := w.content.Current()
	v := editorView{SignedIn: true, KeyName: k.Name, Scenario: c.PostForm("scenario"), Answers: strings.TrimSpace(c.PostForm("answers"))}
	if v.Answers == "" && v.Scenario != "" {
		s, err := findScenario(adv, v.Scenario)
		if err != nil {
			return err
		}
		if s == nil {
			v.Problems = []string{fmt.Sprintf("No scenario named %q in the content serving now.", v.Scenario)}
			return w.renderEditor(c, http.StatusUnprocessableEntity, v)
		}
		b, err := json.MarshalIndent(s.Answers, "", "  ")
		if err != nil {
			return err
		}
		v.Answers = string(b)
	}
	if v.Answers == "" {
		v.Problems = []string{"Pick a scenario or paste answers as a JSON object keyed by question ID."}
		return w.renderEditor(c, http.StatusUnprocessableEntity, v)
	}
	raw, err := questionnaire.DecodeJSON([]byte(v.Answers))
	var rec *advisor.Recommendation
	if err == nil {
		rec, err = w.evals.Evaluate(adv, raw, advisor.Options{Explain: true})
	}
	if ve, ok := errors.AsType[*questionnaire.ValidationError](err); ok {
		for _, p := range ve.Problems {
			v.Problems = append(v.Problems, p.Message)
		}
		return w.renderEditor(c, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	v.Result = rec
	because := map[string]string{}
	for _, r := range adv.Rules.Rules {
		because[r.ID] = r.Because
	}
	for _, t := range rec.Trace {
		r := editorRule{ID: t.Rule, File: t.File, Line: t.Line, When: t.When, Because: because[t.Rule]}
		for _, name := range slices.Sorted(maps.Keys(t.Inputs)) {
			b, _ := json.Marshal(t.Inputs[name])
			r.Inputs = append(r.Inputs, editorInput{Name: name, Value: string(b)})
		}
		if t.Fired {
			v.Fired = append(v.Fired, r)
		} else {
			v.NotFired = append(v.NotFired, r)
		}
	}
	return w.renderEditor(c, http.StatusOK, v)
}

// findScenario is the scenario of the content serving now with that name, or nil.
func findScenario(adv *advisor.Advisor, name string) (*scenario.Scenario, error) {
	list, err := scenario.Load(adv.Source.Rules)
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, nil
}

// renderEditor fills in what every state of the page shows and renders it.
func (w *webApp) renderEditor(c *gin.Context, status int, v editorView) error {
	v.basePage = basePage{Title: "Editor workbench", NoIndex: true}
	if v.SignedIn {
		list, err := scenario.Load(w.content.Current().Source.Rules)
		if err != nil {
			return err
		}
		for _, s := range list {
			v.Scenarios = append(v.Scenarios, s.Name)
		}
	}
	c.Header("Cache-Control", "no-store")
	return w.ui.render(c.Writer, status, "editor", v)
}
