package advisor

import (
	"fmt"
	"io"
	"strings"
)

// Money formats a dollar amount compactly: $950, $12k, $1.2M. Every rendering uses it.
func Money(f float64) string {
	switch {
	case f >= 1e6:
		return fmt.Sprintf("$%.1fM", f/1e6)
	case f >= 1e4:
		return fmt.Sprintf("$%.0fk", f/1e3)
	case f >= 1e3:
		return fmt.Sprintf("$%.1fk", f/1e3)
	}
	return fmt.Sprintf("$%.0f", f)
}

// Markdown writes the recommendation as a Markdown document a buyer can keep or share.
func Markdown(w io.Writer, rec *Recommendation) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	reasons := func(rs []Reason) {
		for _, r := range rs {
			p("- %s _(rule `%s`)_\n", r.Text, r.Rule)
		}
	}
	p("# CIAM recommendation\n\n")
	p("## Architecture: %s\n\n%s\n\n", rec.Architecture.Title, rec.Architecture.Summary)
	reasons(rec.Architecture.Why)
	if ru := rec.Architecture.RunnerUp; ru != nil && ru.Score > 0 {
		p("\nRunner-up: **%s** (%.0f points against %.0f).\n", ru.Title, ru.Score, rec.Architecture.Score)
	}
	p("\n## Approach: %s\n\n%s\n\n", rec.Approach.Title, rec.Approach.Summary)
	reasons(rec.Approach.Why)

	if len(rec.Warnings) > 0 {
		p("\n## Warnings\n\n")
		for _, w := range rec.Warnings {
			p("- **%s**: %s _(rule `%s`)_\n", strings.ToUpper(w.Severity), w.Text, w.Rule)
		}
	}

	p("\n## Reading path\n\n")
	total := 0
	for i, g := range rec.ReadingPath {
		total += g.Minutes
		p("%d. [%s](%s) (%s, %d min): %s _(rule `%s`)_\n", i+1, g.Title, g.URL, g.Step, g.Minutes, g.Reason, g.Rule)
	}
	p("\nAbout %d minutes of reading in all.\n", total)

	p("\n## Shortlist\n\n")
	if len(rec.Shortlist) == 0 {
		p("No vendor in the catalogue survives these constraints.\n")
	}
	for _, v := range rec.Shortlist {
		vendorMarkdown(&b, v)
	}
	if len(rec.AlsoViable) > 0 {
		p("\nAlso viable: ")
		names := make([]string, len(rec.AlsoViable))
		for i, v := range rec.AlsoViable {
			names[i] = v.Name
		}
		p("%s.\n", strings.Join(names, ", "))
	}
	if len(rec.Eliminated) > 0 {
		p("\n## Knocked out\n\n")
		for _, e := range rec.Eliminated {
			p("- **%s**: %s _(rule `%s`)_\n", e.Name, e.Reason, e.Rule)
		}
	}

	c := rec.Cost
	p("\n## Cost projection\n\nActive users: %d today, %d in 12 months, %d in 24 months, %d in 36 months. Stored accounts: %d. Renewal rises of %.0f-%.0f%% a year are included for vendor contracts.\n\n",
		c.MAUNow, c.MAU12m, c.MAU24m, c.MAU36m, c.Registered, c.Escalator.Low*100, c.Escalator.High*100)
	p("| Model | Year 1 | Year 2 | Year 3 | Three years | A year at 3x today |\n|---|---|---|---|---|---|\n")
	for _, m := range c.Models {
		p("| %s | %s | %s | %s | %s | %s |\n", m.Title, MoneyRange(m.Years[0].Low, m.Years[0].High), MoneyRange(m.Years[1].Low, m.Years[1].High),
			MoneyRange(m.Years[2].Low, m.Years[2].High), MoneyRange(m.Total.Low, m.Total.High), MoneyRange(m.At3x.Low, m.At3x.High))
	}
	p("\n%s\n", c.Note)

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

func vendorMarkdown(b *strings.Builder, v VendorPick) {
	fmt.Fprintf(b, "\n### %s (%s)\n\n", v.Name, v.Type)
	for _, r := range v.Why {
		fmt.Fprintf(b, "- ✓ %s _(rule `%s`)_\n", r.Text, r.Rule)
	}
	for _, r := range v.Concerns {
		fmt.Fprintf(b, "- ✗ %s _(rule `%s`)_\n", r.Text, r.Rule)
	}
	for _, r := range v.Check {
		fmt.Fprintf(b, "- ? Check: %s _(rule `%s`)_\n", r.Text, r.Rule)
	}
}

// MoneyRange formats a low–high dollar range, or one amount when both ends are equal.
func MoneyRange(lo, hi float64) string {
	if lo == hi {
		return Money(lo)
	}
	return Money(lo) + "–" + Money(hi)
}

// Text writes a compact plain-text summary for terminals.
func Text(w io.Writer, rec *Recommendation) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("Architecture: %s [%s]\n", rec.Architecture.Title, rec.Architecture.ID)
	for _, r := range rec.Architecture.Why {
		p("  - %s (%s)\n", r.Text, r.Rule)
	}
	if ru := rec.Architecture.RunnerUp; ru != nil && ru.Score > 0 {
		p("  runner-up: %s\n", ru.ID)
	}
	p("Approach: %s [%s]\n", rec.Approach.Title, rec.Approach.ID)
	for _, r := range rec.Approach.Why {
		p("  - %s (%s)\n", r.Text, r.Rule)
	}
	p("\nReading path:\n")
	for i, g := range rec.ReadingPath {
		p("  %2d. %s (%d min) %s\n      %s (%s)\n", i+1, g.Title, g.Minutes, g.URL, g.Reason, g.Rule)
	}
	p("\nShortlist:\n")
	for _, v := range rec.Shortlist {
		p("  * %s (%s, score %.0f)\n", v.Name, v.Type, v.Score)
		for _, r := range v.Check {
			p("      check: %s (%s)\n", r.Text, r.Rule)
		}
	}
	if len(rec.Eliminated) > 0 {
		p("\nKnocked out:\n")
		for _, e := range rec.Eliminated {
			p("  x %s: %s (%s)\n", e.Name, e.Reason, e.Rule)
		}
	}
	if len(rec.Warnings) > 0 {
		p("\nWarnings:\n")
		for _, w := range rec.Warnings {
			p("  ! [%s] %s (%s)\n", w.Severity, w.Text, w.Rule)
		}
	}
	p("\nCost (three years, low–high):\n")
	for _, m := range rec.Cost.Models {
		p("  %-45s %s\n", m.Title, MoneyRange(m.Total.Low, m.Total.High))
	}
	if len(rec.NextSteps) > 0 {
		p("\nNext steps:\n")
		for _, n := range rec.NextSteps {
			p("  > %s (%s)\n", n.Text, n.Rule)
		}
	}
	for _, n := range rec.Notices {
		p("\nNote: %s\n", n.Message)
	}
	p("\nversions: %s %s\n", rec.Versions.Questionnaire, rec.Versions.RuleSet)
	_, err := io.WriteString(w, b.String())
	return err
}
