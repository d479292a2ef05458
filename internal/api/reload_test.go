package api_test

import (
	"context"
	"net/http"
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
	"github.com/ciamadvisor/advisor/internal/server"
)

// TestLiveReloadUnderLoad edits, breaks and repairs a rule file under a running server, as an
// editor would, while clients keep evaluating: every request must succeed throughout, the
// advice must follow the edits, and a broken file must leave the last good rules serving with
// the error (file, line, column) on /api/v1/ruleset.
func TestLiveReloadUnderLoad(t *testing.T) {
	dir, content := advisortest.Holder(t)
	// No cap on evaluations in flight: this is about reloads, and under -race the clients below
	// would otherwise be shed with 503 (TestEvaluationsInFlightAreCapped covers that).
	e := newAPIWith(t, server.Config{MaxEvaluations: -1}, content, filepath.Join(t.TempDir(), "advisor.db"))
	editor := e.key(t, "editor", "editor")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reloads := make(chan error, 10)
	go func() { _ = content.Watch(ctx, 50*time.Millisecond, func(err error) { reloads <- err }) }()
	time.Sleep(100 * time.Millisecond) // let the watcher register the folders

	// Clients evaluating all along; none may see anything but 200.
	var failures atomic.Int64
	var served atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	const answers = `{"answers":{"identity_shape":"b2c","identity_is_product":false,"mau_now":1000}}`
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, res := e.serve(req{Method: http.MethodPost, Path: "/api/v1/evaluate", Body: answers})
				served.Add(1)
				if res.Code != http.StatusOK {
					failures.Add(1)
				}
			}
		})
	}

	architecture := func() string {
		var rec advisor.Recommendation
		e.call(t, http.MethodPost, "/api/v1/evaluate", answers, "").decode(t, &rec)
		return rec.Architecture.ID
	}
	type status struct {
		Versions  advisor.Versions `json:"versions"`
		LastError *struct {
			Message  string `json:"message"`
			Problems []struct {
				File, Rule, Message string
				Line, Column        int
			} `json:"problems"`
		} `json:"last_error"`
	}
	ruleset := func() status {
		var s status
		e.call(t, http.MethodGet, "/api/v1/ruleset", "", editor).decode(t, &s)
		return s
	}
	wait := func() error {
		select {
		case err := <-reloads:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("no reload within 5s")
			return nil
		}
	}
	file := filepath.Join(dir, "rules", "10-shape.yaml")
	orig, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, "b2c-mobile-first", architecture())
	before := ruleset().Versions.RuleSet

	// Edit: consumers now point at the regulated architecture; the next request says so.
	edited := strings.Replace(string(orig), "architecture: {b2c-mobile-first: 10}", "architecture: {regulated-self-hosted: 10}", 1)
	require.NoError(t, os.WriteFile(file, []byte(edited), 0o644))
	require.NoError(t, wait())
	assert.Equal(t, "regulated-self-hosted", architecture())
	good := ruleset()
	assert.NotEqual(t, before, good.Versions.RuleSet)
	assert.Nil(t, good.LastError)

	// Break: a typo. The service keeps answering with the last good rules and says where.
	broken := strings.Replace(edited, `when: identity_shape == "b2c"`, `when: identity_shpe == "b2c"`, 1)
	require.NoError(t, os.WriteFile(file, []byte(broken), 0o644))
	require.Error(t, wait())
	assert.Equal(t, "regulated-self-hosted", architecture())
	bad := ruleset()
	assert.Equal(t, good.Versions.RuleSet, bad.Versions.RuleSet)
	require.NotNil(t, bad.LastError)
	require.Len(t, bad.LastError.Problems, 1)
	p := bad.LastError.Problems[0]
	assert.Equal(t, "rules/10-shape.yaml", p.File)
	assert.Equal(t, "shape-b2c", p.Rule)
	assert.Equal(t, 5, p.Line)
	assert.Equal(t, 11, p.Column)
	assert.Equal(t, "unknown name identity_shpe", p.Message)

	// Repair: back to the original; the error clears.
	require.NoError(t, os.WriteFile(file, orig, 0o644))
	require.NoError(t, wait())
	assert.Equal(t, "b2c-mobile-first", architecture())
	assert.Nil(t, ruleset().LastError)
	assert.Equal(t, before, ruleset().Versions.RuleSet)

	close(stop)
	wg.Wait()
	assert.Zero(t, failures.Load(), "requests failed during reloads")
	assert.Positive(t, served.Load())
}
