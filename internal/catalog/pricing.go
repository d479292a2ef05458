package catalog

import "fmt"

// Pricing statuses.
const (
	ListPrice  = "list_price" // public figures: the curve below can be evaluated
	QuoteOnly  = "quote_only" // the vendor sells by quote: no public figure
	OpenSource = "open_source"
)

// Pricing is one vendor's public price list for the plan a production customer would buy,
// as read on a date from a named page. Only figures the page states are written; where the
// public list stops (QuoteAbove, or past the last step) the price is unknown.
type Pricing struct {
	Status      string  `yaml:"status" json:"status"`
	Unit        string  `yaml:"unit" json:"unit,omitempty"` // mau, mru, dau, connection or organization
	Plan        string  `yaml:"plan" json:"plan,omitempty"`
	Source      string  `yaml:"source" json:"source,omitempty"`
	Secondary   bool    `yaml:"secondary" json:"secondary,omitempty"`
	AsOf        Date    `yaml:"as_of" json:"as_of"`
	FreeUnits   float64 `yaml:"free_units" json:"free_units,omitempty"`
	BaseMonthly float64 `yaml:"base_monthly_usd" json:"base_monthly_usd,omitempty"`
	Tiers       []Tier  `yaml:"tiers" json:"tiers,omitempty"`
	Steps       []Step  `yaml:"steps" json:"steps,omitempty"`
	QuoteAbove  float64 `yaml:"quote_above" json:"quote_above,omitempty"`
	AddOns      []AddOn `yaml:"add_ons" json:"add_ons,omitempty"`
	Note        string  `yaml:"note" json:"note,omitempty"`
}

// Tier is a marginal price: each unit above the previous tier's bound, up to UpTo (0: no
// bound), costs USD a month.
type Tier struct {
	UpTo float64 `yaml:"up_to" json:"up_to"`
	USD  float64 `yaml:"usd" json:"usd"`
}

// Step is a bracket of a price slider: up to Users units cost USDMonthly a month in all.
type Step struct {
	Users      float64 `yaml:"users" json:"users"`
	USDMonthly float64 `yaml:"usd_monthly" json:"usd_monthly"`
}

// AddOn is a paid extra that an answer can require. For names a fact key or a must-have.
type AddOn struct {
	For        string  `yaml:"for" json:"for"`
	USDMonthly float64 `yaml:"usd_monthly" json:"usd_monthly"`
	Per        string  `yaml:"per" json:"per"` // month or connection
	Included   float64 `yaml:"included" json:"included,omitempty"`
	Note       string  `yaml:"note" json:"note,omitempty"`
}

// Priced reports whether the pricing has figures to evaluate.
func (p *Pricing) Priced() bool { return p != nil && p.Status == ListPrice }

// Monthly is the list price for a month with units billable units (add-ons excluded). ok is
// false where the public list does not reach: above QuoteAbove, past the last step, or when
// no figures are published.
func (p *Pricing) Monthly(units float64) (usd float64, ok bool) {
	if !p.Priced() || (p.QuoteAbove > 0 && units > p.QuoteAbove) {
		return 0, false
	}
	if len(p.Steps) > 0 {
		if units <= p.FreeUnits {
			return 0, true
		}
		for _, s := range p.Steps {
			if units <= s.Users {
				return s.USDMonthly, true
			}
		}
		return 0, false
	}
	usd = p.BaseMonthly
	prev := p.FreeUnits
	for _, t := range p.Tiers {
		if units <= prev {
			break
		}
		top := units
		if t.UpTo > 0 && t.UpTo < top {
			top = t.UpTo
		}
		if top > prev {
			usd += (top - prev) * t.USD
		}
		if t.UpTo == 0 || t.UpTo > units {
			prev = units
			break
		}
		prev = max(prev, t.UpTo)
	}
	if prev < units { // the tiers end before the volume does
		return 0, false
	}
	return usd, true
}

var pricingUnits = map[string]bool{"mau": true, "mru": true, "dau": true, "connection": true, "organization": true}

func (p *Pricing) check() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	switch p.Status {
	case ListPrice:
		if p.Source == "" || p.AsOf.IsZero() {
			add("%s", sourceless("a list price"))
		}
		if !pricingUnits[p.Unit] {
			add("unit %q: want mau, mru, dau, connection or organization", p.Unit)
		}
		if len(p.Tiers) == 0 && len(p.Steps) == 0 && p.BaseMonthly == 0 {
			add("a list price needs tiers or steps (one of them)")
		}
		if len(p.Tiers) > 0 && len(p.Steps) > 0 {
			add("write tiers or steps, not both")
		}
		last := 0.0
		for i, t := range p.Tiers {
			if t.USD < 0 || (t.UpTo != 0 && t.UpTo <= last) || (t.UpTo == 0 && i != len(p.Tiers)-1) {
				add("tier %d: up_to must rise (0, no bound, only last) and usd must not be negative", i+1)
			}
			last = t.UpTo
		}
		last = 0
		for i, s := range p.Steps {
			if s.Users <= last || s.USDMonthly < 0 {
				add("step %d: users must rise and usd_monthly must not be negative", i+1)
			}
			last = s.Users
		}
	case QuoteOnly, OpenSource, Unknown:
		if len(p.Tiers)+len(p.Steps) > 0 {
			add("status %s has no price curve; use list_price to give tiers or steps", p.Status)
		}
	default:
		add("status %q: want list_price, quote_only, open_source or unknown", p.Status)
	}
	for _, a := range p.AddOns {
		if a.For == "" || a.USDMonthly < 0 || (a.Per != "month" && a.Per != "connection") {
			add("add-on %q: needs for, usd_monthly ≥ 0 and per of month or connection", a.For)
		}
	}
	return out
}
