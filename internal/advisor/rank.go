package advisor

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/rules"
)

// Built-in rule IDs: the steps of ranking that no single rule file holds. Every reason they
// produce names them, like any rule; rules/README.md documents them.
const (
	ruleVendorType  = "rank-vendor-type"
	ruleNoMigration = "rank-no-migration"
	ruleCostOwn     = "cost-self-host-vs-managed"
	ruleBudget      = "cost-budget-vs-leader"
	ruleTimeline    = "timeline-vs-playbooks"
)

// candidate is a vendor being ranked.
type candidate struct {
	v         *catalog.Vendor
	idx       int     // position in the catalogue, for verdict lookup only
	points    float64 // fit points earned
	unsure    int     // hard tests with an unknown verdict
	unknowns  int     // all tests with an unknown verdict
	incumbent bool
	// approachable: the vendor can be bought or run the way the approach says
	approachable bool
	typeFit      bool    // its type is one the architecture or the approach names
	costPoints   float64 // the part of points earned by a low three-year cost
	overBudget   bool    // even its low estimate is above the buyer's yearly budget
	cost         catalog.VendorCost
	knocked      []Reason
}

// costKey orders by three-year cost: list prices by their middle, then every vendor priced
// only by a generic band (whose figures say nothing about the vendor).
func (c *candidate) costKey() float64 {
	if c.cost.Basis == catalog.BasisBand {
		return math.Inf(1)
	}
	return c.cost.ThreeYear.Mid()
}

// score gives every vendor its fit points and knockouts from the fired vendor tests, the
// architecture's vendor types and the no-migration credit. possible is the most points any
// vendor could earn. The candidates are written into all (one per vendor) when it is given.
func score(c *catalog.Catalog, out *rules.Outcome, arch *catalog.Architecture, platform string, all []candidate) (cands []*candidate, possible float64) {
	rk := c.Ranking
	cands = make([]*candidate, 0, len(c.Vendors))
	if len(all) != len(c.Vendors) {
		all = make([]candidate, len(c.Vendors))
	}
	migrating := platform != "" && platform != "none"
	hasIncumbent := false
	for _, v := range c.Vendors {
		hasIncumbent = hasIncumbent || (migrating && v.Platform == platform)
	}
	for _, vv := range out.Vendors {
		possible += weightOf(rk, vv.Rule.Vendors)
	}
	possible += rk.VendorTypeWeight
	for _, cp := range arch.CapabilityList {
		possible += cp.Points
	}
	if hasIncumbent {
		possible += rk.NoMigrationWeight
	}
	for i, v := range c.Vendors {
		cd := &all[i]
		*cd = candidate{v: v, idx: i, incumbent: migrating && v.Platform == platform}
		for _, vv := range out.Vendors {
			e := vv.Rule.Vendors
			switch vv.Results[i] {
			case catalog.Yes:
				cd.points += weightOf(rk, e)
				if e.Hard && secondhand(v, e) {
					cd.unsure++ // only a third party says so: not confirmed enough to rank as confirmed
				}
			case catalog.No:
				if e.Hard {
					cd.knocked = append(cd.knocked, Reason{Text: e.Fail, Rule: vv.Rule.ID})
				} else {
					cd.points -= e.Weight
				}
			case catalog.Unknown:
				cd.unknowns++
				if e.Hard {
					cd.unsure++
				}
			}
		}
		if cd.incumbent {
			cd.points += rk.NoMigrationWeight
		}
		for _, cp := range arch.CapabilityList {
			if v.FactAt(cp.Fact).Value == catalog.Yes {
				cd.points += cp.Points
			}
		}
		cands = append(cands, cd)
	}
	return cands, possible
}

