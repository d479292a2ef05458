package advisor

import (
	"sort"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
)

// Limits on the size of a recommendation, so a buyer gets a path and a shortlist they can use.
const (
	MaxReadingPath = 12 // guides; the lowest-priority ones are dropped beyond this
	ShortlistSize  = 3  // the guide site's "two or three real candidates"
)

// Reason is a sentence a buyer reads, with the rule that produced it.
type Reason struct {
	Text string `json:"text"`
	Rule string `json:"rule"`
}

// Recommendation is the advisor's answer. Its JSON form is a public contract.
type Recommendation struct {
	Architecture Choice                 `json:"architecture"`
	Approach     Choice                 `json:"approach"`
	ReadingPath  []PathEntry            `json:"reading_path"`
	Shortlist    []VendorPick           `json:"shortlist"`
	AlsoViable   []VendorPick           `json:"also_viable"`
	Eliminated   []Elimination          `json:"eliminated"`
	Cost         CostProjection         `json:"cost"`
	Warnings     []Warning              `json:"warnings"`
	NextSteps    []NextStep             `json:"next_steps"`
	Answers      questionnaire.Answers  `json:"answers"`
	Notices      []questionnaire.Notice `json:"notices"`
	Trace        []rules.TraceEntry     `json:"trace,omitempty"`
	Versions     Versions               `json:"versions"`
}

// Choice is the chosen architecture or approach with its reasons and the runner-up.
type Choice struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Summary  string    `json:"summary"`
	Score    float64   `json:"score"`
	Why      []Reason  `json:"why"`
	RunnerUp *RunnerUp `json:"runner_up"`
}

// RunnerUp is the second-best architecture or approach.
type RunnerUp struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Score float64  `json:"score"`
	Why   []Reason `json:"why"`
}

// PathEntry is one guide on the reading path.
type PathEntry struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	URL      string `json:"url"`
	Step     string `json:"step"`
	Reason   string `json:"reason"`
	Rule     string `json:"rule"`
	Minutes  int    `json:"minutes"`
	Verified bool   `json:"verified"`
	priority int
}

// VendorPick is a vendor that survived the hard constraints.
type VendorPick struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Score    float64  `json:"score"`
	Why      []Reason `json:"why"`
	Concerns []Reason `json:"concerns"`
	Check    []Reason `json:"check"`
}

// Elimination is a vendor knocked out by a hard constraint.
type Elimination struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Reason  string   `json:"reason"`
	Rule    string   `json:"rule"`
	Reasons []Reason `json:"reasons"`
}

// Warning is something the buyer must not miss.
type Warning struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Text     string `json:"text"`
	Rule     string `json:"rule"`
}

// NextStep is an action, possibly a whole playbook.
type NextStep struct {
	Text     string            `json:"text"`
	Rule     string            `json:"rule"`
	Playbook *catalog.Playbook `json:"playbook,omitempty"`
}

// CostProjection is the three-year cost outlook per pricing model.
type CostProjection struct {
	MAUNow     int                `json:"mau_now"`
	MAU12m     int                `json:"mau_12m"`
	MAU24m     int                `json:"mau_24m"`
	MAU36m     int                `json:"mau_36m"`
	Registered int                `json:"registered_users"`
	Escalator  catalog.Range      `json:"renewal_escalator"`
	Models     []catalog.YearCost `json:"models"`
	Note       string             `json:"note"`
}

