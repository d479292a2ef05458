package advisor

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Money formats a dollar amount compactly: $950, $12k, $1.2M, $2.1B. Every rendering uses it.
func Money(f float64) string {
	a := math.Abs(f)
	sign := ""
	if f < 0 {
		sign = "-"
	}
	switch {
	case a >= 1e9:
		return fmt.Sprintf("%s$%.1fB", sign, a/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%s$%.1fM", sign, a/1e6)
	case a >= 1e4:
		return fmt.Sprintf("%s$%.0fk", sign, a/1e3)
	case a >= 1e3:
		return fmt.Sprintf("%s$%.1fk", sign, a/1e3)
	}
	return fmt.Sprintf("%s$%.0f", sign, a)
}

// MoneyRange formats a low–high dollar range, or one amount when both ends are equal.
func MoneyRange(lo, hi float64) string {
	if Money(lo) == Money(hi) {
		return Money(lo)
	}
	return Money(lo) + "–" + Money(hi)
}

// Count formats a whole number with thousands separators: 1,250,000.
func Count(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// BasisLabel says where a vendor's cost figure comes from, in a buyer's words.
func BasisLabel(c catalog.VendorCost) string {
	switch c.Basis {
	case catalog.BasisListPrice:
		s := "list price"
		if !c.AsOf.IsZero() {
			s += " as of " + c.AsOf.Format("2 Jan 2006")
		}
		if c.Secondary {
			s += ", from a third-party copy"
		}
		return s
	case catalog.BasisSelfHosted:
		return "self-hosting estimate"
	}
	return "generic band: no public price"
}

// ValueLabel is a comparison cell in words.
func ValueLabel(c Cell) string {
	switch c.Value {
	case catalog.Yes:
		return "yes"
	case catalog.No:
		return "no"
	case catalog.Plan:
		return "higher plan"
	}
	return "unknown: confirm"
}

// KnockoutGroup is the vendors knocked out for the same reason.
type KnockoutGroup struct {
	Reason  string
	Rule    string
	Vendors []string
}

// KnockoutGroups groups the eliminated vendors by reason, so nine vendors out for the same
// missing fact read as one line.
func (rec *Recommendation) KnockoutGroups() []KnockoutGroup {
	var out []KnockoutGroup
	for _, e := range rec.Eliminated {
		for _, r := range e.Reasons {
			i := slices.IndexFunc(out, func(g KnockoutGroup) bool { return g.Reason == r.Text })
			if i < 0 {
				out = append(out, KnockoutGroup{Reason: r.Text, Rule: r.Rule})
				i = len(out) - 1
			}
			out[i].Vendors = append(out[i].Vendors, e.Name)
		}
	}
	return out
}

// Finalists are the vendors the comparison shows, with their picks, in its column order.
func (rec *Recommendation) Finalists() []VendorPick {
	all := slices.Concat(rec.Shortlist, rec.IfYouBuy, rec.AlsoViable)
	out := make([]VendorPick, 0, len(rec.Comparison.Vendors))
	for _, id := range rec.Comparison.Vendors {
		switch i := slices.IndexFunc(all, func(p VendorPick) bool { return p.ID == id }); {
		case i >= 0:
			out = append(out, all[i])
		case rec.Stay != nil && rec.Stay.ID == id:
			// The platform you run today, knocked out: a column with no rank.
			out = append(out, VendorPick{ID: id, Name: rec.Stay.Name, Incumbent: true, Why: []Reason{}, Concerns: rec.Stay.Why, Check: []Reason{}})
		}
	}
	return out
}

// AnswerLine is one answer in a buyer's words.
type AnswerLine struct {
	ID, Question, Answer string
}

// AnswerLines lists the answers in questionnaire order, with labels.
func AnswerLines(q *questionnaire.Questionnaire, a questionnaire.Answers) []AnswerLine {
	var out []AnswerLine
	for _, qn := range q.Questions() {
		v, ok := a[qn.ID]
		if !ok {
			continue
		}
		var s string
		switch x := v.(type) {
		case string:
			s = qn.OptionLabel(x)
		case []string:
			labels := make([]string, len(x))
			for i, o := range x {
				labels[i] = qn.OptionLabel(o)
			}
			s = strings.Join(labels, ", ")
			if len(x) == 0 {
				s = "none"
			}
		case bool:
			s = map[bool]string{true: "yes", false: "no"}[x]
		case int:
			s = Count(x)
		case float64:
			if strings.Contains(strings.ToLower(qn.Unit), "usd") && x >= 1000 {
				s = Money(x)
			} else {
				s = strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
			}
		}
		out = append(out, AnswerLine{ID: qn.ID, Question: qn.Label, Answer: s})
	}
	return out
}

// Markdown writes the recommendation as a document a buyer can keep or forward, in the order
// of the result page: summary, comparison, cost, what would change this, warnings, next steps,
// reading; then the answers and the content versions. Rule IDs stay in parentheses so every
// claim can be traced.
func Markdown(w io.Writer, rec *Recommendation, q *questionnaire.Questionnaire, date string) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	reasons := func(rs []Reason) {
		for _, r := range rs {
			p("- %s _(rule `%s`)_\n", r.Text, r.Rule)
		}
	}
	p("# CIAM recommendation\n\n")
	if date != "" {
		p("Prepared %s.\n\n", date)
	}
	p("## Summary\n\n")
	summaryMarkdown(&b, rec)
	p("- **Architecture:** %s\n- **Approach:** %s\n", rec.Architecture.Title, rec.Approach.Title)

	if len(rec.Comparison.Vendors) > 0 {
		if rec.Approach.ID == "build" {
			p("\n## Comparison: if you later buy\n\nThe advice is to build; these are the platforms that would fit if that changes.\n\n")
		} else {
			p("\n## Comparison\n\n")
		}
		fin := rec.Finalists()
		p("| | %s |\n|---|%s\n", strings.Join(names(fin), " | "), strings.Repeat("---|", len(fin)))
		for _, row := range rec.Comparison.Rows {
			label := row.Label
			if row.Asked {
				label = "**" + label + "** (you asked)"
			}
			cells := make([]string, len(row.Cells))
			for i, c := range row.Cells {
				cells[i] = ValueLabel(c)
				if c.Source != "" {
					cells[i] = fmt.Sprintf("[%s](%s)", cells[i], c.Source)
				}
				if c.Plan != "" {
					cells[i] += " (" + c.Plan + ")"
				}
			}
			p("| %s | %s |\n", label, strings.Join(cells, " | "))
		}
		p("\nEach value links to its source. “Unknown” means nobody has found it documented: confirm it with the vendor.\n")
		for _, v := range fin {
			if v.Rank > 0 {
				vendorMarkdown(&b, v)
			}
		}
	}
	if len(rec.AlsoViable) > 0 {
		p("\nAlso viable, in rank order: %s.\n", strings.Join(names(rec.AlsoViable), ", "))
	}
	if groups := rec.KnockoutGroups(); len(groups) > 0 {
		p("\n### Knocked out\n\n")
		for _, g := range groups {
			p("- %s: %s _(rule `%s`)_\n", strings.Join(g.Vendors, ", "), g.Reason, g.Rule)
		}
	}

	c := rec.Cost
	p("\n## Cost\n\nActive users: %s today, %s in 12 months, %s in 24 months, %s in 36 months. Renewal rises of %.0f-%.0f%% a year are included for vendor contracts.",
		Count(c.MAUNow), Count(c.MAU12m), Count(c.MAU24m), Count(c.MAU36m), c.Escalator.Low*100, c.Escalator.High*100)
	if len(c.Assumed) > 0 {
		p(" Assumed, because not answered: %s.", strings.Join(c.Assumed, ", "))
	}
	p("\n\n| Option | Three years | Basis |\n|---|---|---|\n")
	for _, v := range rec.Finalists() {
		p("| %s | %s | %s |\n", v.Name, MoneyRange(v.Cost.ThreeYear.Low, v.Cost.ThreeYear.High), BasisLabel(v.Cost))
	}
	p("| %s | %s | estimate |\n| %s | %s | estimate |\n", c.SelfHost.Title, MoneyRange(c.SelfHost.Total.Low, c.SelfHost.Total.High),
		c.Build.Title, MoneyRange(c.Build.Total.Low, c.Build.Total.High))
	if c.Budget != nil {
		p("\nYour budget: %s a year, %s over three years.\n", Money(*c.Budget), Money(*c.Budget*3))
	}
	p("\n%s\n", c.Note)

	if len(rec.Counterfactuals) > 0 {
		p("\n## What would change this\n\n")
		for _, cf := range rec.Counterfactuals {
			p("- %s\n", cf.Text)
		}
	}
	if len(rec.Warnings) > 0 {
		p("\n## Warnings\n\n")
		for _, w := range rec.Warnings {
			p("- **%s**: %s _(rule `%s`)_\n", strings.ToUpper(w.Severity[:1])+w.Severity[1:], w.Text, w.Rule)
		}
	}
	if len(rec.NextSteps) > 0 {
		p("\n## Next steps\n\n")
		for _, n := range rec.NextSteps {
			if pb := n.Playbook; pb != nil {
				p("- **[%s](%s)**, %d days _(rule `%s`)_\n", pb.Title, pb.URL, pb.Days(), n.Rule)
				for _, ph := range pb.Phases {
					p("  - %s: %d days\n", ph.Name, ph.Days)
				}
				continue
			}
			p("- %s _(rule `%s`)_\n", n.Text, n.Rule)
		}
	}

	p("\n## Reading path\n\n")
	total := 0
	for i, g := range rec.ReadingPath {
		total += g.Minutes
		p("%d. [%s](%s) (%s, %d min): %s _(rule `%s`)_\n", i+1, g.Title, g.URL, g.StepTitle, g.Minutes, g.Reason, g.Rule)
	}
	p("\nAbout %d minutes of reading.\n", total)
	if len(rec.FurtherReading) > 0 {
		p("\nFurther reading:\n\n")
		for _, g := range rec.FurtherReading {
			p("- [%s](%s) (%d min)\n", g.Title, g.URL, g.Minutes)
		}
	}
	p("\n## Why this architecture and approach\n\n**%s.** %s\n\n", rec.Architecture.Title, rec.Architecture.Summary)
	reasons(rec.Architecture.Why)
	p("\n**%s.** %s\n\n", rec.Approach.Title, rec.Approach.Summary)
	reasons(rec.Approach.Why)

	if q != nil {
		p("\n## Your answers\n\n")
		for _, l := range AnswerLines(q, rec.Answers) {
			p("- %s **%s**\n", l.Question, l.Answer)
		}
	}
	if len(rec.Notices) > 0 {
		p("\n## Answers ignored\n\n")
		for _, n := range rec.Notices {
			p("- %s\n", n.Message)
		}
	}
	p("\n---\nComputed with questionnaire %s and rule set %s.\n", rec.Versions.Questionnaire, rec.Versions.RuleSet)
	_, err := io.WriteString(w, b.String())
	return err
}

func summaryMarkdown(b *strings.Builder, rec *Recommendation) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	lead := rec.leaderPick()
	switch {
	case rec.Approach.ID == "build":
		total := rec.Cost.Build.Total
		p("**Build identity in-house**, about %s over three years.\n\n", MoneyRange(total.Low, total.High))
	case lead == nil:
		p("**No vendor in the catalogue survives your hard constraints.** See the knockouts below.\n\n")
	default:
		p("**Start with %s**: fit %d/100, confidence %.0f%%, about %s over three years (%s).\n\n",
			lead.Name, lead.Fit, lead.Confidence*100, MoneyRange(lead.Cost.ThreeYear.Low, lead.Cost.ThreeYear.High), BasisLabel(lead.Cost))
		p("%s\n\n", rec.Leader.WhyFirst)
		if rec.TieBreak != "" {
			p("Tie-break: %s\n\n", rec.TieBreak)
		}
	}
	if s := rec.Stay; s != nil {
		if s.Viable {
			p("**Stay option:** keep %s (rank %d), about %s over three years with no migration.\n\n", s.Name, s.Rank,
				MoneyRange(s.Cost.ThreeYear.Low, s.Cost.ThreeYear.High))
		} else {
			p("**Staying on %s is not an option:** %s\n\n", s.Name, s.Why[0].Text)
		}
	}
}

