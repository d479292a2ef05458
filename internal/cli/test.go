package cli

import (
	"fmt"
	"sort"

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
			fired := map[string]bool{}
			for _, s := range list {
				res := scenario.Run(a, s)
				for _, id := range res.Fired {
					fired[id] = true
				}
				if len(res.Failures) == 0 {
					fmt.Fprintf(out, "PASS %s\n", s.Name)
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
				var unfired []string
				for _, r := range a.Rules.Rules {
					if !fired[r.ID] {
						unfired = append(unfired, fmt.Sprintf("%s (%s:%d)", r.ID, r.File, r.Line))
					}
				}
				sort.Strings(unfired)
				pct := 100 * float64(len(a.Rules.Rules)-len(unfired)) / float64(max(len(a.Rules.Rules), 1))
				fmt.Fprintf(out, "rule coverage: %.1f%% (%d of %d rules fired by some scenario)\n", pct, len(a.Rules.Rules)-len(unfired), len(a.Rules.Rules))
				for _, u := range unfired {
					fmt.Fprintf(out, "  never fired: %s\n", u)
				}
				if pct < cfg.MinCoverage {
					return checkError(fmt.Errorf("rule coverage %.1f%% is below --min-coverage %.1f%%", pct, cfg.MinCoverage))
				}
			}
			if failed > 0 {
				return checkError(fmt.Errorf("%d of %d scenarios failed", failed, len(list)))
			}
			return nil
		},
	}
	cmd.Flags().Bool("coverage", false, "list rules that no scenario fires")
	cmd.Flags().Float64("min-coverage", 0, "fail when fewer than this percentage of rules fire in some scenario")
	return cmd
}
