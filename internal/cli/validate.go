package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func validateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the questionnaire, rules and catalogue; report content older than --max-age-days",
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
			out := cmd.OutOrStdout()
			stale := a.Stale(time.Now(), time.Duration(cfg.MaxAgeDays)*24*time.Hour)
			for _, d := range stale {
				fmt.Fprintf(out, "warning: %s\n", d)
			}
			rs := a.Rules
			fmt.Fprintf(out, "ok: questionnaire %s (%d questions), rule set %s (%d rules, %d derived values), %d guides, %d vendors, %d playbooks; %d stale items\n",
				rs.Questionnaire.Version, len(rs.Questionnaire.Questions()), rs.Version, len(rs.Rules), len(rs.Derived),
				len(rs.Catalog.Guides), len(rs.Catalog.Vendors), len(rs.Catalog.Playbooks), len(stale))
			if cfg.Strict && len(stale) > 0 {
				return checkError(fmt.Errorf("%d items are older than %d days (--strict)", len(stale), cfg.MaxAgeDays))
			}
			return nil
		},
	}
	cmd.Flags().Int("max-age-days", 365, "content reviewed longer ago than this is reported as stale")
	cmd.Flags().Bool("strict", false, "fail when any content is stale")
	return cmd
}
