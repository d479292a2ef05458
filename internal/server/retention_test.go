package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
	"github.com/ciamadvisor/advisor/internal/store/storetest"
)

// TestRetention: anonymous assessments used to stay for ever. The retention job removes those
// idle for longer than the retention time and keeps consultants' assessments, on SQLite and on
// PostgreSQL (two instances running the job at once).
func TestRetention(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRetention(t, filepath.Join(t.TempDir(), "advisor.db"), 1) })
	t.Run("postgres", func(t *testing.T) { testRetention(t, storetest.PostgresDSN(t), 2) })
}

func testRetention(t *testing.T, dsn string, instances int) {
	content, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	ctx := t.Context()
	var stores []store.Store
	for range instances {
		st, err := store.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	st := stores[0]
	anonymous := &store.Assessment{Answers: json.RawMessage(`{"identity_shape": "b2c"}`)}
	consultant := &store.Assessment{Owner: "key_a", Answers: json.RawMessage(`{"identity_shape": "b2b"}`)}
	require.NoError(t, st.CreateAssessment(ctx, anonymous))
	require.NoError(t, st.CreateAssessment(ctx, consultant))

	t.Run("zero keeps everything", func(t *testing.T) {
		srv := server.New(server.Config{}, content, st, slog.New(slog.DiscardHandler))
		done := make(chan struct{})
		go func() { srv.RunRetention(ctx, 0, time.Millisecond); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatal("RunRetention with keep 0 should return at once")
		}
		_, err := st.GetAssessment(ctx, "", anonymous.ID)
		assert.NoError(t, err)
	})

	t.Run("idle anonymous assessments go", func(t *testing.T) {
		time.Sleep(30 * time.Millisecond) // both are now idle for longer than keep
		jobCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan struct{}, instances)
		for _, inst := range stores {
			srv := server.New(server.Config{}, content, inst, slog.New(slog.DiscardHandler))
			go func() { srv.RunRetention(jobCtx, 20*time.Millisecond, 5*time.Millisecond); done <- struct{}{} }()
		}
		require.Eventually(t, func() bool {
			_, err := st.GetAssessment(ctx, "", anonymous.ID)
			return err != nil
		}, 5*time.Second, 5*time.Millisecond, "the idle anonymous assessment is removed")
		cancel()
		for range instances {
			<-done
		}
		_, err := st.GetAssessment(ctx, "key_a", consultant.ID)
		assert.NoError(t, err, "a consultant's assessment stays until deleted")
	})
}
