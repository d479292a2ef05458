// Package scenario runs persona scenarios: YAML files under rules/tests/ that pair a set of
// answers with what the recommendation must (and must not) contain. Editors write them without
// Go; `advisor test` and `go test` both run them.
package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Scenario is one persona: answers and expectations. Every expectation is optional.
type Scenario struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Answers     map[string]any `yaml:"answers"`
	Expect      Expect         `yaml:"expect"`
	File        string         `yaml:"-"`

	src []byte // the YAML source, for positions
}

// Expect lists what the recommendation must show.
type Expect struct {
	Architecture   string        `yaml:"architecture"`
	Approach       string        `yaml:"approach"`
	GuidesInclude  []string      `yaml:"guides_include"`
	GuidesExclude  []string      `yaml:"guides_exclude"`
	FurtherInclude []string      `yaml:"further_reading_include"` // guides in further reading (or read now)
	Shortlisted    []string      `yaml:"shortlisted"`             // in the top of the shortlist
	Kept           []string      `yaml:"kept"`                    // not eliminated
	Eliminated     []string      `yaml:"eliminated"`
	Warnings       []string      `yaml:"warnings"`
	NoWarnings     []string      `yaml:"no_warnings"`
	Playbooks      []string      `yaml:"playbooks"`
	Checks         []CheckExpect `yaml:"checks"`  // a surviving vendor carries a check mentioning text
	Notices        []string      `yaml:"notices"` // question IDs whose answers were ignored
	Invalid        []string      `yaml:"invalid"` // question IDs expected to be rejected
	MaxReadingPath int           `yaml:"max_reading_path"`
	MinReadingPath int           `yaml:"min_reading_path"`

	// Decision-grade expectations.
	Leader          string          `yaml:"leader"`           // the first vendor
	Ranked          []string        `yaml:"ranked"`           // these vendors rank in this relative order
	Above           []Order         `yaml:"above"`            // each pair: the first ranks above the second
	OnlySelfHosted  bool            `yaml:"only_self_hosted"` // every shortlisted vendor can be self-hosted
	Stay            *StayExpect     `yaml:"stay"`             // the stay option
	Cost            []CostExpect    `yaml:"cost"`             // per-vendor three-year ranges
	Counterfactuals []CounterExpect `yaml:"counterfactuals"`  // changes that must be found
	NoShortlist     bool            `yaml:"no_shortlist"`     // a build: no buy shortlist
	NoNextSteps     []string        `yaml:"no_next_steps"`    // texts no next step may contain
	Matrix          []string        `yaml:"matrix"`           // comparison rows that must be there
}

// Order is a pair of vendor IDs written [higher, lower].
type Order [2]string

// StayExpect is what the stay option must say.
type StayExpect struct {
	Vendor string `yaml:"vendor"`
	Viable bool   `yaml:"viable"`
}

// CostExpect bounds one vendor's three-year cost: low at least Min, high at most Max, and a
// basis when given.
type CostExpect struct {
	Vendor string  `yaml:"vendor"`
	Min    float64 `yaml:"min"`
	Max    float64 `yaml:"max"`
	Basis  string  `yaml:"basis"`
}

// CounterExpect names a counterfactual that must be found: a change of Question that flips
// Target (to Outcome, when given).
type CounterExpect struct {
	Target   string `yaml:"target"`
	Question string `yaml:"question"`
	Outcome  string `yaml:"outcome"`
}

// CheckExpect expects a vendor to carry a check whose text contains Contains. Vendor "*" means every
// vendor left on the shortlist.
type CheckExpect struct {
	Vendor   string `yaml:"vendor"`
	Contains string `yaml:"contains"`
}

// Result is the outcome of one scenario.
type Result struct {
	Scenario *Scenario
	Failures []string
	Fired    []string // IDs of the rules that fired
	Rec      *advisor.Recommendation
}

// Version is the content hash of the scenario files (tests/*.yaml in the rules folder): it
// changes when a scenario does, independently of the rule-set version that results carry.
func Version(rulesFS fs.FS) string {
	names, _ := fs.Glob(rulesFS, "tests/*.yaml")
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(rulesFS, name)
		if err != nil {
			continue
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
	}
	return "s-" + hex.EncodeToString(h.Sum(nil)[:6])
}

