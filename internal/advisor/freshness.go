package advisor

import (
	"fmt"
	"time"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/diag"
)

// Stale lists every dated piece of content (guides, architectures, approaches, playbooks, cost
// assumptions, vendor facts and traits) last updated or reviewed more than maxAge before now.
// The guide site promises a review at least every 365 days; content older than that needs a
// fresh look before buyers rely on it.
func (a *Advisor) Stale(now time.Time, maxAge time.Duration) diag.List {
	c := a.Catalog()
	var out diag.List
	check := func(file, id, what string, d catalog.Date) {
		if d.IsZero() || now.Sub(d.Time) <= maxAge {
			return
		}
		out.Add(file, 0, 0, id, "%s dated %s is %d days old (limit %d)",
			what, d.Format(time.DateOnly), int(now.Sub(d.Time).Hours()/24), int(maxAge.Hours()/24))
	}
	for _, g := range c.Guides {
		check("rules/catalog/guides.yaml", g.Slug, "guide", g.Updated)
	}
	for _, x := range c.Architectures {
		check("rules/catalog/architectures.yaml", x.ID, "architecture", x.Reviewed)
	}
	for _, x := range c.Approaches {
		check("rules/catalog/architectures.yaml", x.ID, "approach", x.Reviewed)
	}
	for _, p := range c.Playbooks {
		check("rules/catalog/playbooks.yaml", p.ID, "playbook", p.Updated)
	}
	check("rules/catalog/cost.yaml", "cost", "cost assumptions", c.Cost.Reviewed)
	for _, v := range c.Vendors {
		for _, k := range catalog.FactKeys {
			check(v.File, v.ID, fmt.Sprintf("fact %s", k), v.Facts[k].Reviewed)
		}
		for _, t := range v.Traits {
			check(v.File, v.ID, fmt.Sprintf("trait %s", t.ID), t.Reviewed)
		}
		for _, p := range []*catalog.Pricing{v.Pricing, v.CloudPricing} {
			if p != nil {
				check(v.File, v.ID, "price list", p.AsOf)
			}
		}
	}
	a.Source.locate(out)
	out.Sort()
	return out
}
