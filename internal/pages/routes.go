// Package pages serves the HTML pages: the buyers' wizard, review and result, and the editors'
// workbench. Templates and static files come embedded from web/; errors go through the
// server's one adapter, which renders them with these templates.
package pages

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
	"github.com/ciamadvisor/advisor/web"
)

// The buyers' pages. Every page is server-rendered and works without JavaScript; state lives
// in the store under the assessment's unguessable ID, so the resume link is all a buyer needs
// (no account, no cookie). Forms follow post/redirect/get; every POST is rate-limited per
// client IP and covered by the cross-origin protection in server.Server.Handler.
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

// webApp holds what the page handlers share: the content, the store, the parsed templates,
// and the server's shared services through the small interfaces below.
type webApp struct {
	content *advisor.Holder
	store   store.Store
	ui      *webUI                                         // parsed templates and hashed static assets
	saves   saver                                          // the server's one write path for stored assessments
	evals   evaluator                                      // evaluations under the server's gate
	gate    slots                                          // the gate itself
	handle  func(func(*gin.Context) error) gin.HandlerFunc // the server's one error adapter
}

// saver is the server's write path: pages store answers through it, so the web and the API
// save, validate and count alike.
type saver interface {
	StoreAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, answers map[string]any) (*advisor.Recommendation, error)
	Recommendation(adv *advisor.Advisor, a *store.Assessment) (*advisor.Recommendation, error)
}

// evaluator evaluates answers under the server's cap on evaluations in flight.
type evaluator interface {
	Evaluate(adv *advisor.Advisor, raw map[string]any, opt advisor.Options) (*advisor.Recommendation, error)
}

// slots is the server's cap on evaluations in flight, for work that evaluates many times
// under one slot.
type slots interface {
	Acquire() (release func(), err error)
}

// Routes registers the buyers' HTML pages and the editors' workbench, and makes the pages'
// templates render the server's error pages.
func Routes(s *server.Server, e *gin.Engine) {
	ui, err := newWebUI(web.FS)
	if err != nil {
		// The templates are compiled into the binary, so this is a defect of the build that
		// every test catches, not something a deployment can cause.
		panic("web: templates: " + err.Error())
	}
	s.SetErrorPage(ui.errorPage)
	w := &webApp{content: s.Content(), store: s.Store(), ui: ui, saves: s, evals: s, gate: s.Gate(), handle: s.Handle}
	limit := s.LimitBy(server.NewLimiter(s.Config().RateLimit), server.ClientIP)

	e.GET("/", s.Handle(w.landing))
	e.POST("/assessments", limit, s.Handle(w.create))
	e.GET("/a/:id", s.Handle(w.resume))
	e.GET("/a/:id/step/:step", s.Handle(w.showStep))
	e.POST("/a/:id/step/:step", limit, s.Handle(w.saveStep))
	e.GET("/a/:id/review", s.Handle(w.review))
	e.GET("/a/:id/result", s.Handle(w.result))
	e.GET("/a/:id/result.md", s.Handle(w.resultMarkdown))
	w.editorRoutes(e, limit) // the editors' workbench: editor.go
	e.GET("/static/:name", s.Handle(func(c *gin.Context) error {
		if !ui.serveAsset(c.Writer, c.Param("name")) {
			return server.ErrNotFound
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
	Fields []server.FieldError
}

// errorPage renders the HTML page for a user-facing error; the server's error adapter calls it.
func (ui *webUI) errorPage(w http.ResponseWriter, he *server.Error) error {
	v := errorView{basePage: basePage{Title: he.Title, NoIndex: true}, Status: he.Status, Head: he.Title, Detail: he.Detail, Fields: he.Fields}
	return ui.render(w, he.Status, "error", v)
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
	c.Redirect(http.StatusSeeOther, stepURL(server.DraftID, w.content.Current().Questionnaire().Steps[0].ID))
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

var errNoAssessment = &server.Error{Status: http.StatusNotFound, Title: "Assessment not found",
	Detail: "No assessment has this link. Check that the whole link was copied, or start a new assessment."}

// assessment loads the anonymous assessment named in the URL.
// open starts every assessment page: the assessment, the advisor that answers this request
// (taken once, so a reload mid-request cannot mix two rule sets) and the saved answers.
func (w *webApp) open(c *gin.Context) (*store.Assessment, *advisor.Advisor, map[string]any, error) {
	a, err := w.assessment(c)
	if err != nil {
		return nil, nil, nil, err
	}
	saved, err := server.AnswersOf(a)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, w.content.Current(), saved, nil
}

func (w *webApp) assessment(c *gin.Context) (*store.Assessment, error) {
	id := c.Param("id")
	if id == server.DraftID {
		c.Header("X-Robots-Tag", "noindex")
		return &store.Assessment{ID: server.DraftID, Answers: json.RawMessage("{}")}, nil
	}
	if !server.ValidID(id) {
		return nil, errNoAssessment
	}
	a, err := w.store.GetAssessment(c.Request.Context(), "", id)
	if err != nil {
		if server.AsError(err).Status == http.StatusNotFound {
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
	if a.ID == server.DraftID {
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
