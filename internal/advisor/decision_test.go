package advisor_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// load loads the shipped content, with the vendor profiles' files renamed so that they load in
// reverse order when reverse is set.
func load(t *testing.T, reverse bool) *advisor.Advisor {
	t.Helper()
	src := advisor.Embedded()
	if reverse {
		m := fstest.MapFS{}
		names, err := fs.Glob(src.Rules, "catalog/vendors/*.yaml")
		require.NoError(t, err)
		require.NoError(t, fs.WalkDir(src.Rules, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(src.Rules, p)
			if i := slices.Index(names, p); i >= 0 {
				p = fmt.Sprintf("catalog/vendors/%02d.yaml", len(names)-i)
			}
			m[p] = &fstest.MapFile{Data: b}
			return err
		}))
		src.Rules = m
	}
	a, err := advisor.Load(src)
	require.NoError(t, err)
	if reverse {
		require.Equal(t, "zitadel", a.Catalog().Vendors[0].ID, "the vendors load in another order")
	}
	return a
}

// evaluate evaluates a scenario's answers as the API receives them, with counterfactuals.
func evaluate(t *testing.T, a *advisor.Advisor, s *scenario.Scenario, opt advisor.Options) *advisor.Recommendation {
	t.Helper()
	data, err := json.Marshal(s.Answers)
	require.NoError(t, err)
	raw, err := questionnaire.DecodeJSON(data)
	require.NoError(t, err)
	opt.Counterfactuals = true
	rec, err := a.Evaluate(raw, opt)
	require.NoError(t, err)
	return rec
}

// eachValid runs f for every shipped scenario with valid answers, as a subtest.
func eachValid(t *testing.T, a *advisor.Advisor, f func(t *testing.T, s *scenario.Scenario)) {
	list, err := scenario.Load(a.Source.Rules)
	require.NoError(t, err)
	for _, s := range list {
		if len(s.Expect.Invalid) == 0 {
			t.Run(s.Name, func(t *testing.T) { f(t, s) })
		}
	}
}

// TestCatalogueOrderDecidesNothing evaluates every scenario with the vendor profiles loaded in
// reverse order: the ranking, costs and counterfactuals must not change.
func TestCatalogueOrderDecidesNothing(t *testing.T) {
	a, b := load(t, false), load(t, true)
	eachValid(t, a, func(t *testing.T, s *scenario.Scenario) {
		x, y := evaluate(t, a, s, advisor.Options{}), evaluate(t, b, s, advisor.Options{})
		assert.Equal(t, x.Leader, y.Leader)
		assert.Equal(t, x.Shortlist, y.Shortlist)
		assert.Equal(t, x.AlsoViable, y.AlsoViable)
		assert.Equal(t, x.Stay, y.Stay)
		assert.Equal(t, x.Counterfactuals, y.Counterfactuals)
	})
}

// TestSummaryLeavesOutOnlyTheRest checks, for every scenario, that a summary (which skips
// computing the vendors beyond the finalists and the further reading) is the full result with
// those two lists emptied: nothing else may depend on what it skips.
func TestSummaryLeavesOutOnlyTheRest(t *testing.T) {
	a := load(t, false)
	eachValid(t, a, func(t *testing.T, s *scenario.Scenario) {
		full, sum := evaluate(t, a, s, advisor.Options{}), evaluate(t, a, s, advisor.Options{Summary: true})
		assert.Empty(t, sum.AlsoViable)
		assert.NotNil(t, sum.AlsoViable, "empty, not absent")
		assert.Empty(t, sum.FurtherReading)
		assert.NotNil(t, sum.FurtherReading, "empty, not absent")
		full.AlsoViable, full.FurtherReading = sum.AlsoViable, sum.FurtherReading
		assert.Equal(t, full, sum)
	})
}

