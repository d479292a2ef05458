package advisor

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
)

// Counterfactual is a single-answer change that would change the architecture, the approach
// or the leading vendor.
type Counterfactual struct {
	Target   string `json:"target"` // architecture, approach or leader
	Question string `json:"question"`
	From     any    `json:"from"`
	To       any    `json:"to"`
	Outcome  string `json:"outcome"` // the new architecture, approach or leader ID
	Text     string `json:"text"`
	distance float64
}

// Counterfactual targets.
const (
	TargetArchitecture = "architecture"
	TargetApproach     = "approach"
	TargetLeader       = "leader"
)

// maxCounterfactuals is how many changes are reported per target.
const maxCounterfactuals = 3

// outcome is what a counterfactual compares.
type outcome struct{ arch, approach, leader string }

func (a *Advisor) outcomeOf(answers questionnaire.Answers, p *probe) (outcome, error) {
	d, err := a.decide(answers, false, p)
	if err != nil {
		return outcome{}, err
	}
	o := outcome{arch: d.arch.ID, approach: d.approach.ID}
	if l := d.leader(); l != nil && o.approach != "build" {
		o.leader = l.v.ID
	}
	return o, nil
}

// counterfactuals tries every other value of every visible question, one at a time, and
// reports the smallest changes that flip the architecture, the approach or the leader. Numbers
// are probed at multiples of the answer and the flip point found by bisection. "Smallest" ranks
// a numeric threshold first (nearer is smaller), then dropping a requirement, then changing a
// single answer, then adding a requirement, and a different identity shape last.
//
// near is the rules' outcome for the answers themselves: each probe re-runs only the rules
// whose inputs it changed.
func (a *Advisor) counterfactuals(answers questionnaire.Answers, rec *Recommendation, near *rules.Outcome) []Counterfactual {
	base := outcome{arch: rec.Architecture.ID, approach: rec.Approach.ID}
	if rec.Leader != nil {
		base.leader = rec.Leader.ID
	}
	var found []Counterfactual
	p := &probe{near: near}
	with := func(qn *questionnaire.Question, to any) outcome {
		changed := maps.Clone(answers)
		changed[qn.ID] = to
		a.Questionnaire().Prune(changed)
		o, err := a.outcomeOf(changed, p)
		if err != nil {
			return base
		}
		return o
	}
	try := func(qn *questionnaire.Question, to any, distance float64) {
		if o := with(qn, to); o != base {
			found = append(found, a.describeChanges(qn, answers[qn.ID], to, base, o, distance)...)
		}
	}
	for _, qn := range a.Questionnaire().VisibleQuestions(answers) {
		from, answered := answers[qn.ID]
		switch qn.Type {
		case questionnaire.Single:
			// Who your users are is a fact, not a choice: a change of shape comes last.
			cost := 1.5
			if qn.ID == "identity_shape" {
				cost = 3
			}
			for _, opt := range qn.Options {
				if opt.Value != from {
					try(qn, opt.Value, cost)
				}
			}
		case questionnaire.Boolean:
			b, _ := from.(bool)
			try(qn, !b, 1.5)
		case questionnaire.Multi:
			// Dropping a requirement is the change a buyer can make; adding one comes after.
			list, _ := from.([]string)
			for _, opt := range qn.Options {
				next := slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == opt.Value })
				cost := 1.0
				if len(next) == len(list) {
					next, cost = append(next, opt.Value), 2
				}
				try(qn, next, cost)
			}
		case questionnaire.Integer, questionnaire.Number:
			if answered {
				numericCounterfactuals(qn, from, base, func(to any) outcome { return with(qn, to) },
					func(to any, distance float64) { try(qn, to, distance) })
			}
		}
	}
	return pickCounterfactuals(found)
}

// numericCounterfactuals probes a number at multiples of its value (or fixed points for
// growth), and bisects towards the current value to find where an outcome flips.
func numericCounterfactuals(qn *questionnaire.Question, from any, base outcome, with func(any) outcome, try func(any, float64)) {
	cur := toFloat(from)
	var probes []float64
	if cur > 0 {
		for _, m := range []float64{0.1, 0.3, 3, 10} {
			probes = append(probes, cur*m)
		}
	} else {
		probes = []float64{-50, 10, 50, 200}
	}
	value := func(f float64) any {
		if qn.Min != nil {
			f = max(f, *qn.Min)
		}
		if qn.Max != nil {
			f = min(f, *qn.Max)
		}
		if qn.Type == questionnaire.Integer {
			return int(math.Round(f))
		}
		return math.Round(f*100) / 100
	}
	// Probing records nothing: only the flip point found by bisection is reported.
	for _, p := range probes {
		if toFloat(value(p)) == cur || with(value(p)) == base {
			continue
		}
		lo, hi := cur, p // the outcome is base at lo and different at hi
		for range 7 {
			mid := (lo + hi) / 2
			if with(value(mid)) == base {
				lo = mid
			} else {
				hi = mid
			}
		}
		to := value(roundNice(hi, lo))
		if with(to) == base { // rounding stepped back over the flip point
			to = value(hi)
		}
		distance := math.Abs(math.Log(math.Max(math.Abs(toFloat(to)), 1) / math.Max(math.Abs(cur), 1)))
		try(to, 0.5+distance) // a threshold is the most telling change
	}
}

