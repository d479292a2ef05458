package rules

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Outcome is what evaluating a rule set against answers produced: the environment the rules
// saw, the rules that fired in evaluation order, and each vendor's test results.
type Outcome struct {
	Env     map[string]any
	Usage   catalog.Usage               // billable users per projected year
	Cost    []catalog.YearCost          // generic bands, self-hosting and building
	ByModel map[string]catalog.YearCost // Cost by model ID
	Fired   []*Rule
	Vendors []VendorVerdicts // one per fired vendor rule, in rule order
	Trace   []TraceEntry     // every rule, when tracing was asked for

	fired []bool // by rule position: what EvaluateNear reuses
}

// VendorVerdicts is one vendor rule's verdict on every vendor.
type VendorVerdicts struct {
	Rule    *Rule
	Results []string // yes, no or unknown, per vendor in catalogue order
}

// TraceEntry records one rule's evaluation for editors: whether it fired and the values of the
// variables its condition read.
type TraceEntry struct {
	Rule   string         `json:"rule"`
	File   string         `json:"file"`
	Line   int            `json:"line"`
	When   string         `json:"when,omitempty"`
	Fired  bool           `json:"fired"`
	Inputs map[string]any `json:"inputs,omitempty"`
}

// Evaluate runs the rule set over validated answers. With trace set, Outcome.Trace lists every
// rule in evaluation order.
func (rs *RuleSet) Evaluate(a questionnaire.Answers, trace bool) (*Outcome, error) {
	return rs.evaluate(a, trace, nil)
}

// EvaluateNear is Evaluate (without a trace) for answers that differ a little from those
// near was computed with: a rule whose condition reads only values equal in both keeps near's
// verdict instead of being run again. Counterfactuals evaluate dozens of such neighbours.
func (rs *RuleSet) EvaluateNear(a questionnaire.Answers, near *Outcome) (*Outcome, error) {
	return rs.evaluate(a, false, near)
}

func (rs *RuleSet) evaluate(a questionnaire.Answers, trace bool, near *Outcome) (*Outcome, error) {
	var machine vm.VM
	env := rs.Questionnaire.Env(a, len(rs.Derived)+2) // room for derived values, cost and vendor
	for _, d := range rs.Derived {
		v, err := machine.Run(d.prog, env)
		if err != nil {
			return nil, fmt.Errorf("derived %s (%s): %w", d.ID, d.File, err)
		}
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return nil, fmt.Errorf("derived %s (%s): result is not a finite number", d.ID, d.File)
		}
		env[d.ID] = v
	}
	out := &Outcome{Env: env, Fired: make([]*Rule, 0, len(rs.Rules)), Vendors: make([]VendorVerdicts, 0, rs.vendorRules),
		fired: make([]bool, len(rs.Rules))}
	out.Usage = rs.usage(env)
	out.Cost = rs.Catalog.Cost.Project(out.Usage)
	out.ByModel = make(map[string]catalog.YearCost, len(out.Cost))
	for _, c := range out.Cost {
		out.ByModel[c.Model] = c
	}
	env["cost"] = out.ByModel

	var changed []string // with near: the variables whose values differ from near's
	if near != nil {
		changed = changedVars(out, near)
	}
	for i, r := range rs.Rules {
		fired := true
		switch {
		case r.when == nil:
		case near != nil && !readsAny(r.reads, changed):
			fired = near.fired[i]
		default:
			v, err := machine.Run(r.when, env)
			if err != nil {
				return nil, fmt.Errorf("rule %s (%s:%d): %w", r.ID, r.File, r.Line, err)
			}
			fired = v.(bool)
		}
		out.fired[i] = fired
		if trace {
			out.Trace = append(out.Trace, TraceEntry{Rule: r.ID, File: r.File, Line: r.Line,
				When: r.When.Text, Fired: fired, Inputs: inputs(r, env)})
		}
		if !fired {
			continue
		}
		out.Fired = append(out.Fired, r)
		if r.Vendors == nil {
			continue
		}
		if static := r.Vendors.staticResults(env); static != nil {
			out.Vendors = append(out.Vendors, VendorVerdicts{Rule: r, Results: static})
			continue
		}
		key, memo := r.Vendors.memoKey(env)
		if memo {
			if cached, ok := r.Vendors.memo.Load(key); ok {
				out.Vendors = append(out.Vendors, VendorVerdicts{Rule: r, Results: cached.([]string)})
				continue
			}
		}
		results := make([]string, len(rs.Catalog.Vendors))
		for i, v := range rs.Catalog.Vendors {
			env["vendor"] = v.Env()
			res, err := machine.Run(r.Vendors.prog, env)
			if err != nil {
				return nil, fmt.Errorf("rule %s vendor test for %s: %w", r.ID, v.ID, err)
			}
			results[i] = res.(string)
			if err := checkVerdict(results[i]); err != nil {
				return nil, fmt.Errorf("rule %s vendor test for %s: %w", r.ID, v.ID, err)
			}
		}
		out.Vendors = append(out.Vendors, VendorVerdicts{Rule: r, Results: results})
		delete(env, "vendor")
		if memo {
			r.Vendors.remember(key, results)
		}
	}
	return out, nil
}