// costFit gives each priced candidate points in proportion to how close its three-year cost is
// to the cheapest priced one (with $1,000 of slack, so free tiers do not dwarf small bills).
// Candidates priced only by a generic band earn none: their price is unknown.
//
// With a budget, a priced vendor whose low estimate is above it a year loses the weight
// instead (overBudget is set, and the buyer reads it as a concern).
func costFit(cands []*candidate, weight float64, budget float64) {
	for _, cd := range cands {
		cd.overBudget = budget > 0 && cd.cost.Basis != catalog.BasisBand && cd.cost.ThreeYear.Low/3 > budget
	}
	cheapest := math.Inf(1)
	for _, cd := range cands {
		if cd.approachable && cd.cost.Basis != catalog.BasisBand {
			cheapest = min(cheapest, cd.cost.ThreeYear.Mid())
		}
	}
	if math.IsInf(cheapest, 1) {
		return
	}
	for _, cd := range cands {
		switch {
		case cd.overBudget:
			cd.costPoints = -weight
		case cd.cost.Basis != catalog.BasisBand:
			cd.costPoints = weight * min(1, (cheapest+1000)/(cd.cost.ThreeYear.Mid()+1000))
		}
		cd.points += cd.costPoints
	}
}

// secondhand reports whether the fact a test is about is documented only by a third party.
func secondhand(v *catalog.Vendor, e *rules.VendorEffect) bool {
	if e.FactIdx < 0 {
		return false
	}
	f := v.FactAt(e.FactIdx)
	return f.Value == catalog.Yes && f.Secondary
}

func weightOf(rk *catalog.Ranking, e *rules.VendorEffect) float64 {
	if e.Hard && e.Weight == 0 {
		return rk.HardWeight
	}
	return e.Weight
}

// less orders candidates by the stated criteria, never by position in a file: vendors that fit
// the approach first, then fewer hard requirements unconfirmed, more fit points, fewer unknowns
// on anything asked, lower three-year cost, then name.
func less(a, b *candidate) int {
	return cmp.Or(
		boolOrder(a.approachable, b.approachable),
		cmp.Compare(a.unsure, b.unsure),
		cmp.Compare(b.points, a.points),
		cmp.Compare(a.unknowns, b.unknowns),
		cmp.Compare(a.costKey(), b.costKey()),
		strings.Compare(a.v.ID, b.v.ID), // IDs are the names in lower case
	)
}

// tieBreak names the criterion that put a ahead of b when they tie on unconfirmed hard
// requirements and fit, or "" when no tie was broken.
func tieBreak(a, b *candidate) string {
	if a.unsure != b.unsure || a.points != b.points {
		return ""
	}
	switch {
	case a.unknowns != b.unknowns:
		return fmt.Sprintf("%s and %s tie on fit; %s leads because fewer of the facts you asked about are unknown (%d against %d).",
			a.v.Name, b.v.Name, a.v.Name, a.unknowns, b.unknowns)
	case a.costKey() != b.costKey():
		return fmt.Sprintf("%s and %s tie on fit and on unknowns; %s leads on a lower three-year cost.", a.v.Name, b.v.Name, a.v.Name)
	}
	return fmt.Sprintf("%s and %s tie on fit, unknowns and cost; %s comes first by name only.", a.v.Name, b.v.Name, a.v.Name)
}

// typeFits reports whether a vendor's type is one the architecture names, or, when you will
// run the platform yourself, an open-source one.
func typeFits(v *catalog.Vendor, arch *catalog.Architecture, approach string) bool {
	return slices.Contains(arch.VendorTypes, v.Type) || (approach == "self-host-open-source" && v.Type == "self-hosted-open-source")
}

// fitsApproach reports whether a vendor can be bought or run the way the approach says.
func fitsApproach(v *catalog.Vendor, approach string) bool {
	switch approach {
	case "self-host-open-source":
		return v.Env().SelfHost == catalog.Yes
	case "buy-managed":
		return v.Env().Managed != catalog.No
	}
	return true
}