// Load reads every tests/*.yaml file from the rules folder.
func Load(rulesFS fs.FS) ([]*Scenario, error) {
	names, err := fs.Glob(rulesFS, "tests/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Scenario
	var errs diag.List
	for _, name := range names {
		src, err := fs.ReadFile(rulesFS, name)
		if err != nil {
			errs.Add("rules/"+name, 0, 0, "", "cannot read: %v", err)
			continue
		}
		var s Scenario
		if d := diag.DecodeYAML("rules/"+name, src, &s); d != nil {
			errs = append(errs, d...)
			continue
		}
		s.File, s.src = "rules/"+name, src
		if s.Name == "" {
			s.Name = strings.TrimSuffix(strings.TrimPrefix(name, "tests/"), ".yaml")
		}
		out = append(out, &s)
	}
	return out, errs.Err()
}

// Run evaluates one scenario with the advisor.
func Run(a *advisor.Advisor, s *Scenario) Result {
	res := Result{Scenario: s}
	fail := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }

	// Answers go through JSON so that they are validated exactly as an API request would be.
	data, err := json.Marshal(s.Answers)
	if err != nil {
		fail("answers cannot be encoded: %v", err)
		return res
	}
	raw, err := questionnaire.DecodeJSON(data)
	var rec *advisor.Recommendation
	if err == nil {
		rec, err = a.Evaluate(raw, advisor.Options{Explain: true, Counterfactuals: true})
	}
	if ve, ok := err.(*questionnaire.ValidationError); ok {
		var got []string
		for _, p := range ve.Problems {
			got = append(got, p.Question)
		}
		if len(s.Expect.Invalid) == 0 {
			fail("answers rejected: %v", ve)
		}
		for _, id := range s.Expect.Invalid {
			if !contains(got, id) {
				fail("expected answer %s to be rejected; rejected: %s", id, strings.Join(got, ", "))
			}
		}
		return res
	} else if err != nil {
		fail("evaluation failed: %v", err)
		return res
	}
	if len(s.Expect.Invalid) > 0 {
		fail("expected answers %s to be rejected, but all were accepted", strings.Join(s.Expect.Invalid, ", "))
	}
	res.Rec = rec
	for _, t := range rec.Trace {
		if t.Fired {
			res.Fired = append(res.Fired, t.Rule)
		}
	}
	check(rec, s.Expect, fail)
	return res
}

func check(rec *advisor.Recommendation, e Expect, fail func(string, ...any)) {
	if e.Architecture != "" && rec.Architecture.ID != e.Architecture {
		fail("architecture: expected %s, got %s (scores: %s %.0f, runner-up %s %.0f)", e.Architecture, rec.Architecture.ID,
			rec.Architecture.ID, rec.Architecture.Score, rec.Architecture.RunnerUp.ID, rec.Architecture.RunnerUp.Score)
	}
	if e.Approach != "" && rec.Approach.ID != e.Approach {
		fail("approach: expected %s, got %s", e.Approach, rec.Approach.ID)
	}
	var guides, short, kept, gone, warns []string
	for _, g := range rec.ReadingPath {
		guides = append(guides, g.Slug)
	}
	for _, v := range rec.Shortlist {
		short = append(short, v.ID)
	}
	kept = append(kept, short...)
	for _, v := range rec.AlsoViable {
		kept = append(kept, v.ID)
	}
	for _, v := range rec.Eliminated {
		gone = append(gone, v.ID)
	}
	for _, w := range rec.Warnings {
		warns = append(warns, w.ID)
	}
	present := func(what string, want, got []string) {
		for _, id := range want {
			if !contains(got, id) {
				fail("%s: expected %s; got %s", what, id, strings.Join(got, ", "))
			}
		}
	}
	absent := func(what string, unwanted, got []string) {
		for _, id := range unwanted {
			if contains(got, id) {
				fail("%s: expected no %s, but it is there", what, id)
			}
		}
	}
	present("reading path", e.GuidesInclude, guides)
	all := slices.Clone(guides)
	for _, g := range rec.FurtherReading {
		all = append(all, g.Slug)
	}
	present("reading path or further reading", e.FurtherInclude, all)
	absent("reading path", e.GuidesExclude, guides)
	if e.MaxReadingPath > 0 && len(guides) > e.MaxReadingPath {
		fail("reading path: expected at most %d guides, got %d", e.MaxReadingPath, len(guides))
	}
	if len(guides) < e.MinReadingPath {
		fail("reading path: expected at least %d guides, got %d", e.MinReadingPath, len(guides))
	}
	present("shortlist", e.Shortlisted, short)
	present("vendors kept", e.Kept, kept)
	present("vendors eliminated", e.Eliminated, gone)
	present("warnings", e.Warnings, warns)
	absent("warnings", e.NoWarnings, warns)
	var plays []string
	for _, n := range rec.NextSteps {
		if n.Playbook != nil {
			plays = append(plays, n.Playbook.ID)
		}
	}
	present("next steps: playbook", e.Playbooks, plays)
	for _, c := range e.Checks {
		for _, v := range append(append([]advisor.VendorPick{}, rec.Shortlist...), rec.AlsoViable...) {
			if c.Vendor != "*" && c.Vendor != v.ID {
				continue
			}
			if c.Vendor == "*" && !contains(short, v.ID) {
				continue
			}
			found := false
			for _, ch := range v.Check {
				found = found || strings.Contains(ch.Text, c.Contains)
			}
			for _, w := range v.Why {
				found = found || (c.Vendor == "*" && strings.Contains(w.Text, c.Contains))
			}
			if !found {
				fail("checks: expected %s to carry a check containing %q", v.ID, c.Contains)
			}
		}
	}
	var noticed []string
	for _, n := range rec.Notices {
		noticed = append(noticed, n.Question)
	}
	present("ignored answers", e.Notices, noticed)
	checkDecision(rec, e, fail)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