// leaderPick is the leader's entry in the shortlist, or nil.
func (rec *Recommendation) leaderPick() *VendorPick {
	if rec.Leader == nil {
		return nil
	}
	for i := range rec.Shortlist {
		if rec.Shortlist[i].ID == rec.Leader.ID {
			return &rec.Shortlist[i]
		}
	}
	return nil
}

func names(ps []VendorPick) []string {
	out := make([]string, len(ps))
	for i, v := range ps {
		out[i] = v.Name
	}
	return out
}

func vendorMarkdown(b *strings.Builder, v VendorPick) {
	fmt.Fprintf(b, "\n### %d. %s\n\n%s. Fit %d/100, confidence %.0f%%, three years %s (%s).", v.Rank, v.Name, v.TypeLabel,
		v.Fit, v.Confidence*100, MoneyRange(v.Cost.ThreeYear.Low, v.Cost.ThreeYear.High), BasisLabel(v.Cost))
	if v.Incumbent {
		fmt.Fprint(b, " Your current platform.")
	}
	fmt.Fprint(b, "\n\n")
	for _, r := range v.Why {
		fmt.Fprintf(b, "- ✓ %s _(rule `%s`)_\n", r.Text, r.Rule)
	}
	for _, r := range v.Concerns {
		fmt.Fprintf(b, "- ✗ %s _(rule `%s`)_\n", r.Text, r.Rule)
	}
	for _, r := range v.Check {
		fmt.Fprintf(b, "- ? Confirm: %s _(rule `%s`)_\n", r.Text, r.Rule)
	}
}

