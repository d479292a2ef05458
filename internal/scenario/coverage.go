package scenario

import (
	"fmt"

	"github.com/ciamadvisor/advisor/internal/rules"
)

// Coverage says how much of a rule set the scenarios exercise: which rules no scenario fires,
// and which effects no scenario that fires the rule asserts. Next steps are free text and are
// not counted as effects.
type Coverage struct {
	Rules, Fired     int
	Unfired          []*rules.Rule
	Effects, Checked int
	Unchecked        []string // "rule-id: effect"
}

// RulePercent is the share of rules some scenario fires.
func (c Coverage) RulePercent() float64 { return percent(c.Fired, c.Rules) }

// EffectPercent is the share of effects some scenario checks.
func (c Coverage) EffectPercent() float64 { return percent(c.Checked, c.Effects) }

func percent(n, of int) float64 {
	if of == 0 {
		return 100
	}
	return 100 * float64(n) / float64(of)
}

// Cover computes coverage from scenario results.
func Cover(rs *rules.RuleSet, results []Result) Coverage {
	firedIn := map[string][]*Scenario{}
	for _, r := range results {
		for _, id := range r.Fired {
			firedIn[id] = append(firedIn[id], r.Scenario)
		}
	}
	var c Coverage
	for _, r := range rs.Rules {
		c.Rules++
		scen := firedIn[r.ID]
		if len(scen) == 0 {
			c.Unfired = append(c.Unfired, r)
		} else {
			c.Fired++
		}
		checkedBy := func(pred func(Expect) bool) bool {
			for _, s := range scen {
				if pred(s.Expect) {
					return true
				}
			}
			return false
		}
		effect := func(name string, ok bool) {
			c.Effects++
			if ok {
				c.Checked++
			} else {
				c.Unchecked = append(c.Unchecked, fmt.Sprintf("%s: %s", r.ID, name))
			}
		}
		if len(r.Architecture) > 0 {
			effect("architecture", checkedBy(func(e Expect) bool { return e.Architecture != "" }))
		}
		if len(r.Approach) > 0 {
			effect("approach", checkedBy(func(e Expect) bool { return e.Approach != "" }))
		}
		for _, g := range r.Guides {
			effect("guide "+g.Slug, checkedBy(func(e Expect) bool {
				return contains(e.GuidesInclude, g.Slug) || contains(e.FurtherInclude, g.Slug)
			}))
		}
		for _, w := range r.Warnings {
			effect("warning "+w.ID, checkedBy(func(e Expect) bool { return contains(e.Warnings, w.ID) }))
		}
		for _, p := range r.Playbooks {
			effect("playbook "+p, checkedBy(func(e Expect) bool { return contains(e.Playbooks, p) }))
		}
		if r.Vendors != nil {
			effect("vendors", checkedBy(func(e Expect) bool {
				return len(e.Eliminated)+len(e.Kept)+len(e.Shortlisted)+len(e.Checks)+len(e.Ranked)+len(e.Above)+len(e.Matrix) > 0 ||
					e.Leader != ""
			}))
		}
	}
	return c
}
