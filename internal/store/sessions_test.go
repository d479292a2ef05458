package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runSessionSuite checks editors' web sessions.
func runSessionSuite(t *testing.T, fresh func(t *testing.T) *sqlStore) {
	t.Run("editor sessions", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		k := &Key{Name: "ed", Role: "editor", Hash: HashToken("key-token")}
		require.NoError(t, st.CreateKey(ctx, k))
		start := st.now()
		session, old := HashToken("session-token"), HashToken("old-session")
		require.NoError(t, st.CreateSession(ctx, old, k.ID, start.Add(time.Minute)))
		require.NoError(t, st.CreateSession(ctx, session, k.ID, start.Add(time.Hour)))

		got, err := st.SessionKey(ctx, session)
		require.NoError(t, err)
		assert.Equal(t, k.ID, got.ID)
		assert.Equal(t, "editor", got.Role)
		_, err = st.SessionKey(ctx, HashToken("another"))
		assert.ErrorIs(t, err, ErrNotFound)

		st.now = func() time.Time { return start.Add(2 * time.Minute) }
		_, err = st.SessionKey(ctx, old)
		assert.ErrorIs(t, err, ErrNotFound, "expired")
		require.NoError(t, st.CreateSession(ctx, HashToken("third"), k.ID, start.Add(time.Hour)))
		var n int
		require.NoError(t, st.db.QueryRowContext(ctx, `SELECT count(*) FROM editor_sessions`).Scan(&n))
		assert.Equal(t, 2, n, "a new session forgets the expired one")

		require.NoError(t, st.DeleteSession(ctx, session))
		_, err = st.SessionKey(ctx, session)
		assert.ErrorIs(t, err, ErrNotFound, "signed out")
		require.NoError(t, st.DeleteSession(ctx, session), "signing out twice")

		require.NoError(t, st.RevokeKey(ctx, "ed"))
		_, err = st.SessionKey(ctx, HashToken("third"))
		assert.ErrorIs(t, err, ErrNotFound, "the key is revoked")
	})
}
