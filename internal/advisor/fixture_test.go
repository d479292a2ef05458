package advisor_test

import (
	"encoding/json"
	"io/fs"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// The tests in this file check engine semantics (hard and soft verdicts, ranking order and
// tie-break, cost from a price curve, the reading-path budget) on the small fixture content of
// advisortest.Fixture, never on the shipped content: an editor's change to rules/ does not
// change what they expect.

// fixture loads the fixture content, with each file of edits (path in the rules folder →
// [old, new]) changed first.
func fixture(t *testing.T, edits map[string][2]string) *advisor.Advisor {
	t.Helper()
	src := advisortest.Fixture()
	if len(edits) > 0 {
		m := fstest.MapFS{}
		require.NoError(t, fs.WalkDir(src.Rules, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(src.Rules, p)
			if e, ok := edits[p]; ok {
				require.Contains(t, string(b), e[0], "edit of %s", p)
				b = []byte(strings.Replace(string(b), e[0], e[1], 1))
			}
			m[p] = &fstest.MapFile{Data: b}
			return err
		}))
		src.Rules = m
	}
	a, err := advisor.Load(src)
	require.NoError(t, err)
	return a
}

func eval(t *testing.T, a *advisor.Advisor, answers string) *advisor.Recommendation {
	t.Helper()
	var raw map[string]any
	dec := json.NewDecoder(strings.NewReader(answers))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&raw))
	rec, err := a.Evaluate(raw, advisor.Options{})
	require.NoError(t, err)
	return rec
}

func ids(picks []advisor.VendorPick) []string {
	out := []string{}
	for _, p := range picks {
		out = append(out, p.ID)
	}
	return out
}

func pick(t *testing.T, rec *advisor.Recommendation, id string) advisor.VendorPick {
	t.Helper()
	for _, p := range append(append([]advisor.VendorPick{}, rec.Shortlist...), rec.AlsoViable...) {
		if p.ID == id {
			return p
		}
	}
	require.Failf(t, "vendor not ranked", "%s", id)
	return advisor.VendorPick{}
}

func TestFixtureScenariosPass(t *testing.T) {
	require.NoError(t, scenario.Check(fixture(t, nil)))
}

func TestHardVerdicts(t *testing.T) {
	a := fixture(t, nil)
	rec := eval(t, a, `{"identity_shape":"b2c","mau_now":10000,"constraints":["hipaa"]}`)

	t.Run("no knocks the vendor out with the fail sentence", func(t *testing.T) {
		require.Len(t, rec.Eliminated, 1)
		assert.Equal(t, "beta", rec.Eliminated[0].ID)
		assert.Equal(t, "Signs no BAA.", rec.Eliminated[0].Reason)
		assert.Equal(t, "hipaa", rec.Eliminated[0].Rule)
	})
	t.Run("unknown keeps the vendor, unconfirmed, with the unsure check", func(t *testing.T) {
		assert.Equal(t, []string{"alpha"}, ids(rec.Shortlist))
		alpha := pick(t, rec, "alpha")
		assert.Equal(t, 1, alpha.Unconfirmed)
		assert.Contains(t, alpha.Check, advisor.Reason{Text: "Confirm the BAA.", Rule: "hipaa"})
		assert.InDelta(t, 0.0, alpha.Confidence, 1e-9, "the only fired vendor test is unknown")
	})
	t.Run("the rule's warning is raised", func(t *testing.T) {
		require.Len(t, rec.Warnings, 1)
		assert.Equal(t, advisor.Warning{ID: "hipaa-baa", Severity: "critical", Text: "Sign a BAA first.", Rule: "hipaa"}, rec.Warnings[0])
	})
	t.Run("a confirmed vendor ranks above an unconfirmed one", func(t *testing.T) {
		b := fixture(t, map[string][2]string{"catalog/vendors/beta.yaml": {
			"hipaa_baa: {value: no,", "hipaa_baa: {value: yes,"}})
		rec := eval(t, b, `{"identity_shape":"b2c","mau_now":10000,"constraints":["hipaa"]}`)
		assert.Empty(t, rec.Eliminated)
		assert.Equal(t, []string{"beta", "alpha"}, ids(rec.Shortlist), "alpha is cheaper, but its BAA is unconfirmed")
		assert.Equal(t, 0, pick(t, rec, "beta").Unconfirmed)
		assert.Contains(t, pick(t, rec, "beta").Why, advisor.Reason{Text: "Signs a BAA.", Rule: "hipaa"})
	})
}

func TestSoftVerdicts(t *testing.T) {
	a := fixture(t, nil)
	rec := eval(t, a, `{"identity_shape":"b2c","mau_now":10000,"must_haves":["mfa","scim"]}`)
	assert.Empty(t, rec.Eliminated, "a soft no ranks, it does not knock out")
	assert.Equal(t, []string{"beta", "alpha"}, ids(rec.Shortlist), "beta documents SCIM; alpha says no")
	alpha, beta := pick(t, rec, "alpha"), pick(t, rec, "beta")
	assert.Contains(t, alpha.Concerns, advisor.Reason{Text: "No SCIM.", Rule: "must-scim"})
	assert.Contains(t, beta.Why, advisor.Reason{Text: "Has SCIM.", Rule: "must-scim"})
	assert.Contains(t, alpha.Why, advisor.Reason{Text: "Has MFA.", Rule: "must-mfa"})
	assert.Greater(t, beta.Fit, alpha.Fit)
	require.NotNil(t, rec.Leader)
	assert.Equal(t, "beta", rec.Leader.ID)
	assert.Equal(t, beta.Fit-alpha.Fit, rec.Leader.Margin)
	assert.Empty(t, rec.TieBreak, "fit decided")

	t.Run("unknown earns nothing and asks to confirm", func(t *testing.T) {
		b := fixture(t, map[string][2]string{"catalog/vendors/beta.yaml": {
			`scim: {value: yes, source: "https://v.example/beta", reviewed: 2026-01-01}`, "scim: {value: unknown}"}})
		rec := eval(t, b, `{"identity_shape":"b2c","mau_now":10000,"must_haves":["scim"]}`)
		beta := pick(t, rec, "beta")
		assert.Contains(t, beta.Check, advisor.Reason{Text: "Confirm SCIM.", Rule: "must-scim"})
		assert.Equal(t, []string{"beta", "alpha"}, ids(rec.Shortlist), "unknown (0) above no (−2)")
	})
}