// Recommend runs the rules over validated answers and assembles the recommendation.
func (a *Advisor) Recommend(answers questionnaire.Answers, notices []questionnaire.Notice, trace bool) (*Recommendation, error) {
	out, err := a.Rules.Evaluate(answers, trace)
	if err != nil {
		return nil, err
	}
	c := a.Catalog()
	rec := &Recommendation{Answers: answers, Notices: notices, Trace: out.Trace, Versions: a.Versions()}
	if rec.Notices == nil {
		rec.Notices = []questionnaire.Notice{}
	}

	archIDs := make([]string, len(c.Architectures))
	for i, x := range c.Architectures {
		archIDs[i] = x.ID
	}
	rec.Architecture = choose(out.Fired, archIDs, func(r *rules.Rule) map[string]float64 { return r.Architecture },
		func(id string) (string, string) { x := c.Architecture(id); return x.Title, x.Summary })
	apIDs := make([]string, len(c.Approaches))
	for i, x := range c.Approaches {
		apIDs[i] = x.ID
	}
	rec.Approach = choose(out.Fired, apIDs, func(r *rules.Rule) map[string]float64 { return r.Approach },
		func(id string) (string, string) { x := c.Approach(id); return x.Title, x.Summary })

	rec.ReadingPath = a.readingPath(out.Fired)
	rec.Shortlist, rec.AlsoViable, rec.Eliminated = vendors(c, out)
	rec.Warnings = warnings(out.Fired)
	rec.NextSteps = nextSteps(c, out.Fired)
	rec.Cost = costProjection(c, out)
	return rec, nil
}

// choose sums the points each fired rule gives and picks the highest; ties go to the ID listed
// first in the catalogue.
func choose(fired []*rules.Rule, ids []string, points func(*rules.Rule) map[string]float64, describe func(string) (string, string)) Choice {
	score := map[string]float64{}
	why := map[string][]Reason{}
	for _, r := range fired {
		for id, p := range points(r) {
			score[id] += p
			if p > 0 {
				why[id] = append(why[id], Reason{Text: r.Because, Rule: r.ID})
			}
		}
	}
	order := append([]string(nil), ids...)
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	best := order[0]
	title, summary := describe(best)
	ch := Choice{ID: best, Title: title, Summary: summary, Score: score[best], Why: nonNil(why[best])}
	if len(order) > 1 {
		ru := order[1]
		t, _ := describe(ru)
		ch.RunnerUp = &RunnerUp{ID: ru, Title: t, Score: score[ru], Why: nonNil(why[ru])}
	}
	return ch
}

func (a *Advisor) readingPath(fired []*rules.Rule) []PathEntry {
	q, c := a.Questionnaire(), a.Catalog()
	stepIndex := map[string]int{}
	for i, s := range q.Steps {
		stepIndex[s.ID] = i
	}
	bySlug := map[string]*PathEntry{}
	var path []*PathEntry
	for _, r := range fired {
		for _, g := range r.Guides {
			reason := g.Reason
			if reason == "" {
				reason = r.Because
			}
			e := &PathEntry{Slug: g.Slug, Step: g.Step, Reason: reason, Rule: r.ID, priority: g.Priority}
			old := bySlug[g.Slug]
			if old == nil {
				bySlug[g.Slug] = e
				path = append(path, e)
				continue
			}
			// A guide named twice stays once, at its earliest step and highest priority.
			if stepIndex[e.Step] < stepIndex[old.Step] || (e.Step == old.Step && e.priority > old.priority) {
				*old = *e
			}
		}
	}
	if len(path) > MaxReadingPath {
		sort.SliceStable(path, func(i, j int) bool { return path[i].priority > path[j].priority })
		path = path[:MaxReadingPath]
	}
	sort.SliceStable(path, func(i, j int) bool {
		a, b := path[i], path[j]
		if stepIndex[a.Step] != stepIndex[b.Step] {
			return stepIndex[a.Step] < stepIndex[b.Step]
		}
		return a.priority > b.priority
	})
	out := make([]PathEntry, len(path))
	for i, e := range path {
		g := c.Guide(e.Slug)
		e.Title, e.URL, e.Minutes, e.Verified = g.Title, g.URL, g.Minutes, g.Verified
		out[i] = *e
	}
	return out
}

