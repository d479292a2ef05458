package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreateSession records a session of the key keyID whose token hashes to hash, valid until
// expires, and forgets the sessions that have expired.
func (s *sqlStore) CreateSession(ctx context.Context, hash []byte, keyID string, expires time.Time) error {
	t := s.now()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM editor_sessions WHERE expires_at <= $1`, t); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO editor_sessions (hash, key_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, keyID, t, expires.UTC()); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		return nil
	})
}

// SessionKey returns the unrevoked key of the unexpired session whose token hashes to hash,
// else ErrNotFound.
func (s *sqlStore) SessionKey(ctx context.Context, hash []byte) (*Key, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT k.id, k.name, k.role, k.hash, k.created_at, k.revoked_at
		FROM editor_sessions e JOIN api_keys k ON k.id = e.key_id
		WHERE e.hash = $1 AND e.expires_at > $2 AND k.revoked_at IS NULL`, hash, s.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	return &k, nil
}

// DeleteSession ends the session whose token hashes to hash; ending one that is gone is not
// an error.
func (s *sqlStore) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM editor_sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}
