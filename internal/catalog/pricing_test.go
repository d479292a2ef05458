package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPricingMonthly(t *testing.T) {
	tiers := &Pricing{Status: ListPrice, Unit: "mau", FreeUnits: 10000, BaseMonthly: 25,
		Tiers: []Tier{{UpTo: 100000, USD: 0.01}, {UpTo: 1000000, USD: 0.005}, {UpTo: 0, USD: 0.002}}}
	steps := &Pricing{Status: ListPrice, Unit: "mau", FreeUnits: 500,
		Steps: []Step{{Users: 1000, USDMonthly: 70}, {Users: 10000, USDMonthly: 700}}}
	capped := &Pricing{Status: ListPrice, Unit: "mau", Tiers: []Tier{{UpTo: 50000, USD: 0.02}}}
	quote := &Pricing{Status: ListPrice, Unit: "mau", QuoteAbove: 20000, Tiers: []Tier{{UpTo: 0, USD: 0.02}}}
	for _, tc := range []struct {
		name  string
		p     *Pricing
		units float64
		want  float64
		ok    bool
	}{
		{"inside the free allowance only the base fee", tiers, 8000, 25, true},
		{"first tier", tiers, 60000, 25 + 50000*0.01, true},
		{"three tiers", tiers, 2000000, 25 + 90000*0.01 + 900000*0.005 + 1000000*0.002, true},
		{"free step", steps, 400, 0, true},
		{"a step is the price of its whole bracket", steps, 1001, 700, true},
		{"past the last step there is no public price", steps, 10001, 0, false},
		{"tiers that end before the volume", capped, 60000, 0, false},
		{"above quote_above the vendor quotes", quote, 20001, 0, false},
		{"no figures published", &Pricing{Status: QuoteOnly}, 10, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.p.Monthly(tc.units)
			assert.Equal(t, tc.ok, ok)
			assert.InDelta(t, tc.want, got, 1e-6)
		})
	}
}

func TestPricingCheck(t *testing.T) {
	bad := &Pricing{Status: ListPrice, Unit: "seat", Tiers: []Tier{{UpTo: 0, USD: 1}, {UpTo: 10, USD: 1}},
		Steps: []Step{{Users: 5, USDMonthly: 1}}, AddOns: []AddOn{{For: "mfa", USDMonthly: 1, Per: "user"}}}
	assert.Equal(t, []string{
		"a list price needs source and as_of: a price nobody can check is unknown",
		`unit "seat": want mau, mru, dau, connection or organization`,
		"write tiers or steps, not both",
		"tier 1: up_to must rise (0, no bound, only last) and usd must not be negative",
		`add-on "mfa": needs for, usd_monthly ≥ 0 and per of month or connection`,
	}, bad.check())
	assert.Empty(t, (&Pricing{Status: QuoteOnly}).check())
}

func TestForVendor(t *testing.T) {
	m := &CostModel{RenewalEscalator: Range{Low: 0.05, High: 0.15}, Migration: Assumption{Range: Range{Low: 50000, High: 80000}}}
	v := &Vendor{ID: "x", PricingModel: "per_mau", Facts: map[string]Fact{"managed": {Value: Yes}},
		Pricing: &Pricing{Status: ListPrice, Unit: "mau", Tiers: []Tier{{UpTo: 0, USD: 0.01}},
			AddOns: []AddOn{{For: "enterprise_sso", USDMonthly: 100, Per: "connection", Included: 1}}}}
	u := Usage{MAU: [3]float64{100000, 100000, 100000}}
	bands := map[string]YearCost{"per_mau": {Title: "band", Years: [3]Range{{Low: 1, High: 2}, {Low: 1, High: 2}, {Low: 1, High: 2}}}}

	c := m.ForVendor(v, u, Needs{AddOns: map[string]bool{"enterprise_sso": true}, Connections: 3}, false, bands)
	year := 12 * (100000*0.01 + 2*100) // two connections beyond the one included
	assert.Equal(t, BasisListPrice, c.Basis)
	assert.Equal(t, Range{Low: year, High: year}, c.Years[0])
	assert.Equal(t, Range{Low: year * 1.05 * 1.05, High: year * 1.15 * 1.15}, c.Years[2].rounded())
	assert.LessOrEqual(t, c.ThreeYear.High, 3*c.ThreeYear.Low, "a list price gives a decision-sized range")
	assert.Equal(t, []string{"enterprise_sso"}, c.Includes)

	moving := m.ForVendor(v, u, Needs{Migrating: true}, false, bands)
	staying := m.ForVendor(v, u, Needs{Migrating: true}, true, bands)
	assert.Equal(t, staying.Years[0].Low+50000, moving.Years[0].Low, "only a new platform pays the migration")

	v.Pricing.QuoteAbove = 50000
	assert.Equal(t, BasisBand, m.ForVendor(v, u, Needs{}, false, bands).Basis, "beyond the public list the generic band stands in")
}
