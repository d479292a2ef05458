package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) string {
		return filepath.Join(t.TempDir(), "advisor.db")
	})
}

func TestPostgres(t *testing.T) {
	runSuite(t, func(t *testing.T) string { return storetest.PostgresDSN(t) })
}

// runSuite checks the Store contract; newDSN returns the DSN of a new, empty database.
func runSuite(t *testing.T, newDSN func(t *testing.T) string) {
	open := func(t *testing.T, dsn string) *sqlStore {
		t.Helper()
		st, err := Open(t.Context(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, st.Close()) })
		return st.(*sqlStore)
	}
	fresh := func(t *testing.T) *sqlStore { return open(t, newDSN(t)) }
	runRecordsSuite(t, fresh)
	runAnalyticsSuite(t, open, newDSN)
	runSessionSuite(t, fresh)

	t.Run("assessment lifecycle", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		a := &Assessment{Owner: "key_a", Label: "acme", Answers: json.RawMessage(`{"q1":"yes"}`), QuestionnaireVersion: "q1", RulesetVersion: "r1"}
		require.NoError(t, st.CreateAssessment(ctx, a))
		assert.Len(t, a.ID, 26)
		assert.False(t, a.CreatedAt.IsZero())
		assert.Equal(t, time.UTC, a.CreatedAt.Location())
		assert.Equal(t, a.CreatedAt, a.UpdatedAt)

		got, err := st.GetAssessment(ctx, "key_a", a.ID)
		require.NoError(t, err)
		assertSameAssessment(t, *a, *got)
		assert.Nil(t, got.Result, "no result stays nil")

		later := a.CreatedAt.Add(time.Minute)
		st.now = func() time.Time { return later }
		a.Label, a.Answers, a.Result, a.RulesetVersion = "acme-2", json.RawMessage(`{"q1":"no"}`), json.RawMessage(`{"score":3}`), "r2"
		created := a.CreatedAt
		a.CreatedAt = time.Time{}
		require.NoError(t, st.UpdateAssessment(ctx, a))
		assert.Equal(t, created, a.CreatedAt, "update reports the stored creation time")
		assert.Equal(t, later, a.UpdatedAt)

		got, err = st.GetAssessment(ctx, "key_a", a.ID)
		require.NoError(t, err)
		assertSameAssessment(t, *a, *got)

		require.NoError(t, st.DeleteAssessment(ctx, "key_a", a.ID))
		_, err = st.GetAssessment(ctx, "key_a", a.ID)
		assert.ErrorIs(t, err, ErrNotFound)
		assert.ErrorIs(t, st.DeleteAssessment(ctx, "key_a", a.ID), ErrNotFound)
		assert.ErrorIs(t, st.UpdateAssessment(ctx, a), ErrNotFound)
	})

	t.Run("create keeps a given ID and rejects a duplicate", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		a := &Assessment{ID: "given-id", Answers: json.RawMessage(`{}`)}
		require.NoError(t, st.CreateAssessment(ctx, a))
		assert.Equal(t, "given-id", a.ID)
		assert.ErrorIs(t, st.CreateAssessment(ctx, &Assessment{ID: "given-id", Answers: json.RawMessage(`{}`)}), ErrConflict)
	})

	t.Run("answers must be a JSON object", func(t *testing.T) {
		st := fresh(t)
		for _, tc := range []struct {
			name    string
			answers string
		}{
			{"empty", ""},
			{"array", `[1,2]`},
			{"not JSON", `{"q1":`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := st.CreateAssessment(t.Context(), &Assessment{Answers: json.RawMessage(tc.answers)})
				assert.Error(t, err)
			})
		}
	})

	t.Run("another owner's assessment is not found", func(t *testing.T) {
		st := fresh(t)
		a := &Assessment{Owner: "key_a", Label: "mine", Answers: json.RawMessage(`{}`)}
		require.NoError(t, st.CreateAssessment(t.Context(), a))
		for _, tc := range []struct {
			name  string
			owner string
			op    func(ctx context.Context, owner string) error
		}{
			{"get as other key", "key_b", func(ctx context.Context, owner string) error {
				_, err := st.GetAssessment(ctx, owner, a.ID)
				return err
			}},
			{"get as anonymous", "", func(ctx context.Context, owner string) error {
				_, err := st.GetAssessment(ctx, owner, a.ID)
				return err
			}},
			{"update as other key", "key_b", func(ctx context.Context, owner string) error {
				return st.UpdateAssessment(ctx, &Assessment{ID: a.ID, Owner: owner, Label: "stolen", Answers: json.RawMessage(`{}`)})
			}},
			{"delete as other key", "key_b", func(ctx context.Context, owner string) error {
				return st.DeleteAssessment(ctx, owner, a.ID)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				assert.ErrorIs(t, tc.op(t.Context(), tc.owner), ErrNotFound)
			})
		}
		got, err := st.GetAssessment(t.Context(), "key_a", a.ID)
		require.NoError(t, err)
		assert.Equal(t, "mine", got.Label, "the other owner changed nothing")
	})

	t.Run("list filters and pages newest first", func(t *testing.T) {
		st := fresh(t)
		// Three rows share each timestamp so that the ID tie-break is exercised.
		base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		var created []Assessment
		for i := range 23 {
			st.now = func() time.Time { return base.Add(time.Duration(i/3) * time.Second) }
			a := Assessment{Owner: []string{"key_a", "key_a", "key_b", ""}[i%4], Label: []string{"x", "y"}[i%2], Answers: json.RawMessage(`{}`)}
			require.NoError(t, st.CreateAssessment(t.Context(), &a))
			created = append(created, a)
		}
		slices.SortFunc(created, func(a, b Assessment) int {
			if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		want := func(owner, label string) []string {
			var ids []string
			for _, a := range created {
				if a.Owner == owner && (label == "" || a.Label == label) {
					ids = append(ids, a.ID)
				}
			}
			return ids
		}

		for _, tc := range []struct {
			name  string
			opt   ListOptions
			want  []string
			pages int
		}{
			{"owner in pages of 3", ListOptions{Owner: "key_a", Limit: 3}, want("key_a", ""), 4},
			{"owner in one page", ListOptions{Owner: "key_a", Limit: 12}, want("key_a", ""), 1},
			{"owner with label", ListOptions{Owner: "key_a", Label: "x", Limit: 2}, want("key_a", "x"), 3},
			{"other owner", ListOptions{Owner: "key_b", Limit: 1}, want("key_b", ""), 6},
			{"anonymous", ListOptions{Owner: "", Limit: 4}, want("", ""), 2},
			{"label nobody used", ListOptions{Owner: "key_a", Label: "z"}, nil, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var ids []string
				opt, pages := tc.opt, 0
				for {
					items, next, err := st.ListAssessments(t.Context(), opt)
					require.NoError(t, err)
					pages++
					require.LessOrEqual(t, pages, 20, "pagination does not end")
					assert.LessOrEqual(t, len(items), tc.opt.Limit)
					for _, a := range items {
						assert.Equal(t, tc.opt.Owner, a.Owner)
						ids = append(ids, a.ID)
					}
					if next == "" {
						break
					}
					opt.Cursor = next
				}
				assert.Equal(t, tc.want, ids, "every row once, newest first")
				assert.Equal(t, tc.pages, pages)
			})
		}
	})

	t.Run("bad cursor", func(t *testing.T) {
		st := fresh(t)
		b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for _, tc := range []struct{ name, cursor string }{
			{"not base64", "!!!"},
			{"no separator", b64("123")},
			{"time not a number", b64("abc.someid")},
			{"no id", b64("123.")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := st.ListAssessments(t.Context(), ListOptions{Cursor: tc.cursor})
				require.ErrorIs(t, err, ErrBadCursor)
				assert.Contains(t, err.Error(), tc.cursor)
			})
		}
	})

	t.Run("many assessments", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		const n = maxLimit + 1 // over the largest page and two batches of AllAssessments
		for range n {
			require.NoError(t, st.CreateAssessment(ctx, &Assessment{Owner: "key_a", Answers: json.RawMessage(`{}`)}))
		}
		for _, owner := range []string{"", "key_b"} {
			require.NoError(t, st.CreateAssessment(ctx, &Assessment{Owner: owner, Answers: json.RawMessage(`{}`)}))
		}

		t.Run("limit is clamped", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				limit int
				want  int
			}{
				{"zero means default", 0, defaultLimit},
				{"negative means default", -5, defaultLimit},
				{"above max means max", maxLimit + 1, maxLimit},
			} {
				t.Run(tc.name, func(t *testing.T) {
					items, next, err := st.ListAssessments(ctx, ListOptions{Owner: "key_a", Limit: tc.limit})
					require.NoError(t, err)
					assert.Len(t, items, tc.want)
					assert.NotEmpty(t, next)
				})
			}
		})

		t.Run("all visits every owner and may write", func(t *testing.T) {
			seen := map[string]bool{}
			owners := map[string]bool{}
			err := st.AllAssessments(ctx, func(a Assessment) error {
				assert.False(t, seen[a.ID], "visited twice")
				seen[a.ID], owners[a.Owner] = true, true
				a.Result = json.RawMessage(`{"rerun":true}`)
				return st.UpdateAssessment(ctx, &a)
			})
			require.NoError(t, err)
			assert.Len(t, seen, n+2)
			assert.Equal(t, map[string]bool{"": true, "key_a": true, "key_b": true}, owners)
		})

		t.Run("all stops at the first error", func(t *testing.T) {
			stop := errors.New("stop")
			calls := 0
			err := st.AllAssessments(ctx, func(Assessment) error {
				calls++
				return stop
			})
			assert.ErrorIs(t, err, stop)
			assert.Equal(t, 1, calls)
		})
	})

	t.Run("keys", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		st.now = func() time.Time { clock = clock.Add(time.Second); return clock }
		tokA, hashA := NewToken()
		tokB, hashB := NewToken()
		a := &Key{Name: "alice", Role: "consultant", Hash: hashA}
		b := &Key{Name: "bob", Role: "editor", Hash: hashB}
		require.NoError(t, st.CreateKey(ctx, a))
		require.NoError(t, st.CreateKey(ctx, b))
		assert.Regexp(t, `^key_[a-z2-7]{8}$`, a.ID)
		assert.False(t, a.CreatedAt.IsZero())

		_, dupHash := NewToken()
		assert.ErrorIs(t, st.CreateKey(ctx, &Key{Name: "alice", Role: "editor", Hash: dupHash}), ErrConflict, "duplicate name")
		assert.Error(t, st.CreateKey(ctx, &Key{Name: "carol", Role: "admin", Hash: dupHash}), "unknown role")

		keys, err := st.ListKeys(ctx)
		require.NoError(t, err)
		assert.Equal(t, []Key{*a, *b}, keys)

		got, err := st.KeyByHash(ctx, HashToken(tokA))
		require.NoError(t, err)
		assert.Equal(t, a, got)

		for _, tc := range []struct {
			name     string
			idOrName string
			token    string
		}{
			{"by id", a.ID, tokA},
			{"by name", "bob", tokB},
		} {
			t.Run("revoke "+tc.name, func(t *testing.T) {
				require.NoError(t, st.RevokeKey(ctx, tc.idOrName))
				_, err := st.KeyByHash(ctx, HashToken(tc.token))
				assert.ErrorIs(t, err, ErrNotFound)
			})
		}

		keys, err = st.ListKeys(ctx)
		require.NoError(t, err)
		require.Len(t, keys, 2)
		require.NotNil(t, keys[0].RevokedAt)
		first := *keys[0].RevokedAt
		require.NoError(t, st.RevokeKey(ctx, "alice"), "revoking again succeeds")
		keys, err = st.ListKeys(ctx)
		require.NoError(t, err)
		assert.Equal(t, first, *keys[0].RevokedAt, "and keeps the first revocation time")

		assert.ErrorIs(t, st.RevokeKey(ctx, "nobody"), ErrNotFound)
		_, err = st.KeyByHash(ctx, HashToken("ciam_unknown"))
		assert.ErrorIs(t, err, ErrNotFound)
	})

	t.Run("purge removes idle anonymous assessments only", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		at := func(d time.Duration) { st.now = func() time.Time { return base.Add(d) } }
		create := func(owner string, d time.Duration) *Assessment {
			at(d)
			a := &Assessment{Owner: owner, Answers: json.RawMessage(`{}`), QuestionnaireVersion: "q", RulesetVersion: "r"}
			require.NoError(t, st.CreateAssessment(ctx, a))
			return a
		}
		idle := create("", 0)
		touched := create("", 0)
		at(48 * time.Hour)
		require.NoError(t, st.UpdateAssessment(ctx, touched)) // activity moves it forward
		recent := create("", 47*time.Hour)
		consultant := create("key_a", 0)

		n, ran, err := st.PurgeAnonymous(ctx, base.Add(24*time.Hour))
		require.NoError(t, err)
		assert.True(t, ran)
		assert.Equal(t, int64(1), n)
		_, err = st.GetAssessment(ctx, "", idle.ID)
		assert.ErrorIs(t, err, ErrNotFound, "idle anonymous assessment removed")
		for _, a := range []*Assessment{touched, recent, consultant} {
			_, err := st.GetAssessment(ctx, a.Owner, a.ID)
			assert.NoError(t, err, "kept: %s", a.ID)
		}
		n, ran, err = st.PurgeAnonymous(ctx, base.Add(24*time.Hour))
		require.NoError(t, err)
		assert.True(t, ran)
		assert.Zero(t, n)

		// Consultants' assessments stay until deleted, however old.
		n, _, err = st.PurgeAnonymous(ctx, base.Add(1000*24*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		_, err = st.GetAssessment(ctx, "key_a", consultant.ID)
		assert.NoError(t, err)
	})

	t.Run("purge runs on one instance at a time", func(t *testing.T) {
		dsn := newDSN(t)
		st, other := open(t, dsn), open(t, dsn)
		if st.dialect != "postgres" {
			t.Skip("SQLite has one writer at a time; the advisory lock is PostgreSQL's")
		}
		ctx := t.Context()
		a := &Assessment{Answers: json.RawMessage(`{}`), QuestionnaireVersion: "q", RulesetVersion: "r"}
		require.NoError(t, st.CreateAssessment(ctx, a))

		// Another instance is purging: it holds the lock in its transaction.
		tx, err := other.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+purgeLock+`)`)
		require.NoError(t, err)
		n, ran, err := st.PurgeAnonymous(ctx, time.Now().Add(time.Hour))
		require.NoError(t, err)
		assert.False(t, ran, "skipped while another instance purges")
		assert.Zero(t, n)
		_, err = st.GetAssessment(ctx, "", a.ID)
		assert.NoError(t, err)

		require.NoError(t, tx.Rollback())
		n, ran, err = st.PurgeAnonymous(ctx, time.Now().Add(time.Hour))
		require.NoError(t, err)
		assert.True(t, ran)
		assert.Equal(t, int64(1), n)
	})

	t.Run("concurrent writes", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		const workers, each = 8, 10
		errs := make(chan error, workers*each*3) // three operations per iteration
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for range each {
					a := &Assessment{Owner: fmt.Sprintf("key_%d", w), Answers: json.RawMessage(`{}`)}
					errs <- st.CreateAssessment(ctx, a)
					a.Result = json.RawMessage(`{"ok":true}`)
					errs <- st.UpdateAssessment(ctx, a)
					_, err := st.GetAssessment(ctx, a.Owner, a.ID)
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
		count := 0
		require.NoError(t, st.AllAssessments(ctx, func(Assessment) error { count++; return nil }))
		assert.Equal(t, workers*each, count)
	})

	t.Run("reopen keeps rows and applies migrations once", func(t *testing.T) {
		dsn := newDSN(t)
		first, err := Open(t.Context(), dsn)
		require.NoError(t, err)
		a := &Assessment{Owner: "key_a", Answers: json.RawMessage(`{"q":1}`)}
		require.NoError(t, first.CreateAssessment(t.Context(), a))
		require.NoError(t, first.Close())

		st := open(t, dsn)
		got, err := st.GetAssessment(t.Context(), "key_a", a.ID)
		require.NoError(t, err)
		assertSameAssessment(t, *a, *got)
		assertMigrated(t, st)
	})

	t.Run("concurrent opens of one database", func(t *testing.T) {
		dsn := newDSN(t)
		stores := make([]Store, 4)
		errs := make([]error, len(stores))
		var wg sync.WaitGroup
		for i := range stores {
			wg.Go(func() { stores[i], errs[i] = Open(t.Context(), dsn) })
		}
		wg.Wait()
		for i, st := range stores {
			require.NoError(t, errs[i])
			t.Cleanup(func() { assert.NoError(t, st.Close()) })
		}
		assertMigrated(t, stores[0].(*sqlStore))
	})
}