// Text writes a compact plain-text summary for terminals.
func Text(w io.Writer, rec *Recommendation) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("Architecture: %s [%s]\n", rec.Architecture.Title, rec.Architecture.ID)
	p("Approach:     %s [%s]\n", rec.Approach.Title, rec.Approach.ID)
	if lead := rec.leaderPick(); lead != nil {
		p("Leader:       %s, fit %d, confidence %.0f%%, 3 years %s\n  %s\n", lead.Name, lead.Fit, lead.Confidence*100,
			MoneyRange(lead.Cost.ThreeYear.Low, lead.Cost.ThreeYear.High), rec.Leader.WhyFirst)
	}
	if rec.TieBreak != "" {
		p("  tie-break: %s\n", rec.TieBreak)
	}
	if s := rec.Stay; s != nil {
		p("Stay on %s: viable=%t (%s)\n", s.Name, s.Viable, s.Why[0].Text)
	}
	list, title := rec.Shortlist, "Shortlist"
	if rec.Approach.ID == "build" {
		list, title = rec.IfYouBuy, "If you later buy"
	}
	p("\n%s:\n", title)
	for _, v := range list {
		p("  %d. %-28s fit %3d  confidence %3.0f%%  3 years %-14s %s\n", v.Rank, v.Name, v.Fit, v.Confidence*100,
			MoneyRange(v.Cost.ThreeYear.Low, v.Cost.ThreeYear.High), BasisLabel(v.Cost))
		for _, r := range v.Check {
			p("      confirm: %s (%s)\n", r.Text, r.Rule)
		}
	}
	if len(rec.Comparison.Rows) > 0 {
		p("\nComparison (%s):\n", strings.Join(rec.Comparison.Vendors, ", "))
		for _, row := range rec.Comparison.Rows {
			vals := make([]string, len(row.Cells))
			for i, c := range row.Cells {
				vals[i] = c.Value
			}
			mark := " "
			if row.Asked {
				mark = "*"
			}
			p("  %s %-32s %s\n", mark, row.Label, strings.Join(vals, "  "))
		}
	}
	if groups := rec.KnockoutGroups(); len(groups) > 0 {
		p("\nKnocked out:\n")
		for _, g := range groups {
			p("  x %s: %s (%s)\n", strings.Join(g.Vendors, ", "), g.Reason, g.Rule)
		}
	}
	if len(rec.Counterfactuals) > 0 {
		p("\nWhat would change this:\n")
		for _, cf := range rec.Counterfactuals {
			p("  ~ %s\n", cf.Text)
		}
	}
	if len(rec.Warnings) > 0 {
		p("\nWarnings:\n")
		for _, w := range rec.Warnings {
			p("  ! [%s] %s (%s)\n", w.Severity, w.Text, w.Rule)
		}
	}
	c := rec.Cost
	p("\nCost, three years: self-hosting %s, building %s.\n", MoneyRange(c.SelfHost.Total.Low, c.SelfHost.Total.High),
		MoneyRange(c.Build.Total.Low, c.Build.Total.High))
	if len(rec.NextSteps) > 0 {
		p("\nNext steps:\n")
		for _, n := range rec.NextSteps {
			p("  > %s (%s)\n", n.Text, n.Rule)
		}
	}
	p("\nReading path:\n")
	for i, g := range rec.ReadingPath {
		p("  %d. %s (%d min) %s\n", i+1, g.Title, g.Minutes, g.URL)
	}
	if len(rec.FurtherReading) > 0 {
		p("  and %d more in further reading.\n", len(rec.FurtherReading))
	}
	for _, n := range rec.Notices {
		p("\nNote: %s\n", n.Message)
	}
	p("\nversions: %s %s\n", rec.Versions.Questionnaire, rec.Versions.RuleSet)
	_, err := io.WriteString(w, b.String())
	return err
}
