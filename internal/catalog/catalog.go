// Package catalog holds the content the rules point at: guides, reference architectures,
// approaches, vendor profiles, playbooks and cost parameters. It is loaded from
// rules/catalog/*.yaml; every fact that came from outside carries its source and a date, and a
// vendor fact nobody has checked is "unknown".
package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// Date is a calendar date written YYYY-MM-DD in YAML.
type Date struct{ time.Time }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return fmt.Errorf("date %q: want YYYY-MM-DD", b)
	}
	d.Time = t
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for no date; without it the embedded
// time.Time's MarshalJSON would win and write a full timestamp.
// A result carries dozens of dates, so the digits are written directly.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(`"2006-01-02"`))
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		return append(d.AppendFormat(append(b, '"'), time.DateOnly), '"'), nil
	}
	return append(b, '"', byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		'-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10), '"'), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && !bytes.ContainsAny(b[1:n-1], `\"`) {
		return d.UnmarshalText(b[1 : n-1]) // a plain string: nothing to unescape
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return d.UnmarshalText([]byte(s))
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.Format(time.DateOnly)), nil
}

// Catalog is the loaded content. It is immutable after Load.
type Catalog struct {
	Guides        []*Guide
	GuideBaseURL  string
	Architectures []*Architecture
	Approaches    []*Approach
	Vendors       []*Vendor
	Playbooks     []*Playbook
	Cost          *CostModel
	Ranking       *Ranking

	guides map[string]*Guide
}

// Guide returns the guide with the slug, or nil.
func (c *Catalog) Guide(slug string) *Guide { return c.guides[slug] }

// Architecture returns the architecture with the ID, or nil.
func (c *Catalog) Architecture(id string) *Architecture {
	return find(c.Architectures, func(a *Architecture) bool { return a.ID == id })
}

// Approach returns the approach with the ID, or nil.
func (c *Catalog) Approach(id string) *Approach {
	return find(c.Approaches, func(a *Approach) bool { return a.ID == id })
}

// Playbook returns the playbook with the ID, or nil.
func (c *Catalog) Playbook(id string) *Playbook {
	return find(c.Playbooks, func(p *Playbook) bool { return p.ID == id })
}

// Vendor returns the vendor with the ID, or nil.
func (c *Catalog) Vendor(id string) *Vendor {
	return find(c.Vendors, func(v *Vendor) bool { return v.ID == id })
}

// find returns the first item that matches, or nil. Lists are short (tens of items), so a
// scan is simpler than keeping maps in step.
func find[T any](list []*T, match func(*T) bool) *T {
	for _, x := range list {
		if match(x) {
			return x
		}
	}
	return nil
}

// Guide is one guide of the catalogue.
type Guide struct {
	Slug     string `yaml:"slug" json:"slug"`
	Title    string `yaml:"title" json:"title"`
	Category string `yaml:"category" json:"category"`
	Updated  Date   `yaml:"updated" json:"updated"`
	Minutes  int    `yaml:"minutes" json:"minutes"`
	Verified bool   `yaml:"verified" json:"verified"` // false: the page address was derived, not seen
	Purpose  string `yaml:"purpose" json:"purpose"`
	URL      string `yaml:"-" json:"url"`
}

// Point is one item of a list in an architecture or approach; Inferred marks a point reasoned
// from neighbouring guides rather than read on the source page.
type Point struct {
	Text     string `yaml:"text" json:"text"`
	Inferred bool   `yaml:"inferred" json:"inferred,omitempty"`
}

// Architecture is one of the reference architectures.
type Architecture struct {
	ID             string   `yaml:"id" json:"id"`
	Title          string   `yaml:"title" json:"title"`
	Summary        string   `yaml:"summary" json:"summary"`
	Source         string   `yaml:"source" json:"source"`
	Reviewed       Date     `yaml:"reviewed" json:"reviewed"`
	FitsWhen       []Point  `yaml:"fits_when" json:"fits_when"`
	NonNegotiables []Point  `yaml:"non_negotiables" json:"non_negotiables"`
	FailureModes   []Point  `yaml:"failure_modes" json:"failure_modes"`
	VendorTypes    []string `yaml:"vendor_types" json:"vendor_types"`
	// Capabilities are the vendor facts the pattern cannot do without, with the fit points a
	// vendor earns for each it documents, asked for or not.
	Capabilities map[string]float64 `yaml:"capabilities" json:"capabilities"`
	// CapabilityList is Capabilities in the order of Facts, by fact position, for hot paths.
	CapabilityList []Capability `yaml:"-" json:"-"`
	Diagram        string       `yaml:"diagram" json:"diagram"`
}

