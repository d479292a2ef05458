package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/schema"
)

func schemaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema [--out DIR]",
		Short: "Write the JSON Schemas of the content files (questionnaire, rules, catalogue, scenarios)",
		Long: "Writes one JSON Schema (draft 2020-12) per kind of content file, generated from the Go types\n" +
			"the loaders read, into DIR (default " + schema.Dir + ", the copies the YAML files' first lines name).\n" +
			"A running server serves the same files at /schemas/NAME.json.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
				return usageError(fmt.Errorf("out: %w", err))
			}
			for _, f := range schema.Files {
				file := filepath.Join(cfg.Out, f.Name+".json")
				if err := os.WriteFile(file, f.JSON(), 0o644); err != nil {
					return usageError(fmt.Errorf("out: %w", err))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", file, f.Pattern)
			}
			return nil
		},
	}
	cmd.Flags().String("out", schema.Dir, "folder to write NAME.json files into (created if missing)")
	return cmd
}