// assertSameAssessment compares a stored assessment with what was saved. JSON
// is compared by meaning because PostgreSQL's jsonb normalises spacing and key order.
func assertSameAssessment(t *testing.T, want, got Assessment) {
	t.Helper()
	assert.JSONEq(t, string(want.Answers), string(got.Answers))
	if want.Result == nil {
		assert.Nil(t, got.Result)
	} else {
		assert.JSONEq(t, string(want.Result), string(got.Result))
	}
	want.Answers, want.Result, got.Answers, got.Result = nil, nil, nil, nil
	assert.Equal(t, want, got)
}

// assertMigrated checks that every migration is recorded exactly once.
// Both dialects have the same numbered migrations (TestMigrationsMatch).
func assertMigrated(t *testing.T, st *sqlStore) {
	t.Helper()
	files, err := fs.Glob(migrations, "migrations/sqlite/[0-9]*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var rows, distinct int
	require.NoError(t, st.db.QueryRowContext(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct))
	assert.Equal(t, len(files), rows)
	assert.Equal(t, len(files), distinct)
}

func TestMigrationsMatch(t *testing.T) {
	names := func(dialect string) []string {
		files, err := fs.Glob(migrations, "migrations/"+dialect+"/*.sql")
		require.NoError(t, err)
		for i, f := range files {
			files[i] = path.Base(f)
		}
		return files
	}
	sqlite := names("sqlite")
	assert.Contains(t, sqlite, "prelude.sql")
	assert.Contains(t, sqlite, "001_init.sql")
	assert.Equal(t, sqlite, names("postgres"), "every migration exists for both databases")
}

func TestIDsAndTokens(t *testing.T) {
	for _, tc := range []struct {
		name    string
		make    func() string
		pattern string
	}{
		{"NewID", NewID, `^[a-z2-7]{26}$`},
		{"NewToken", func() string { tok, _ := NewToken(); return tok }, `^ciam_[a-z2-7]{52}$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			re := regexp.MustCompile(tc.pattern)
			seen := map[string]bool{}
			for range 100 {
				s := tc.make()
				assert.Regexp(t, re, s)
				assert.False(t, seen[s], "repeated value")
				seen[s] = true
			}
		})
	}

	t.Run("token hash", func(t *testing.T) {
		tok, hash := NewToken()
		assert.Len(t, hash, 32)
		assert.Equal(t, hash, HashToken(tok))
		assert.NotEqual(t, hash, HashToken(tok+"x"))
	})
}

func BenchmarkCreateAssessment(b *testing.B) {
	st, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	answers := map[string]string{}
	for i := range 40 {
		answers[fmt.Sprintf("question_%02d", i)] = "a moderately long answer value"
	}
	raw, err := json.Marshal(answers)
	require.NoError(b, err)
	for b.Loop() {
		if err := st.CreateAssessment(b.Context(), &Assessment{Owner: "key_bench", Answers: raw, QuestionnaireVersion: "q1", RulesetVersion: "r1"}); err != nil {
			b.Fatal(err)
		}
	}
}
