package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// maxAnswersSize bounds the answers file; real answers are a few hundred bytes.
const maxAnswersSize = 1 << 20

func evalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval --answers FILE|-",
		Short: "Evaluate a set of answers and print the recommendation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			if cfg.Answers == "" {
				return usageError(errors.New("--answers is required: a JSON file of answers keyed by question ID, or - for standard input"))
			}
			a, err := loadContent(cfg)
			if err != nil {
				return err
			}
			data, err := readAnswers(cfg.Answers, cmd.InOrStdin())
			if err != nil {
				return usageError(err)
			}
			rec, err := Evaluate(a, data, cfg.Explain)
			if err != nil {
				return err
			}
			return Render(cmd.OutOrStdout(), rec, a.Questionnaire(), cfg.Format, time.Now().Format("2 January 2006"))
		},
	}
	cmd.Flags().String("answers", "", "JSON file of answers keyed by question ID, or - for standard input")
	cmd.Flags().String("format", "json", "output format: json, markdown or text")
	cmd.Flags().Bool("explain", false, "include a trace of every rule: fired or not, and the values it read")
	return cmd
}

func readAnswers(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("answers: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxAnswersSize+1))
	if err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	if len(data) > maxAnswersSize {
		return nil, fmt.Errorf("answers: larger than %d bytes", maxAnswersSize)
	}
	return data, nil
}

// Evaluate validates JSON answers and recommends, with counterfactuals. Invalid answers are a
// usage error (exit 2) listing every problem by question ID.
func Evaluate(a *advisor.Advisor, data []byte, explain bool) (*advisor.Recommendation, error) {
	raw, err := questionnaire.DecodeJSON(data)
	var rec *advisor.Recommendation
	if err == nil {
		rec, err = a.Evaluate(raw, advisor.Options{Explain: explain, Counterfactuals: true})
	}
	var ve *questionnaire.ValidationError
	if errors.As(err, &ve) {
		lines := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			lines[i] = "  " + p.Message
		}
		return nil, usageError(fmt.Errorf("invalid answers:\n%s", strings.Join(lines, "\n")))
	}
	return rec, err
}

// Render writes rec in format (json, markdown or text). date heads the Markdown report.
func Render(w io.Writer, rec *advisor.Recommendation, q *questionnaire.Questionnaire, format, date string) error {
	switch format {
	case "markdown":
		return advisor.Markdown(w, rec, q, date)
	case "text":
		return advisor.Text(w, rec)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rec)
}
