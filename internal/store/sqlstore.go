package store

import (
	"bytes"
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

const assessmentColumns = `id, owner, label, answers, result, questionnaire_version, ruleset_version,
	architecture, approach, leader, leader_cost_low, leader_cost_high, revision, created_at, updated_at`

// CreateAssessment inserts the assessment and its first revision in one transaction.
func (s *sqlStore) CreateAssessment(ctx context.Context, a *Assessment) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	t := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		low, high := costArgs(a.Headline)
		_, err := tx.ExecContext(ctx, `INSERT INTO assessments (`+assessmentColumns+`, label_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13, $14)`,
			a.ID, a.Owner, a.Label, string(a.Answers), jsonArg(a.Result), a.QuestionnaireVersion, a.RulesetVersion,
			a.Headline.Architecture, a.Headline.Approach, a.Headline.Leader, low, high, t, labelKey(a.Label))
		if isUniqueViolation(err) {
			return fmt.Errorf("store: create assessment %q: %w", a.ID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: create assessment: %w", err)
		}
		return insertRevision(ctx, tx, a, 1, "create", t)
	})
	if err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt, a.Revision = t, t, 1
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
	saved, err := s.ModifyAssessment(ctx, a.Owner, a.ID, func(cur *Assessment) (string, error) {
		cur.Label, cur.Answers, cur.Result, cur.Headline = a.Label, a.Answers, a.Result, a.Headline
		cur.QuestionnaireVersion, cur.RulesetVersion = a.QuestionnaireVersion, a.RulesetVersion
		return "update", nil
	})
	if err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt, a.Revision = saved.CreatedAt, saved.UpdatedAt, saved.Revision
	return nil
}

// ModifyAssessment holds the row from the read to the write: on PostgreSQL by SELECT … FOR
// UPDATE, which makes a second writer of the same row, in this process or another, wait; on
// SQLite by the write lock that BEGIN IMMEDIATE (_txlock=immediate) takes for the whole
// database. fn runs inside the transaction, so it must be quick and must not use the store.
func (s *sqlStore) ModifyAssessment(ctx context.Context, owner, id string, fn Modify) (*Assessment, error) {
	var out *Assessment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT ` + assessmentColumns + ` FROM assessments WHERE owner = $1 AND id = $2`
		if s.dialect == "postgres" {
			q += ` FOR UPDATE`
		}
		a, err := scanAssessment(tx.QueryRowContext(ctx, q, owner, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: assessment %q: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: modify assessment %q: %w", id, err)
		}
		cause, err := fn(&a)
		if err != nil {
			return err
		}
		a.Owner, a.ID = owner, id // fn changes the contents, not the identity
		out = &a
		if cause == "" {
			return nil
		}
		t := s.now()
		low, high := costArgs(a.Headline)
		var rev int
		err = tx.QueryRowContext(ctx, `UPDATE assessments
			SET label = $1, label_key = $2, answers = $3, result = $4, questionnaire_version = $5, ruleset_version = $6,
			    architecture = $7, approach = $8, leader = $9, leader_cost_low = $10, leader_cost_high = $11,
			    revision = revision + 1, updated_at = $12
			WHERE owner = $13 AND id = $14 RETURNING revision`,
			a.Label, labelKey(a.Label), string(a.Answers), jsonArg(a.Result), a.QuestionnaireVersion, a.RulesetVersion,
			a.Headline.Architecture, a.Headline.Approach, a.Headline.Leader, low, high, t, owner, id).Scan(&rev)
		if err != nil {
			return fmt.Errorf("store: modify assessment %q: %w", id, err)
		}
		a.Revision, a.UpdatedAt = rev, t
		return insertRevision(ctx, tx, &a, rev, cause, t)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertRevision records a's contents as revision n.
func insertRevision(ctx context.Context, tx *sql.Tx, a *Assessment, n int, cause string, t time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assessment_revisions (assessment_id, revision, cause, label, answers, result,
		questionnaire_version, ruleset_version, architecture, approach, leader, computed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, n, cause, a.Label, string(a.Answers), jsonArg(a.Result), a.QuestionnaireVersion, a.RulesetVersion,
		a.Headline.Architecture, a.Headline.Approach, a.Headline.Leader, t)
	if err != nil {
		return fmt.Errorf("store: record revision %d of %q: %w", n, a.ID, err)
	}
	return nil
}

// revisionColumns are the columns of a revision in the order scanRevision reads them; the
// result comes last so that lists can leave it out.
const revisionColumns = `r.revision, r.cause, r.label, r.answers, r.questionnaire_version, r.ruleset_version,
	r.architecture, r.approach, r.leader, r.computed_at`

func (s *sqlStore) Revisions(ctx context.Context, owner, id string) ([]Revision, error) {
	if _, err := s.GetAssessment(ctx, owner, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+revisionColumns+`, r.result IS NOT NULL
		FROM assessment_revisions r JOIN assessments a ON a.id = r.assessment_id
		WHERE a.owner = $1 AND a.id = $2 ORDER BY r.revision DESC`, owner, id)
	if err != nil {
		return nil, fmt.Errorf("store: revisions of %q: %w", id, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var (
			r        Revision
			complete bool
		)
		if err := scanRevision(rows, &r, &complete); err != nil {
			return nil, fmt.Errorf("store: revisions of %q: %w", id, err)
		}
		if complete {
			r.Result = json.RawMessage("{}") // present but not read: lists leave results out
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: revisions of %q: %w", id, err)
	}
	return out, nil
}

func (s *sqlStore) GetRevision(ctx context.Context, owner, id string, n int) (*Revision, error) {
	var r Revision
	err := scanRevision(s.db.QueryRowContext(ctx, `SELECT `+revisionColumns+`, r.result
		FROM assessment_revisions r JOIN assessments a ON a.id = r.assessment_id
		WHERE a.owner = $1 AND a.id = $2 AND r.revision = $3`, owner, id, n), &r, (*[]byte)(&r.Result))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: revision %d of %q: %w", n, id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: revision %d of %q: %w", n, id, err)
	}
	return &r, nil
}

func scanRevision(row interface{ Scan(...any) error }, r *Revision, last any) error {
	err := row.Scan(&r.Number, &r.Cause, &r.Label, (*[]byte)(&r.Answers), &r.QuestionnaireVersion, &r.RulesetVersion,
		&r.Headline.Architecture, &r.Headline.Approach, &r.Headline.Leader, &r.ComputedAt, last)
	r.ComputedAt = r.ComputedAt.UTC()
	return err
}

func (s *sqlStore) DeleteAssessment(ctx context.Context, owner, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM assessments WHERE owner = $1 AND id = $2`, owner, id)
	if err != nil {
		return fmt.Errorf("store: delete assessment %q: %w", id, err)
	}
	return mustAffect(res, fmt.Sprintf("assessment %q", id))
}

