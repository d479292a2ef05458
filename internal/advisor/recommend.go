package advisor

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
)

// Reason is a sentence a buyer reads, with the rule that produced it.
type Reason struct {
	Text string `json:"text"`
	Rule string `json:"rule"`
}

// Recommendation is the advisor's answer. Its JSON form is a public contract.
type Recommendation struct {
	Architecture    Choice                 `json:"architecture"`
	Approach        Choice                 `json:"approach"`
	Leader          *Leader                `json:"leader"`
	TieBreak        string                 `json:"tie_break,omitempty"`
	Shortlist       []VendorPick           `json:"shortlist"`
	IfYouBuy        []VendorPick           `json:"if_you_buy,omitempty"`
	Stay            *Stay                  `json:"stay,omitempty"`
	AlsoViable      []VendorPick           `json:"also_viable"`
	Eliminated      []Elimination          `json:"eliminated"`
	Comparison      Comparison             `json:"comparison"`
	Cost            CostProjection         `json:"cost"`
	Counterfactuals []Counterfactual       `json:"counterfactuals"`
	Warnings        []Warning              `json:"warnings"`
	NextSteps       []NextStep             `json:"next_steps"`
	ReadingPath     []PathEntry            `json:"reading_path"`
	FurtherReading  []PathEntry            `json:"further_reading"`
	Answers         questionnaire.Answers  `json:"answers"`
	Notices         []questionnaire.Notice `json:"notices"`
	Trace           []rules.TraceEntry     `json:"trace,omitempty"`
	Versions        Versions               `json:"versions"`
	// Fired are the IDs of the rules that fired, in evaluation order: what the service's
	// analytics count. Not part of the result's JSON, so a stored result does not have them.
	Fired []string `json:"-"`
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

// Leader is the first vendor of the ranking and why it is first.
type Leader struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	WhyFirst string `json:"why_first"`
	Margin   int    `json:"margin"` // fit points over the runner-up
	RunnerUp string `json:"runner_up,omitempty"`
}

// VendorPick is a vendor that survived the hard constraints, ranked.
type VendorPick struct {
	Rank         int                `json:"rank"`
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Type         string             `json:"type"`
	TypeLabel    string             `json:"type_label"`
	Fit          int                `json:"fit"`         // 0-100
	Confidence   float64            `json:"confidence"`  // share of the asked-for facts that are known
	Unconfirmed  int                `json:"unconfirmed"` // hard requirements whose fact is unknown
	Incumbent    bool               `json:"incumbent"`
	Approachable bool               `json:"fits_approach"` // can be bought or run the way the approach says
	Cost         catalog.VendorCost `json:"cost"`
	Why          []Reason           `json:"why"`
	Concerns     []Reason           `json:"concerns"`
	Check        []Reason           `json:"check"`
	Behind       string             `json:"behind,omitempty"` // why it trails the leader, for the finalists after it
}

