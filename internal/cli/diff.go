package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/scenario"
	"github.com/ciamadvisor/advisor/internal/store"
)

// diffCase is one set of answers evaluated under both rule sets.
type diffCase struct {
	Kind    string          `json:"kind"` // scenario or assessment
	Name    string          `json:"name"`
	Error   string          `json:"error,omitempty"` // the answers fail under one of the two sets
	Change  *advisor.Change `json:"change,omitempty"`
	answers json.RawMessage
}

func diffCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "diff --against OLD_DIR [--content NEW_DIR] [--database DSN]",
		Short: "Show what a content change does to the advice: scenarios and stored assessments under both rule sets",
		Long: "Evaluates every scenario's answers (and, with --database, every stored assessment's answers) under the\n" +
			"old content (--against) and the new (--content, or the embedded copy), and reports what changed per case.\n" +
			"Exit status 0 when nothing changed, 1 when something did.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			if cfg.Against == "" {
				return usageError(errors.New("--against is required: the folder holding the previous questionnaire/ and rules/"))
			}
			next, err := loadContent(cfg)
			if err != nil {
				return err
			}
			prevSrc, err := advisor.Dir(cfg.Against)
			if err != nil {
				return usageError(err)
			}
			prev, err := advisor.Load(prevSrc)
			if err != nil {
				return checkError(fmt.Errorf("--against content does not load:\n%w", err))
			}
			cases, err := diffCases(cmd, cfg, prev, next)
			if err != nil {
				return err
			}
			changed := 0
			for i := range cases {
				c := &cases[i]
				if c.Change, c.Error = advisor.DiffAnswers(prev, next, c.answers); c.Change != nil || c.Error != "" {
					changed++
				}
			}
			if err := writeDiff(cmd.OutOrStdout(), cfg.Format, cases, changed); err != nil {
				return err
			}
			if changed > 0 {
				return &exitError{ExitCheck, fmt.Errorf("%d of %d cases changed", changed, len(cases))}
			}
			return nil
		},
	}
	cmd.Flags().String("against", "", "folder with the previous questionnaire/ and rules/ to compare with")
	cmd.Flags().String("database", "", "also compare every stored assessment (SQLite path or postgres:// URL)")
	cmd.Flags().String("format", "text", "output format: text or json")
	return cmd
}

// diffCases gathers the scenario answers of both content sets (by name, new first) and, with a
// database, every stored assessment.
func diffCases(cmd *cobra.Command, cfg *Config, prev, next *advisor.Advisor) ([]diffCase, error) {
	list, err := scenario.Union(prev, next)
	if err != nil {
		return nil, checkError(err)
	}
	var cases []diffCase
	for _, s := range list {
		b, err := json.Marshal(s.Answers)
		if err != nil {
			return nil, checkError(fmt.Errorf("%s: %w", s.File, err))
		}
		cases = append(cases, diffCase{Kind: "scenario", Name: s.Name, answers: b})
	}
	if cfg.Database == "" {
		return cases, nil
	}
	st, err := store.Open(cmd.Context(), cfg.Database)
	if err != nil {
		return nil, usageError(fmt.Errorf("database %q: %w", redact(cfg.Database), err))
	}
	defer st.Close()
	err = st.AllAssessments(cmd.Context(), func(a store.Assessment) error {
		name := a.ID
		if a.Label != "" {
			name += " (" + a.Label + ")"
		}
		cases = append(cases, diffCase{Kind: "assessment", Name: name, answers: a.Answers})
		return nil
	})
	return cases, err
}

func writeDiff(w io.Writer, format string, cases []diffCase, changed int) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"cases": cases, "summary": map[string]int{"cases": len(cases), "changed": changed}})
	}
	for _, c := range cases {
		if c.Change == nil && c.Error == "" {
			continue
		}
		fmt.Fprintf(w, "CHANGED %s %q\n", c.Kind, c.Name)
		if c.Error != "" {
			fmt.Fprintf(w, "  evaluation: %s\n", c.Error)
			continue
		}
		ch := c.Change
		if ch.Architecture != nil {
			fmt.Fprintf(w, "  architecture: %s -> %s\n", ch.Architecture.From, ch.Architecture.To)
		}
		if ch.Approach != nil {
			fmt.Fprintf(w, "  approach: %s -> %s\n", ch.Approach.From, ch.Approach.To)
		}
		if ch.Leader != nil {
			fmt.Fprintf(w, "  leader: %s -> %s\n", orNone(ch.Leader.From), orNone(ch.Leader.To))
		}
		for _, it := range ch.Items {
			if it.What == "choice" || it.Area == "leader" && it.What == "vendor" {
				continue // the headline above
			}
			fmt.Fprintf(w, "  %s\n", it)
		}
	}
	fmt.Fprintf(w, "%d cases compared, %d changed\n", len(cases), changed)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