// changedVars lists the variables whose values differ between a's environment and b's. The
// cost projection is compared by the usage it was computed from; a value of a type it cannot
// compare counts as changed.
func changedVars(a, b *Outcome) []string {
	var out []string
	for n, x := range a.Env {
		if y, ok := b.Env[n]; !ok || !sameValue(x, y, a, b) {
			out = append(out, n)
		}
	}
	for n := range b.Env {
		if _, ok := a.Env[n]; !ok {
			out = append(out, n)
		}
	}
	return out
}

func sameValue(x, y any, a, b *Outcome) bool {
	switch xv := x.(type) {
	case nil:
		return y == nil
	case string, bool, int, float64:
		return x == y
	case []string:
		yv, ok := y.([]string)
		return ok && slices.Equal(xv, yv)
	case map[string]catalog.YearCost: // "cost": a function of the usage
		_, ok := y.(map[string]catalog.YearCost)
		return ok && a.Usage == b.Usage
	}
	return false
}

// readsAny reports whether any of names is in changed (both short lists).
func readsAny(names, changed []string) bool {
	for _, n := range names {
		if slices.Contains(changed, n) {
			return true
		}
	}
	return false
}

// maxMemo bounds how many answer combinations a vendor test remembers.
const maxMemo = 512

// memoKey encodes the values of the variables a vendor test reads besides vendor. A test's
// verdicts depend only on those and the (immutable) catalogue, so equal keys give equal
// verdicts. ok is false when a value cannot be encoded or the memo is full.
func (v *VendorEffect) memoKey(env map[string]any) (string, bool) {
	if v.reads == nil || v.memoSize.Load() >= maxMemo {
		return "", false
	}
	var b strings.Builder
	for _, name := range v.reads {
		switch x := env[name].(type) {
		case string:
			b.WriteString(x)
		case []string:
			for _, s := range x {
				b.WriteString(s)
				b.WriteByte(',')
			}
		case bool:
			b.WriteString(strconv.FormatBool(x))
		case int:
			b.WriteString(strconv.Itoa(x))
		case float64:
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		default:
			return "", false
		}
		b.WriteByte(0)
	}
	return b.String(), true
}

func (v *VendorEffect) remember(key string, results []string) {
	if _, loaded := v.memo.LoadOrStore(key, results); !loaded {
		v.memoSize.Add(1)
	}
}

func checkVerdict(s string) error {
	if s != catalog.Yes && s != catalog.No && s != catalog.Unknown {
		return fmt.Errorf("returned %q, want yes, no or unknown", s)
	}
	return nil
}

// usage reads the billable user counts for the cost projection from the environment.
func (rs *RuleSet) usage(env map[string]any) catalog.Usage {
	mau := float64(env["mau_now"].(int))
	growth := env["growth_factor"].(float64)
	registered := env["registered_now"].(float64)
	var u catalog.Usage
	// A year is priced at the users expected half-way through it.
	for y := range 3 {
		f := math.Pow(growth, float64(y)+0.5)
		u.MAU[y] = mau * f
		u.Registered[y] = registered * f
	}
	u.MAU3x, u.Registered3x = 3*mau, 3*registered
	return u
}
