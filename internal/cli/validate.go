package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/scenario"
)

func validateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the questionnaire, rules, catalogue and scenarios; report content older than --max-age-days",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			if cfg.MaxAgeDays < 1 {
				return usageError(fmt.Errorf("max-age-days: %d, want a whole number of days ≥ 1", cfg.MaxAgeDays))
			}
			a, err := loadContent(cfg)
			if err != nil {
				return err
			}
			// The same check a live reload applies: content whose scenarios fail is refused there,
			// so it does not validate here either.
			if err := scenario.Check(a); err != nil {
				return checkError(fmt.Errorf("the content loads, but its scenarios fail (a running server refuses it on reload):\n%w", err))
			}
			out := cmd.OutOrStdout()
			stale := a.Stale(time.Now(), time.Duration(cfg.MaxAgeDays)*24*time.Hour)
			rs := a.Rules
			scenarios, _ := scenario.Load(a.Source.Rules)
			fmt.Fprintf(out, "ok: questionnaire %s (%d questions), rule set %s (%d rules, %d derived values), %d guides, %d vendors, %d playbooks, scenarios %s (%d); %d stale items\n",
				rs.Questionnaire.Version, len(rs.Questionnaire.Questions()), rs.Version, len(rs.Rules), len(rs.Derived),
				len(rs.Catalog.Guides), len(rs.Catalog.Vendors), len(rs.Catalog.Playbooks),
				scenario.Version(a.Source.Rules), len(scenarios), len(stale))
			// The verdict first; warnings are summarised in one line unless asked for.
			if len(stale) > 0 {
				if cfg.Verbose {
					for _, d := range stale {
						d.Snippet = ""
						fmt.Fprintf(out, "warning: %s\n", d)
					}
				} else {
					fmt.Fprintf(out, "%d warnings: content reviewed more than %d days ago in %s (--verbose lists them)\n",
						len(stale), cfg.MaxAgeDays, stale.FileSummary(3))
				}
			}
			if cfg.Strict && len(stale) > 0 {
				return checkError(fmt.Errorf("%d items are older than %d days (--strict)", len(stale), cfg.MaxAgeDays))
			}
			return nil
		},
	}
	cmd.Flags().Int("max-age-days", 365, "content reviewed longer ago than this is reported as stale")
	cmd.Flags().Bool("strict", false, "fail when any content is stale")
	cmd.Flags().Bool("verbose", false, "list every warning with its file:line:col")
	return cmd
}
