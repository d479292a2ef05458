package e2e

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMakeSaysWhatSkipped: go test hides the skip messages of passing packages unless -v is
// given, so `make test` ends with one line per skipped group saying what to set or install.
func TestMakeSaysWhatSkipped(t *testing.T) {
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command(mk, "-s", "-C", "../..", "skipped")
	cmd.Env = []string{"PATH=" + t.TempDir()} // no chromium, no test variables
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	want := "skipped: PostgreSQL tests (internal/store, internal/server, internal/api); set ADVISOR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable\n" +
		"skipped: browser tests (internal/e2e); install chromium (apt-get install chromium) or set ADVISOR_TEST_CHROMIUM\n"
	if got := string(out); len(got) > len(want) {
		assert.Equal(t, want+"skipped: axe-core and Lighthouse checks (internal/e2e); run cd web/e2e && npm ci\n", got)
	} else {
		assert.Equal(t, want, got)
	}

	cmd = exec.Command(mk, "-s", "-C", "../..", "skipped")
	cmd.Env = []string{"PATH=" + t.TempDir(), "ADVISOR_TEST_POSTGRES=postgres://x", "ADVISOR_TEST_CHROMIUM=/usr/bin/chromium"}
	out, err = cmd.Output()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "PostgreSQL")
	assert.NotContains(t, string(out), "browser tests")
}
