package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/catalog"
)

// checkDecision checks the decision-grade expectations and the invariants every result must
// keep, whatever the scenario says: one story per result, and a ranking a consultant can defend.
func checkDecision(rec *advisor.Recommendation, e Expect, fail func(string, ...any)) {
	rank := map[string]int{}
	for _, p := range slices.Concat(rec.Shortlist, rec.IfYouBuy, rec.AlsoViable) {
		rank[p.ID] = p.Rank
	}
	if e.Leader != "" {
		got := "(none)"
		if rec.Leader != nil {
			got = rec.Leader.ID
		}
		if got != e.Leader {
			fail("leader: expected %s, got %s", e.Leader, got)
		}
	}
	for i := 1; i < len(e.Ranked); i++ {
		e.Above = append(e.Above, Order{e.Ranked[i-1], e.Ranked[i]})
	}
	for _, o := range e.Above {
		hi, okHi := rank[o[0]]
		lo, okLo := rank[o[1]]
		switch {
		case !okHi:
			fail("ranking: expected %s to be ranked, but it is knocked out", o[0])
		case okLo && hi > lo:
			fail("ranking: expected %s above %s; got %s at %d and %s at %d", o[0], o[1], o[0], hi, o[1], lo)
		}
	}
	if e.OnlySelfHosted {
		for _, p := range rec.Shortlist {
			if !slices.ContainsFunc(rec.Comparison.Rows, func(r advisor.ComparisonRow) bool {
				return r.Fact == "self_host" && cellOf(r, p.ID) == catalog.Yes
			}) {
				fail("shortlist: %s cannot be self-hosted, but self-hosting is required", p.ID)
			}
		}
	}
	if s := e.Stay; s != nil {
		switch {
		case rec.Stay == nil:
			fail("stay: expected a stay option on %s, got none", s.Vendor)
		case rec.Stay.ID != s.Vendor || rec.Stay.Viable != s.Viable:
			fail("stay: expected %s viable=%t, got %s viable=%t", s.Vendor, s.Viable, rec.Stay.ID, rec.Stay.Viable)
		}
	}
	for _, c := range e.Cost {
		p := find(rec, c.Vendor)
		if p == nil {
			fail("cost: %s is not ranked", c.Vendor)
			continue
		}
		got := p.Cost.ThreeYear
		if got.Low < c.Min || (c.Max > 0 && got.High > c.Max) {
			fail("cost: expected %s between %s and %s over three years, got %s", c.Vendor, advisor.Money(c.Min), advisor.Money(c.Max), advisor.MoneyRange(got.Low, got.High))
		}
		if c.Basis != "" && p.Cost.Basis != c.Basis {
			fail("cost: expected %s priced by %s, got %s", c.Vendor, c.Basis, p.Cost.Basis)
		}
	}
	for _, want := range e.Counterfactuals {
		if !slices.ContainsFunc(rec.Counterfactuals, func(c advisor.Counterfactual) bool {
			return c.Target == want.Target && c.Question == want.Question && (want.Outcome == "" || c.Outcome == want.Outcome)
		}) {
			var got []string
			for _, c := range rec.Counterfactuals {
				got = append(got, fmt.Sprintf("%s/%s→%s", c.Target, c.Question, c.Outcome))
			}
			fail("counterfactuals: expected %s changed by %s (to %q); got %s", want.Target, want.Question, want.Outcome, strings.Join(got, ", "))
		}
	}
	if e.NoShortlist && len(rec.Shortlist) > 0 {
		fail("shortlist: expected none for a build, got %d vendors", len(rec.Shortlist))
	}
	for _, text := range e.NoNextSteps {
		for _, n := range rec.NextSteps {
			if strings.Contains(n.Text, text) {
				fail("next steps: expected none containing %q, got %q (rule %s)", text, n.Text, n.Rule)
			}
		}
	}
	for _, id := range e.Matrix {
		if !slices.ContainsFunc(rec.Comparison.Rows, func(r advisor.ComparisonRow) bool { return r.ID == id }) {
			fail("comparison: expected a row %s", id)
		}
	}
	for _, msg := range Invariants(rec) {
		fail("%s", msg)
	}
}

