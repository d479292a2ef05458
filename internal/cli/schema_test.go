package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchemaWritesTheCommittedSchemas checks that `advisor schema --out DIR` writes the same
// files the YAML headers point at (docs/schemas, kept current by internal/schema's test).
func TestSchemaWritesTheCommittedSchemas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "schemas")
	code, out, stderr := run(t, "", "schema", "--out", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, filepath.Join(dir, "vendor.json")+"\trules/catalog/vendors/*.yaml\n")
	committed, err := os.ReadDir(filepath.Join("..", "..", "docs", "schemas"))
	require.NoError(t, err)
	written, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, written, len(committed))
	for _, e := range committed {
		want, err := os.ReadFile(filepath.Join("..", "..", "docs", "schemas", e.Name()))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), e.Name())
	}
}
