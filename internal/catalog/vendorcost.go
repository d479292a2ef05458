package catalog

// Cost bases: where a vendor's figure comes from.
const (
	BasisListPrice  = "list_price"  // the vendor's own public price list
	BasisBand       = "band"        // no public price: the generic band of its pricing model
	BasisSelfHosted = "self_hosted" // open source run by you: the self-hosting estimate
)

// Needs is what the answers require a vendor's price to include.
type Needs struct {
	AddOns      map[string]bool // fact keys and must-haves an add-on can be for
	Connections float64         // enterprise SSO connections to price
	Migrating   bool            // users live elsewhere today: a move costs money
	SelfHosted  bool            // price open-source vendors as run by you, not their cloud
}

// VendorCost is one vendor's projected three-year cost.
type VendorCost struct {
	ThreeYear Range    `json:"three_year"`
	Years     [3]Range `json:"years"`
	Basis     string   `json:"basis"`
	AsOf      Date     `json:"as_of"`
	Source    string   `json:"source,omitempty"`
	Secondary bool     `json:"secondary,omitempty"`
	Plan      string   `json:"plan,omitempty"`     // the plan priced; for a band, the generic model
	Includes  []string `json:"includes,omitempty"` // what the figure covers beyond the base plan
	Note      string   `json:"note,omitempty"`
}

// ForVendor prices vendor v over three years for usage u. own holds the projection of
// self-hosting and bands the generic models (both from Project), by model ID. incumbent
// vendors pay no migration.
func (m *CostModel) ForVendor(v *Vendor, u Usage, n Needs, incumbent bool, projected map[string]YearCost) VendorCost {
	var c VendorCost
	p := v.Pricing
	if p != nil && p.Status == OpenSource || p == nil && v.Type == "self-hosted-open-source" {
		// Open source: run by you when you self-host or no one else runs it; otherwise its cloud.
		if n.SelfHosted || v.Env().Managed == No {
			own := projected["self_host"]
			c.Basis, c.Years = BasisSelfHosted, own.Years
			c.Includes = append(c.Includes, "infrastructure", "engineers")
			return m.withMigration(c, n, incumbent)
		}
		p = v.CloudPricing // without public figures, the band below stands in
	}
	if years, ok := m.listPrice(p, u, n, &c); ok {
		c.Basis, c.Years = BasisListPrice, years
		c.AsOf, c.Source, c.Secondary, c.Plan, c.Note = p.AsOf, p.Source, p.Secondary, p.Plan, p.Note
	} else {
		// The band's note and source are in the projection's models; the vendor names its model.
		band := projected[bandFor(v.PricingModel)]
		c.Basis, c.Years, c.Plan, c.Includes = BasisBand, band.Years, band.Model, nil
	}
	return m.withMigration(c, n, incumbent)
}

func (m *CostModel) withMigration(c VendorCost, n Needs, incumbent bool) VendorCost {
	if n.Migrating && !incumbent {
		c.Years[0] = c.Years[0].add(m.Migration.Range)
		c.Includes = append(c.Includes, "migration")
	}
	for y := range 3 {
		c.Years[y] = c.Years[y].rounded()
		c.ThreeYear = c.ThreeYear.add(c.Years[y])
	}
	return c
}

// listPrice evaluates a public price list, with the add-ons the answers need, for each year.
// It is not ok when the list does not reach the volume.
func (m *CostModel) listPrice(p *Pricing, u Usage, n Needs, c *VendorCost) ([3]Range, bool) {
	var years [3]Range
	if !p.Priced() {
		return years, false
	}
	for y := range 3 {
		var units float64
		switch p.Unit {
		case "mau", "mru":
			units = u.MAU[y]
		case "dau":
			units = u.MAU[y] * m.DailyPerMonthly
		case "connection":
			units = n.Connections
		default:
			return years, false
		}
		monthly, ok := p.Monthly(units)
		if !ok {
			return years, false
		}
		for _, a := range p.AddOns {
			if !n.AddOns[a.For] {
				continue
			}
			switch a.Per {
			case "month":
				monthly += a.USDMonthly
			case "connection":
				monthly += max(0, n.Connections-a.Included) * a.USDMonthly
			}
			if y == 0 {
				c.Includes = append(c.Includes, a.For)
			}
		}
		years[y] = m.escalate(Range{Low: monthly * 12, High: monthly * 12}, y)
	}
	return years, true
}

// bandFor names the generic band that stands in for a vendor without a public price.
func bandFor(model string) string {
	switch model {
	case "per_mau", "per_mru", "usage_based":
		return "per_mau"
	}
	return "platform_tier"
}
