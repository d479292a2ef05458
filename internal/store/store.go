package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// ErrNotFound is returned when no row has the ID (or it belongs to another owner).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a row with the same unique key (ID or key name) exists.
var ErrConflict = errors.New("conflict")

// ErrBadCursor is returned by ListAssessments for a cursor it did not issue.
var ErrBadCursor = errors.New("bad cursor")

// ErrKeyReused is returned by ReserveKey for an Idempotency-Key already used with another request.
var ErrKeyReused = errors.New("idempotency key used with another request")

// ErrKeyInFlight is returned by ReserveKey while the first request with the key still runs.
var ErrKeyInFlight = errors.New("idempotency key in use by a request in progress")

// Assessment is a buyer's or consultant's saved answers plus the last computed result.
type Assessment struct {
	ID                   string          // NewID() when left empty on create
	Owner                string          // API key ID of the owning consultant; "" for anonymous web assessments
	Label                string          // free text chosen by the owner
	Answers              json.RawMessage // JSON object
	Result               json.RawMessage // JSON, or nil when not computed yet
	QuestionnaireVersion string
	RulesetVersion       string
	Headline             Headline  // the result's decision, copied for lists and filters
	Revision             int       // the number of the current revision, set by the store (1 on create)
	CreatedAt            time.Time // UTC, set by the store on create
	UpdatedAt            time.Time // UTC, set by the store on create and update
}

// Headline is the decision of a result, kept beside it so that lists can show and filter it
// without decoding results. All empty without a result.
type Headline struct {
	Architecture string
	Approach     string
	Leader       string
	// LeaderCost is the leading vendor's three-year cost range in USD {low, high}; nil
	// without a leader.
	LeaderCost *[2]float64
}

// Revision is one saved state of an assessment: every create, change of answers or label, and
// re-evaluation records one, numbered from 1. Revisions are kept until the assessment is deleted.
type Revision struct {
	Number               int
	Cause                string // why it was recorded: create, answers, label, reevaluate, migrated
	Label                string
	Answers              json.RawMessage
	Result               json.RawMessage // nil when the answers were incomplete
	QuestionnaireVersion string
	RulesetVersion       string
	Headline             Headline // LeaderCost is not kept per revision
	ComputedAt           time.Time
}

// Sort orders of ListAssessments: a column, descending with a leading minus.
var Sorts = []string{"-created_at", "created_at", "-updated_at", "updated_at", "label", "-label"}

// ListOptions selects a page of assessments.
type ListOptions struct {
	Owner        string    // required match ("" lists anonymous ones)
	Label        string    // exact match when non-empty
	LabelPrefix  string    // case-insensitive prefix of the label when non-empty
	Complete     *bool     // with (true) or without (false) a result; nil for both
	Architecture string    // the result's architecture when non-empty
	Approach     string    // the result's approach when non-empty
	UpdatedSince time.Time // updated at or after, when not zero
	Sort         string    // one of Sorts; "" is -created_at, newest first
	Cursor       string    // opaque; the next value of a previous page with the same Sort
	Limit        int       // page size; below 1 means 50, above 200 means 200
}

// Modify is a change ModifyAssessment makes to an assessment read under its lock: it changes a
// and returns the cause of the revision to record, or "" to write nothing. An error aborts
// the change and is returned unchanged.
type Modify func(a *Assessment) (cause string, err error)

// StoredResponse is a response remembered for an Idempotency-Key.
type StoredResponse struct {
	Status int
	Header map[string]string
	Body   []byte
}

