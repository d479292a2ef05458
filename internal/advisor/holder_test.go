package advisor_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/diag"
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

// TestReloadsAreSerialised interleaves a SIGHUP-style Reload with one the file watcher starts:
// the first reload reads the old files and is held up (in the holder's check) while the files
// change and the watcher reloads. The newer content must be what serves at the end; before
// reloads were serialised, the slow, older load was swapped in last.
func TestReloadsAreSerialised(t *testing.T) {
	dir := advisortest.CopyContent(t)
	src, err := advisor.Dir(dir)
	require.NoError(t, err)

	held := make(chan struct{})    // the first checked reload has loaded the old files
	release := make(chan struct{}) // let it finish
	var checks atomic.Int32
	h, err := advisor.NewHolder(src, advisor.WithCheck(func(*advisor.Advisor) error {
		if checks.Add(1) == 2 { // 1 is NewHolder's own load
			close(held)
			<-release
		}
		return nil
	}))
	require.NoError(t, err)
	old := h.Status().Versions.RuleSet

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watched := make(chan error, 10)
	go func() { _ = h.Watch(ctx, 20*time.Millisecond, func(err error) { watched <- err }) }()
	time.Sleep(100 * time.Millisecond) // let the watcher register its folders

	hup := make(chan error, 1)
	go func() { hup <- h.Reload() }() // as on SIGHUP
	<-held

	file := filepath.Join(dir, "rules", "20-build.yaml")
	orig, err := os.ReadFile(file)
	require.NoError(t, err)
	edited := strings.Replace(string(orig), "approach: {buy-managed: 3}", "approach: {buy-managed: 4}", 1)
	require.NotEqual(t, string(orig), edited, "the edit must change the file")
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o644))
	want, err := advisor.Load(src)
	require.NoError(t, err)
	require.NotEqual(t, old, want.Versions().RuleSet)

	// Give the watcher's reload time to run; unserialised, it swaps in the new content now.
	select {
	case err := <-watched:
		require.NoError(t, err)
	case <-time.After(500 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-hup)
	deadline := time.After(5 * time.Second)
	for h.Status().Versions.RuleSet != want.Versions().RuleSet || len(watched) > 0 {
		select {
		case err := <-watched:
			require.NoError(t, err)
		case <-deadline:
			t.Fatalf("serving %s after both reloads, want the newest content %s (old: %s)",
				h.Status().Versions.RuleSet, want.Versions().RuleSet, old)
		}
	}
	// Nothing older may land afterwards.
	time.Sleep(100 * time.Millisecond)
	assert.Equal(t, want.Versions().RuleSet, h.Current().Versions().RuleSet)
}

// TestReloadsUnderChurn reloads from many goroutines while the files keep changing; once the
// writes stop and a last reload returns, the newest content serves.
func TestReloadsUnderChurn(t *testing.T) {
	dir, h := advisortest.Holder(t)
	file := filepath.Join(dir, "rules", "20-build.yaml")
	orig, err := os.ReadFile(file)
	require.NoError(t, err)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					assert.NoError(t, h.Reload())
				}
			}
		})
	}
	var last string
	for i := 1; i <= 8; i++ {
		last = strings.Replace(string(orig), "approach: {buy-managed: 3}", fmt.Sprintf("approach: {buy-managed: %d}", 3+i), 1)
		// Replace the file in one step, as editors' tools do: a reload must never see it half
		// written (an empty rule file is rightly refused).
		tmp := file + ".tmp"
		require.NoError(t, os.WriteFile(tmp, []byte(last), 0o644))
		require.NoError(t, os.Rename(tmp, file))
		time.Sleep(15 * time.Millisecond)
	}
	require.NoError(t, h.Reload())
	close(stop)
	wg.Wait()
	src, err := advisor.Dir(dir)
	require.NoError(t, err)
	want, err := advisor.Load(src)
	require.NoError(t, err)
	assert.Equal(t, want.Versions().RuleSet, h.Current().Versions().RuleSet)
}

// TestReloadRefusedByCheck keeps the last good content when new content loads but fails the
// holder's check, and reports the check's problems.
func TestReloadRefusedByCheck(t *testing.T) {
	dir := advisortest.CopyContent(t)
	src, err := advisor.Dir(dir)
	require.NoError(t, err)
	refuse := atomic.Bool{}
	h, err := advisor.NewHolder(src, advisor.WithCheck(func(*advisor.Advisor) error {
		if refuse.Load() {
			return diag.List{{File: "rules/tests/b2b.yaml", Rule: "b2b", Message: "architecture: got b2c-mobile-first, want b2b-multi-tenant"}}
		}
		return nil
	}))
	require.NoError(t, err)
	before := h.Status().Versions.RuleSet

	file := filepath.Join(dir, "rules", "20-build.yaml")
	orig, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(orig), "approach: {buy-managed: 3}", "approach: {buy-managed: 4}", 1)), 0o644))
	refuse.Store(true)
	require.Error(t, h.Reload())
	st := h.Status()
	assert.Equal(t, before, st.Versions.RuleSet, "the last good content keeps serving")
	require.Len(t, st.Problems(), 1)
	assert.Equal(t, "rules/tests/b2b.yaml: b2b: architecture: got b2c-mobile-first, want b2b-multi-tenant", st.Problems()[0].String())

	refuse.Store(false)
	require.NoError(t, h.Reload())
	assert.NotEqual(t, before, h.Status().Versions.RuleSet)
	assert.NoError(t, h.Status().LastError)

	// The first load is checked too.
	refuse.Store(true)
	_, err = advisor.NewHolder(src, advisor.WithCheck(func(*advisor.Advisor) error { return errors.New("scenarios fail") }))
	assert.EqualError(t, err, "scenarios fail")
}
