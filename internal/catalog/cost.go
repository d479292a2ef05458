package catalog

import (
	"math"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// CostModel holds the editor-tuned assumptions behind the cost projection. The figures are
// assumptions to argue with, not quotes: every model names where its numbers come from.
// Vendors with a public price list are priced from their own curve (Vendor.Pricing); the
// generic bands in Models are the fallback for vendors without one, and are labelled so.
type CostModel struct {
	Note             string      `yaml:"note" json:"note"`
	Source           string      `yaml:"source" json:"source"`
	Reviewed         Date        `yaml:"reviewed" json:"reviewed"`
	RenewalEscalator Range       `yaml:"renewal_escalator" json:"renewal_escalator"` // yearly price rise, as a fraction
	Models           []PriceBand `yaml:"models" json:"models"`
	SelfHost         OwnCost     `yaml:"self_host" json:"self_host"`
	Build            OwnCost     `yaml:"build" json:"build"`
	// Migration is the one-time cost of moving users to a new platform, added to every vendor
	// but the incumbent when users already live somewhere.
	Migration Assumption `yaml:"migration" json:"migration"`
	// Connections is how many enterprise SSO connections to price, by the enterprise_sso answer.
	Connections map[string]float64 `yaml:"enterprise_connections" json:"enterprise_connections"`
	// DailyPerMonthly converts monthly to daily active users for vendors that bill by DAU.
	DailyPerMonthly float64 `yaml:"daily_per_monthly_active" json:"daily_per_monthly_active"`
}

// Range is a low–high pair.
type Range struct {
	Low  float64 `yaml:"low" json:"low" expr:"low"`
	High float64 `yaml:"high" json:"high" expr:"high"`
}

// Mid is the middle of the range.
func (r Range) Mid() float64 { return (r.Low + r.High) / 2 }

func (r Range) add(o Range) Range { return Range{Low: r.Low + o.Low, High: r.High + o.High} }

func (r Range) valid() bool { return r.Low >= 0 && r.High >= r.Low }

// Assumption is a labelled low–high figure with its provenance.
type Assumption struct {
	Range  `yaml:",inline"`
	Note   string `yaml:"note" json:"note"`
	Source string `yaml:"source" json:"source"`
}

// PriceBand is one generic pricing model. Basis says what is billed: "mau" (monthly active
// users), "registered" (every stored account) or "flat" (fixed yearly cost).
type PriceBand struct {
	ID               string `yaml:"id" json:"id"`
	Title            string `yaml:"title" json:"title"`
	Basis            string `yaml:"basis" json:"basis"`
	UnitPriceMonthly Range  `yaml:"unit_price_monthly" json:"unit_price_monthly"` // per user per month
	Yearly           Range  `yaml:"yearly" json:"yearly"`                         // fixed cost per year
	Escalates        bool   `yaml:"escalates" json:"escalates"`                   // subject to renewal escalators
	Note             string `yaml:"note" json:"note"`
	Source           string `yaml:"source" json:"source"`
}

// OwnCost is the cost of running identity yourself (self-hosting or building): a one-time
// set-up, infrastructure that steps up with users, and engineers that step up with users.
type OwnCost struct {
	Title          string     `yaml:"title" json:"title"`
	Setup          Range      `yaml:"setup" json:"setup"`
	Infrastructure []UserStep `yaml:"infrastructure" json:"infrastructure"` // USD a year
	Engineers      []UserStep `yaml:"engineers" json:"engineers"`           // full-time engineers
	EngineerYearly float64    `yaml:"engineer_yearly_usd" json:"engineer_yearly_usd"`
	Note           string     `yaml:"note" json:"note"`
	Source         string     `yaml:"source" json:"source"`
}

// UserStep is a low–high figure that holds up to UpTo monthly active users (0: no bound).
type UserStep struct {
	UpTo  float64 `yaml:"up_to" json:"up_to"`
	Range `yaml:",inline"`
}

func stepAt(steps []UserStep, users float64) Range {
	for _, s := range steps {
		if s.UpTo == 0 || users <= s.UpTo {
			return s.Range
		}
	}
	return Range{}
}

// Year is the yearly cost at users monthly active users, without set-up.
func (o *OwnCost) Year(users float64) Range {
	infra := stepAt(o.Infrastructure, users)
	eng := stepAt(o.Engineers, users)
	return Range{Low: infra.Low + eng.Low*o.EngineerYearly, High: infra.High + eng.High*o.EngineerYearly}
}

func (o *OwnCost) check(name string, add func(string, ...any)) {
	if o.Title == "" || o.Source == "" || o.EngineerYearly <= 0 || len(o.Infrastructure) == 0 || len(o.Engineers) == 0 || !o.Setup.valid() {
		add("%s: needs title, source, setup, infrastructure, engineers and engineer_yearly_usd > 0", name)
	}
	for _, steps := range [][]UserStep{o.Infrastructure, o.Engineers} {
		if len(steps) > 0 && steps[len(steps)-1].UpTo != 0 {
			add("%s: the last step needs up_to: 0 (no bound), so every volume has a figure", name)
		}
		for _, s := range steps {
			if !s.valid() {
				add("%s: a step has low above high or a negative value", name)
			}
		}
	}
}

func (m *CostModel) check(file string, errs *diag.List) {
	add := func(format string, args ...any) { errs.Add(file, 0, 0, "", format, args...) }
	if m.Source == "" || m.Reviewed.IsZero() {
		add("cost model needs source and reviewed")
	}
	if !m.RenewalEscalator.valid() {
		add("renewal_escalator: want 0 ≤ low ≤ high")
	}
	if len(m.Models) == 0 {
		add("cost model has no models")
	}
	seen := map[string]bool{"self_host": true, "build": true}
	for _, b := range m.Models {
		if b.ID == "" || seen[b.ID] {
			errs.Add(file, 0, 0, b.ID, "model ID is empty, used twice or reserved (self_host, build)")
		}
		seen[b.ID] = true
		if b.Basis != "mau" && b.Basis != "registered" && b.Basis != "flat" {
			errs.Add(file, 0, 0, b.ID, "basis %q: want mau, registered or flat", b.Basis)
		}
		if !b.UnitPriceMonthly.valid() || !b.Yearly.valid() {
			errs.Add(file, 0, 0, b.ID, "a range has low above high or a negative value")
		}
		if b.Source == "" {
			errs.Add(file, 0, 0, b.ID, "model needs a source")
		}
	}
	m.SelfHost.check("self_host", add)
	m.Build.check("build", add)
	if !m.Migration.valid() || m.Migration.Source == "" {
		add("migration: needs low ≤ high and a source")
	}
	if m.DailyPerMonthly <= 0 || m.DailyPerMonthly > 1 {
		add("daily_per_monthly_active: want a fraction above 0 and at most 1")
	}
}

// Usage is the number of billable users in each projected year. A year is priced at the
// users expected half-way through it.
type Usage struct {
	MAU          [3]float64 // active users in years one to three
	Registered   [3]float64 // stored accounts in years one to three
	MAU3x        float64    // three times today's active users
	Registered3x float64    // three times today's stored accounts
}

// YearCost is one model's projected cost.
type YearCost struct {
	Model  string   `json:"model"`
	Title  string   `json:"title"`
	Basis  string   `json:"basis"`
	Years  [3]Range `json:"years" expr:"years"`
	Total  Range    `json:"three_year_total" expr:"total"`
	At3x   Range    `json:"yearly_at_3x_today" expr:"at_3x"` // a year at three times today's active users, at today's prices
	Note   string   `json:"note,omitempty"`
	Source string   `json:"source,omitempty"`
}

// Project prices every generic model, then self-hosting and building, over three years.
// Vendor contracts rise by the renewal escalator each year after the first (low uses the low
// escalator, high the high one); set-up costs fall in year one.
func (m *CostModel) Project(u Usage) []YearCost {
	out := make([]YearCost, 0, len(m.Models)+2)
	for _, b := range m.Models {
		c := YearCost{Model: b.ID, Title: b.Title, Basis: b.Basis, Note: b.Note, Source: b.Source}
		users := func(y int) float64 {
			switch {
			case b.Basis == "mau" && y < 0:
				return u.MAU3x
			case b.Basis == "mau":
				return u.MAU[y]
			case b.Basis == "registered" && y < 0:
				return u.Registered3x
			case b.Basis == "registered":
				return u.Registered[y]
			}
			return 0
		}
		year := func(y int) Range {
			n := users(y)
			return Range{Low: n*b.UnitPriceMonthly.Low*12 + b.Yearly.Low, High: n*b.UnitPriceMonthly.High*12 + b.Yearly.High}
		}
		for y := range 3 {
			r := year(y)
			if b.Escalates {
				r = m.escalate(r, y)
			}
			c.Years[y] = r.rounded()
			c.Total = c.Total.add(c.Years[y])
		}
		c.At3x = year(-1).rounded()
		out = append(out, c)
	}
	for _, own := range []struct {
		id string
		o  *OwnCost
	}{{"self_host", &m.SelfHost}, {"build", &m.Build}} {
		c := YearCost{Model: own.id, Title: own.o.Title, Basis: "own", Note: own.o.Note, Source: own.o.Source}
		for y := range 3 {
			r := own.o.Year(u.MAU[y])
			if y == 0 {
				r = r.add(own.o.Setup)
			}
			c.Years[y] = r.rounded()
			c.Total = c.Total.add(c.Years[y])
		}
		c.At3x = own.o.Year(u.MAU3x).rounded()
		out = append(out, c)
	}
	return out
}

// escalate applies y years of renewal rises: the low case at the low rate, the high at the high.
func (m *CostModel) escalate(r Range, y int) Range {
	return Range{Low: r.Low * math.Pow(1+m.RenewalEscalator.Low, float64(y)),
		High: r.High * math.Pow(1+m.RenewalEscalator.High, float64(y))}
}

// rounded keeps projections to whole dollars: they are estimates, and cents suggest false precision.
func (r Range) rounded() Range { return Range{Low: math.Round(r.Low), High: math.Round(r.High)} }
