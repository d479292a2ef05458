package pages

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/store"
)

type resultView struct {
	basePage
	ID          string
	Rec         *advisor.Recommendation
	Lead        *advisor.VendorPick  // nil for a build or when nothing survives
	Runners     []advisor.VendorPick // the two finalists after the leader
	Reasons     []advisor.Reason     // the leader's first three reasons
	Lead3y      *catalog.Range       // the recommended path's three-year cost
	LeadBasis   string               // where that figure comes from
	Budget3y    *float64             // the budget over three years, when given
	BudgetFit   string               // "short", "partial" or "within": the budget against Lead3y
	BudgetURL   string               // where to give a budget
	Finalists   []advisor.VendorPick // the comparison's columns
	Options     []costOption         // the cost table's rows
	Chart       chartView
	Assumed     []assumedValue // values the projection assumed, with where to answer them
	Changes     []changeView   // counterfactuals with links into the wizard
	Knockouts   []advisor.KnockoutGroup
	Warnings    []warningGroup
	PathMinutes int
	Further     []advisor.PathEntry // the first of the further reading; the Markdown has them all
	FurtherMore int                 // how many more the Markdown lists
	ReviewURL   string
	MarkdownURL string
	ResumeURL   string
}

// costOption is one row of the cost table.
type costOption struct {
	Name  string
	Range catalog.Range
	Basis string
	Note  string
	Link  string // the source of a list price
}

type assumedValue struct {
	Label, Value, URL string
}

type changeView struct {
	advisor.Counterfactual
	URL string
}

type warningGroup struct {
	Severity string
	Heading  string
	Items    []advisor.Warning
}

var severityHeadings = map[string]string{"critical": "Critical", "warning": "Important", "info": "Good to know"}

// assumedText says what the projection assumed for an unanswered question.
var assumedText = map[string]string{
	"mau_growth_pct":    "no growth",
	"registered_users":  "two stored accounts per active user",
	"budget_annual_usd": "no budget given, so no budget line",
}

// maxFurther is how many further-reading guides the page lists: the whole catalogue would
// cost several kilobytes on every result, and the Markdown download lists them all.
const maxFurther = 8

// budgetFit says how a three-year budget compares with a three-year cost range.
func budgetFit(budget float64, cost catalog.Range) string {
	switch {
	case budget < cost.Low:
		return "short"
	case budget < cost.High:
		return "partial"
	}
	return "within"
}

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
	rec, err := w.saves.Recommendation(adv, a)
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
	v := newResultView(adv, a.ID, rec)
	v.ResumeURL = absURL(c.Request, "/a/"+a.ID)
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
	if err := advisor.Markdown(&buf, rec, w.content.Current().Questionnaire(), a.UpdatedAt.Format("2 January 2006")); err != nil {
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

// newResultView arranges a recommendation for the result page, in the order a buyer uses it.
func newResultView(adv *advisor.Advisor, id string, rec *advisor.Recommendation) resultView {
	q := adv.Questionnaire()
	title := "Your CIAM recommendation"
	v := resultView{
		basePage:    basePage{Title: title, Summary: rec.Architecture.Title + ", " + rec.Approach.Title, NoIndex: true},
		ID:          id,
		Rec:         rec,
		Finalists:   rec.Finalists(),
		Knockouts:   rec.KnockoutGroups(),
		ReviewURL:   reviewURL(id),
		MarkdownURL: resultURL(id) + ".md",
	}
	stepOf := func(question string) string {
		if qn := q.Question(question); qn != nil {
			return stepURL(id, qn.Step) + "?from=review#q-" + question
		}
		return reviewURL(id)
	}
	if rec.Approach.ID == "build" {
		r := rec.Cost.Build.Total
		v.Lead3y, v.LeadBasis = &r, "estimate for building in-house"
	}
	for i := range rec.Shortlist {
		p := &rec.Shortlist[i]
		if rec.Leader != nil && p.ID == rec.Leader.ID {
			v.Lead = p
			v.Lead3y, v.LeadBasis = &p.Cost.ThreeYear, advisor.BasisLabel(p.Cost)
			v.Reasons = p.Why[:min(3, len(p.Why))]
			continue
		}
		if len(v.Runners) < 2 {
			v.Runners = append(v.Runners, *p)
		}
	}
	v.BudgetURL = stepOf("budget_annual_usd")
	if b := rec.Cost.Budget; b != nil {
		b3 := *b * 3
		v.Budget3y = &b3
		if v.Lead3y != nil {
			v.BudgetFit = budgetFit(b3, *v.Lead3y)
		}
	}
	var chart []chartOption
	add := func(name string, r catalog.Range, basis, note, link string, series int) {
		v.Options = append(v.Options, costOption{Name: name, Range: r, Basis: basis, Note: note, Link: link})
		chart = append(chart, chartOption{Name: name, Range: [2]float64{r.Low, r.High}, Series: series})
	}
	for _, p := range v.Finalists {
		if p.Rank == 0 {
			continue // the platform you run today, knocked out: nothing to price
		}
		name, series := p.Name, 0
		if p.Incumbent {
			name, series = "Stay on "+p.Name, 1
		}
		link := ""
		if p.Cost.Basis == catalog.BasisListPrice {
			link = p.Cost.Source
		}
		add(name, p.Cost.ThreeYear, advisor.BasisLabel(p.Cost), p.Cost.Plan, link, series)
	}
	c := rec.Cost
	add(c.SelfHost.Title, c.SelfHost.Total, "estimate", c.SelfHost.Note, "", 2)
	add(c.Build.Title, c.Build.Total, "estimate", c.Build.Note, "", 3)
	v.Chart = costChart(chart, c.Budget)
	for _, id := range c.Assumed {
		if qn := q.Question(id); qn != nil {
			v.Assumed = append(v.Assumed, assumedValue{Label: qn.Label, Value: assumedText[id], URL: stepOf(id)})
		}
	}
	for _, cf := range rec.Counterfactuals {
		v.Changes = append(v.Changes, changeView{Counterfactual: cf, URL: stepOf(cf.Question)})
	}
	for _, e := range rec.ReadingPath {
		v.PathMinutes += e.Minutes
	}
	v.Further = rec.FurtherReading[:min(maxFurther, len(rec.FurtherReading))]
	v.FurtherMore = len(rec.FurtherReading) - len(v.Further)
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
	return v
}
