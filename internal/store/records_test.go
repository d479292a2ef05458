package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runRecordsSuite checks revisions, atomic modification, the portfolio's filters and sort
// orders, and idempotency keys; fresh returns a store over a new, empty database.
func runRecordsSuite(t *testing.T, fresh func(t *testing.T) *sqlStore) {
	t.Run("every write is a revision", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		a := &Assessment{Owner: "key_a", Label: "Acme", Answers: json.RawMessage(`{"q":1}`), QuestionnaireVersion: "q1", RulesetVersion: "r1"}
		require.NoError(t, st.CreateAssessment(ctx, a))
		assert.Equal(t, 1, a.Revision)

		cost := [2]float64{1000, 2000}
		got, err := st.ModifyAssessment(ctx, "key_a", a.ID, func(cur *Assessment) (string, error) {
			assert.Equal(t, 1, cur.Revision)
			cur.Answers, cur.Result = json.RawMessage(`{"q":2}`), json.RawMessage(`{"architecture":{"id":"x"}}`)
			cur.Headline = Headline{Architecture: "x", Approach: "buy", Leader: "v", LeaderCost: &cost}
			return "answers", nil
		})
		require.NoError(t, err)
		assert.Equal(t, 2, got.Revision)
		assert.Equal(t, a.CreatedAt, got.CreatedAt)

		nothing, err := st.ModifyAssessment(ctx, "key_a", a.ID, func(*Assessment) (string, error) { return "", nil })
		require.NoError(t, err)
		assert.Equal(t, 2, nothing.Revision, "a change that writes nothing records nothing")

		_, err = st.ModifyAssessment(ctx, "key_a", a.ID, func(*Assessment) (string, error) { return "x", errSentinel })
		assert.ErrorIs(t, err, errSentinel)
		_, err = st.ModifyAssessment(ctx, "key_b", a.ID, func(*Assessment) (string, error) { return "x", nil })
		assert.ErrorIs(t, err, ErrNotFound)

		read, err := st.GetAssessment(ctx, "key_a", a.ID)
		require.NoError(t, err)
		assert.Equal(t, got.Headline, read.Headline)
		assert.Equal(t, 2, read.Revision)

		revs, err := st.Revisions(ctx, "key_a", a.ID)
		require.NoError(t, err)
		require.Len(t, revs, 2)
		assert.Equal(t, []int{2, 1}, []int{revs[0].Number, revs[1].Number}, "newest first")
		assert.Equal(t, []string{"answers", "create"}, []string{revs[0].Cause, revs[1].Cause})
		assert.NotNil(t, revs[0].Result)
		assert.Nil(t, revs[1].Result)
		assert.Equal(t, "x", revs[0].Headline.Architecture)

		first, err := st.GetRevision(ctx, "key_a", a.ID, 1)
		require.NoError(t, err)
		assert.JSONEq(t, `{"q":1}`, string(first.Answers))
		assert.Equal(t, "q1", first.QuestionnaireVersion)
		second, err := st.GetRevision(ctx, "key_a", a.ID, 2)
		require.NoError(t, err)
		assert.JSONEq(t, `{"architecture":{"id":"x"}}`, string(second.Result))
		_, err = st.GetRevision(ctx, "key_a", a.ID, 3)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = st.GetRevision(ctx, "key_b", a.ID, 1)
		assert.ErrorIs(t, err, ErrNotFound)
		_, err = st.Revisions(ctx, "key_b", a.ID)
		assert.ErrorIs(t, err, ErrNotFound)

		require.NoError(t, st.DeleteAssessment(ctx, "key_a", a.ID))
		var left int
		require.NoError(t, st.db.QueryRowContext(ctx, `SELECT count(*) FROM assessment_revisions`).Scan(&left))
		assert.Zero(t, left, "revisions go with their assessment")
	})

	t.Run("concurrent modifications of one row all survive", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		a := &Assessment{Owner: "key_a", Answers: json.RawMessage(`{}`)}
		require.NoError(t, st.CreateAssessment(ctx, a))
		const writers = 20
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, err := st.ModifyAssessment(ctx, "key_a", a.ID, func(cur *Assessment) (string, error) {
					var m map[string]any
					if err := json.Unmarshal(cur.Answers, &m); err != nil {
						return "", err
					}
					m[fmt.Sprintf("q%02d", i)] = i
					time.Sleep(time.Millisecond) // widen the window a lost update would need
					var err error
					cur.Answers, err = json.Marshal(m)
					return "answers", err
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := st.GetAssessment(ctx, "key_a", a.ID)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(got.Answers, &m))
		assert.Len(t, m, writers)
		assert.Equal(t, writers+1, got.Revision)
	})

	t.Run("portfolio filters and sorts", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		labels := []string{"Acme EU", "acme US", "Äcme", "Beta", "ac_me", "Gamma"}
		ids := map[string]string{}
		for i, l := range labels {
			st.now = func() time.Time { return base.Add(time.Duration(i) * time.Hour) }
			a := &Assessment{Owner: "key_a", Label: l, Answers: json.RawMessage(`{}`)}
			if i%2 == 0 {
				a.Result = json.RawMessage(`{}`)
				a.Headline = Headline{Architecture: []string{"b2c", "b2b"}[i%4/2], Approach: "buy-managed", Leader: "v"}
			}
			require.NoError(t, st.CreateAssessment(ctx, a))
			ids[l] = a.ID
		}
		require.NoError(t, st.CreateAssessment(ctx, &Assessment{Owner: "key_b", Label: "acme other", Answers: json.RawMessage(`{}`)}))
		yes, no := true, false
		for _, tc := range []struct {
			name string
			opt  ListOptions
			want []string
		}{
			{"label prefix ignores case", ListOptions{LabelPrefix: "ACME"}, []string{"acme US", "Acme EU"}},
			{"label prefix folds non-ASCII", ListOptions{LabelPrefix: "äc"}, []string{"Äcme"}},
			{"label prefix is literal", ListOptions{LabelPrefix: "ac_"}, []string{"ac_me"}},
			{"complete", ListOptions{Complete: &yes}, []string{"ac_me", "Äcme", "Acme EU"}},
			{"incomplete", ListOptions{Complete: &no}, []string{"Gamma", "Beta", "acme US"}},
			{"architecture", ListOptions{Architecture: "b2b"}, []string{"Äcme"}},
			{"approach", ListOptions{Approach: "buy-managed", Sort: "created_at"}, []string{"Acme EU", "Äcme", "ac_me"}},
			{"updated since", ListOptions{UpdatedSince: base.Add(4 * time.Hour)}, []string{"Gamma", "ac_me"}},
			{"label order", ListOptions{Sort: "label"}, []string{"ac_me", "acme eu", "acme us", "beta", "gamma", "äcme"}},
			{"label order descending", ListOptions{Sort: "-label", Limit: 2}, []string{"äcme", "gamma", "beta", "acme us", "acme eu", "ac_me"}},
			{"oldest first in pages", ListOptions{Sort: "created_at", Limit: 4}, labels},
			{"least recently updated first", ListOptions{Sort: "updated_at", Limit: 5}, labels},
			{"most recently updated first", ListOptions{Sort: "-updated_at", Limit: 5}, reversed(labels)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				opt := tc.opt
				opt.Owner = "key_a"
				var got []string
				for range 10 {
					items, next, err := st.ListAssessments(ctx, opt)
					require.NoError(t, err)
					for _, a := range items {
						got = append(got, a.Label)
					}
					if next == "" {
						break
					}
					opt.Cursor = next
				}
				if tc.opt.Sort == "label" || tc.opt.Sort == "-label" {
					// Collations differ in where they put non-ASCII letters: the order of the
					// rest, ignoring case, and the paging are what is checked.
					for i := range got {
						got[i] = labelKey(got[i])
					}
					got = slices.DeleteFunc(got, func(s string) bool { return s == "äcme" })
					tc.want = slices.DeleteFunc(slices.Clone(tc.want), func(s string) bool { return s == "äcme" })
				}
				assert.Equal(t, tc.want, got)
			})
		}
		t.Run("a cursor of another sort order is refused", func(t *testing.T) {
			_, next, err := st.ListAssessments(ctx, ListOptions{Owner: "key_a", Limit: 1, Sort: "label"})
			require.NoError(t, err)
			_, _, err = st.ListAssessments(ctx, ListOptions{Owner: "key_a", Limit: 1, Cursor: next})
			assert.ErrorIs(t, err, ErrBadCursor)
		})
	})

	t.Run("idempotency keys", func(t *testing.T) {
		st, ctx := fresh(t), t.Context()
		now := time.Now()
		forget, stale := now.Add(-24*time.Hour), now.Add(-time.Minute)
		fp := []byte("request one")
		got, err := st.ReserveKey(ctx, "key_a", "k1", fp, forget, stale)
		require.NoError(t, err)
		assert.Nil(t, got, "the first request runs")

		_, err = st.ReserveKey(ctx, "key_a", "k1", fp, forget, stale)
		assert.ErrorIs(t, err, ErrKeyInFlight)
		_, err = st.ReserveKey(ctx, "key_a", "k1", []byte("request two"), forget, stale)
		assert.ErrorIs(t, err, ErrKeyReused)
		got, err = st.ReserveKey(ctx, "key_b", "k1", []byte("request two"), forget, stale)
		require.NoError(t, err)
		assert.Nil(t, got, "keys are per scope")

		want := StoredResponse{Status: 201, Header: map[string]string{"Location": "/x"}, Body: []byte(`{"id":"x"}`)}
		require.NoError(t, st.CompleteKey(ctx, "key_a", "k1", want))
		got, err = st.ReserveKey(ctx, "key_a", "k1", fp, forget, stale)
		require.NoError(t, err)
		require.NotNil(t, got)
		assert.Equal(t, want, *got)

		require.NoError(t, st.ReleaseKey(ctx, "key_b", "k1"))
		got, err = st.ReserveKey(ctx, "key_b", "k1", fp, forget, stale)
		require.NoError(t, err)
		assert.Nil(t, got, "a released key runs again")

		got, err = st.ReserveKey(ctx, "key_a", "k1", []byte("other"), now.Add(time.Second), stale)
		require.NoError(t, err)
		assert.Nil(t, got, "a key past its lifetime is forgotten")
		got, err = st.ReserveKey(ctx, "key_a", "k1", fp, forget, now.Add(time.Second))
		require.NoError(t, err)
		assert.Nil(t, got, "an abandoned claim is taken over")

		n, err := st.PurgeKeys(ctx, now.Add(time.Minute))
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
	})
}

var errSentinel = fmt.Errorf("sentinel")

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
