package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Count is one analytics counter of a day: what was counted (Kind), of what (Name, and Detail
// for an option of a question) and how many times (N). The store does not interpret the
// names; the server decides what it counts.
type Count struct {
	Kind   string
	Name   string
	Detail string
	N      int64
}

// DayCount is a counter's total on one UTC day.
type DayCount struct {
	Day string // YYYY-MM-DD
	Count
}

// DayFormat is the layout of DayCount.Day.
const DayFormat = "2006-01-02"

// countRows is the most counters AddCounts writes in one statement (5 parameters each).
const countRows = 200

// AddCounts adds the counts to the counters of day in one transaction, as upserts: no addition is
// lost when several instances add to the same counter at once. Equal counters are summed first and
// rows are written in key order, so that two transactions on PostgreSQL take their row locks in the
// same order and cannot deadlock.
func (s *sqlStore) AddCounts(ctx context.Context, day time.Time, counts []Count) error {
	rows := mergeCounts(counts)
	if len(rows) == 0 {
		return nil
	}
	d := day.UTC().Format(DayFormat)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for batch := range slices.Chunk(rows, countRows) {
			var q strings.Builder
			q.WriteString(`INSERT INTO analytics_counts (day, kind, name, detail, n) VALUES `)
			args := make([]any, 0, 5*len(batch))
			for i, c := range batch {
				if i > 0 {
					q.WriteString(", ")
				}
				fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", 5*i+1, 5*i+2, 5*i+3, 5*i+4, 5*i+5)
				args = append(args, d, c.Kind, c.Name, c.Detail, c.N)
			}
			q.WriteString(` ON CONFLICT (day, kind, name, detail) DO UPDATE SET n = analytics_counts.n + excluded.n`)
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("store: add counts: %w", err)
			}
		}
		return nil
	})
}

// mergeCounts sums equal counters (PostgreSQL refuses to upsert one row twice in a statement),
// drops zeros and sorts by key.
func mergeCounts(counts []Count) []Count {
	type key struct{ kind, name, detail string }
	sum := make(map[key]int64, len(counts))
	for _, c := range counts {
		sum[key{c.Kind, c.Name, c.Detail}] += c.N
	}
	out := make([]Count, 0, len(sum))
	for k, n := range sum {
		if n > 0 {
			out = append(out, Count{Kind: k.kind, Name: k.name, Detail: k.detail, N: n})
		}
	}
	slices.SortFunc(out, compareCounts)
	return out
}

func compareCounts(a, b Count) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Detail, b.Detail))
}

// Counts returns the counters of the UTC days from since to until, both included, ordered by
// day, kind, name and detail.
func (s *sqlStore) Counts(ctx context.Context, since, until time.Time) ([]DayCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, kind, name, detail, n FROM analytics_counts
		WHERE day >= $1 AND day <= $2 ORDER BY day, kind, name, detail`,
		since.UTC().Format(DayFormat), until.UTC().Format(DayFormat))
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	out := []DayCount{}
	for rows.Next() {
		var c DayCount
		if err := rows.Scan(&c.Day, &c.Kind, &c.Name, &c.Detail, &c.N); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	return out, nil
}