func (s *sqlStore) DeleteAssessmentAt(ctx context.Context, owner, id string, revision int) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM assessments WHERE owner = $1 AND id = $2 AND revision = $3`, owner, id, revision)
	if err != nil {
		return fmt.Errorf("store: delete assessment %q: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	if _, err := s.GetAssessment(ctx, owner, id); err != nil {
		return err
	}
	return fmt.Errorf("store: delete assessment %q at revision %d: %w", id, revision, ErrConflict)
}

// sortColumns maps a sort order's column to the SQL column it orders by.
var sortColumns = map[string]string{"created_at": "created_at", "updated_at": "updated_at", "label": "label_key"}

func (s *sqlStore) ListAssessments(ctx context.Context, opt ListOptions) ([]Assessment, string, error) {
	limit := opt.Limit
	switch {
	case limit < 1:
		limit = defaultLimit
	case limit > maxLimit:
		limit = maxLimit
	}
	sort := opt.Sort
	if sort == "" {
		sort = "-created_at"
	}
	name, desc := strings.TrimPrefix(sort, "-"), strings.HasPrefix(sort, "-")
	col, ok := sortColumns[name]
	if !ok {
		return nil, "", fmt.Errorf("store: sort %q: want one of %s", opt.Sort, strings.Join(Sorts, ", "))
	}
	q := `SELECT ` + assessmentColumns + ` FROM assessments WHERE owner = $1`
	args := []any{opt.Owner}
	where := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if opt.Label != "" {
		where("label = $%d", opt.Label)
	}
	if opt.LabelPrefix != "" {
		where(`label_key LIKE $%d ESCAPE '\'`, likeEscaper.Replace(labelKey(opt.LabelPrefix))+"%")
	}
	if opt.Complete != nil {
		if *opt.Complete {
			q += " AND result IS NOT NULL"
		} else {
			q += " AND result IS NULL"
		}
	}
	if opt.Architecture != "" {
		where("architecture = $%d", opt.Architecture)
	}
	if opt.Approach != "" {
		where("approach = $%d", opt.Approach)
	}
	if !opt.UpdatedSince.IsZero() {
		where("updated_at >= $%d", opt.UpdatedSince.UTC())
	}
	cmp, dir := ">", "ASC"
	if desc {
		cmp, dir = "<", "DESC"
	}
	if opt.Cursor != "" {
		v, id, err := decodeCursor(opt.Cursor, sort)
		if err != nil {
			return nil, "", err
		}
		args = append(args, v, id)
		q += fmt.Sprintf(" AND (%s, id) %s ($%d, $%d)", col, cmp, len(args)-1, len(args))
	}
	args = append(args, limit+1) // one extra row tells whether another page exists
	q += fmt.Sprintf(" ORDER BY %s %s, id %s LIMIT $%d", col, dir, dir, len(args))

	items, err := s.queryAssessments(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list assessments: %w", err)
	}
	if len(items) <= limit {
		return items, "", nil
	}
	items = items[:limit]
	return items, encodeCursor(sort, &items[limit-1]), nil
}

