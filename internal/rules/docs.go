package rules

import (
	"fmt"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/expression"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// goType is how each answer type looks to an expression.
var goType = map[questionnaire.Type]string{
	questionnaire.Single: "string", questionnaire.Multi: "list of strings", questionnaire.Integer: "int",
	questionnaire.Number: "float", questionnaire.Boolean: "bool",
}

// VariablesMarkdown documents every variable and helper an expression can use, generated from
// the loaded questionnaire, derived values and vendor fields so that the editor guide cannot
// drift from the code.
func (rs *RuleSet) VariablesMarkdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("### Questions\n\nUnanswered questions hold the zero value of their type (\"\", [], 0, false).\n\n")
	p("| variable | type | step | values |\n|---|---|---|---|\n")
	for _, q := range rs.Questionnaire.Questions() {
		vals := ""
		switch {
		case len(q.Options) > 0:
			opts := make([]string, len(q.Options))
			for i, o := range q.Options {
				opts[i] = "`" + o.Value + "`"
			}
			vals = strings.Join(opts, ", ")
		case q.Min != nil && q.Max != nil:
			vals = fmt.Sprintf("%v to %v", *q.Min, *q.Max)
		case q.Min != nil:
			vals = fmt.Sprintf("≥ %v", *q.Min)
		}
		if q.Unit != "" {
			vals += " (" + q.Unit + ")"
		}
		p("| `%s` | %s | %s | %s |\n", q.ID, goType[q.Type], q.Step, strings.TrimSpace(vals))
	}
	p("| `%s` | list of strings | | IDs of the questions that were answered |\n", questionnaire.AnsweredVar)

	p("\n### Derived values\n\nComputed in this order before any rule runs.\n\n| variable | type | file | meaning |\n|---|---|---|---|\n")
	for _, d := range rs.Derived {
		p("| `%s` | %s | %s | %s |\n", d.ID, goType[d.Type], d.File, strings.Join(strings.Fields(d.Help), " "))
	}

	p("\n### Cost\n\n`cost[MODEL]` is the projection for one pricing model of rules/catalog/cost.yaml, with fields ")
	p("`years[0]`, `years[1]`, `years[2]`, `total` and `at_3x`, each with `low` and `high` in US dollars. Models: ")
	ids := make([]string, len(rs.Catalog.Cost.Models))
	for i, m := range rs.Catalog.Cost.Models {
		ids[i] = "`" + m.ID + "`"
	}
	p("%s.\n", strings.Join(ids, ", "))

	p("\n### Vendor (in `vendors.test` only)\n\n")
	p("`vendor.id`, `vendor.name`, `vendor.type`, `vendor.pricing_model`, `vendor.traits` (list of trait IDs), ")
	p("`vendor.region_list` (regions a customer can choose, when known), and one field per fact, each ")
	p("`\"yes\"`, `\"no\"` or `\"unknown\"`: ")
	facts := make([]string, len(catalog.FactKeys))
	for i, k := range catalog.FactKeys {
		facts[i] = "`vendor." + k + "`"
	}
	p("%s.\n", strings.Join(facts, ", "))

	p("\n### Helper functions\n\nBesides expr's built-ins (`len`, `all`, `any`, `filter`, `int`, `float`, `max`, `min` …):\n\n")
	for _, h := range expression.Docs {
		p("- `%s`: %s\n", h.Signature, h.Doc)
	}
	return b.String()
}
