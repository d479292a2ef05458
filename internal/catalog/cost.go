package catalog

import (
	"math"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// CostModel holds the editor-tuned assumptions behind the cost projection. The figures are
// assumptions to argue with, not quotes: every model names where its numbers come from.
type CostModel struct {
	Note             string      `yaml:"note" json:"note"`
	Source           string      `yaml:"source" json:"source"`
	Reviewed         Date        `yaml:"reviewed" json:"reviewed"`
	RenewalEscalator Range       `yaml:"renewal_escalator" json:"renewal_escalator"`   // yearly price rise, as a fraction
	RegisteredPerMAU float64     `yaml:"registered_per_mau" json:"registered_per_mau"` // assumed accounts per MAU when not answered
	Models           []PriceBand `yaml:"models" json:"models"`
}

// Range is a low–high pair.
type Range struct {
	Low  float64 `yaml:"low" json:"low" expr:"low"`
	High float64 `yaml:"high" json:"high" expr:"high"`
}

// PriceBand is one pricing model. Basis says what is billed: "mau" (monthly active users),
// "registered" (every stored account) or "flat" (fixed yearly cost).
type PriceBand struct {
	ID               string `yaml:"id" json:"id"`
	Title            string `yaml:"title" json:"title"`
	Basis            string `yaml:"basis" json:"basis"`
	UnitPriceMonthly Range  `yaml:"unit_price_monthly" json:"unit_price_monthly"` // per user per month
	Yearly           Range  `yaml:"yearly" json:"yearly"`                         // fixed cost per year
	OneTime          Range  `yaml:"one_time" json:"one_time"`                     // set-up cost in year one
	Escalates        bool   `yaml:"escalates" json:"escalates"`                   // subject to renewal escalators
	Note             string `yaml:"note" json:"note"`
	Source           string `yaml:"source" json:"source"`
}

func (m *CostModel) check(file string, errs *diag.List) {
	if m.Source == "" || m.Reviewed.IsZero() {
		errs.Add(file, 0, 0, "", "cost model needs source and reviewed")
	}
	if m.RenewalEscalator.Low < 0 || m.RenewalEscalator.High < m.RenewalEscalator.Low {
		errs.Add(file, 0, 0, "", "renewal_escalator: want 0 ≤ low ≤ high")
	}
	if len(m.Models) == 0 {
		errs.Add(file, 0, 0, "", "cost model has no models")
	}
	seen := map[string]bool{}
	for _, b := range m.Models {
		if b.ID == "" || seen[b.ID] {
			errs.Add(file, 0, 0, b.ID, "model ID is empty or used twice")
		}
		seen[b.ID] = true
		if b.Basis != "mau" && b.Basis != "registered" && b.Basis != "flat" {
			errs.Add(file, 0, 0, b.ID, "basis %q: want mau, registered or flat", b.Basis)
		}
		for _, r := range []Range{b.UnitPriceMonthly, b.Yearly, b.OneTime} {
			if r.Low < 0 || r.High < r.Low {
				errs.Add(file, 0, 0, b.ID, "a range has low above high or a negative value")
			}
		}
		if b.Source == "" {
			errs.Add(file, 0, 0, b.ID, "model needs a source")
		}
	}
}

// Usage is the number of billable users in each projected year.
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

// Project prices every model over three years. Vendor contracts rise by the renewal escalator
// each year after the first (low uses the low escalator, high the high one); one-time costs
// fall in year one.
func (m *CostModel) Project(u Usage) []YearCost {
	out := make([]YearCost, 0, len(m.Models))
	for _, b := range m.Models {
		c := YearCost{Model: b.ID, Title: b.Title, Basis: b.Basis, Note: b.Note, Source: b.Source}
		for y := 0; y < 3; y++ {
			users := 0.0
			switch b.Basis {
			case "mau":
				users = u.MAU[y]
			case "registered":
				users = u.Registered[y]
			}
			lo := users*b.UnitPriceMonthly.Low*12 + b.Yearly.Low
			hi := users*b.UnitPriceMonthly.High*12 + b.Yearly.High
			if b.Escalates {
				lo *= math.Pow(1+m.RenewalEscalator.Low, float64(y))
				hi *= math.Pow(1+m.RenewalEscalator.High, float64(y))
			}
			if y == 0 {
				lo += b.OneTime.Low
				hi += b.OneTime.High
			}
			c.Years[y] = Range{Low: round(lo), High: round(hi)}
			c.Total.Low += c.Years[y].Low
			c.Total.High += c.Years[y].High
		}
		users3x := 0.0
		switch b.Basis {
		case "mau":
			users3x = u.MAU3x
		case "registered":
			users3x = u.Registered3x
		}
		c.At3x = Range{Low: round(users3x*b.UnitPriceMonthly.Low*12 + b.Yearly.Low), High: round(users3x*b.UnitPriceMonthly.High*12 + b.Yearly.High)}
		out = append(out, c)
	}
	return out
}

// round keeps projections to whole dollars: they are estimates, and cents suggest false precision.
func round(f float64) float64 { return math.Round(f) }
