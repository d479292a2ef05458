package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/diag"
)

// builtinWarnings are the warning IDs the engine raises itself (cost-budget-vs-leader,
// timeline-vs-playbooks), besides those rules declare.
var builtinWarnings = []string{"budget-short", "budget-tight", "timeline-too-short"}

// Lint checks that every ID a scenario names exists in a's content: vendors, guides,
// architectures, approaches, playbooks, warnings and questions. An unknown ID would make an
// expectation fail for a confusing reason, or pass vacuously (an expected absence), so each
// is reported at its place in the file, with the closest ID that does exist.
func Lint(a *advisor.Advisor, list []*Scenario) diag.List {
	c, q := a.Catalog(), a.Questionnaire()
	ids := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	vendors := ids(len(c.Vendors), func(i int) string { return c.Vendors[i].ID })
	guides := ids(len(c.Guides), func(i int) string { return c.Guides[i].Slug })
	archs := ids(len(c.Architectures), func(i int) string { return c.Architectures[i].ID })
	approaches := ids(len(c.Approaches), func(i int) string { return c.Approaches[i].ID })
	playbooks := ids(len(c.Playbooks), func(i int) string { return c.Playbooks[i].ID })
	questions := ids(len(q.Questions()), func(i int) string { return q.Questions()[i].ID })
	warnings := slices.Clone(builtinWarnings)
	for _, r := range a.Rules.Rules {
		for _, w := range r.Warnings {
			warnings = append(warnings, w.ID)
		}
	}
	var out diag.List
	for _, s := range list {
		check := func(what string, known []string, value string, path ...any) {
			if value == "" || slices.Contains(known, value) {
				return
			}
			line, col := diag.Position(s.src, path...)
			msg := fmt.Sprintf("%s %q does not exist", what, value)
			if m := diag.Suggest(value, known); m != "" {
				msg += fmt.Sprintf("; did you mean %q?", m)
			} else if len(known) <= 12 {
				msg += " (want one of " + strings.Join(known, ", ") + ")"
			}
			out = append(out, diag.Diagnostic{File: s.File, Line: line, Column: col, Rule: s.Name, Message: msg,
				Snippet: diag.Snippet(s.src, line, col)})
		}
		list := func(what string, known, values []string, key string) {
			for i, v := range values {
				check(what, known, v, "expect", key, i)
			}
		}
		e := s.Expect
		check("architecture", archs, e.Architecture, "expect", "architecture")
		check("approach", approaches, e.Approach, "expect", "approach")
		list("guide", guides, e.GuidesInclude, "guides_include")
		list("guide", guides, e.GuidesExclude, "guides_exclude")
		list("guide", guides, e.FurtherInclude, "further_reading_include")
		list("vendor", vendors, e.Shortlisted, "shortlisted")
		list("vendor", vendors, e.Kept, "kept")
		list("vendor", vendors, e.Eliminated, "eliminated")
		list("vendor", vendors, e.Ranked, "ranked")
		check("vendor", vendors, e.Leader, "expect", "leader")
		for i, pair := range e.Above {
			for j, v := range pair {
				check("vendor", vendors, v, "expect", "above", i, j)
			}
		}
		if e.Stay != nil {
			check("vendor", vendors, e.Stay.Vendor, "expect", "stay", "vendor")
		}
		for i, x := range e.Cost {
			check("vendor", vendors, x.Vendor, "expect", "cost", i, "vendor")
			check("cost basis", []string{catalog.BasisListPrice, catalog.BasisBand, catalog.BasisSelfHosted}, x.Basis, "expect", "cost", i, "basis")
		}
		for i, x := range e.Checks {
			if x.Vendor != "*" {
				check("vendor", vendors, x.Vendor, "expect", "checks", i, "vendor")
			}
		}
		list("playbook", playbooks, e.Playbooks, "playbooks")
		list("warning", warnings, e.Warnings, "warnings")
		list("warning", warnings, e.NoWarnings, "no_warnings")
		list("question", questions, e.Notices, "notices")
		for i, x := range e.Counterfactuals {
			check("counterfactual target", []string{"architecture", "approach", "leader"}, x.Target, "expect", "counterfactuals", i, "target")
			check("question", questions, x.Question, "expect", "counterfactuals", i, "question")
			switch x.Target {
			case "architecture":
				check("architecture", archs, x.Outcome, "expect", "counterfactuals", i, "outcome")
			case "approach":
				check("approach", approaches, x.Outcome, "expect", "counterfactuals", i, "outcome")
			case "leader":
				check("vendor", vendors, x.Outcome, "expect", "counterfactuals", i, "outcome")
			}
		}
		if len(e.Invalid) == 0 {
			// Answers to unknown questions are rejected; a scenario about that says invalid.
			for id := range s.Answers {
				check("question", questions, id, "answers", id)
			}
		}
	}
	out.Sort()
	return out
}
