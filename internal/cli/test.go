package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/scenario"
)

func testCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the persona scenarios in rules/tests",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			a, err := loadContent(cfg)
			if err != nil {
				return err
			}
			list, err := scenario.Load(a.Source.Rules)
			if err != nil {
				return checkError(err)
			}
			out := cmd.OutOrStdout()
			failed := 0
			var results []scenario.Result
			// Unknown IDs in expectations, by scenario file: reported with the scenario.
			lint := map[string][]string{}
			for _, d := range scenario.Lint(a, list) {
				lint[d.File] = append(lint[d.File], fmt.Sprintf("%d:%d: %s", d.Line, d.Column, d.Message))
			}
			for _, s := range list {
				res := scenario.Run(a, s)
				res.Failures = append(lint[s.File], res.Failures...)
				delete(lint, s.File)
				results = append(results, res)
				if cfg.Report && res.Rec != nil {
					fmt.Fprintf(out, "%s\n", scenario.ReportLine(res))
				}
				if len(res.Failures) == 0 {
					if !cfg.Report {
						fmt.Fprintf(out, "PASS %s\n", s.Name)
					}
					continue
				}
				failed++
				fmt.Fprintf(out, "FAIL %s (%s)\n", s.Name, s.File)
				for _, f := range res.Failures {
					fmt.Fprintf(out, "     %s\n", f)
				}
			}
			fmt.Fprintf(out, "%d passed, %d failed\n", len(list)-failed, failed)
			if cfg.Coverage || cfg.MinCoverage > 0 {
				cov := scenario.Cover(a.Rules, results)
				fmt.Fprintf(out, "rule coverage: %.1f%% (%d of %d rules fired by some scenario)\n", cov.RulePercent(), cov.Fired, cov.Rules)
				for _, r := range cov.Unfired {
					fmt.Fprintf(out, "  never fired: %s (%s:%d)\n", r.ID, r.File, r.Line)
				}
				fmt.Fprintf(out, "effect coverage: %.1f%% (%d of %d effects checked by a scenario that fires the rule)\n", cov.EffectPercent(), cov.Checked, cov.Effects)
				for _, u := range cov.Unchecked {
					fmt.Fprintf(out, "  never checked: %s\n", u)
				}
				if low := min(cov.RulePercent(), cov.EffectPercent()); low < cfg.MinCoverage {
					return checkError(fmt.Errorf("coverage %.1f%% is below --min-coverage %.1f%%", low, cfg.MinCoverage))
				}
			}
			if failed > 0 {
				return checkError(fmt.Errorf("%d of %d scenarios failed", failed, len(list)))
			}
			return nil
		},
	}
	cmd.Flags().Bool("coverage", false, "list rules that no scenario fires")
	cmd.Flags().Bool("report", false, "print one line per scenario: architecture, approach, top three with fit, three-year cost of the first")
	cmd.Flags().Float64("min-coverage", 0, "fail when fewer than this percentage of rules fire in some scenario")
	return cmd
}
