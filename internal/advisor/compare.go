package advisor

import (
	"slices"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Comparison is the finalists side by side on every constraint and must-have the buyer chose,
// then the core axes. Each cell carries its source and review date, so any claim can be checked.
type Comparison struct {
	Vendors []string        `json:"vendors"`
	Rows    []ComparisonRow `json:"rows"`
}

// ComparisonRow is one capability across the finalists.
type ComparisonRow struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Fact  string `json:"fact"`
	Asked bool   `json:"asked"` // the buyer chose it as a constraint or must-have
	Cells []Cell `json:"cells"`
}

// Cell is one vendor's value for a row: yes, no, unknown, or plan (needs a higher plan or an
// add-on, named in Plan).
type Cell struct {
	Vendor    string       `json:"vendor"`
	Value     string       `json:"value"`
	Plan      string       `json:"plan,omitempty"`
	Detail    string       `json:"detail,omitempty"`
	Source    string       `json:"source,omitempty"`
	Reviewed  catalog.Date `json:"reviewed"`
	Secondary bool         `json:"secondary,omitempty"`
}

// comparison builds the matrix for the shortlist (or, for a build, the if-you-buy list) and
// the stay option.
func (a *Advisor) comparison(answers questionnaire.Answers, rec *Recommendation) Comparison {
	c := a.Catalog()
	finalists := rec.Shortlist
	if len(finalists) == 0 {
		finalists = rec.IfYouBuy
	}
	var vendors []*catalog.Vendor
	for _, p := range finalists {
		vendors = append(vendors, c.Vendor(p.ID))
	}
	if rec.Stay != nil && !slices.ContainsFunc(vendors, func(v *catalog.Vendor) bool { return v.ID == rec.Stay.ID }) {
		vendors = append(vendors, c.Vendor(rec.Stay.ID))
	}
	cmp := Comparison{Vendors: make([]string, len(vendors))}
	for i, v := range vendors {
		cmp.Vendors[i] = v.ID
	}
	regions, _ := answers["residency_regions"].([]string)
	// The rows: every constraint and must-have chosen that a fact covers, then the core facts
	// not already shown. Counted first so that the cells of all rows share one array.
	type rowSpec struct{ id, label, fact string }
	var asked [16]rowSpec
	specs := asked[:0]
	var used uint64 // fact indexes already a row
	q := a.Questionnaire()
	for _, qid := range []string{"constraints", "must_haves"} {
		chosen, _ := answers[qid].([]string)
		qn := q.Question(qid)
		for _, opt := range chosen {
			if fact := factFor(qid + ":" + opt); fact != "" {
				specs = append(specs, rowSpec{opt, qn.OptionLabel(opt), fact})
				used |= 1 << catalog.FactIndex(fact)
			}
		}
	}
	nAsked := len(specs)
	for i, f := range catalog.Facts {
		if f.Core && used&(1<<i) == 0 {
			specs = append(specs, rowSpec{f.Key, f.Label, f.Key})
		}
	}
	cmp.Rows = make([]ComparisonRow, len(specs))
	cells := make([]Cell, len(specs)*len(vendors))
	for k, sp := range specs {
		fi := catalog.FactIndex(sp.fact)
		r := ComparisonRow{ID: sp.id, Label: sp.label, Fact: sp.fact, Asked: k < nAsked, Cells: cells[:len(vendors):len(vendors)]}
		cells = cells[len(vendors):]
		for i, v := range vendors {
			f := v.FactAt(fi)
			cell := Cell{Vendor: v.ID, Value: f.Shown(), Plan: f.Plan, Detail: f.Detail, Source: f.Source, Reviewed: f.Reviewed, Secondary: f.Secondary}
			if sp.fact == "regions" {
				cell.Value, cell.Detail = regionCell(v, regions)
			}
			r.Cells[i] = cell
		}
		cmp.Rows[k] = r
	}
	return cmp
}

// factFor is the fact behind an answer "question:option", or "".
func factFor(ask string) string {
	for _, f := range catalog.Facts {
		if slices.Contains(f.Asks, ask) {
			return f.Key
		}
	}
	return ""
}

// regionCell answers "can my data stay in the regions I named?" for one vendor: yes when it
// is self-hostable or hosts every region, no when its known list misses one and it cannot be
// self-hosted, unknown otherwise. Detail lists the regions it documents.
func regionCell(v *catalog.Vendor, want []string) (string, string) {
	f := v.FactAt(catalog.FactIndex("regions"))
	detail := strings.ToUpper(strings.Join(f.Regions, ", "))
	switch {
	case len(want) == 0:
		return f.Shown(), detail
	case v.Env().SelfHost == catalog.Yes:
		return catalog.Yes, "self-hosted wherever you run it"
	case f.Value == catalog.Yes && containsAll(f.Regions, want):
		return catalog.Yes, detail
	case f.Value == catalog.Yes && v.Env().SelfHost == catalog.No:
		return catalog.No, detail
	}
	return catalog.Unknown, detail
}

func containsAll(list, want []string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}