// Capability is one of an architecture's capabilities: a fact position and its points.
type Capability struct {
	Fact   int
	Points float64
}

// Approach is build, self-host or buy.
type Approach struct {
	ID       string  `yaml:"id" json:"id"`
	Title    string  `yaml:"title" json:"title"`
	Summary  string  `yaml:"summary" json:"summary"`
	Source   string  `yaml:"source" json:"source"`
	Reviewed Date    `yaml:"reviewed" json:"reviewed"`
	GoodWhen []Point `yaml:"good_when" json:"good_when"`
	Costs    []Point `yaml:"costs" json:"costs"`
}

// Playbook is a phased plan with day budgets.
type Playbook struct {
	ID            string   `yaml:"id" json:"id"`
	Title         string   `yaml:"title" json:"title"`
	URL           string   `yaml:"url" json:"url"`
	Updated       Date     `yaml:"updated" json:"updated"`
	Difficulty    string   `yaml:"difficulty" json:"difficulty"`
	Summary       string   `yaml:"summary" json:"summary"`
	Prerequisites []string `yaml:"prerequisites" json:"prerequisites"`
	Phases        []Phase  `yaml:"phases" json:"phases"`
	// Approaches the playbook fits; a result only carries playbooks of its approach.
	Approaches []string `yaml:"approaches" json:"approaches"`
	// Destination is the vendor a migration playbook moves to; such a playbook is offered only
	// when that vendor is a finalist.
	Destination string `yaml:"destination" json:"destination,omitempty"`
}

// Phase is one phase of a playbook.
type Phase struct {
	Name string `yaml:"name" json:"name"`
	Days int    `yaml:"days" json:"days"`
}

// Days is the playbook's total length.
func (p *Playbook) Days() int {
	n := 0
	for _, ph := range p.Phases {
		n += ph.Days
	}
	return n
}

// Load reads rules/catalog/*.yaml from fsys (the rules folder) and checks it. Every problem is
// reported; prefix is prepended to file names in diagnostics.
func Load(fsys fs.FS, prefix string) (*Catalog, error) {
	c := &Catalog{guides: map[string]*Guide{}}
	var errs diag.List
	read := func(name string, v any) {
		file := prefix + name
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs.Add(file, 0, 0, "", "cannot read: %v", err)
			return
		}
		errs = append(errs, diag.DecodeYAML(file, src, v)...)
	}

	var guides struct {
		BaseURL  string   `yaml:"base_url"`
		Source   string   `yaml:"source"`
		Reviewed Date     `yaml:"reviewed"`
		Guides   []*Guide `yaml:"guides"`
	}
	read("catalog/guides.yaml", &guides)
	var arch struct {
		Architectures []*Architecture `yaml:"architectures"`
		Approaches    []*Approach     `yaml:"approaches"`
	}
	read("catalog/architectures.yaml", &arch)
	vendorFiles, _ := fs.Glob(fsys, "catalog/vendors/*.yaml")
	if len(vendorFiles) == 0 {
		errs.Add(prefix+"catalog/vendors/", 0, 0, "", "no vendor profiles (catalog/vendors/*.yaml) found")
	}
	for _, name := range vendorFiles {
		v := &Vendor{File: prefix + name}
		read(name, v)
		c.Vendors = append(c.Vendors, v)
	}
	var playbooks struct {
		Playbooks []*Playbook `yaml:"playbooks"`
	}
	read("catalog/playbooks.yaml", &playbooks)
	var cost CostModel
	read("catalog/cost.yaml", &cost)
	var ranking Ranking
	read("catalog/ranking.yaml", &ranking)
	if len(errs) > 0 {
		return nil, errs.Err()
	}

	c.GuideBaseURL, c.Guides = guides.BaseURL, guides.Guides
	c.Architectures, c.Approaches = arch.Architectures, arch.Approaches
	c.Playbooks, c.Cost, c.Ranking = playbooks.Playbooks, &cost, &ranking
	c.check(prefix, &errs)
	return c, errs.Err()
}