// likeEscaper escapes LIKE's wildcards so that a label prefix matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// labelKey is the form of a label that case-insensitive filters and sorting use. It is
// computed here rather than with SQL's lower(), which SQLite applies to ASCII only.
func labelKey(label string) string { return strings.ToLower(label) }

// costArgs are the SQL arguments of a headline's leader cost.
func costArgs(h Headline) (low, high any) {
	if h.LeaderCost == nil {
		return nil, nil
	}
	return h.LeaderCost[0], h.LeaderCost[1]
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
	var (
		a         Assessment
		low, high sql.NullFloat64
	)
	err := row.Scan(&a.ID, &a.Owner, &a.Label, (*[]byte)(&a.Answers), (*[]byte)(&a.Result),
		&a.QuestionnaireVersion, &a.RulesetVersion, &a.Headline.Architecture, &a.Headline.Approach, &a.Headline.Leader,
		&low, &high, &a.Revision, &a.CreatedAt, &a.UpdatedAt)
	if low.Valid && high.Valid {
		a.Headline.LeaderCost = &[2]float64{low.Float64, high.Float64}
	}
	// pgx returns times in the local zone.
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// inTx runs fn in a transaction, committed when fn returns nil and rolled back otherwise.
func (s *sqlStore) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
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

// cursor is the position after which the next page starts, for one sort order.
type cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v"` // unix microseconds for times, the label key for labels
	ID    string `json:"i"`
}

// encodeCursor makes the opaque cursor for the page after a in the sort order.
func encodeCursor(sort string, a *Assessment) string {
	c := cursor{Sort: sort, ID: a.ID}
	switch strings.TrimPrefix(sort, "-") {
	case "created_at":
		c.Value = strconv.FormatInt(a.CreatedAt.UnixMicro(), 10)
	case "updated_at":
		c.Value = strconv.FormatInt(a.UpdatedAt.UnixMicro(), 10)
	default:
		c.Value = labelKey(a.Label)
	}
	b, _ := json.Marshal(c) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the sort value and ID of a cursor issued for the sort order.
func decodeCursor(s, sort string) (any, string, error) {
	bad := fmt.Errorf("store: %w %q", ErrBadCursor, s)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, "", bad
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.Sort != sort || c.ID == "" {
		return nil, "", bad
	}
	if strings.TrimPrefix(sort, "-") == "label" {
		return c.Value, c.ID, nil
	}
	usec, err := strconv.ParseInt(c.Value, 10, 64)
	if err != nil {
		return nil, "", bad
	}
	return time.UnixMicro(usec).UTC(), c.ID, nil
}

// ReserveKey reads and claims the key in one transaction. Two requests racing for a new key
// both find no row; the second INSERT fails on the primary key and is told the first is in
// progress.
func (s *sqlStore) ReserveKey(ctx context.Context, scope, key string, fingerprint []byte, forgetBefore, staleBefore time.Time) (*StoredResponse, error) {
	var out *StoredResponse
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT fingerprint, status, headers, body, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2`
		if s.dialect == "postgres" {
			q += ` FOR UPDATE`
		}
		var (
			fp      []byte
			status  int
			headers []byte
			body    []byte
			created time.Time
		)
		err := tx.QueryRowContext(ctx, q, scope, key).Scan(&fp, &status, &headers, &body, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("store: idempotency key: %w", err)
		case created.Before(forgetBefore) || status == 0 && created.Before(staleBefore):
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, scope, key); err != nil {
				return fmt.Errorf("store: idempotency key: %w", err)
			}
		case !bytes.Equal(fp, fingerprint):
			return ErrKeyReused
		case status == 0:
			return ErrKeyInFlight
		default:
			out = &StoredResponse{Status: status, Body: body}
			if err := json.Unmarshal(headers, &out.Header); err != nil {
				return fmt.Errorf("store: idempotency key: headers: %w", err)
			}
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, fingerprint, status, headers, body, created_at)
			VALUES ($1, $2, $3, 0, '{}', $4, $5)`, scope, key, fingerprint, []byte{}, s.now())
		if isUniqueViolation(err) {
			return ErrKeyInFlight
		}
		if err != nil {
			return fmt.Errorf("store: idempotency key: %w", err)
		}
		return nil
	})
	return out, err
}

func (s *sqlStore) CompleteKey(ctx context.Context, scope, key string, r StoredResponse) error {
	headers, err := json.Marshal(r.Header)
	if err != nil {
		return fmt.Errorf("store: idempotency key: %w", err)
	}
	if r.Body == nil {
		r.Body = []byte{}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, headers = $2, body = $3 WHERE scope = $4 AND key = $5`,
		r.Status, string(headers), r.Body, scope, key)
	if err != nil {
		return fmt.Errorf("store: idempotency key: %w", err)
	}
	return mustAffect(res, "idempotency key")
}

func (s *sqlStore) ReleaseKey(ctx context.Context, scope, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 0`, scope, key); err != nil {
		return fmt.Errorf("store: idempotency key: %w", err)
	}
	return nil
}

func (s *sqlStore) PurgeKeys(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
