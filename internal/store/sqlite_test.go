package store

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// killEnv names the database the helper process writes to until it is killed.
const killEnv = "ADVISOR_STORE_KILL_DB"

func TestSQLiteSettings(t *testing.T) {
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "advisor.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	require.NoError(t, st.CreateAssessment(t.Context(), &Assessment{Answers: json.RawMessage(`{}`)}))
	db := st.(*sqlStore).db

	for _, tc := range []struct {
		name, query, want string
	}{
		{"WAL journal", "PRAGMA journal_mode", "wal"},
		{"fsync every commit", "PRAGMA synchronous", "2"}, // FULL
		{"foreign keys", "PRAGMA foreign_keys", "1"},
		{"busy timeout", "PRAGMA busy_timeout", "10000"},
		{"integer timestamps", "SELECT typeof(created_at) FROM assessments", "integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			require.NoError(t, db.QueryRowContext(t.Context(), tc.query).Scan(&got))
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestSQLiteSurvivesKill runs a child process that saves assessments in a
// loop and prints each ID once its save has returned, kills it with SIGKILL
// mid-stream, and checks that every acknowledged save is in the database.
func TestSQLiteSurvivesKill(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "advisor.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), killEnv+"="+dbPath)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill() }) // in case a check fails before the kill; an error after it is expected

	var saved []string
	lines := bufio.NewScanner(out)
	killed := false
	for lines.Scan() {
		if id, ok := strings.CutPrefix(lines.Text(), "saved "); ok {
			saved = append(saved, id)
		}
		if len(saved) == 20 && !killed {
			require.NoError(t, cmd.Process.Kill()) // SIGKILL; keep reading what it printed before dying
			killed = true
		}
	}
	err = cmd.Wait()
	require.True(t, killed, "helper exited before saving 20 assessments: %v", err)
	require.Error(t, err, "helper must have been killed, not exited")
	assert.False(t, cmd.ProcessState.Exited(), "helper ended by a signal")

	st, err := Open(t.Context(), dbPath)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	t.Logf("checking %d acknowledged saves", len(saved))
	for _, id := range saved {
		_, err := st.GetAssessment(t.Context(), "key_kill", id)
		assert.NoError(t, err, "acknowledged save %s lost", id)
	}
}

// TestHelperProcess is the child of TestSQLiteSurvivesKill; run on its own it does nothing.
func TestHelperProcess(t *testing.T) {
	dbPath := os.Getenv(killEnv)
	if dbPath == "" {
		return
	}
	st, err := Open(t.Context(), dbPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for {
		a := &Assessment{Owner: "key_kill", Answers: json.RawMessage(`{"q1":"yes"}`)}
		if err := st.CreateAssessment(t.Context(), a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("saved " + a.ID) // os.Stdout is unbuffered: the parent sees it at once
	}
}
