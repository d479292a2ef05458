package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/expression"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// EngineQuestion is a question the Go code reads directly, outside any expression: the cost
// projection, pricing needs, the budget and timeline checks and the comparison. Expressions
// are type-checked by the compiler; these reads are checked against this declaration when
// content loads, so that a questionnaire edit that would make them fail (a type changed from
// integer to number, an option the code compares with renamed) is a load error at the
// question, never a panic or a silently ignored answer at evaluation.
type EngineQuestion struct {
	Type     questionnaire.Type
	Required bool     // the question must exist: the engine cannot do without it
	Options  []string // option values the engine compares answers with
	Why      string   // what reads it, for the message
}

// EngineQuestions are the questions the engine reads, by ID. Keep this in step with the
// reads in internal/rules/eval.go (usage) and internal/advisor (recommend.go needs,
// costPoints, checkBudget, checkTimeline, costProjection; compare.go).
var EngineQuestions = map[string]EngineQuestion{
	"mau_now":           {Type: questionnaire.Integer, Required: true, Why: "the cost projection prices the active users"},
	"identity_shape":    {Type: questionnaire.Single, Options: []string{"b2b", "b2b2c"}, Why: "business customers add the organizations add-on to prices"},
	"enterprise_sso":    {Type: questionnaire.Single, Why: "enterprise connections are priced by this answer (cost.yaml connections)"},
	"current_platform":  {Type: questionnaire.Single, Options: []string{"none"}, Why: "the incumbent and migration cost are read from it"},
	"can_operate_infra": {Type: questionnaire.Boolean, Why: "self-hosting earns cost points only when the team can run it"},
	"budget_annual_usd": {Type: questionnaire.Number, Why: "the budget check compares it with the leader's cost"},
	"go_live_weeks":     {Type: questionnaire.Integer, Why: "the timeline check compares it with the playbooks"},
	"residency_regions": {Type: questionnaire.Multi, Why: "the comparison's regions row reads it"},
	"constraints":       {Type: questionnaire.Multi, Why: "add-ons and comparison rows are read from it"},
	"must_haves":        {Type: questionnaire.Multi, Why: "add-ons and comparison rows are read from it"},
}

// checkEngineQuestions reports every question the engine reads that is missing (when
// required), has another type, or lacks an option the engine compares with.
func checkEngineQuestions(q *questionnaire.Questionnaire, errs *diag.List) {
	ids := make([]string, 0, len(EngineQuestions))
	for id := range EngineQuestions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		want := EngineQuestions[id]
		qn := q.Question(id)
		if qn == nil {
			if want.Required {
				errs.Add(q.File, 1, 1, id, "question %s (%s) is required: %s", id, want.Type, want.Why)
			}
			continue
		}
		if qn.Type != want.Type {
			line, col := q.Pos(id, "type")
			errs.Add(q.File, line, col, id, "type %s: the engine reads %s as %s (%s); keep type: %s", qn.Type, id, want.Type, want.Why, want.Type)
			continue
		}
		for _, o := range want.Options {
			if !qn.HasOption(o) {
				line, col := q.Pos(id, "options")
				errs.Add(q.File, line, col, id, "option %q is missing: the engine compares %s with it (%s)", o, id, want.Why)
			}
		}
	}
}

// didYouMean returns `; did you mean "x"?` when x is a close match for s among ids, else "".
func didYouMean(s string, ids []string) string {
	if m := diag.Suggest(s, ids); m != "" {
		return fmt.Sprintf("; did you mean %q?", m)
	}
	return ""
}

func archIDs(c *catalog.Catalog) []string {
	out := make([]string, len(c.Architectures))
	for i, x := range c.Architectures {
		out[i] = x.ID
	}
	return out
}

func approachIDs(c *catalog.Catalog) []string {
	out := make([]string, len(c.Approaches))
	for i, x := range c.Approaches {
		out[i] = x.ID
	}
	return out
}

func guideSlugs(c *catalog.Catalog) []string {
	out := make([]string, len(c.Guides))
	for i, x := range c.Guides {
		out[i] = x.Slug
	}
	return out
}

func playbookIDs(c *catalog.Catalog) []string {
	out := make([]string, len(c.Playbooks))
	for i, x := range c.Playbooks {
		out[i] = x.ID
	}
	return out
}

func vendorIDs(c *catalog.Catalog) []string {
	out := make([]string, len(c.Vendors))
	for i, x := range c.Vendors {
		out[i] = x.ID
	}
	return out
}

func stepIDs(q *questionnaire.Questionnaire) []string {
	out := make([]string, len(q.Steps))
	for i, x := range q.Steps {
		out[i] = x.ID
	}
	return out
}

// literalValues returns the values a string literal compared with variable v may take, and
// where they are defined; nil when the variable has no closed set of values.
func literalValues(v string, q *questionnaire.Questionnaire, c *catalog.Catalog) ([]string, string) {
	if qn := q.Question(v); qn != nil {
		if qn.Type != questionnaire.Single && qn.Type != questionnaire.Multi {
			return nil, ""
		}
		out := make([]string, len(qn.Options))
		for i, o := range qn.Options {
			out[i] = o.Value
		}
		return out, "an option of " + v
	}
	if v == questionnaire.AnsweredVar {
		out := make([]string, 0, len(q.Questions()))
		for _, qn := range q.Questions() {
			out = append(out, qn.ID)
		}
		return out, "a question ID"
	}
	field, ok := strings.CutPrefix(v, "vendor.")
	if !ok {
		return nil, ""
	}
	switch {
	case field == "id":
		return vendorIDs(c), "a vendor ID in rules/catalog/vendors/"
	case field == "type":
		return sortedKeys(catalog.VendorTypes), "a vendor type"
	case field == "pricing_model":
		return sortedKeys(catalog.PricingModels), "a pricing model"
	case field == "traits":
		seen := map[string]bool{}
		var out []string
		for _, x := range c.Vendors {
			for _, t := range x.Traits {
				if !seen[t.ID] {
					seen[t.ID] = true
					out = append(out, t.ID)
				}
			}
		}
		slices.Sort(out)
		return out, "a trait of some vendor"
	case catalog.FactLabels[field] != "":
		return []string{catalog.Yes, catalog.No, catalog.Unknown}, "a fact value"
	}
	return nil, ""
}

// checkLiterals reports every string literal src compares with a variable that the variable
// can never hold: an option that does not exist, an unknown vendor ID.
func checkLiterals(src expression.Source, file string, fileSrc []byte, owner string, q *questionnaire.Questionnaire, c *catalog.Catalog, errs *diag.List) {
	for _, l := range expression.Literals(src, fileSrc) {
		allowed, what := literalValues(l.Var, q, c)
		if allowed == nil || slices.Contains(allowed, l.Value) {
			continue
		}
		if qn := q.Question(l.Var); l.Value == "" && qn != nil && qn.Type == questionnaire.Single {
			continue // "" is an unanswered single question
		}
		d := diag.Diagnostic{File: file, Line: l.Line, Column: l.Column, Rule: owner,
			Message: fmt.Sprintf("%q is not %s, so this comparison is never true%s", l.Value, what, didYouMean(l.Value, allowed))}
		if len(allowed) <= 20 {
			d.Message += " (want one of " + strings.Join(allowed, ", ") + ")"
		}
		d.Snippet = diag.Snippet(fileSrc, l.Line, l.Column)
		*errs = append(*errs, d)
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
