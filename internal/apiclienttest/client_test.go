package apiclienttest_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	// The generated client's one dependency. Importing it here keeps it, at the version go.mod
	// pins, in the module graph that the overlay build of the client uses.
	_ "github.com/oapi-codegen/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// TestGeneratedClient generates a client from the document a live server serves, builds it
// with the workflow in testdata and runs the workflow against that server.
func TestGeneratedClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated client with the go command; run without -short")
	}
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command, to run oapi-codegen and build the client")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)

	content, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "advisor.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	token, hash := store.NewToken()
	require.NoError(t, st.CreateKey(context.Background(), &store.Key{Name: "consultant", Role: "consultant", Hash: hash}))
	live := httptest.NewServer(app.New(server.Config{}, content, st, slog.New(slog.DiscardHandler)).Handler())
	t.Cleanup(live.Close)

	tmp := t.TempDir()
	spec := filepath.Join(tmp, "openapi.json")
	res, err := http.Get(live.URL + "/openapi.json")
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, os.WriteFile(spec, body, 0o644))

	generated := filepath.Join(tmp, "client.gen.go")
	goCmd(t, root, goBin, "tool", "oapi-codegen", "-generate", "types,client", "-package", "client", "-o", generated, spec)

	// The generated package and the workflow, placed in this module only for the build.
	gen := filepath.Join(root, "internal", "apiclienttest", "gen")
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(gen, "client", "client.gen.go"): generated,
		filepath.Join(gen, "workflow", "main.go"):     filepath.Join(root, "internal", "apiclienttest", "testdata", "workflow.go"),
	}})
	require.NoError(t, err)
	overlayFile := filepath.Join(tmp, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o644))
	bin := filepath.Join(tmp, "workflow")
	goCmd(t, root, goBin, "build", "-overlay", overlayFile, "-o", bin, "./internal/apiclienttest/gen/workflow")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-url", live.URL, "-token", token).CombinedOutput()
	require.NoError(t, err, "the workflow through the generated client:\n%s", out)
	t.Logf("workflow:\n%s", out)
	for _, step := range []string{"flow:", "create:", "patch:", "result:", "reevaluate:", "revision 3:", "compare:", "export: 2", "delete:"} {
		assert.Contains(t, string(out), step)
	}
}

// goCmd runs the go command in the module root and fails the test with its output.
func goCmd(t *testing.T, root, goBin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
}