// TestEveryGuideIsReachable checks that every guide of the catalogue is recommended by some
// rule, and that the rule fires for some scenario's answers, so no guide is dead weight.
func TestEveryGuideIsReachable(t *testing.T) {
	a := load(t, false)
	list, err := scenario.Load(a.Source.Rules)
	require.NoError(t, err)
	fired := map[string]bool{}
	for _, s := range list {
		for _, id := range scenario.Run(a, s).Fired {
			fired[id] = true
		}
	}
	named := map[string]bool{}
	for _, r := range a.Rules.Rules {
		for _, g := range r.Guides {
			named[g.Slug] = named[g.Slug] || fired[r.ID]
		}
	}
	for _, s := range a.Questionnaire().Steps {
		named[s.Guide] = true // every step links its guide
	}
	for _, g := range a.Catalog().Guides {
		assert.True(t, named[g.Slug], "guide %s is recommended by no rule that any scenario fires", g.Slug)
	}
}

func TestProjectionRoundsUsers(t *testing.T) {
	a := load(t, false)
	rec, err := a.Evaluate(map[string]any{"identity_shape": "b2c", "identity_is_product": false,
		"mau_now": json.Number("2000000"), "mau_growth_pct": json.Number("40")}, advisor.Options{})
	require.NoError(t, err)
	assert.Equal(t, 2800000, rec.Cost.MAU12m)
	assert.Equal(t, 3920000, rec.Cost.MAU24m, "2,000,000 × 1.4² is 3,920,000, not 3,919,999")
	assert.Equal(t, 5488000, rec.Cost.MAU36m)
}

func TestMoney(t *testing.T) {
	for f, want := range map[float64]string{950: "$950", 1260: "$1.3k", 12000: "$12k", 1.2e6: "$1.2M", 2.1122970e12: "$2112.3B"} {
		assert.Equal(t, want, advisor.Money(f))
	}
}

// TestEverythingAsked evaluates the widest answers: every constraint and every must-have.
func TestEverythingAsked(t *testing.T) {
	a := load(t, false)
	raw, err := questionnaire.DecodeJSON([]byte(`{"identity_shape":"b2b","enterprise_sso":"now","identity_is_product":false,"mau_now":1000,
		"constraints":["data_residency","sovereignty","self_host","fedramp","hipaa","pci_dss","soc2","gdpr","ccpa"],"residency_regions":["eu"],
		"must_haves":["passkeys","social_login","magic_links","sms_otp","mfa","adaptive_mfa","bot_defense","enterprise_sso","scim","organizations",
		"fga","agent_auth","consent_management","progressive_profiling","identity_verification","audit_logs","custom_domains","m2m"]}`))
	require.NoError(t, err)
	rec, err := a.Evaluate(raw, advisor.Options{Counterfactuals: true})
	require.NoError(t, err)
	asked := 0
	for _, r := range rec.Comparison.Rows {
		if r.Asked {
			asked++
		}
	}
	assert.Equal(t, 27, asked, "a row for every constraint and must-have")
	assert.Empty(t, scenario.Invariants(rec))
}

// TestMarkdownComparisonHasAColumnPerVendor checks the Markdown table when the platform you run
// today is knocked out: it still has its column, and every row has a cell per column.
func TestMarkdownComparisonHasAColumnPerVendor(t *testing.T) {
	a := load(t, false)
	raw, err := questionnaire.DecodeJSON([]byte(`{"identity_shape":"b2c","identity_is_product":false,"current_platform":"firebase",
		"mau_now":2000000,"must_haves":["passkeys","social_login"]}`))
	require.NoError(t, err)
	rec, err := a.Evaluate(raw, advisor.Options{})
	require.NoError(t, err)
	require.NotNil(t, rec.Stay)
	require.False(t, rec.Stay.Viable)
	var md strings.Builder
	require.NoError(t, advisor.Markdown(&md, rec, a.Questionnaire(), ""))
	table := md.String()[strings.Index(md.String(), "## Comparison"):]
	table = table[strings.Index(table, "|"):]
	table = table[:strings.Index(table, "\n\n")]
	lines := strings.Split(table, "\n")
	header := strings.Count(lines[0], "|")
	assert.Contains(t, lines[0], "Firebase Authentication")
	for _, l := range lines {
		assert.Equal(t, header, strings.Count(l, "|")-strings.Count(l, "\\|"), l)
	}
}