// Invariants lists what is wrong with a result whatever its answers: contradictions between
// approach, shortlist and playbooks, hard unknowns ranked above confirmed vendors, missing
// matrix rows, cost ranges too wide to decide on, no counterfactual.
func Invariants(rec *advisor.Recommendation) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if rec.Approach.ID == "build" && len(rec.Shortlist) > 0 {
		add("one story: a build result carries a buy shortlist")
	}
	if rec.Approach.ID != "build" && len(rec.Shortlist) > 0 && (rec.Leader == nil || rec.Leader.ID != rec.Shortlist[0].ID) {
		add("leader: it is not the first of the shortlist")
	}
	finalist := map[string]bool{}
	for _, p := range rec.Shortlist {
		finalist[p.ID] = true
	}
	for _, n := range rec.NextSteps {
		if pb := n.Playbook; pb != nil {
			if !slices.Contains(pb.Approaches, rec.Approach.ID) {
				add("one story: playbook %s does not fit the approach %s", pb.ID, rec.Approach.ID)
			}
			if pb.Destination != "" && !finalist[pb.Destination] {
				add("one story: playbook %s moves to %s, which is not shortlisted", pb.ID, pb.Destination)
			}
		}
	}
	ranked := slices.Concat(rec.Shortlist, rec.IfYouBuy, rec.AlsoViable)
	slices.SortFunc(ranked, func(a, b advisor.VendorPick) int { return a.Rank - b.Rank })
	for i := 1; i < len(ranked); i++ {
		if a, b := ranked[i-1], ranked[i]; a.Unconfirmed > b.Unconfirmed && a.Approachable == b.Approachable {
			add("ranking: %s (%d hard requirements unconfirmed) ranks above %s (%d)", a.ID, a.Unconfirmed, b.ID, b.Unconfirmed)
		}
	}
	for _, q := range []string{"constraints", "must_haves"} {
		chosen, _ := rec.Answers[q].([]string)
		for _, opt := range chosen {
			if len(rec.Comparison.Vendors) > 0 && !slices.ContainsFunc(rec.Comparison.Rows, func(r advisor.ComparisonRow) bool { return r.ID == opt }) {
				add("comparison: no row for %s %s", q, opt)
			}
		}
	}
	for _, p := range slices.Concat(rec.Shortlist, rec.IfYouBuy) {
		c := p.Cost
		if c.Basis == catalog.BasisListPrice && c.ThreeYear.Low > 0 && c.ThreeYear.High > 3*c.ThreeYear.Low {
			add("cost: %s's three-year range %s is wider than 3x", p.ID, advisor.MoneyRange(c.ThreeYear.Low, c.ThreeYear.High))
		}
	}
	if len(rec.Counterfactuals) == 0 {
		add("counterfactuals: none found")
	}
	return out
}

func cellOf(r advisor.ComparisonRow, vendor string) string {
	for _, c := range r.Cells {
		if c.Vendor == vendor {
			return c.Value
		}
	}
	return ""
}

func find(rec *advisor.Recommendation, id string) *advisor.VendorPick {
	for _, list := range [][]advisor.VendorPick{rec.Shortlist, rec.IfYouBuy, rec.AlsoViable} {
		for i := range list {
			if list[i].ID == id {
				return &list[i]
			}
		}
	}
	return nil
}

// ReportLine is one scenario's advice in a line: architecture, approach, the top three with
// fit, and the three-year cost of the first.
func ReportLine(r Result) string {
	rec := r.Rec
	list := rec.Shortlist
	if len(list) == 0 {
		list = rec.IfYouBuy
	}
	var top []string
	for i, p := range list {
		if i == 3 {
			break
		}
		top = append(top, fmt.Sprintf("%s %d", p.ID, p.Fit))
	}
	cost := "-"
	if rec.Approach.ID == "build" {
		cost = "build " + advisor.MoneyRange(rec.Cost.Build.Total.Low, rec.Cost.Build.Total.High)
	} else if len(list) > 0 {
		cost = advisor.MoneyRange(list[0].Cost.ThreeYear.Low, list[0].Cost.ThreeYear.High) + " " + list[0].Cost.Basis
	}
	name := strings.TrimSuffix(strings.TrimPrefix(r.Scenario.File, "rules/tests/"), ".yaml")
	return fmt.Sprintf("%-28s %-22s %-21s %-52s %s", name, rec.Architecture.ID, rec.Approach.ID, strings.Join(top, ", "), cost)
}
