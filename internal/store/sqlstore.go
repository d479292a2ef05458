package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Page sizes of ListAssessments and AllAssessments.
const (
	defaultLimit = 50
	maxLimit     = 200
	batchSize    = 100
)

// sqlStore implements Store for both databases through database/sql. The SQL is
// portable ($n placeholders, row values, RETURNING work in both), so the only
// per-database parts are the driver, the migration files and error codes.
// PostgreSQL goes through pgx's database/sql adapter rather than pgxpool for
// that reason: one implementation and one test suite instead of two.
type sqlStore struct {
	db      *sql.DB
	now     func() time.Time // replaced in tests to force equal timestamps
	dialect string           // "sqlite" or "postgres"
}

const assessmentColumns = `id, owner, label, answers, result, questionnaire_version, ruleset_version, created_at, updated_at`

func (s *sqlStore) CreateAssessment(ctx context.Context, a *Assessment) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	t := s.now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO assessments (`+assessmentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
		a.ID, a.Owner, a.Label, string(a.Answers), jsonArg(a.Result), a.QuestionnaireVersion, a.RulesetVersion, t)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: create assessment %q: %w", a.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create assessment: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = t, t
	return nil
}

func (s *sqlStore) GetAssessment(ctx context.Context, owner, id string) (*Assessment, error) {
	a, err := scanAssessment(s.db.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE owner = $1 AND id = $2`, owner, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: assessment %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get assessment %q: %w", id, err)
	}
	return &a, nil
}

func (s *sqlStore) UpdateAssessment(ctx context.Context, a *Assessment) error {
	t := s.now()
	var created time.Time
	err := s.db.QueryRowContext(ctx, `UPDATE assessments
		SET label = $1, answers = $2, result = $3, questionnaire_version = $4, ruleset_version = $5, updated_at = $6
		WHERE owner = $7 AND id = $8 RETURNING created_at`,
		a.Label, string(a.Answers), jsonArg(a.Result), a.QuestionnaireVersion, a.RulesetVersion, t, a.Owner, a.ID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: assessment %q: %w", a.ID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: update assessment %q: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = created.UTC(), t
	return nil
}

func (s *sqlStore) DeleteAssessment(ctx context.Context, owner, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM assessments WHERE owner = $1 AND id = $2`, owner, id)
	if err != nil {
		return fmt.Errorf("store: delete assessment %q: %w", id, err)
	}
	return mustAffect(res, fmt.Sprintf("assessment %q", id))
}

func (s *sqlStore) ListAssessments(ctx context.Context, opt ListOptions) ([]Assessment, string, error) {
	limit := opt.Limit
	switch {
	case limit < 1:
		limit = defaultLimit
	case limit > maxLimit:
		limit = maxLimit
	}
	q := `SELECT ` + assessmentColumns + ` FROM assessments WHERE owner = $1`
	args := []any{opt.Owner}
	if opt.Label != "" {
		args = append(args, opt.Label)
		q += fmt.Sprintf(" AND label = $%d", len(args))
	}
	if opt.Cursor != "" {
		t, id, err := decodeCursor(opt.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, t, id)
		q += fmt.Sprintf(" AND (created_at, id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, limit+1) // one extra row tells whether another page exists
	q += fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT $%d", len(args))

	items, err := s.queryAssessments(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list assessments: %w", err)
	}
	if len(items) <= limit {
		return items, "", nil
	}
	items = items[:limit]
	last := items[limit-1]
	return items, encodeCursor(last.CreatedAt, last.ID), nil
}

// AllAssessments reads in batches by ID and calls fn between batches, never
// with a result set open: with SQLite's single connection an fn that writes
// through the store would otherwise wait forever for that connection.
// Assessments created during the walk may or may not be visited.
func (s *sqlStore) AllAssessments(ctx context.Context, fn func(Assessment) error) error {
	after := ""
	for {
		batch, err := s.queryAssessments(ctx, `SELECT `+assessmentColumns+` FROM assessments WHERE id > $1 ORDER BY id LIMIT $2`, after, batchSize)
		if err != nil {
			return fmt.Errorf("store: all assessments: %w", err)
		}
		for _, a := range batch {
			if err := fn(a); err != nil {
				return err
			}
		}
		if len(batch) < batchSize {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

func (s *sqlStore) queryAssessments(ctx context.Context, q string, args ...any) ([]Assessment, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, a)
	}
	return items, rows.Err()
}

func scanAssessment(row interface{ Scan(...any) error }) (Assessment, error) {
	var a Assessment
	err := row.Scan(&a.ID, &a.Owner, &a.Label, (*[]byte)(&a.Answers), (*[]byte)(&a.Result),
		&a.QuestionnaireVersion, &a.RulesetVersion, &a.CreatedAt, &a.UpdatedAt)
	// pgx returns times in the local zone.
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

func (s *sqlStore) CreateKey(ctx context.Context, k *Key) error {
	if k.ID == "" {
		k.ID = "key_" + randomBase32(5)
	}
	t := s.now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_keys (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		k.ID, k.Name, k.Role, k.Hash, t)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: create key %q: %w", k.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create key %q: %w", k.Name, err)
	}
	k.CreatedAt, k.RevokedAt = t, nil
	return nil
}

const keyColumns = `id, name, role, hash, created_at, revoked_at`

func (s *sqlStore) ListKeys(ctx context.Context) ([]Key, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list keys: %w", err)
	}
	defer rows.Close()
	var keys []Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list keys: %w", err)
	}
	return keys, nil
}

func (s *sqlStore) RevokeKey(ctx context.Context, idOrName string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 OR name = $2`, s.now(), idOrName)
	if err != nil {
		return fmt.Errorf("store: revoke key %q: %w", idOrName, err)
	}
	return mustAffect(res, fmt.Sprintf("key %q", idOrName))
}

