package scenario

import (
	"strings"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/diag"
)

// Check runs every scenario shipped with a's content (rules/tests) and returns nil when all
// pass, or one diagnostic per failing scenario, naming its file and listing what failed. A
// server passes it to advisor.WithCheck so a reload that would weaken the advice is refused,
// and `advisor validate` fails on it.
func Check(a *advisor.Advisor) error {
	list, err := Load(a.Source.Rules)
	if err != nil {
		return err
	}
	errs := Lint(a, list)
	for _, s := range list {
		if res := Run(a, s); len(res.Failures) > 0 {
			line, col := diag.Position(s.src, "expect")
			errs.Add(s.File, line, col, s.Name, "scenario fails: %s", strings.Join(res.Failures, "; "))
		}
	}
	return errs.Err()
}
