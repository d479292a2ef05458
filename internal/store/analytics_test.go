package store

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runAnalyticsSuite checks the analytics counters; open opens a store on dsn and newDSN names
// a new, empty database.
func runAnalyticsSuite(t *testing.T, open func(t *testing.T, dsn string) *sqlStore, newDSN func(t *testing.T) string) {
	day1 := time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC)
	day2 := time.Date(2026, 11, 30, 0, 1, 0, 0, time.FixedZone("CET", 3600)) // 29 Nov 23:01 UTC
	day3 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

	t.Run("analytics counts add up by UTC day", func(t *testing.T) {
		st, ctx := open(t, newDSN(t)), t.Context()
		require.NoError(t, st.AddCounts(ctx, day1, []Count{
			{Kind: "option", Name: "identity_shape", Detail: "b2b", N: 1},
			{Kind: "result", N: 1},
			{Kind: "option", Name: "identity_shape", Detail: "b2b", N: 2}, // summed before the upsert
			{Kind: "rule", Name: "zero", N: 0},                            // nothing to add: no row
		}))
		require.NoError(t, st.AddCounts(ctx, day2, []Count{{Kind: "option", Name: "identity_shape", Detail: "b2b", N: 1}}))
		require.NoError(t, st.AddCounts(ctx, day3, []Count{{Kind: "result", N: 1}}))
		require.NoError(t, st.AddCounts(ctx, day3, nil))

		got, err := st.Counts(ctx, day1, day3)
		require.NoError(t, err)
		assert.Equal(t, []DayCount{
			{Day: "2026-11-29", Count: Count{Kind: "option", Name: "identity_shape", Detail: "b2b", N: 4}},
			{Day: "2026-11-29", Count: Count{Kind: "result", N: 1}},
			{Day: "2026-12-01", Count: Count{Kind: "result", N: 1}},
		}, got)

		got, err = st.Counts(ctx, day3, day3)
		require.NoError(t, err)
		assert.Equal(t, []DayCount{{Day: "2026-12-01", Count: Count{Kind: "result", N: 1}}}, got, "both ends included")

		got, err = st.Counts(ctx, day3.AddDate(0, 0, 1), day3.AddDate(0, 0, 9))
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.NotNil(t, got, "an empty period is an empty list")
	})

	t.Run("analytics counts lose nothing across instances", func(t *testing.T) {
		dsn := newDSN(t)
		a, b := open(t, dsn), open(t, dsn)
		// More counters than one statement writes, in different orders per writer.
		counts := make([]Count, 0, countRows+50)
		for i := range countRows + 50 {
			counts = append(counts, Count{Kind: "rule", Name: string(rune('a'+i%26)) + string(rune('a'+i/26)), N: 1})
		}
		reversedCounts := make([]Count, len(counts))
		for i, c := range counts {
			reversedCounts[len(counts)-1-i] = c
		}
		const writers = 10
		var wg sync.WaitGroup
		errs := make(chan error, 2*writers)
		for i := range writers {
			wg.Go(func() {
				errs <- a.AddCounts(t.Context(), day1, counts)
			})
			wg.Go(func() {
				if i%2 == 0 {
					errs <- b.AddCounts(t.Context(), day1, reversedCounts)
				} else {
					errs <- b.AddCounts(t.Context(), day1, counts)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := a.Counts(t.Context(), day1, day1)
		require.NoError(t, err)
		require.Len(t, got, len(counts))
		for _, c := range got {
			assert.Equal(t, int64(2*writers), c.N, c.Name)
		}
	})
}
