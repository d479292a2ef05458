package advisor_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
)

func TestHolderWatchEditBreakRepair(t *testing.T) {
	dir, h := advisortest.Holder(t)
	first := h.Status().Versions.RuleSet

	reloads := make(chan error, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watching := make(chan error, 1)
	go func() { watching <- h.Watch(ctx, 50*time.Millisecond, func(err error) { reloads <- err }) }()
	time.Sleep(100 * time.Millisecond) // let the watcher register its folders

	file := filepath.Join(dir, "rules", "20-build.yaml")
	orig, err := os.ReadFile(file)
	require.NoError(t, err)
	wait := func() error {
		select {
		case err := <-reloads:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("no reload within 5s")
			return nil
		}
	}

	// Edit: a valid change loads and gives a new version.
	edited := strings.Replace(string(orig), "approach: {buy-managed: 3}", "approach: {buy-managed: 4}", 1)
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o644))
	require.NoError(t, wait())
	second := h.Status().Versions.RuleSet
	assert.NotEqual(t, first, second)
	assert.NoError(t, h.Status().LastError)

	// Break: a typo keeps the previous rule set serving and reports where the problem is.
	broken := strings.Replace(edited, `when: identity_team == "none"`, `when: identity_tem == "none"`, 1)
	require.NoError(t, os.WriteFile(file, []byte(broken), 0o644))
	require.Error(t, wait())
	st := h.Status()
	assert.Equal(t, second, st.Versions.RuleSet, "the last good rule set keeps serving")
	require.Len(t, st.Problems(), 1)
	p := st.Problems()[0]
	assert.Equal(t, "rules/20-build.yaml", p.File)
	assert.Equal(t, "no-identity-owner", p.Rule)
	assert.Equal(t, "unknown name identity_tem", p.Message)
	assert.Positive(t, p.Line)
	assert.Equal(t, 11, p.Column)
	assert.False(t, st.ErrorAt.IsZero())

	// Repair: the error clears and the content is the edited version again.
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o644))
	require.NoError(t, wait())
	assert.Equal(t, second, h.Status().Versions.RuleSet)
	assert.Nil(t, h.Status().Problems())

	cancel()
	require.NoError(t, <-watching)
}

func TestWatchNeedsAFolder(t *testing.T) {
	h, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	assert.EqualError(t, h.Watch(context.Background(), time.Millisecond, nil),
		"watch: the embedded content cannot change; serve with --content DIR")
}