// Key is an API key. The token itself is never stored, only its SHA-256.
type Key struct {
	ID        string // short public id, "key_" + 8 random base32 chars when left empty on create
	Name      string
	Role      string // "consultant" or "editor"
	Hash      []byte // HashToken of the token
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Store persists assessments and API keys.
type Store interface {
	// CreateAssessment inserts a, setting ID when empty and CreatedAt and UpdatedAt.
	CreateAssessment(ctx context.Context, a *Assessment) error
	// GetAssessment returns the assessment with id if owner owns it, else ErrNotFound.
	GetAssessment(ctx context.Context, owner, id string) (*Assessment, error)
	// UpdateAssessment replaces label, answers, result, headline and versions of the assessment
	// identified by (a.Owner, a.ID), records a revision with cause "update" and sets
	// a.Revision, a.UpdatedAt and a.CreatedAt. It overwrites whatever is stored: a
	// read-change-write that must not lose a concurrent change uses ModifyAssessment.
	UpdateAssessment(ctx context.Context, a *Assessment) error
	// ModifyAssessment reads the assessment with id if owner owns it (else ErrNotFound),
	// locked against every other writer in any process until fn has run and its change is
	// saved, and records a revision with fn's cause. fn must not call the store. It returns
	// the assessment as saved (or as read, when fn wrote nothing).
	ModifyAssessment(ctx context.Context, owner, id string, fn Modify) (*Assessment, error)
	// Revisions lists the revisions of the assessment with id if owner owns it, newest
	// first, without their results; ErrNotFound for no such assessment.
	Revisions(ctx context.Context, owner, id string) ([]Revision, error)
	// GetRevision returns revision n of the assessment, else ErrNotFound.
	GetRevision(ctx context.Context, owner, id string, n int) (*Revision, error)
	// DeleteAssessment removes the assessment with id if owner owns it, else ErrNotFound.
	DeleteAssessment(ctx context.Context, owner, id string) error
	// DeleteAssessmentAt is DeleteAssessment of the given revision only: ErrConflict when the
	// assessment has another revision now.
	DeleteAssessmentAt(ctx context.Context, owner, id string, revision int) error
	// ListAssessments returns one page, newest first; next is "" on the last page.
	ListAssessments(ctx context.Context, opt ListOptions) (items []Assessment, next string, err error)
	// AllAssessments calls fn for every assessment of every owner and stops at fn's
	// first error, which it returns unchanged. fn may call the store.
	AllAssessments(ctx context.Context, fn func(Assessment) error) error
	// CreateKey inserts k, setting ID when empty and CreatedAt; ErrConflict on a duplicate name.
	CreateKey(ctx context.Context, k *Key) error
	// ListKeys returns all keys, revoked ones included, oldest first.
	ListKeys(ctx context.Context) ([]Key, error)
	// RevokeKey marks the key with that ID or name revoked; revoking again keeps the first time.
	RevokeKey(ctx context.Context, idOrName string) error
	// KeyByHash returns the unrevoked key with that hash, else ErrNotFound.
	KeyByHash(ctx context.Context, hash []byte) (*Key, error)
	// PurgeAnonymous deletes the anonymous assessments (no owner: the web wizard's) last
	// updated before before and returns how many. Consultants' assessments are never touched.
	// Several instances may call it at once: on PostgreSQL only the one that takes an advisory
	// lock purges, and the others return ran false.
	PurgeAnonymous(ctx context.Context, before time.Time) (deleted int64, ran bool, err error)
	// ReserveKey claims an Idempotency-Key within scope for a request whose fingerprint (a hash
	// of method, path and body) is given. It returns nil when the caller is the first and
	// should run the request and then CompleteKey or ReleaseKey; the stored response when the
	// same request ran before; ErrKeyReused when the key came with another request;
	// ErrKeyInFlight while the first request runs. Keys reserved before forgetBefore are
	// forgotten, and so are claims left uncompleted before staleBefore.
	ReserveKey(ctx context.Context, scope, key string, fingerprint []byte, forgetBefore, staleBefore time.Time) (*StoredResponse, error)
	// CompleteKey remembers the response to the request that reserved the key.
	CompleteKey(ctx context.Context, scope, key string, r StoredResponse) error
	// ReleaseKey forgets a reservation whose request failed, so that a retry runs again.
	ReleaseKey(ctx context.Context, scope, key string) error
	// PurgeKeys forgets the keys reserved before before and returns how many.
	PurgeKeys(ctx context.Context, before time.Time) (int64, error)
	// AddCounts adds each count's N to its analytics counter of the UTC day of day, creating
	// counters as needed. Several instances may add to the same counters at once.
	AddCounts(ctx context.Context, day time.Time, counts []Count) error
	// Counts returns the analytics counters of the UTC days from since to until, both
	// included, ordered by day, kind, name and detail.
	Counts(ctx context.Context, since, until time.Time) ([]DayCount, error)
	// CreateSession records a web session of the key keyID, whose token hashes to hash (only
	// the hash is stored), valid until expires; it forgets expired sessions.
	CreateSession(ctx context.Context, hash []byte, keyID string, expires time.Time) error
	// SessionKey returns the unrevoked key of the unexpired session whose token hashes to
	// hash, else ErrNotFound.
	SessionKey(ctx context.Context, hash []byte) (*Key, error)
	// DeleteSession ends the session whose token hashes to hash, if there is one.
	DeleteSession(ctx context.Context, hash []byte) error
	// Ping checks that the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Open connects to the database named by dsn and applies pending migrations.
// A dsn starting with postgres:// or postgresql:// selects PostgreSQL; anything
// else is a SQLite file path or file: URI.
func Open(ctx context.Context, dsn string) (Store, error) {
	if dsn == "" {
		return nil, errors.New("store: empty DSN")
	}
	var (
		db      *sql.DB
		dialect string // names the migrations directory
		err     error
	)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		dialect = "postgres"
		db, err = sql.Open("pgx", dsn)
	} else {
		dialect = "sqlite"
		db, err = sql.Open("sqlite", dsn+sqliteParams(dsn))
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	if dialect == "sqlite" {
		// SQLite allows one writer at a time; a single connection serialises
		// writers in-process instead of having them fail with SQLITE_BUSY.
		db.SetMaxOpenConns(1)
	}
	if err := migrate(ctx, db, dialect); err != nil {
		db.Close()
		return nil, err
	}
	return &sqlStore{db: db, now: now, dialect: dialect}, nil
}

// sqliteParams returns the driver parameters appended to a SQLite DSN.
// WAL lets readers of other processes proceed during a write; synchronous=FULL
// fsyncs the WAL on every commit so an acknowledged save survives a crash or
// power loss; busy_timeout makes a second process wait for the write lock
// rather than fail; foreign_keys enforces references that later migrations
// declare (SQLite ignores them by default); txlock=immediate takes that lock at BEGIN so a transaction
// that reads before it writes cannot fail to upgrade. Times are stored as unix
// microseconds so they sort as integers.
func sqliteParams(dsn string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return sep + "_busy_timeout=10000&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=on" +
		"&_txlock=immediate&_time_integer_format=unix_micro&_inttotime=1"
}

// now is the store clock: UTC at the microsecond precision both databases keep,
// so a value read back equals the one written.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// NewID returns 128 random bits as 26 lowercase base32 characters.
func NewID() string { return randomBase32(16) }

// NewToken returns a new API token and its hash; only the hash is to be stored.
func NewToken() (token string, hash []byte) {
	token = "ciam_" + randomBase32(32)
	return token, HashToken(token)
}

// HashToken returns the SHA-256 of token, the form in which keys are stored and looked up.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// randomBase32 returns n random bytes as lowercase unpadded base32.
func randomBase32(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails: crypto/rand crashes the program rather than return an error
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
