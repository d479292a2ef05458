package scenario_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/scenario"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// TestScenarios runs every persona scenario in rules/tests against the shipped content.
func TestScenarios(t *testing.T) {
	a, err := advisor.Load(advisor.Embedded())
	require.NoError(t, err)
	list, err := scenario.Load(rfiles.FS)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(list), 12, "the shipped content needs at least 12 scenarios")
	for _, s := range list {
		t.Run(s.Name, func(t *testing.T) {
			res := scenario.Run(a, s)
			if len(res.Failures) > 0 {
				t.Errorf("%s:\n  %s", s.File, strings.Join(res.Failures, "\n  "))
			}
		})
	}
}