// reasonRoom is how many reasons pick may give cd at most: why, concerns and checks. recommend
// sums it over the ranking to cut every vendor's lists from one exactly sized array.
func reasonRoom(out *rules.Outcome, cd *candidate, withWhy bool) (nWhy, nConcern, nCheck int) {
	for _, vv := range out.Vendors {
		switch vv.Results[cd.idx] {
		case catalog.Yes:
			nWhy++
			if vv.Rule.Vendors.Hard {
				nCheck++ // room for a third-party-only fact's check
			}
		case catalog.No:
			nConcern++
		case catalog.Unknown:
			nCheck++
		}
	}
	nWhy += 2     // vendor type and no migration
	nConcern += 1 // over budget
	if !withWhy {
		nWhy = 0
	}
	return nWhy, nConcern, nCheck
}

// pick turns a ranked candidate into what the buyer reads. Reasons for are listed only for
// finalists (withWhy); the three lists are cut from buf, which holds at least reasonRoom's
// total, since this runs for every vendor on every request.
func pick(out *rules.Outcome, cd *candidate, arch *catalog.Architecture, possible float64, withWhy bool, buf *[]Reason) VendorPick {
	v := cd.v
	nWhy, nConcern, nCheck := reasonRoom(out, cd, withWhy)
	n := nWhy + nConcern + nCheck
	if len(*buf) < n {
		*buf = make([]Reason, n)
	}
	b := (*buf)[:n:n]
	*buf = (*buf)[n:]
	p := VendorPick{ID: v.ID, Name: v.Name, Type: v.Type, TypeLabel: v.TypeLabel(), Incumbent: cd.incumbent,
		Fit: fitOf(cd.points, possible), Unconfirmed: cd.unsure, Cost: cd.cost,
		Why: b[0:0:nWhy], Concerns: b[nWhy : nWhy : nWhy+nConcern], Check: b[nWhy+nConcern : nWhy+nConcern : n]}
	known, asked := 0, 0
	var seen uint64 // facts already given a reason for
	for _, vv := range out.Vendors {
		e, id := vv.Rule.Vendors, vv.Rule.ID
		asked++
		switch vv.Results[cd.idx] {
		case catalog.Yes:
			known++
			if e.Hard && secondhand(v, e) {
				p.Check = addReason(p.Check, "Only a third-party source says so. "+e.Unsure, id)
			}
			// Two rules on the same fact (passkeys for consumers, passkeys as a must-have) give
			// one reason.
			if e.FactIdx >= 0 {
				if seen&(1<<e.FactIdx) != 0 {
					continue
				}
				seen |= 1 << e.FactIdx
			}
			if e.Pass != "" && withWhy {
				text := e.Pass
				if e.FactIdx >= 0 {
					if plan := v.FactAt(e.FactIdx).Plan; plan != "" {
						text += " Needs: " + plan + "."
					}
				}
				p.Why = addReason(p.Why, text, id)
			}
		case catalog.No:
			known++
			if e.Fail != "" {
				p.Concerns = addReason(p.Concerns, e.Fail, id)
			}
		case catalog.Unknown:
			p.Check = addReason(p.Check, e.Unsure, id)
		}
	}
	p.Confidence = 1
	if asked > 0 {
		p.Confidence = math.Round(float64(known)/float64(asked)*100) / 100
	}
	if cd.typeFit && withWhy {
		p.Why = addReason(p.Why, fmt.Sprintf("%s: a vendor type that fits the %s pattern and the approach.",
			v.TypeLabel(), arch.Title), ruleVendorType)
	}
	if cd.overBudget {
		p.Concerns = append(p.Concerns, Reason{Rule: ruleBudget, Text: fmt.Sprintf(
			"Even its low estimate, %s a year, is above your budget.", Money(cd.cost.ThreeYear.Low/3))})
	}
	if cd.incumbent && withWhy {
		p.Why = addReason(p.Why, "You run it today: staying needs no migration.", ruleNoMigration)
	}
	return p
}