// check enforces the invariants the rest of the program relies on.
func (c *Catalog) check(prefix string, errs *diag.List) {
	gf := prefix + "catalog/guides.yaml"
	if _, err := url.ParseRequestURI(c.GuideBaseURL); err != nil || !strings.HasSuffix(c.GuideBaseURL, "/") {
		errs.Add(gf, 0, 0, "", "base_url %q must be an absolute URL ending in /", c.GuideBaseURL)
	}
	for _, g := range c.Guides {
		if g.Slug == "" || c.guides[g.Slug] != nil {
			errs.Add(gf, 0, 0, g.Slug, "guide slug is empty or used twice")
			continue
		}
		if g.Title == "" || g.Purpose == "" || g.Minutes <= 0 || g.Updated.IsZero() {
			errs.Add(gf, 0, 0, g.Slug, "guide needs title, purpose, minutes > 0 and updated")
		}
		g.URL = c.GuideBaseURL + g.Slug + "/"
		c.guides[g.Slug] = g
	}

	af := prefix + "catalog/architectures.yaml"
	ids := map[string]bool{}
	for _, a := range c.Architectures {
		if a.ID == "" || ids[a.ID] {
			errs.Add(af, 0, 0, a.ID, "architecture ID is empty or used twice")
		}
		ids[a.ID] = true
		if a.Source == "" || a.Reviewed.IsZero() {
			errs.Add(af, 0, 0, a.ID, "architecture needs source and reviewed")
		}
		for k, w := range a.Capabilities {
			if FactLabels[k] == "" || w <= 0 {
				errs.Add(af, 0, 0, a.ID, "capability %q: want a vendor fact (%s) with points above 0", k, strings.Join(FactKeys, ", "))
			}
		}
		for i, f := range Facts {
			if w := a.Capabilities[f.Key]; w > 0 {
				a.CapabilityList = append(a.CapabilityList, Capability{Fact: i, Points: w})
			}
		}
		for _, t := range a.VendorTypes {
			if VendorTypes[t] == "" {
				errs.Add(af, 0, 0, a.ID, "unknown vendor type %q (want one of %s)", t, keyList(VendorTypes))
			}
		}
	}
	for _, a := range c.Approaches {
		if a.ID == "" || ids[a.ID] {
			errs.Add(af, 0, 0, a.ID, "approach ID is empty or used twice")
		}
		ids[a.ID] = true
		if a.Source == "" || a.Reviewed.IsZero() {
			errs.Add(af, 0, 0, a.ID, "approach needs source and reviewed")
		}
	}

	pf := prefix + "catalog/playbooks.yaml"
	for _, p := range c.Playbooks {
		if p.ID == "" || ids[p.ID] {
			errs.Add(pf, 0, 0, p.ID, "playbook ID is empty or used twice")
		}
		ids[p.ID] = true
		if len(p.Phases) == 0 || p.URL == "" || p.Updated.IsZero() {
			errs.Add(pf, 0, 0, p.ID, "playbook needs url, updated and phases")
		}
		for _, ph := range p.Phases {
			if ph.Days <= 0 {
				errs.Add(pf, 0, 0, p.ID, "phase %q needs days > 0", ph.Name)
			}
		}
		if len(p.Approaches) == 0 {
			errs.Add(pf, 0, 0, p.ID, "playbook needs approaches: the approaches it fits")
		}
		for _, a := range p.Approaches {
			if c.Approach(a) == nil {
				errs.Add(pf, 0, 0, p.ID, "approach %q is not in catalog/architectures.yaml", a)
			}
		}
	}

	c.checkVendors(errs)
	for _, p := range c.Playbooks {
		if p.Destination != "" && c.Vendor(p.Destination) == nil {
			errs.Add(pf, 0, 0, p.ID, "destination %q is not a vendor in catalog/vendors/", p.Destination)
		}
	}
	c.Cost.check(prefix+"catalog/cost.yaml", errs)
	c.Ranking.check(prefix+"catalog/ranking.yaml", errs)
}
