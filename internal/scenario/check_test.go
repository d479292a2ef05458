package scenario_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// TestCheckNamesFailingScenarios: content that loads but fails one of its scenarios fails the
// check, with the scenario's file and name, so a reload can refuse it.
func TestCheckNamesFailingScenarios(t *testing.T) {
	dir := advisortest.CopyContent(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules", "tests", "zz-weakened.yaml"), []byte(`name: weakened
answers:
  identity_shape: b2c
  identity_is_product: false
  mau_now: 1000
expect:
  approach: build
`), 0o644))
	src, err := advisor.Dir(dir)
	require.NoError(t, err)
	a, err := advisor.Load(src)
	require.NoError(t, err)

	start := time.Now()
	err = scenario.Check(a)
	t.Logf("checking the scenarios took %v", time.Since(start))
	var l diag.List
	require.True(t, errors.As(err, &l), "want a diag.List, got %v", err)
	var found bool
	for _, d := range l {
		if d.File == "rules/tests/zz-weakened.yaml" {
			found = true
			assert.Equal(t, "weakened", d.Rule)
			assert.Contains(t, d.Message, "scenario fails: ")
			assert.Contains(t, d.Message, "build")
		}
	}
	assert.True(t, found, "the failing scenario is reported: %v", err)
}