func fitOf(points, possible float64) int {
	if possible <= 0 {
		return 100
	}
	return int(math.Round(100 * min(1, max(0, points/possible))))
}

// whyFirst explains in a sentence why the leader is ahead of the runner-up.
func whyFirst(out *rules.Outcome, a, b *candidate, arch *catalog.Architecture) string {
	lead := fmt.Sprintf("%s leads %s", a.v.Name, b.v.Name)
	if a.unsure < b.unsure {
		return fmt.Sprintf("%s: it confirms more of your hard requirements (%d unconfirmed against %d).", lead, a.unsure, b.unsure)
	}
	if a.points == b.points {
		return tieBreak(a, b)
	}
	if e := edges(out, a, b, arch); len(e) > 0 {
		return fmt.Sprintf("%s on %s.", lead, joinAnd(e))
	}
	return fmt.Sprintf("%s on overall fit (%+.1f points).", lead, a.points-b.points)
}

// behind says in a line why b trails the leader a.
func behind(out *rules.Outcome, a, b *candidate, arch *catalog.Architecture) string {
	switch {
	case b.unsure > a.unsure:
		return fmt.Sprintf("%d of your hard requirements are unconfirmed (against %d for %s).", b.unsure, a.unsure, a.v.Name)
	case a.points == b.points:
		return "Equal fit; " + strings.TrimSuffix(tieBreak(a, b), ".") + "."
	}
	if e := edges(out, a, b, arch); len(e) > 0 {
		return fmt.Sprintf("%s is ahead on %s.", a.v.Name, joinAnd(e))
	}
	return fmt.Sprintf("%s is ahead on overall fit.", a.v.Name)
}

// edges names what a has confirmed that b has not, at most three and "more".
func edges(out *rules.Outcome, a, b *candidate, arch *catalog.Architecture) []string {
	var e []string
	for _, vv := range out.Vendors {
		if vv.Results[a.idx] == catalog.Yes && vv.Results[b.idx] != catalog.Yes {
			e = append(e, capability(vv.Rule))
		}
	}
	for _, cp := range arch.CapabilityList {
		if cp.Points > 0 && a.v.FactAt(cp.Fact).Value == catalog.Yes && b.v.FactAt(cp.Fact).Value != catalog.Yes {
			e = append(e, lowerFirst(catalog.Facts[cp.Fact].Label))
		}
	}
	if a.costPoints > b.costPoints+0.01 {
		e = append(e, "a lower three-year cost")
	}
	if a.typeFit && !b.typeFit {
		e = append(e, "a vendor type the architecture names")
	}
	if a.incumbent {
		e = append(e, "no migration")
	}
	e = dedupe(e)
	if len(e) > 3 {
		e = append(e[:3], "more")
	}
	return e
}

// capability names what a vendor test checks, in a buyer's words.
func capability(r *rules.Rule) string {
	if f := r.Vendors.Fact; f != "" {
		return lowerFirst(catalog.FactLabels[f])
	}
	if r.Vendors.Pass == "" {
		// pass is optional in content: name the rule's reason instead.
		return strings.TrimSuffix(lowerFirst(r.Because), ".")
	}
	return strings.TrimSuffix(lowerFirst(r.Vendors.Pass), ".")
}

// lowerFirst lowers a sentence's first letter for use mid-sentence, leaving acronyms ("SOC 2",
// "SAML SSO") as they are.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	if len(s) > 1 && unicode.IsUpper(rune(s[1])) {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func dedupe(items []string) []string {
	out := items[:0]
	for _, s := range items {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// addReason appends a reason unless the same sentence is already there: two rules that test
// the same fact (say, SCIM for large customers and SCIM as a must-have) say it once.
func addReason(rs []Reason, text, rule string) []Reason {
	for _, r := range rs {
		if r.Text == text {
			return rs
		}
	}
	return append(rs, Reason{Text: text, Rule: rule})
}