// Stay is the option of keeping the platform the buyer runs today.
type Stay struct {
	ID     string              `json:"id"`
	Name   string              `json:"name"`
	Viable bool                `json:"viable"`
	Rank   int                 `json:"rank,omitempty"` // its place in the ranking, when viable
	Why    []Reason            `json:"why"`
	Cost   *catalog.VendorCost `json:"cost,omitempty"`
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

// CostProjection is the three-year outlook: the users priced, the chosen path's alternatives
// (self-hosting and building) and the generic bands that stand in for unpublished prices.
type CostProjection struct {
	MAUNow     int                `json:"mau_now"`
	MAU12m     int                `json:"mau_12m"`
	MAU24m     int                `json:"mau_24m"`
	MAU36m     int                `json:"mau_36m"`
	Registered int                `json:"registered_users"`
	Assumed    []string           `json:"assumed"` // question IDs whose values the projection assumed
	Escalator  catalog.Range      `json:"renewal_escalator"`
	Budget     *float64           `json:"budget_annual_usd"`
	SelfHost   catalog.YearCost   `json:"self_host"`
	Build      catalog.YearCost   `json:"build"`
	Models     []catalog.YearCost `json:"models"` // the generic bands
	Note       string             `json:"note"`
}

// decision is what the result turns on: the rules' outcome, the architecture, the approach and
// the ranked vendors. Counterfactuals recompute only this.
type decision struct {
	out      *rules.Outcome
	arch     Choice
	approach Choice
	ranked   []*candidate // survivors, best first
	gone     []*candidate
	possible float64
	tieBreak string
}

// leader is the first ranked vendor that fits the approach, or nil.
func (d *decision) leader() *candidate {
	if len(d.ranked) > 0 && d.ranked[0].approachable {
		return d.ranked[0]
	}
	return nil
}

// probe is what the counterfactuals' re-decisions share: the rules' outcome of the answers
// they vary (rules whose inputs a change leaves alone keep its verdict), and the candidates'
// memory, reused from one re-decision to the next (a probe's decision is read and dropped).
type probe struct {
	near  *rules.Outcome
	cands []candidate
}

// decide evaluates the rules and ranks: answers → rules → architecture → vendor fit →
// approach (with the cost comparison) → ranking. p is nil except for counterfactuals' probes.
func (a *Advisor) decide(answers questionnaire.Answers, trace bool, p *probe) (*decision, error) {
	var out *rules.Outcome
	var err error
	var all []candidate
	if p != nil {
		out, err = a.Rules.EvaluateNear(answers, p.near)
		if p.cands == nil {
			p.cands = make([]candidate, len(a.Catalog().Vendors))
		}
		all = p.cands
	} else {
		out, err = a.Rules.Evaluate(answers, trace)
	}
	if err != nil {
		return nil, err
	}
	c := a.Catalog()
	d := &decision{out: out}
	d.arch = choose(out.Fired, ids(c.Architectures, func(x *catalog.Architecture) string { return x.ID }),
		func(r *rules.Rule) map[string]float64 { return r.Architecture }, nil,
		func(id string) (string, string) { x := c.Architecture(id); return x.Title, x.Summary })
	arch := c.Architecture(d.arch.ID)

	platform, _ := answers["current_platform"].(string)
	cands, possible := score(c, out, arch, platform, all)
	d.possible = possible
	needs := a.needs(answers)
	for _, cd := range cands {
		if len(cd.knocked) > 0 {
			d.gone = append(d.gone, cd)
			continue
		}
		cd.cost = c.Cost.ForVendor(cd.v, out.Usage, needs, cd.incumbent, out.ByModel)
		d.ranked = append(d.ranked, cd)
	}

	extra := a.costPoints(answers, out, d.ranked)
	d.approach = choose(out.Fired, ids(c.Approaches, func(x *catalog.Approach) string { return x.ID }),
		func(r *rules.Rule) map[string]float64 { return r.Approach }, extra,
		func(id string) (string, string) { x := c.Approach(id); return x.Title, x.Summary })
	if d.approach.ID == "self-host-open-source" {
		needs.SelfHosted = true
		for _, cd := range d.ranked {
			cd.cost = c.Cost.ForVendor(cd.v, out.Usage, needs, cd.incumbent, out.ByModel)
		}
	}
	for _, cd := range d.ranked {
		cd.approachable = fitsApproach(cd.v, d.approach.ID)
		if cd.typeFit = typeFits(cd.v, arch, d.approach.ID); cd.typeFit {
			cd.points += c.Ranking.VendorTypeWeight
		}
	}
	costWeight := c.Ranking.CostWeight
	for _, r := range out.Fired {
		costWeight += r.CostWeight
	}
	budget, _ := answers["budget_annual_usd"].(float64)
	costFit(d.ranked, costWeight, budget)
	d.possible += costWeight
	slices.SortFunc(d.ranked, less)
	if len(d.ranked) > 1 {
		d.tieBreak = tieBreak(d.ranked[0], d.ranked[1])
	}
	return d, nil
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// needs reads from the answers what a vendor's price must include.
func (a *Advisor) needs(answers questionnaire.Answers) catalog.Needs {
	c := a.Catalog()
	n := catalog.Needs{AddOns: map[string]bool{}}
	for _, q := range []string{"must_haves", "constraints"} {
		list, _ := answers[q].([]string)
		for _, v := range list {
			n.AddOns[v] = true
		}
	}
	if shape, _ := answers["identity_shape"].(string); shape == "b2b" || shape == "b2b2c" {
		n.AddOns["organizations"] = true
	}
	if sso, _ := answers["enterprise_sso"].(string); sso != "" {
		n.Connections = c.Cost.Connections[sso]
	}
	if n.AddOns["enterprise_sso"] {
		n.Connections = max(n.Connections, c.Cost.Connections["now"])
	}
	if n.Connections > 0 {
		n.AddOns["enterprise_sso"] = true
	}
	if n.AddOns["self_host"] || n.AddOns["sovereignty"] {
		n.SelfHosted = true
	}
	platform, _ := answers["current_platform"].(string)
	n.Migrating = platform != "" && platform != "none"
	return n
}

// costPoints is the approach step that compares prices: when the team can run the service
// and self-hosting over three years costs less than the cheapest viable managed vendor with a
// public price, self-hosting earns points.
func (a *Advisor) costPoints(answers questionnaire.Answers, out *rules.Outcome, ranked []*candidate) []approachPoints {
	canRun, _ := answers["can_operate_infra"].(bool)
	if !canRun {
		return nil
	}
	var cheapest *candidate
	for _, cd := range ranked {
		if cd.cost.Basis == catalog.BasisListPrice && cd.v.Env().Managed == catalog.Yes &&
			(cheapest == nil || cd.cost.ThreeYear.Mid() < cheapest.cost.ThreeYear.Mid()) {
			cheapest = cd
		}
	}
	own := out.ByModel["self_host"]
	if cheapest == nil || own.Total.High >= cheapest.cost.ThreeYear.Low {
		return nil
	}
	return []approachPoints{{ID: "self-host-open-source", Points: a.Catalog().Ranking.SelfHostCheaperPoints,
		Reason: Reason{Rule: ruleCostOwn, Text: fmt.Sprintf(
			"Your team can run the service, and self-hosting (%s over three years) costs less than the cheapest viable managed vendor with a public price, %s (%s).",
			MoneyRange(own.Total.Low, own.Total.High), cheapest.v.Name, MoneyRange(cheapest.cost.ThreeYear.Low, cheapest.cost.ThreeYear.High))}}}
}

// approachPoints are points a built-in step gives an approach, with its reason.
type approachPoints struct {
	ID     string
	Points float64
	Reason Reason
}

func ids[T any](list []*T, id func(*T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = id(x)
	}
	return out
}

// choose sums the points each fired rule (and any built-in step) gives and picks the highest;
// ties go to the ID listed first in the catalogue.
func choose(fired []*rules.Rule, ids []string, points func(*rules.Rule) map[string]float64, extra []approachPoints, describe func(string) (string, string)) Choice {
	score := make([]float64, len(ids))
	why := make([][]Reason, len(ids))
	add := func(id string, p float64, r Reason, always bool) {
		if i := slices.Index(ids, id); i >= 0 {
			score[i] += p
			if p > 0 || always {
				why[i] = append(why[i], r)
			}
		}
	}
	for _, r := range fired {
		for id, p := range points(r) {
			add(id, p, Reason{Text: r.Because, Rule: r.ID}, false)
		}
	}
	for _, x := range extra {
		add(x.ID, x.Points, x.Reason, true)
	}
	best, ru := -1, -1 // the highest and second highest, the first listed among equals
	for i := range ids {
		switch {
		case best < 0 || score[i] > score[best]:
			best, ru = i, best
		case ru < 0 || score[i] > score[ru]:
			ru = i
		}
	}
	title, summary := describe(ids[best])
	ch := Choice{ID: ids[best], Title: title, Summary: summary, Score: score[best], Why: nonNil(why[best])}
	if ru >= 0 {
		t, _ := describe(ids[ru])
		ch.RunnerUp = &RunnerUp{ID: ids[ru], Title: t, Score: score[ru], Why: nonNil(why[ru])}
	}
	return ch
}

// recommend assembles the whole result from a decision.
func (a *Advisor) recommend(answers questionnaire.Answers, notices []questionnaire.Notice, opt Options) (*Recommendation, *decision, error) {
	d, err := a.decide(answers, opt.Explain, nil)
	if err != nil {
		return nil, nil, err
	}
	c := a.Catalog()
	out := d.out
	rec := &Recommendation{Architecture: d.arch, Approach: d.approach, TieBreak: d.tieBreak,
		Answers: answers, Notices: notices, Trace: out.Trace, Versions: a.Versions(), Fired: make([]string, len(out.Fired)),
		Counterfactuals: []Counterfactual{}, Eliminated: make([]Elimination, 0, len(d.gone))}
	if rec.Notices == nil {
		rec.Notices = []questionnaire.Notice{}
	}
	for i, r := range out.Fired {
		rec.Fired[i] = r.ID
	}
	arch := c.Architecture(d.arch.ID)

	// The finalists are the first vendors that fit the approach (they rank first). Beyond them
	// only what to confirm and what is missing is listed (the stay option keeps its reasons):
	// the comparison shows every finalist's facts.
	finalists := 0
	for finalists < min(c.Ranking.Finalists, len(d.ranked)) && d.ranked[finalists].approachable {
		finalists++
	}
	withWhy := func(i int) bool { return i < finalists || d.ranked[i].incumbent }
	// A summary leaves out the vendors beyond the finalists, except the one you run today
	// (the stay option reads its concerns).
	listed := func(i int) bool { return !opt.Summary || withWhy(i) }
	room, n := 0, 0
	for i, cd := range d.ranked {
		if listed(i) {
			w, cn, ck := reasonRoom(out, cd, withWhy(i))
			room, n = room+w+cn+ck, n+1
		}
	}
	buf := make([]Reason, room)
	picks := make([]VendorPick, 0, n)
	for i, cd := range d.ranked {
		if !listed(i) {
			continue
		}
		picks = append(picks, pick(out, cd, arch, d.possible, withWhy(i), &buf))
		p := &picks[len(picks)-1]
		p.Rank, p.Approachable = i+1, cd.approachable
		if cd.incumbent {
			cost := cd.cost
			rec.Stay = &Stay{ID: cd.v.ID, Name: cd.v.Name, Viable: true, Rank: i + 1, Cost: &cost,
				Why: append([]Reason{{Text: fmt.Sprintf("%s meets every hard constraint you named, and staying needs no migration.", cd.v.Name), Rule: ruleNoMigration}},
					p.Concerns...)}
		}
	}
	rec.Shortlist, rec.AlsoViable = picks[:finalists:finalists], picks[finalists:]
	if opt.Summary {
		rec.AlsoViable = []VendorPick{}
	}
	if lead := d.leader(); lead != nil {
		rec.Leader = &Leader{ID: lead.v.ID, Name: lead.v.Name, WhyFirst: lead.v.Name + " is the only vendor left."}
		for _, cd := range d.ranked {
			if cd != lead && cd.approachable {
				lf, rf := fitOf(lead.points, d.possible), fitOf(cd.points, d.possible)
				rec.Leader.WhyFirst = fmt.Sprintf("%s Fit %d against %d.", whyFirst(out, lead, cd, arch), lf, rf)
				rec.Leader.Margin = lf - rf
				rec.Leader.RunnerUp = cd.v.ID
				break
			}
		}
	}
	if lead := d.leader(); lead != nil {
		for i := 1; i < len(rec.Shortlist); i++ {
			rec.Shortlist[i].Behind = behind(out, lead, d.ranked[i], arch)
		}
	}
	if d.approach.ID == "build" {
		// A build result recommends no vendor; the ranking stays as a separate "if you buy".
		rec.IfYouBuy, rec.Shortlist, rec.Leader = rec.Shortlist, []VendorPick{}, nil
	}
	for _, cd := range d.gone {
		texts := make([]string, len(cd.knocked))
		for i, r := range cd.knocked {
			texts[i] = r.Text
		}
		rec.Eliminated = append(rec.Eliminated, Elimination{ID: cd.v.ID, Name: cd.v.Name,
			Reason: strings.Join(texts, " "), Rule: cd.knocked[0].Rule, Reasons: cd.knocked})
		if cd.incumbent {
			rec.Stay = &Stay{ID: cd.v.ID, Name: cd.v.Name, Viable: false, Why: cd.knocked}
		}
	}
	rec.Comparison = a.comparison(answers, rec)
	rec.Cost = costProjection(c, out, answers)
	rec.Warnings = warnings(out.Fired, d.approach.ID)
	rec.NextSteps = nextSteps(c, out.Fired, rec)
	a.checkBudget(answers, rec)
	a.checkTimeline(answers, rec)
	rec.ReadingPath, rec.FurtherReading = a.readingPath(out.Fired)
	if opt.Summary {
		rec.FurtherReading = []PathEntry{}
	}
	return rec, d, nil
}

func warnings(fired []*rules.Rule, approach string) []Warning {
	out := []Warning{}
	seen := map[string]bool{}
	for _, sev := range rules.Severities {
		for _, r := range fired {
			if !r.AppliesTo(approach) {
				continue
			}
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

// addWarning inserts a warning of a built-in step in severity order.
func (rec *Recommendation) addWarning(w Warning) {
	rank := func(sev string) int { return slices.Index(rules.Severities, sev) }
	i := len(rec.Warnings)
	for j, x := range rec.Warnings {
		if rank(x.Severity) > rank(w.Severity) {
			i = j
			break
		}
	}
	rec.Warnings = slices.Insert(rec.Warnings, i, w)
}

// nextSteps lists the fired rules' playbooks and steps that fit the result: a rule's steps
// only under the approaches it names, a playbook only under its approaches, and a migration
// playbook only when its destination is a finalist.
func nextSteps(c *catalog.Catalog, fired []*rules.Rule, rec *Recommendation) []NextStep {
	out := []NextStep{}
	seen := map[string]bool{}
	finalist := map[string]bool{}
	for _, p := range rec.Shortlist {
		finalist[p.ID] = true
	}
	for _, r := range fired {
		if !r.AppliesTo(rec.Approach.ID) {
			continue
		}
		for _, id := range r.Playbooks {
			pb := c.Playbook(id)
			if seen["playbook:"+id] || !slices.Contains(pb.Approaches, rec.Approach.ID) ||
				(pb.Destination != "" && !finalist[pb.Destination]) {
				continue
			}
			seen["playbook:"+id] = true
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

// pathCost is the three-year cost of what the result recommends: the leader's, or building.
func (rec *Recommendation) pathCost() (catalog.Range, string) {
	if rec.Approach.ID == "build" {
		return rec.Cost.Build.Total, "building in-house"
	}
	for _, p := range rec.Shortlist {
		if rec.Leader != nil && p.ID == rec.Leader.ID {
			return p.Cost.ThreeYear, p.Name
		}
	}
	return catalog.Range{}, ""
}

// checkBudget compares the buyer's yearly budget with the recommended path's yearly cost.
func (a *Advisor) checkBudget(answers questionnaire.Answers, rec *Recommendation) {
	budget, ok := answers["budget_annual_usd"].(float64)
	total, what := rec.pathCost()
	if !ok || what == "" {
		return
	}
	yearly := catalog.Range{Low: total.Low / 3, High: total.High / 3}
	switch {
	case budget < yearly.Low:
		rec.addWarning(Warning{ID: "budget-short", Severity: "warning", Rule: ruleBudget, Text: fmt.Sprintf(
			"Your identity budget of %s a year is below the %s a year that %s is likely to cost on average over three years. Negotiate, revisit the must-haves that need a higher plan, or raise the budget.",
			Money(budget), MoneyRange(yearly.Low, yearly.High), what)})
	case budget < yearly.High:
		rec.addWarning(Warning{ID: "budget-tight", Severity: "info", Rule: ruleBudget, Text: fmt.Sprintf(
			"Your budget of %s a year covers the low estimate for %s (%s a year) but not the high one; ask for a renewal cap.",
			Money(budget), what, MoneyRange(yearly.Low, yearly.High))})
	}
}

// checkTimeline compares the go-live date with the longest playbook the result carries.
func (a *Advisor) checkTimeline(answers questionnaire.Answers, rec *Recommendation) {
	weeks, ok := answers["go_live_weeks"].(int)
	if !ok {
		return
	}
	var longest *catalog.Playbook
	for _, s := range rec.NextSteps {
		if s.Playbook != nil && (longest == nil || s.Playbook.Days() > longest.Days()) {
			longest = s.Playbook
		}
	}
	if longest == nil || weeks*7 >= longest.Days() {
		return
	}
	rec.addWarning(Warning{ID: "timeline-too-short", Severity: "warning", Rule: ruleTimeline, Text: fmt.Sprintf(
		"You plan to go live in %d weeks, but the %s playbook alone takes about %d weeks. Move the date, cut scope, or plan a phased cutover.",
		weeks, longest.Title, int(math.Ceil(float64(longest.Days())/7)))})
}

func costProjection(c *catalog.Catalog, out *rules.Outcome, answers questionnaire.Answers) CostProjection {
	env := out.Env
	mau := env["mau_now"].(int)
	g := env["growth_factor"].(float64)
	at := func(years float64) int { return int(math.Round(float64(mau) * math.Pow(g, years))) }
	byModel := out.ByModel
	p := CostProjection{
		MAUNow: mau, MAU12m: at(1), MAU24m: at(2), MAU36m: at(3),
		Registered: int(math.Round(env["registered_now"].(float64))),
		Assumed:    []string{},
		Escalator:  c.Cost.RenewalEscalator, Note: c.Cost.Note,
		SelfHost: byModel["self_host"], Build: byModel["build"],
	}
	for _, m := range out.Cost {
		if m.Model != "self_host" && m.Model != "build" {
			p.Models = append(p.Models, m)
		}
	}
	for _, q := range []string{"mau_growth_pct", "registered_users", "budget_annual_usd"} {
		if _, ok := answers[q]; !ok {
			p.Assumed = append(p.Assumed, q)
		}
	}
	if b, ok := answers["budget_annual_usd"].(float64); ok {
		p.Budget = &b
	}
	return p
}

func nonNil(r []Reason) []Reason {
	if r == nil {
		return []Reason{}
	}
	return r
}