func TestRankingTieBreak(t *testing.T) {
	tests := []struct {
		name     string
		edits    map[string][2]string
		answers  string
		order    []string
		tieBreak string
	}{
		{"a list price before a band", nil, `{"identity_shape":"b2c","mau_now":10000}`,
			[]string{"alpha", "beta"}, "Alpha and Beta tie on fit and on unknowns; Alpha leads on a lower three-year cost."},
		{"fewer unknowns among the facts asked", map[string][2]string{"catalog/vendors/alpha.yaml": {
			`mfa: {value: yes, source: "https://v.example/alpha", reviewed: 2026-01-01}`, "mfa: {value: unknown}"}},
			`{"identity_shape":"b2c","mau_now":10000,"must_haves":["mfa"]}`,
			[]string{"beta", "alpha"}, ""},
		{"the name when nothing else differs", map[string][2]string{"catalog/vendors/beta.yaml": {
			"  status: quote_only\n", "  status: list_price\n  unit: mau\n  free_units: 1000\n  tiers: [{up_to: 0, usd: 0.02}]\n"}},
			`{"identity_shape":"b2c","mau_now":10000}`,
			[]string{"alpha", "beta"}, "Alpha and Beta tie on fit, unknowns and cost; Alpha comes first by name only."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := eval(t, fixture(t, tt.edits), tt.answers)
			assert.Equal(t, tt.order, ids(rec.Shortlist))
			if tt.tieBreak != "" {
				assert.Equal(t, tt.tieBreak, rec.TieBreak)
			}
		})
	}
}

func TestCostFromPriceCurve(t *testing.T) {
	a := fixture(t, nil)
	// alpha: $0.02 a month per active user above 1,000 free; renewal escalator 0.
	monthly := func(users float64) float64 { return (users - 1000) * 0.02 }

	t.Run("flat users", func(t *testing.T) {
		c := pick(t, eval(t, a, `{"identity_shape":"b2c","mau_now":10000}`), "alpha").Cost
		assert.Equal(t, "list_price", c.Basis)
		for y := range 3 {
			assert.InDelta(t, 12*monthly(10000), c.Years[y].Low, 0.5, "year %d", y+1)
			assert.InDelta(t, c.Years[y].Low, c.Years[y].High, 0.5)
		}
		assert.InDelta(t, 36*monthly(10000), c.ThreeYear.Low, 1)
	})
	t.Run("each year priced at the users half-way through it", func(t *testing.T) {
		c := pick(t, eval(t, a, `{"identity_shape":"b2c","mau_now":10000,"mau_growth_pct":100}`), "alpha").Cost
		for y := range 3 {
			users := 10000 * math.Pow(2, float64(y)+0.5)
			assert.InDelta(t, 12*monthly(users), c.Years[y].Low, 1, "year %d", y+1)
		}
	})
	t.Run("migration falls in year one of every vendor but the incumbent", func(t *testing.T) {
		flat := eval(t, a, `{"identity_shape":"b2c","mau_now":10000}`)
		moving := eval(t, a, `{"identity_shape":"b2c","mau_now":10000,"current_platform":"alpha"}`)
		assert.True(t, pick(t, moving, "alpha").Incumbent)
		assert.Equal(t, pick(t, flat, "alpha").Cost.Years, pick(t, moving, "alpha").Cost.Years)
		was, is := pick(t, flat, "beta").Cost.Years, pick(t, moving, "beta").Cost.Years
		assert.InDelta(t, was[0].Low+5000, is[0].Low, 0.5)
		assert.InDelta(t, was[0].High+8000, is[0].High, 0.5)
		assert.Equal(t, was[1], is[1])
	})
}

func TestReadingPathBudget(t *testing.T) {
	a := fixture(t, nil) // 2 guides or 30 minutes: basics 10 min (priority 40), long-read 25 (50), hipaa-guide 15 (90)
	slugs := func(es []advisor.PathEntry) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, e.Slug)
		}
		return out
	}
	tests := []struct {
		name, answers string
		now, further  []string
	}{
		{"by priority within the minutes", `{"identity_shape":"b2c","mau_now":1}`,
			[]string{"long-read"}, []string{"basics"}},
		{"a guide that does not fit is passed over for one that does, shown in step order", `{"identity_shape":"b2c","mau_now":1,"constraints":["hipaa"]}`,
			[]string{"basics", "hipaa-guide"}, []string{"long-read"}},
		{"each guide once", `{"identity_shape":"b2b","mau_now":1}`,
			[]string{"basics"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := eval(t, a, tt.answers)
			assert.Equal(t, tt.now, slugs(rec.ReadingPath))
			assert.Equal(t, tt.further, slugs(rec.FurtherReading))
		})
	}
}
