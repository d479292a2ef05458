// Package cli implements the advisor command: eval, validate, test, serve, diff, keys and schema. Commands
// return errors; Run maps them to exit codes: 0 ok, 1 a failed check, 2 bad usage or input.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitCheck = 1 // a check failed: invalid content, failing scenarios
	ExitUsage = 2 // bad flags, bad config or bad input
)

type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error { return &exitError{ExitUsage, err} }
func checkError(err error) error { return &exitError{ExitCheck, err} }

// Run runs the command line args and returns the exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:           "advisor",
		Short:         "CIAM Advisor: choose a customer identity platform, with reasons you can check",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.PersistentFlags().String("config", "", "config file (YAML, TOML or JSON) with keys named like the flags")
	root.PersistentFlags().String("content", "", "folder holding questionnaire/ and rules/ (default: the copy built into the binary)")
	root.AddCommand(evalCmd(), validateCmd(), testCmd(), serveCmd(), diffCmd(), keysCmd(), schemaCmd())

	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(stderr, "advisor:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Cobra's own errors (unknown command, bad arguments) are usage errors.
	return ExitUsage
}

// loadContent loads the content named by cfg: --content DIR or the embedded copy. Invalid
// content is a failed check, exit 1.
func loadContent(cfg *Config) (*advisor.Advisor, error) {
	src := advisor.Embedded()
	if cfg.Content != "" {
		var err error
		if src, err = advisor.Dir(cfg.Content); err != nil {
			return nil, usageError(err)
		}
	}
	a, err := advisor.Load(src)
	if err != nil {
		return nil, checkError(fmt.Errorf("content does not load:\n%w", err))
	}
	return a, nil
}
