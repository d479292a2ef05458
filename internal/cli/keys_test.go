package cli_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/cli"
	"github.com/ciamadvisor/advisor/internal/store"
)

func TestKeys(t *testing.T) {
	db := filepath.Join(t.TempDir(), "advisor.db")

	code, token, stderr := run(t, "", "keys", "create", "--name", "acme", "--role", "consultant", "--database", db)
	require.Equal(t, cli.ExitOK, code, stderr)
	token = strings.TrimSpace(token)
	assert.Regexp(t, `^ciam_[a-z2-7]{52}$`, token)
	id := regexp.MustCompile(`key_[a-z2-7]{8}`).FindString(stderr)
	assert.Equal(t, `Created consultant key `+id+` named "acme". Its token is shown only this once: store it now.`+"\n", stderr)

	// Only the hash is stored, and it finds the key.
	st, err := store.Open(context.Background(), db)
	require.NoError(t, err)
	k, err := st.KeyByHash(context.Background(), store.HashToken(token))
	require.NoError(t, err)
	assert.Equal(t, id, k.ID)
	assert.Equal(t, "consultant", k.Role)
	require.NoError(t, st.Close())

	// The environment names the database as well as the flag does.
	t.Setenv("ADVISOR_DATABASE", db)
	code, _, stderr = run(t, "", "keys", "create", "--name", "eddie", "--role", "editor")
	require.Equal(t, cli.ExitOK, code, stderr)

	t.Run("list", func(t *testing.T) {
		code, stdout, stderr := run(t, "", "keys", "list")
		require.Equal(t, cli.ExitOK, code, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.Len(t, lines, 3)
		assert.Regexp(t, `^ID +NAME +ROLE +CREATED +REVOKED$`, lines[0])
		assert.Regexp(t, `^`+id+` +acme +consultant +\d{4}-\d\d-\d\d \d\d:\d\d UTC +-$`, lines[1])
		assert.Regexp(t, `^key_[a-z2-7]{8} +eddie +editor +\d{4}-\d\d-\d\d \d\d:\d\d UTC +-$`, lines[2])
		assert.NotContains(t, stdout, token)
	})

	t.Run("revoke by name, then by ID", func(t *testing.T) {
		code, stdout, stderr := run(t, "", "keys", "revoke", "acme")
		require.Equal(t, cli.ExitOK, code, stderr)
		assert.Equal(t, "Revoked key acme.\n", stdout)
		code, stdout, _ = run(t, "", "keys", "revoke", id) // again: keeps the first time
		require.Equal(t, cli.ExitOK, code)
		assert.Equal(t, "Revoked key "+id+".\n", stdout)

		code, stdout, stderr = run(t, "", "keys", "list", "--format", "json")
		require.Equal(t, cli.ExitOK, code, stderr)
		var keys []map[string]any
		require.NoError(t, json.Unmarshal([]byte(stdout), &keys))
		require.Len(t, keys, 2)
		assert.Equal(t, []string{"created_at", "id", "name", "revoked_at", "role"}, sortedKeys(keys[0]))
		assert.Equal(t, id, keys[0]["id"])
		assert.NotNil(t, keys[0]["revoked_at"])
		assert.Nil(t, keys[1]["revoked_at"])

		st, err := store.Open(context.Background(), db)
		require.NoError(t, err)
		defer st.Close()
		_, err = st.KeyByHash(context.Background(), store.HashToken(token))
		assert.ErrorIs(t, err, store.ErrNotFound)
	})

	nowhere := filepath.Join(t.TempDir(), "no", "such", "folder", "advisor.db")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"name taken, even by a revoked key", []string{"create", "--name", "acme", "--role", "editor"}, cli.ExitCheck,
			`advisor: a key named "acme" exists already (revoked keys keep their names); choose another name`},
		{"no name", []string{"create", "--role", "editor"}, cli.ExitUsage,
			`advisor: --name is required: a unique name for the key, such as the consultant's name`},
		{"name like an ID", []string{"create", "--name", "key_abc", "--role", "editor"}, cli.ExitUsage,
			`advisor: --name "key_abc": names may not start with key_, which key IDs do`},
		{"name with spaces around", []string{"create", "--name", " acme ", "--role", "editor"}, cli.ExitUsage,
			`advisor: --name " acme ": no spaces at the start or end`},
		{"no role", []string{"create", "--name", "x"}, cli.ExitUsage,
			`advisor: --role is required: consultant (stored assessments) or editor (also the content's reload errors)`},
		{"unknown role", []string{"create", "--name", "x", "--role", "admin"}, cli.ExitUsage,
			"advisor: invalid configuration:\n  role: \"admin\" is not one of consultant, editor"},
		{"revoke unknown", []string{"revoke", "nobody"}, cli.ExitCheck,
			`advisor: no key has the ID or name "nobody"; advisor keys list shows them`},
		{"revoke without argument", []string{"revoke"}, cli.ExitUsage,
			`advisor: accepts 1 arg(s), received 0`},
		{"list as markdown", []string{"list", "--format", "markdown"}, cli.ExitUsage,
			`advisor: --format "markdown": want text or json`},
		{"database that cannot be opened", []string{"list", "--database", nowhere}, cli.ExitUsage,
			`advisor: database "` + nowhere + `": store: migrate: begin: unable to open database file (14)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "", append([]string{"keys"}, tc.args...)...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout)
			assert.Equal(t, tc.stderr+"\n", stderr)
		})
	}
}

func TestKeysListEmpty(t *testing.T) {
	db := filepath.Join(t.TempDir(), "advisor.db")
	code, stdout, stderr := run(t, "", "keys", "list", "--database", db)
	require.Equal(t, cli.ExitOK, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "No API keys yet; make one with: advisor keys create --name NAME --role consultant\n", stderr)

	code, stdout, _ = run(t, "", "keys", "list", "--format", "json", "--database", db)
	require.Equal(t, cli.ExitOK, code)
	assert.Equal(t, "[]\n", stdout)
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
