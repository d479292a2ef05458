package advisor

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
)

// Change is what differs between two recommendations for the same answers. The first fields
// summarise the headline changes; Items lists every difference, in the order of the result,
// each with the rules behind it.
type Change struct {
	Architecture  *Delta   `json:"architecture,omitempty"`
	Approach      *Delta   `json:"approach,omitempty"`
	Leader        *Delta   `json:"leader,omitempty"`
	GuidesAdded   []string `json:"guides_added,omitempty"`
	GuidesRemoved []string `json:"guides_removed,omitempty"`
	ShortlistIn   []string `json:"shortlist_added,omitempty"`
	ShortlistOut  []string `json:"shortlist_removed,omitempty"`
	KnockedOut    []string `json:"eliminated_added,omitempty"`
	Reinstated    []string `json:"eliminated_removed,omitempty"`
	WarningsAdded []string `json:"warnings_added,omitempty"`
	WarningsGone  []string `json:"warnings_removed,omitempty"`
	Items         []Item   `json:"items,omitempty"`
}

// Delta is a changed single value.
type Delta struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Item is one difference. Area is the part of the result (architecture, approach,
// reading_path, further_reading, leader, tie_break, stay, vendor, eliminated, warnings,
// next_steps, counterfactuals); Subject the thing within it (a vendor ID, a guide slug, a
// warning ID); What the aspect that changed (added, removed, score, rank, fit, cost, list,
// reason, concern, check, text, order). From and To are the values before and after, when
// the aspect has one; a reason, concern or check added has only To, one removed only From.
// Rules are the rules whose effects differ and that produce the item.
type Item struct {
	Area    string   `json:"area"`
	Subject string   `json:"subject,omitempty"`
	What    string   `json:"what"`
	From    string   `json:"from,omitempty"`
	To      string   `json:"to,omitempty"`
	Rules   []string `json:"rules,omitempty"`
}

// String is the item in one line, for text reports.
func (it Item) String() string {
	s := it.Area
	if it.Subject != "" {
		s += " " + it.Subject
	}
	s += ": " + it.What
	switch {
	case it.From != "" && it.To != "":
		s += fmt.Sprintf(" %s -> %s", it.From, it.To)
	case it.To != "":
		s += " + " + it.To
	case it.From != "":
		s += " - " + it.From
	}
	if len(it.Rules) > 0 {
		s += " [" + joinRules(it.Rules) + "]"
	}
	return s
}

func joinRules(ids []string) string {
	b, _ := json.Marshal(ids)
	s := string(b)
	return s[1 : len(s)-1]
}

// Empty reports whether nothing changed.
func (c Change) Empty() bool {
	return c.Architecture == nil && c.Approach == nil && c.Leader == nil && len(c.GuidesAdded)+len(c.GuidesRemoved)+
		len(c.ShortlistIn)+len(c.ShortlistOut)+len(c.KnockedOut)+len(c.Reinstated)+
		len(c.WarningsAdded)+len(c.WarningsGone)+len(c.Items) == 0
}

// Compare reports how next differs from prev. Changes that carry a rule (a reason, a
// warning, a guide, a knockout) name it; aggregate changes (a score, a rank) name the rules
// whose reasons differ between the two results. CompareRules attributes those better when
// the two rule sets are at hand.
func Compare(prev, next *Recommendation) Change {
	return CompareRules(prev, next, nil, nil)
}

// CompareRules is Compare that also knows the rule sets the results came from: a score, rank,
// fit or cost change then also names every rule of the kind that moves it (architecture,
// approach or vendor effects, cost weight) whose definition differs between the sets or that
// fired under one and not the other. Either set may be nil.
func CompareRules(prev, next *Recommendation, prevRules, nextRules *rules.RuleSet) Change {
	d := differ{changed: changedRules(prev, next, prevRules, nextRules)}
	var c Change
	if prev.Architecture.ID != next.Architecture.ID {
		c.Architecture = &Delta{prev.Architecture.ID, next.Architecture.ID}
	}
	if prev.Approach.ID != next.Approach.ID {
		c.Approach = &Delta{prev.Approach.ID, next.Approach.ID}
	}
	if a, b := leaderID(prev), leaderID(next); a != b {
		c.Leader = &Delta{a, b}
	}
	c.GuidesAdded, c.GuidesRemoved = setDiff(guideSlugs(prev), guideSlugs(next))
	c.ShortlistIn, c.ShortlistOut = setDiff(pickIDs(prev.Shortlist), pickIDs(next.Shortlist))
	c.KnockedOut, c.Reinstated = setDiff(goneIDs(prev), goneIDs(next))
	c.WarningsAdded, c.WarningsGone = setDiff(warningIDs(prev), warningIDs(next))

	d.choice("architecture", prev.Architecture, next.Architecture, "architecture")
	d.choice("approach", prev.Approach, next.Approach, "approach")
	d.path("reading_path", prev.ReadingPath, next.ReadingPath)
	d.path("further_reading", prev.FurtherReading, next.FurtherReading)
	if c.Leader != nil {
		d.add(Item{Area: "leader", What: "vendor", From: c.Leader.From, To: c.Leader.To}, d.ranking(prev, next))
	} else if prev.Leader != nil && next.Leader != nil && prev.Leader.Margin != next.Leader.Margin {
		d.add(Item{Area: "leader", Subject: next.Leader.ID, What: "margin", From: strconv.Itoa(prev.Leader.Margin), To: strconv.Itoa(next.Leader.Margin)}, d.ranking(prev, next))
	}
	if prev.TieBreak != next.TieBreak {
		d.add(Item{Area: "tie_break", What: "criterion", From: prev.TieBreak, To: next.TieBreak}, d.ranking(prev, next))
	}
	d.stay(prev.Stay, next.Stay)
	d.vendors(prev, next)
	d.eliminated(prev.Eliminated, next.Eliminated)
	d.warnings(prev.Warnings, next.Warnings)
	d.nextSteps(prev.NextSteps, next.NextSteps)
	d.counterfactuals(prev.Counterfactuals, next.Counterfactuals)
	c.Items = d.items
	return c
}

// DiffAnswers evaluates one set of answers (a JSON object keyed by question ID) under the
// content prev and the content next and reports what the change of content does to the advice:
// `advisor diff` and the editors' workbench both compare through it. The results carry the trace
// and the counterfactuals, so that changes name the rules that fired under one set only.
//
// Answers rejected alike by both sets (a scenario about invalid input) are no change: both
// return values are empty. Answers that evaluate under one set and not the other, or fail
// differently, give failed, "old: …; new: …". Otherwise change is nil when nothing differs.
func DiffAnswers(prev, next *Advisor, answers []byte) (change *Change, failed string) {
	before, errA := evaluateJSON(prev, answers)
	after, errB := evaluateJSON(next, answers)
	switch {
	case errA != nil && errB != nil && errA.Error() == errB.Error():
		return nil, ""
	case errA != nil || errB != nil:
		return nil, fmt.Sprintf("old: %s; new: %s", errText(errA), errText(errB))
	}
	if ch := CompareRules(before, after, prev.Rules, next.Rules); !ch.Empty() {
		return &ch, ""
	}
	return nil, ""
}

func evaluateJSON(a *Advisor, answers []byte) (*Recommendation, error) {
	raw, err := questionnaire.DecodeJSON(answers)
	if err != nil {
		return nil, err
	}
	return a.Evaluate(raw, Options{Explain: true, Counterfactuals: true})
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// ruleChange is a rule whose effect may differ between two results, with the kinds of effect
// it has (under either set).
type ruleChange struct {
	arch, approach, vendor bool
}

// changedRules finds the rules whose effects differ: fired in one result and not the other
// (from the explain trace, when the results carry it), or defined differently in the two sets.
func changedRules(prev, next *Recommendation, prevRules, nextRules *rules.RuleSet) map[string]ruleChange {
	out := map[string]ruleChange{}
	fired := func(r *Recommendation) map[string]bool {
		m := map[string]bool{}
		for _, t := range r.Trace {
			if t.Fired {
				m[t.Rule] = true
			}
		}
		return m
	}
	byID := func(rs *rules.RuleSet) map[string]*rules.Rule {
		m := map[string]*rules.Rule{}
		if rs != nil {
			for _, r := range rs.Rules {
				m[r.ID] = r
			}
		}
		return m
	}
	pr, nr := byID(prevRules), byID(nextRules)
	kind := func(id string) ruleChange {
		var k ruleChange
		for _, r := range []*rules.Rule{pr[id], nr[id]} {
			if r != nil {
				k.arch = k.arch || len(r.Architecture) > 0
				k.approach = k.approach || len(r.Approach) > 0
				k.vendor = k.vendor || r.Vendors != nil || r.CostWeight != 0
			}
		}
		return k
	}
	pf, nf := fired(prev), fired(next)
	for id := range pf {
		if !nf[id] && len(next.Trace) > 0 {
			out[id] = kind(id)
		}
	}
	for id := range nf {
		if !pf[id] && len(prev.Trace) > 0 {
			out[id] = kind(id)
		}
	}
	if prevRules != nil && nextRules != nil {
		for id, r := range nr {
			if p, ok := pr[id]; !ok || ruleText(p) != ruleText(r) {
				out[id] = kind(id)
			}
		}
		for id := range pr {
			if nr[id] == nil {
				out[id] = kind(id)
			}
		}
	}
	return out
}

// ruleText is a rule's definition, to tell whether it changed.
func ruleText(r *rules.Rule) string {
	b, _ := json.Marshal(r)
	s := string(b) + "\x00" + r.When.Text
	if r.Vendors != nil {
		s += "\x00" + r.Vendors.Test.Text
	}
	return s
}

type differ struct {
	changed map[string]ruleChange
	items   []Item
}

func (d *differ) add(it Item, rules ...[]string) {
	for _, list := range rules {
		for _, r := range list {
			if r != "" && !slices.Contains(it.Rules, r) {
				it.Rules = append(it.Rules, r)
			}
		}
	}
	slices.Sort(it.Rules)
	d.items = append(d.items, it)
}

// ofKind lists the changed rules with an effect of the kind.
func (d *differ) ofKind(f func(ruleChange) bool) []string {
	var out []string
	for id, k := range d.changed {
		if f(k) {
			out = append(out, id)
		}
	}
	return out
}

// reasons diffs two reason lists by text and rule: what was added and removed.
func reasonDiff(prev, next []Reason) (added, removed []Reason) {
	for _, r := range next {
		if !slices.Contains(prev, r) {
			added = append(added, r)
		}
	}
	for _, r := range prev {
		if !slices.Contains(next, r) {
			removed = append(removed, r)
		}
	}
	return added, removed
}

func ruleIDs(lists ...[]Reason) []string {
	var out []string
	for _, l := range lists {
		for _, r := range l {
			out = append(out, r.Rule)
		}
	}
	return out
}

func (d *differ) reasons(area, subject, what string, prev, next []Reason) []string {
	added, removed := reasonDiff(prev, next)
	for _, r := range added {
		d.add(Item{Area: area, Subject: subject, What: what, To: r.Text}, []string{r.Rule})
	}
	for _, r := range removed {
		d.add(Item{Area: area, Subject: subject, What: what, From: r.Text}, []string{r.Rule})
	}
	return ruleIDs(added, removed)
}

func (d *differ) choice(area string, prev, next Choice, kind string) {
	moved := d.ofKind(func(k ruleChange) bool {
		if kind == "architecture" {
			return k.arch
		}
		return k.approach
	})
	why := d.reasons(area, next.ID, "reason", prev.Why, next.Why)
	if prev.ID != next.ID {
		d.add(Item{Area: area, What: "choice", From: prev.ID, To: next.ID}, why, moved)
	}
	if prev.Score != next.Score {
		d.add(Item{Area: area, Subject: next.ID, What: "score", From: num(prev.Score), To: num(next.Score)}, why, moved)
	}
	pr, nr := runnerUp(prev), runnerUp(next)
	if pr.ID != nr.ID {
		d.add(Item{Area: area, What: "runner-up", From: pr.ID, To: nr.ID}, moved)
	} else if pr.Score != nr.Score {
		d.add(Item{Area: area, Subject: nr.ID, What: "runner-up score", From: num(pr.Score), To: num(nr.Score)}, ruleIDs(reasonDiff(pr.Why, nr.Why)), moved)
	}
}

func runnerUp(c Choice) RunnerUp {
	if c.RunnerUp == nil {
		return RunnerUp{}
	}
	return *c.RunnerUp
}

func (d *differ) path(area string, prev, next []PathEntry) {
	index := func(list []PathEntry, slug string) int {
		return slices.IndexFunc(list, func(e PathEntry) bool { return e.Slug == slug })
	}
	for i, e := range next {
		j := index(prev, e.Slug)
		switch {
		case j < 0:
			d.add(Item{Area: area, Subject: e.Slug, What: "added", To: e.Reason}, []string{e.Rule})
		case prev[j].Reason != e.Reason || prev[j].Rule != e.Rule:
			d.add(Item{Area: area, Subject: e.Slug, What: "reason", From: prev[j].Reason, To: e.Reason}, []string{prev[j].Rule, e.Rule})
		case j != i:
			d.add(Item{Area: area, Subject: e.Slug, What: "position", From: strconv.Itoa(j + 1), To: strconv.Itoa(i + 1)}, []string{e.Rule})
		}
	}
	for _, e := range prev {
		if index(next, e.Slug) < 0 {
			d.add(Item{Area: area, Subject: e.Slug, What: "removed", From: e.Reason}, []string{e.Rule})
		}
	}
}

func (d *differ) stay(prev, next *Stay) {
	switch {
	case prev == nil && next == nil:
		return
	case prev == nil:
		d.add(Item{Area: "stay", Subject: next.ID, What: "added", To: viable(next.Viable)}, ruleIDs(next.Why))
		return
	case next == nil:
		d.add(Item{Area: "stay", Subject: prev.ID, What: "removed", From: viable(prev.Viable)}, ruleIDs(prev.Why))
		return
	}
	why := d.reasons("stay", next.ID, "reason", prev.Why, next.Why)
	if prev.Viable != next.Viable {
		d.add(Item{Area: "stay", Subject: next.ID, What: "viable", From: viable(prev.Viable), To: viable(next.Viable)}, why)
	}
	if a, b := costText(prev), costText(next); a != b {
		d.add(Item{Area: "stay", Subject: next.ID, What: "cost", From: a, To: b}, d.ofKind(func(k ruleChange) bool { return k.vendor }))
	}
}

func viable(v bool) string {
	if v {
		return "viable"
	}
	return "not viable"
}

func costText(s *Stay) string {
	if s.Cost == nil {
		return ""
	}
	return MoneyRange(s.Cost.ThreeYear.Low, s.Cost.ThreeYear.High) + " " + s.Cost.Basis
}

// listed is a vendor in one of a result's vendor lists.
type listed struct {
	list string
	pick VendorPick
}

func vendorLists(r *Recommendation) map[string]listed {
	m := map[string]listed{}
	for _, l := range []struct {
		name  string
		picks []VendorPick
	}{{"shortlist", r.Shortlist}, {"if_you_buy", r.IfYouBuy}, {"also_viable", r.AlsoViable}} {
		for _, p := range l.picks {
			if _, ok := m[p.ID]; !ok {
				m[p.ID] = listed{l.name, p}
			}
		}
	}
	return m
}

// ranking is every rule that can move vendors: the changed rules with vendor effects, and
// the rules of reasons that differ on any vendor.
func (d *differ) ranking(prev, next *Recommendation) []string {
	out := d.ofKind(func(k ruleChange) bool { return k.vendor })
	pl, nl := vendorLists(prev), vendorLists(next)
	for id, n := range nl {
		if p, ok := pl[id]; ok {
			out = append(out, ruleIDs(symmetric(p.pick.Why, n.pick.Why), symmetric(p.pick.Concerns, n.pick.Concerns))...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func symmetric(a, b []Reason) []Reason {
	added, removed := reasonDiff(a, b)
	return append(added, removed...)
}

func (d *differ) vendors(prev, next *Recommendation) {
	pl, nl := vendorLists(prev), vendorLists(next)
	vendorRules := d.ofKind(func(k ruleChange) bool { return k.vendor })
	var order []string
	for _, r := range []*Recommendation{next, prev} {
		for _, list := range [][]VendorPick{r.Shortlist, r.IfYouBuy, r.AlsoViable} {
			for _, p := range list {
				if !slices.Contains(order, p.ID) {
					order = append(order, p.ID)
				}
			}
		}
	}
	for _, id := range order {
		p, inPrev := pl[id]
		n, inNext := nl[id]
		switch {
		case !inPrev:
			d.add(Item{Area: "vendor", Subject: id, What: "added", To: fmt.Sprintf("%s #%d, fit %d", n.list, n.pick.Rank, n.pick.Fit)}, ruleIDs(n.pick.Why), vendorRules)
			continue
		case !inNext:
			d.add(Item{Area: "vendor", Subject: id, What: "removed", From: fmt.Sprintf("%s #%d, fit %d", p.list, p.pick.Rank, p.pick.Fit)}, ruleIDs(p.pick.Why), vendorRules)
			continue
		}
		a, b := p.pick, n.pick
		why := d.reasons("vendor", id, "reason", a.Why, b.Why)
		concerns := d.reasons("vendor", id, "concern", a.Concerns, b.Concerns)
		checks := d.reasons("vendor", id, "check", a.Check, b.Check)
		moved := slices.Concat(why, concerns, checks, vendorRules)
		if p.list != n.list {
			d.add(Item{Area: "vendor", Subject: id, What: "list", From: p.list, To: n.list}, moved)
		}
		if a.Rank != b.Rank {
			d.add(Item{Area: "vendor", Subject: id, What: "rank", From: strconv.Itoa(a.Rank), To: strconv.Itoa(b.Rank)}, moved)
		}
		if a.Fit != b.Fit {
			d.add(Item{Area: "vendor", Subject: id, What: "fit", From: strconv.Itoa(a.Fit), To: strconv.Itoa(b.Fit)}, moved)
		}
		if a.Confidence != b.Confidence {
			d.add(Item{Area: "vendor", Subject: id, What: "confidence", From: num(a.Confidence), To: num(b.Confidence)}, checks, vendorRules)
		}
		if a.Unconfirmed != b.Unconfirmed {
			d.add(Item{Area: "vendor", Subject: id, What: "unconfirmed hard requirements", From: strconv.Itoa(a.Unconfirmed), To: strconv.Itoa(b.Unconfirmed)}, checks, vendorRules)
		}
		ca := MoneyRange(a.Cost.ThreeYear.Low, a.Cost.ThreeYear.High) + " " + a.Cost.Basis
		cb := MoneyRange(b.Cost.ThreeYear.Low, b.Cost.ThreeYear.High) + " " + b.Cost.Basis
		if ca != cb {
			d.add(Item{Area: "vendor", Subject: id, What: "cost", From: ca, To: cb}, vendorRules)
		}
	}
}

func (d *differ) eliminated(prev, next []Elimination) {
	find := func(list []Elimination, id string) *Elimination {
		for i := range list {
			if list[i].ID == id {
				return &list[i]
			}
		}
		return nil
	}
	for _, e := range next {
		switch p := find(prev, e.ID); {
		case p == nil:
			d.add(Item{Area: "eliminated", Subject: e.ID, What: "added", To: e.Reason}, []string{e.Rule}, ruleIDs(e.Reasons))
		default:
			d.reasons("eliminated", e.ID, "reason", p.Reasons, e.Reasons)
		}
	}
	for _, e := range prev {
		if find(next, e.ID) == nil {
			d.add(Item{Area: "eliminated", Subject: e.ID, What: "removed", From: e.Reason}, []string{e.Rule}, ruleIDs(e.Reasons))
		}
	}
}

func (d *differ) warnings(prev, next []Warning) {
	find := func(list []Warning, id string) *Warning {
		for i := range list {
			if list[i].ID == id {
				return &list[i]
			}
		}
		return nil
	}
	for _, w := range next {
		switch p := find(prev, w.ID); {
		case p == nil:
			d.add(Item{Area: "warnings", Subject: w.ID, What: "added", To: w.Text}, []string{w.Rule})
		case p.Text != w.Text:
			d.add(Item{Area: "warnings", Subject: w.ID, What: "text", From: p.Text, To: w.Text}, []string{p.Rule, w.Rule})
		case p.Severity != w.Severity:
			d.add(Item{Area: "warnings", Subject: w.ID, What: "severity", From: p.Severity, To: w.Severity}, []string{w.Rule})
		}
	}
	for _, w := range prev {
		if find(next, w.ID) == nil {
			d.add(Item{Area: "warnings", Subject: w.ID, What: "removed", From: w.Text}, []string{w.Rule})
		}
	}
}

func (d *differ) nextSteps(prev, next []NextStep) {
	key := func(s NextStep) string {
		if s.Playbook != nil {
			return "playbook " + s.Playbook.ID
		}
		return s.Text
	}
	has := func(list []NextStep, k string) bool {
		return slices.ContainsFunc(list, func(s NextStep) bool { return key(s) == k })
	}
	for _, s := range next {
		if !has(prev, key(s)) {
			d.add(Item{Area: "next_steps", What: "added", To: key(s)}, []string{s.Rule})
		}
	}
	for _, s := range prev {
		if !has(next, key(s)) {
			d.add(Item{Area: "next_steps", What: "removed", From: key(s)}, []string{s.Rule})
		}
	}
}

func (d *differ) counterfactuals(prev, next []Counterfactual) {
	key := func(c Counterfactual) string {
		return fmt.Sprintf("%s: %s %v -> %v gives %s", c.Target, c.Question, c.From, c.To, c.Outcome)
	}
	has := func(list []Counterfactual, k string) bool {
		return slices.ContainsFunc(list, func(c Counterfactual) bool { return key(c) == k })
	}
	all := d.ofKind(func(ruleChange) bool { return true })
	for _, c := range next {
		if !has(prev, key(c)) {
			d.add(Item{Area: "counterfactuals", Subject: c.Target, What: "added", To: key(c)}, all)
		}
	}
	for _, c := range prev {
		if !has(next, key(c)) {
			d.add(Item{Area: "counterfactuals", Subject: c.Target, What: "removed", From: key(c)}, all)
		}
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func leaderID(r *Recommendation) string {
	if r.Leader == nil {
		return ""
	}
	return r.Leader.ID
}

func guideSlugs(r *Recommendation) []string {
	out := make([]string, len(r.ReadingPath))
	for i, g := range r.ReadingPath {
		out[i] = g.Slug
	}
	return out
}

func pickIDs(ps []VendorPick) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func goneIDs(r *Recommendation) []string {
	out := make([]string, len(r.Eliminated))
	for i, e := range r.Eliminated {
		out[i] = e.ID
	}
	return out
}

func warningIDs(r *Recommendation) []string {
	out := make([]string, len(r.Warnings))
	for i, w := range r.Warnings {
		out[i] = w.ID
	}
	return out
}

// setDiff returns what next has that prev lacks, and what prev has that next lacks, in order.
func setDiff(prev, next []string) (added, removed []string) {
	for _, s := range next {
		if !slices.Contains(prev, s) {
			added = append(added, s)
		}
	}
	for _, s := range prev {
		if !slices.Contains(next, s) {
			removed = append(removed, s)
		}
	}
	return added, removed
}
