package server

import (
	"encoding/json"
	"fmt"
	"github.com/ciamadvisor/advisor/web"
	"html"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// The buyers' pages. Every page is server-rendered and works without JavaScript; state lives
// in the store under the assessment's unguessable ID, so the resume link is all a buyer needs
// (no account, no cookie). Forms follow post/redirect/get; every POST is rate-limited per
// client IP and covered by the cross-origin protection in Server.Handler.
//
//	GET  /                        landing page
//	POST /assessments             start an assessment → 303 to its first step
//	GET  /a/{id}                  resume: first step with a missing required answer, or the result
//	GET  /a/{id}/step/{step}      one step of the questionnaire
//	POST /a/{id}/step/{step}      save the step; go=next or go=back
//	GET  /a/{id}/review           every answer, with links to change it
//	GET  /a/{id}/result           the recommendation
//	GET  /a/{id}/result.md        the recommendation as a Markdown download
//	GET  /static/{name}.{hash}.{ext}  assets, cached for a year

// webApp holds what the page handlers share: the server and the parsed templates.
type webApp struct {
	*Server
	ui *webUI
}

// webRoutes registers the buyers' HTML pages.
func (s *Server) webRoutes(e *gin.Engine) {
	ui, err := newWebUI(web.FS)
	if err != nil {
		// The templates are compiled into the binary, so this is a defect of the build that
		// every test catches, not something a deployment can cause.
		panic("web: templates: " + err.Error())
	}
	s.web = ui
	w := &webApp{Server: s, ui: ui}
	limit := s.limitBy(newLimiter(s.cfg.RateLimit), clientIP)

	e.GET("/", s.handle(w.landing))
	e.POST("/assessments", limit, s.handle(w.create))
	e.GET("/a/:id", s.handle(w.resume))
	e.GET("/a/:id/step/:step", s.handle(w.showStep))
	e.POST("/a/:id/step/:step", limit, s.handle(w.saveStep))
	e.GET("/a/:id/review", s.handle(w.review))
	e.GET("/a/:id/result", s.handle(w.result))
	e.GET("/a/:id/result.md", s.handle(w.resultMarkdown))
	w.editorRoutes(e, limit) // the editors' workbench: web_editor.go
	e.GET("/static/:name", s.handle(func(c *gin.Context) error {
		if !ui.serveAsset(c.Writer, c.Param("name")) {
			return errNotFound
		}
		return nil
	}))
}

// basePage is what every page template sees; each page's data embeds it.
type basePage struct {
	Title   string // the document title, before the site name
	Summary string // the meta description; a general one when empty
	NoIndex bool   // assessment pages: private to whoever holds the link
	Script  bool   // include the progressive-enhancement script
}

type errorView struct {
	basePage
	Status int
	Head   string
	Detail string
	Fields []FieldError
}

// errorPage writes an HTML error page.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, he *httpError) {
	if ui := s.web; ui != nil {
		w.Header().Set("Cache-Control", "no-store")
		v := errorView{basePage: basePage{Title: he.Title, NoIndex: true}, Status: he.Status, Head: he.Title, Detail: he.Detail, Fields: he.Fields}
		err := ui.render(w, he.Status, "error", v)
		if err == nil {
			return
		}
		s.log.Error("error page failed", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(he.Status)
	fmt.Fprintf(w, "<!doctype html><html lang=en><title>%s</title><h1>%s</h1><p>%s</p><p><a href=\"/\">Home</a>",
		html.EscapeString(he.Title), html.EscapeString(he.Title), html.EscapeString(he.Detail))
}

type landingView struct {
	basePage
	Heading string
	Intro   string
	Steps   []*questionnaire.Step
}

func (w *webApp) landing(c *gin.Context) error {
	q := w.content.Current().Questionnaire()
	c.Header("Cache-Control", "no-cache")
	return w.ui.render(c.Writer, http.StatusOK, "landing", landingView{
		basePage: basePage{Title: q.Title, Summary: q.Intro}, Heading: q.Title, Intro: q.Intro, Steps: q.Steps,
	})
}

// create sends the buyer to the first step of a new assessment. Nothing is stored yet: the
// assessment is created by the first step saved with an answer (storeAnswers), so "Start"
// alone leaves no row behind, and a row exists only for a buyer who answered something.
func (w *webApp) create(c *gin.Context) error {
	c.Redirect(http.StatusSeeOther, stepURL(draftID, w.content.Current().Questionnaire().Steps[0].ID))
	return nil
}

// resume sends the holder of the link to the first step still missing a required answer, or
// to the result when the answers are complete.
func (w *webApp) resume(c *gin.Context) error {
	a, adv, saved, err := w.open(c)
	if err != nil {
		return err
	}
	q := adv.Questionnaire()
	first, err := firstIncomplete(q, saved)
	if err != nil {
		return err
	}
	to := resultURL(a.ID)
	if first >= 0 {
		to = stepURL(a.ID, q.Steps[first].ID)
	}
	c.Redirect(http.StatusSeeOther, to)
	return nil
}

var errNoAssessment = &httpError{Status: http.StatusNotFound, Title: "Assessment not found",
	Detail: "No assessment has this link. Check that the whole link was copied, or start a new assessment."}

// assessment loads the anonymous assessment named in the URL.
// open starts every assessment page: the assessment, the advisor that answers this request
// (taken once, so a reload mid-request cannot mix two rule sets) and the saved answers.
func (w *webApp) open(c *gin.Context) (*store.Assessment, *advisor.Advisor, map[string]any, error) {
	a, err := w.assessment(c)
	if err != nil {
		return nil, nil, nil, err
	}
	saved, err := answersOf(a)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, w.content.Current(), saved, nil
}

func (w *webApp) assessment(c *gin.Context) (*store.Assessment, error) {
	id := c.Param("id")
	if id == draftID {
		c.Header("X-Robots-Tag", "noindex")
		return &store.Assessment{ID: draftID, Answers: json.RawMessage("{}")}, nil
	}
	if !validID(id) {
		return nil, errNoAssessment
	}
	a, err := w.store.GetAssessment(c.Request.Context(), "", id)
	if err != nil {
		if asHTTPError(err).Status == http.StatusNotFound {
			return nil, errNoAssessment
		}
		return nil, err
	}
	c.Header("X-Robots-Tag", "noindex")
	return a, nil
}

// firstIncomplete returns the index of the first step with a missing or invalid answer, or -1
// when the answers are complete. Answers to questions the questionnaire no longer has count
// against the first step, where saving drops them.
func firstIncomplete(q *questionnaire.Questionnaire, raw map[string]any) (int, error) {
	c, err := q.Check(raw, len(q.Steps))
	if err != nil {
		return 0, err
	}
	return firstIncompleteOf(q, c), nil
}

func stepIndex(q *questionnaire.Questionnaire, id string) int {
	for i, s := range q.Steps {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// resumeURL is the private link to an assessment, "" before it exists (nothing to resume).
func resumeURL(r *http.Request, a *store.Assessment) string {
	if a.ID == draftID {
		return ""
	}
	return absURL(r, "/a/"+a.ID)
}

func stepURL(id, step string) string { return "/a/" + id + "/step/" + step }
func reviewURL(id string) string     { return "/a/" + id + "/review" }
func resultURL(id string) string     { return "/a/" + id + "/result" }

// absURL is the absolute address of path p on this site, for links a buyer keeps. Behind a TLS
// proxy, X-Forwarded-Proto says the scheme the buyer used.
func absURL(r *http.Request, p string) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + p
}
