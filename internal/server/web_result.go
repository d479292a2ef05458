package server

import (
	"bytes"
	"fmt"
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/store"
)

type resultView struct {
	basePage
	ID          string
	Rec         *advisor.Recommendation
	Path        []pathItem
	PathMinutes int
	Warnings    []warningGroup
	Chart       chartView
	// Renewal escalator, percent a year.
	EscalatorLow, EscalatorHigh int
	ReviewURL                   string
	MarkdownURL                 string
	ResumeURL                   string
}

type pathItem struct {
	advisor.PathEntry
	StepTitle string
}

type warningGroup struct {
	Severity string
	Heading  string
	Items    []advisor.Warning
}

var severityHeadings = map[string]string{"critical": "Critical", "warning": "Important", "info": "Good to know"}

// completeRecommendation returns the assessment's recommendation, or a nil one when answers are
// still missing (the caller sends the buyer to the review page, which says which).
func (w *webApp) completeRecommendation(c *gin.Context) (*store.Assessment, *advisor.Recommendation, *advisor.Advisor, error) {
	a, adv, saved, err := w.open(c)
	if err != nil {
		return nil, nil, nil, err
	}
	// Incomplete answers have no recommendation; the caller sends the buyer to the review page.
	if first, err := firstIncomplete(adv.Questionnaire(), saved); err != nil || first >= 0 {
		return a, nil, adv, err
	}
	rec, err := w.recommendation(adv, a)
	return a, rec, adv, err
}

func (w *webApp) result(c *gin.Context) error {
	a, rec, adv, err := w.completeRecommendation(c)
	if err != nil {
		return err
	}
	if rec == nil {
		c.Redirect(http.StatusSeeOther, reviewURL(a.ID))
		return nil
	}
	q := adv.Questionnaire()
	v := resultView{
		basePage:      basePage{Title: "Your recommendation: " + rec.Architecture.Title, Summary: rec.Architecture.Summary, NoIndex: true},
		ID:            a.ID,
		Rec:           rec,
		Chart:         costChart(rec.Cost),
		EscalatorLow:  int(math.Round(rec.Cost.Escalator.Low * 100)),
		EscalatorHigh: int(math.Round(rec.Cost.Escalator.High * 100)),
		ReviewURL:     reviewURL(a.ID),
		MarkdownURL:   resultURL(a.ID) + ".md",
		ResumeURL:     absURL(c.Request, "/a/"+a.ID),
	}
	for _, e := range rec.ReadingPath {
		title := e.Step
		if s := q.Step(e.Step); s != nil {
			title = s.Title
		}
		v.Path = append(v.Path, pathItem{PathEntry: e, StepTitle: title})
		v.PathMinutes += e.Minutes
	}
	for _, warn := range rec.Warnings {
		if n := len(v.Warnings); n == 0 || v.Warnings[n-1].Severity != warn.Severity {
			h := severityHeadings[warn.Severity]
			if h == "" {
				h = warn.Severity
			}
			v.Warnings = append(v.Warnings, warningGroup{Severity: warn.Severity, Heading: h})
		}
		g := &v.Warnings[len(v.Warnings)-1]
		g.Items = append(g.Items, warn)
	}
	return w.ui.render(c.Writer, http.StatusOK, "result", v)
}

// resultMarkdown sends the recommendation as a Markdown file to keep or share.
func (w *webApp) resultMarkdown(c *gin.Context) error {
	a, rec, _, err := w.completeRecommendation(c)
	if err != nil {
		return err
	}
	if rec == nil {
		c.Redirect(http.StatusSeeOther, reviewURL(a.ID))
		return nil
	}
	var buf bytes.Buffer
	if err := advisor.Markdown(&buf, rec); err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "text/markdown; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ciam-recommendation-%s.md"`, a.ID[:8]))
	h.Set("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(buf.Bytes())
	return nil
}
