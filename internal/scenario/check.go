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
	s, err := RunSuite(a)
	if err != nil {
		return err
	}
	return s.Problems.Err()
}

// Suite is every scenario of a content set run once: what Check judges and Cover measures.
type Suite struct {
	Results []Result // one per scenario, in file order
	// Problems are Check's diagnostics: unknown IDs in expectations, and one per failing
	// scenario.
	Problems diag.List
}

// RunSuite loads a's scenarios, lints their expectations and runs each. The error is a
// scenario file that does not load.
func RunSuite(a *advisor.Advisor) (Suite, error) {
	list, err := Load(a.Source.Rules)
	if err != nil {
		return Suite{}, err
	}
	s := Suite{Problems: Lint(a, list)}
	for _, sc := range list {
		res := Run(a, sc)
		s.Results = append(s.Results, res)
		if len(res.Failures) > 0 {
			line, col := diag.Position(sc.src, "expect")
			s.Problems.Add(sc.File, line, col, sc.Name, "scenario fails: %s", strings.Join(res.Failures, "; "))
		}
	}
	return s, nil
}

// Union is the scenarios of two content sets by name, next's first, then those only prev has:
// the cases `advisor diff` and the editors' workbench compare the two sets on.
func Union(prev, next *advisor.Advisor) ([]*Scenario, error) {
	var out []*Scenario
	seen := map[string]bool{}
	for _, a := range []*advisor.Advisor{next, prev} {
		list, err := Load(a.Source.Rules)
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			if !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, s)
			}
		}
	}
	return out, nil
}