// roundNice rounds the flip point x to two significant figures, staying on the far side of
// near (the last value with the old outcome).
func roundNice(x, near float64) float64 {
	if x == 0 {
		return 0
	}
	mag := math.Pow(10, math.Floor(math.Log10(math.Abs(x)))-1)
	if x > near {
		return math.Ceil(x/mag) * mag
	}
	return math.Floor(x/mag) * mag
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

// describeChanges states, for each target that differs, what the change would do.
func (a *Advisor) describeChanges(qn *questionnaire.Question, from, to any, base, o outcome, distance float64) []Counterfactual {
	c := a.Catalog()
	var out []Counterfactual
	add := func(target, outcomeID, what string) {
		out = append(out, Counterfactual{Target: target, Question: qn.ID, From: from, To: to, Outcome: outcomeID,
			Text: a.changeText(qn, from, to) + ", " + what + ".", distance: distance})
	}
	if o.arch != base.arch {
		add(TargetArchitecture, o.arch, "the architecture would be "+c.Architecture(o.arch).Title)
	}
	if o.approach != base.approach {
		add(TargetApproach, o.approach, "the approach would be "+strings.ToLower(c.Approach(o.approach).Title))
	}
	if o.leader != base.leader {
		switch {
		case o.leader == "":
			add(TargetLeader, "", "no vendor would lead")
		default:
			add(TargetLeader, o.leader, c.Vendor(o.leader).Name+" would lead")
		}
	}
	return out
}

// changeText says the change in a buyer's words: "If you also needed SCIM provisioning".
func (a *Advisor) changeText(qn *questionnaire.Question, from, to any) string {
	switch qn.Type {
	case questionnaire.Single:
		return fmt.Sprintf("If you answered %q with %q", qn.Label, qn.OptionLabel(to.(string)))
	case questionnaire.Boolean:
		ans := "no"
		if to.(bool) {
			ans = "yes"
		}
		return fmt.Sprintf("If you answered %q with %s", qn.Label, ans)
	case questionnaire.Multi:
		before, _ := from.([]string)
		after := to.([]string)
		for _, v := range after {
			if !slices.Contains(before, v) {
				return fmt.Sprintf("If you added %q to %q", qn.OptionLabel(v), qn.Label)
			}
		}
		for _, v := range before {
			if !slices.Contains(after, v) {
				return fmt.Sprintf("Without %q in %q", qn.OptionLabel(v), qn.Label)
			}
		}
	}
	dir := "above"
	if toFloat(to) < toFloat(from) {
		dir = "below"
	}
	return fmt.Sprintf("With %q %s about %s (you answered %s)", qn.Label, dir, formatNumber(qn, to), formatNumber(qn, from))
}

func formatNumber(qn *questionnaire.Question, v any) string {
	f := toFloat(v)
	if unit, ok := strings.CutPrefix(qn.Unit, "USD"); ok {
		return Money(f) + unit
	}
	var s string
	switch {
	case math.Abs(f) >= 1e6:
		s = strings.TrimSuffix(fmt.Sprintf("%.1f", f/1e6), ".0") + "M"
	case math.Abs(f) >= 1e4:
		s = fmt.Sprintf("%.0fk", f/1e3)
	default:
		s = strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
	}
	switch {
	case strings.HasPrefix(qn.Unit, "%"):
		return s + qn.Unit
	case qn.Unit != "":
		return s + " " + qn.Unit
	}
	return s
}

// pickCounterfactuals keeps the smallest changes per target, in the order architecture,
// approach, leader.
func pickCounterfactuals(found []Counterfactual) []Counterfactual {
	order := map[string]int{TargetArchitecture: 0, TargetApproach: 1, TargetLeader: 2}
	slices.SortStableFunc(found, func(x, y Counterfactual) int {
		return cmp.Or(cmp.Compare(order[x.Target], order[y.Target]), cmp.Compare(x.distance, y.distance))
	})
	out := []Counterfactual{}
	count := map[string]int{}
	seen := map[string]bool{}
	for _, c := range found {
		key := c.Target + "\x00" + c.Question + "\x00" + c.Outcome
		if count[c.Target] >= maxCounterfactuals || seen[key] {
			continue
		}
		seen[key] = true
		count[c.Target]++
		out = append(out, c)
	}
	return out
}