func (s *sqlStore) KeyByHash(ctx context.Context, hash []byte) (*Key, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: key by hash: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: key by hash: %w", err)
	}
	return &k, nil
}

func scanKey(row interface{ Scan(...any) error }) (Key, error) {
	var (
		k       Key
		revoked sql.Null[time.Time]
	)
	if err := row.Scan(&k.ID, &k.Name, &k.Role, &k.Hash, &k.CreatedAt, &revoked); err != nil {
		return Key{}, err
	}
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked.Valid {
		t := revoked.V.UTC()
		k.RevokedAt = &t
	}
	return k, nil
}

// purgeLock is the advisory lock key of the retention job, with the schema as the second key
// (as the migration lock), so stores in different schemas of one database purge independently.
const purgeLock = `hashtext('ciamadvisor.store.purge'), hashtext(current_schema())`

func (s *sqlStore) PurgeAnonymous(ctx context.Context, before time.Time) (int64, bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("store: purge: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	if s.dialect == "postgres" {
		// Try, do not wait: if another instance holds the lock it is doing this very job.
		// The transaction-scoped lock is released at commit or rollback, even if this process dies.
		var got bool
		if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(`+purgeLock+`)`).Scan(&got); err != nil {
			return 0, false, fmt.Errorf("store: purge: lock: %w", err)
		}
		if !got {
			return 0, false, nil
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM assessments WHERE owner = '' AND updated_at < $1`, before.UTC())
	if err != nil {
		return 0, false, fmt.Errorf("store: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, false, fmt.Errorf("store: purge: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("store: purge: commit: %w", err)
	}
	return n, true, nil
}

func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

func (s *sqlStore) Close() error { return s.db.Close() }

// jsonArg maps an absent JSON value to SQL NULL. Values are passed as strings
// because SQLite would store a []byte as a BLOB, which its JSON functions
// do not read as JSON text.
func jsonArg(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// mustAffect turns an update or delete that matched no row into ErrNotFound.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return nil
}

func isUniqueViolation(err error) bool {
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	pe, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pe.Code == "23505" // unique_violation
}

// encodeCursor makes the opaque cursor for the page after the row (t, id).
func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + "." + id))
}

func decodeCursor(cursor string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	micros, id, ok := strings.Cut(string(raw), ".")
	usec, perr := strconv.ParseInt(micros, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return time.Time{}, "", fmt.Errorf("store: %w %q", ErrBadCursor, cursor)
	}
	return time.UnixMicro(usec).UTC(), id, nil
}