func vendors(c *catalog.Catalog, out *rules.Outcome) (short, also []VendorPick, gone []Elimination) {
	picks := make([]VendorPick, 0, len(c.Vendors))
	gone = []Elimination{}
	for i, v := range c.Vendors {
		// Size each list exactly first: this runs for every vendor on every request.
		var nWhy, nConcern, nCheck, nKnock int
		for _, vv := range out.Vendors {
			e := vv.Rule.Vendors
			switch res := vv.Results[i]; {
			case res == catalog.No && e.Hard:
				nKnock++
			case res == catalog.No && e.Fail != "":
				nConcern++
			case res == catalog.Unknown:
				nCheck++
			case res == catalog.Yes && e.Pass != "":
				nWhy++
			}
		}
		if nKnock > 0 {
			knocked := make([]Reason, 0, nKnock)
			texts := make([]string, 0, nKnock)
			for _, vv := range out.Vendors {
				if e := vv.Rule.Vendors; vv.Results[i] == catalog.No && e.Hard {
					knocked = append(knocked, Reason{Text: e.Fail, Rule: vv.Rule.ID})
					texts = append(texts, e.Fail)
				}
			}
			gone = append(gone, Elimination{ID: v.ID, Name: v.Name, Reason: strings.Join(texts, " "), Rule: knocked[0].Rule, Reasons: knocked})
			continue
		}
		p := VendorPick{ID: v.ID, Name: v.Name, Type: v.Type,
			Why: make([]Reason, 0, nWhy), Concerns: make([]Reason, 0, nConcern), Check: make([]Reason, 0, nCheck)}
		for _, vv := range out.Vendors {
			e, id := vv.Rule.Vendors, vv.Rule.ID
			switch vv.Results[i] {
			case catalog.No:
				p.Score -= e.Weight
				if e.Fail != "" {
					p.Concerns = append(p.Concerns, Reason{Text: e.Fail, Rule: id})
				}
			case catalog.Unknown:
				if !hasText(p.Check, e.Unsure) {
					p.Check = append(p.Check, Reason{Text: e.Unsure, Rule: id})
				}
			case catalog.Yes:
				if !e.Hard {
					p.Score += e.Weight
				}
				if e.Pass != "" && !hasText(p.Why, e.Pass) {
					p.Why = append(p.Why, Reason{Text: e.Pass, Rule: id})
				}
			}
		}
		picks = append(picks, p)
	}
	sort.SliceStable(picks, func(i, j int) bool { return picks[i].Score > picks[j].Score })
	n := min(ShortlistSize, len(picks))
	return picks[:n:n], picks[n:], gone
}

func warnings(fired []*rules.Rule) []Warning {
	out := []Warning{}
	seen := map[string]bool{}
	for _, sev := range rules.Severities {
		for _, r := range fired {
			for _, w := range r.Warnings {
				if w.Severity == sev && !seen[w.ID] {
					seen[w.ID] = true
					out = append(out, Warning{ID: w.ID, Severity: w.Severity, Text: w.Text, Rule: r.ID})
				}
			}
		}
	}
	return out
}

func nextSteps(c *catalog.Catalog, fired []*rules.Rule) []NextStep {
	out := []NextStep{}
	seen := map[string]bool{}
	for _, r := range fired {
		for _, id := range r.Playbooks {
			if seen["playbook:"+id] {
				continue
			}
			seen["playbook:"+id] = true
			pb := c.Playbook(id)
			out = append(out, NextStep{Text: "Follow the playbook: " + pb.Title, Rule: r.ID, Playbook: pb})
		}
		for _, s := range r.NextSteps {
			if !seen[s] {
				seen[s] = true
				out = append(out, NextStep{Text: s, Rule: r.ID})
			}
		}
	}
	return out
}

func costProjection(c *catalog.Catalog, out *rules.Outcome) CostProjection {
	env := out.Env
	mau := env["mau_now"].(int)
	g := env["growth_factor"].(float64)
	return CostProjection{
		MAUNow: mau, MAU12m: int(float64(mau) * g), MAU24m: int(float64(mau) * g * g), MAU36m: int(float64(mau) * g * g * g),
		Registered: int(env["registered_now"].(float64)),
		Escalator:  c.Cost.RenewalEscalator, Models: out.Cost, Note: c.Cost.Note,
	}
}

// hasText reports whether a reason with the same sentence is already listed: two rules that
// test the same fact (say, SCIM for large customers and SCIM as a must-have) say it once.
func hasText(rs []Reason, text string) bool {
	for _, r := range rs {
		if r.Text == text {
			return true
		}
	}
	return false
}

func nonNil(r []Reason) []Reason {
	if r == nil {
		return []Reason{}
	}
	return r
}
