package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/expression"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Severities of warnings, most severe first.
var Severities = []string{"critical", "warning", "info"}

// RuleSet is a compiled, immutable set of rules with the questionnaire and catalogue they were
// checked against. It is safe for concurrent use.
type RuleSet struct {
	Questionnaire *questionnaire.Questionnaire
	Catalog       *catalog.Catalog
	Derived       []*Derived
	Rules         []*Rule
	Version       string    // content hash of every file under rules/
	LoadedAt      time.Time // when the set was compiled

	vendorRules int // rules with a vendors effect
}

// Derived is a value computed from the answers before the rules run.
type Derived struct {
	ID   string             `yaml:"id"`
	Type questionnaire.Type `yaml:"type"`
	Help string             `yaml:"help"`
	Expr expression.Source  `yaml:"expr"`
	File string             `yaml:"-"`

	prog  *vm.Program
	index int // position in its file's derived list, for diagnostics
}

// Rule is one rule. See the package documentation for the meaning of each effect.
type Rule struct {
	ID           string             `yaml:"id" json:"id"`
	When         expression.Source  `yaml:"when" json:"-"`
	Because      string             `yaml:"because" json:"because"`
	Architecture map[string]float64 `yaml:"architecture" json:"architecture,omitempty"`
	Approach     map[string]float64 `yaml:"approach" json:"approach,omitempty"`
	Guides       []GuideEffect      `yaml:"guides" json:"guides,omitempty"`
	Warnings     []WarningEffect    `yaml:"warnings" json:"warnings,omitempty"`
	Playbooks    []string           `yaml:"playbooks" json:"playbooks,omitempty"`
	NextSteps    []string           `yaml:"next_steps" json:"next_steps,omitempty"`
	// ForApproach limits the rule's warnings, playbooks and next steps to results with one of
	// these approaches (all approaches when empty): buying, self-hosting and building each have
	// their own next steps.
	ForApproach []string      `yaml:"for_approach" json:"for_approach,omitempty"`
	Vendors     *VendorEffect `yaml:"vendors" json:"vendors,omitempty"`
	// CostWeight adds to ranking.yaml's cost_weight when the rule fires: price matters more to
	// some buyers than to others.
	CostWeight float64 `yaml:"cost_weight" json:"cost_weight,omitempty"`
	File       string  `yaml:"-" json:"file"`
	Line       int     `yaml:"-" json:"line"`

	when  *vm.Program
	reads []string // variables the condition reads, for the explain trace
	index int      // position in its file's rules list, for diagnostics
}

// GuideEffect puts a guide on the reading path.
type GuideEffect struct {
	Slug     string `yaml:"slug" json:"slug"`
	Step     string `yaml:"step" json:"step"`
	Priority int    `yaml:"priority" json:"priority"`
	Reason   string `yaml:"reason" json:"reason,omitempty"`
}

// WarningEffect raises a warning.
type WarningEffect struct {
	ID       string `yaml:"id" json:"id"`
	Severity string `yaml:"severity" json:"severity"`
	Text     string `yaml:"text" json:"text"`
}

// VendorEffect tests every vendor.
type VendorEffect struct {
	Test   expression.Source `yaml:"test" json:"-"`
	Hard   bool              `yaml:"hard" json:"hard"`
	Weight float64           `yaml:"weight" json:"weight,omitempty"`
	Pass   string            `yaml:"pass" json:"pass,omitempty"`
	Fail   string            `yaml:"fail" json:"fail,omitempty"`
	Unsure string            `yaml:"unsure" json:"unsure,omitempty"`

	// Fact is the vendor fact the test is about: written by the editor, or found when the test
	// is exactly vendor.<fact>. Plan qualifiers, third-party sources and the leader's
	// explanation are read from it.
	Fact string `yaml:"fact" json:"fact,omitempty"`
	// FactIdx is Fact's position in catalog.Facts, or -1.
	FactIdx int `yaml:"-" json:"-"`

	prog *vm.Program
	// static holds the verdicts per vendor, for each combination of flags' values, when the
	// test reads nothing but vendor and those yes/no variables: computed once at load.
	flags  []string
	static [][]string

	// Tests that read other variables are remembered by the values they read (see memoKey):
	// the verdicts depend only on those values and the immutable catalogue.
	reads    []string // variables read besides vendor, nil when not remembered
	memo     sync.Map // key → []string
	memoSize atomic.Int32
}

type ruleFile struct {
	Derived []*Derived `yaml:"derived"`
	Rules   []*Rule    `yaml:"rules"`
}

// RequiredDerived are derived values the cost projection reads; rule files must define them.
var RequiredDerived = map[string]questionnaire.Type{
	"growth_factor":  questionnaire.Number, // yearly multiplier of active users
	"registered_now": questionnaire.Number, // stored accounts today
}

// Compile reads every rules/*.yaml file of fsys (the rules folder) and compiles it against q
// and c. prefix is prepended to file names in diagnostics. All problems are reported at once.
func Compile(fsys fs.FS, prefix string, q *questionnaire.Questionnaire, c *catalog.Catalog) (*RuleSet, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	rs := &RuleSet{Questionnaire: q, Catalog: c, LoadedAt: time.Now()}
	var errs diag.List
	sources := map[string][]byte{}
	for _, name := range names {
		file := prefix + name
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs.Add(file, 0, 0, "", "cannot read: %v", err)
			continue
		}
		sources[file] = src
		var rf ruleFile
		if d := diag.DecodeYAML(file, src, &rf); d != nil {
			errs = append(errs, d...)
			continue
		}
		if len(rf.Rules) == 0 && len(rf.Derived) == 0 {
			// An emptied file would otherwise load as "no rules here" and quietly weaken advice.
			errs.Add(file, 1, 1, "", "no rules and no derived values: a rule file must define at least one (delete the file to drop its rules)")
			continue
		}
		for i, d := range rf.Derived {
			d.File, d.index = file, i
		}
		lines := itemLines(src, "rules")
		for i, r := range rf.Rules {
			r.File, r.index = file, i
			if i < len(lines) {
				r.Line = lines[i]
			}
		}
		rs.Derived = append(rs.Derived, rf.Derived...)
		rs.Rules = append(rs.Rules, rf.Rules...)
	}
	if len(names) == 0 {
		errs.Add(prefix, 0, 0, "", "no rule files (*.yaml) found")
	}
	rs.Version = "r-" + hashFS(fsys)
	if len(errs) > 0 {
		return nil, errs.Err()
	}

	checkEngineQuestions(q, &errs)
	env := q.Env(nil, 0)
	rs.compileDerived(env, sources, &errs)
	env["cost"] = map[string]catalog.YearCost{}
	rs.compileRules(env, sources, &errs)
	for i, d := range errs {
		if d.Line > 0 && d.Snippet == "" && sources[d.File] != nil {
			errs[i].Snippet = diag.Snippet(sources[d.File], d.Line, d.Column)
		}
	}
	return rs, errs.Err()
}

func (rs *RuleSet) compileDerived(env map[string]any, sources map[string][]byte, errs *diag.List) {
	seen := map[string]bool{}
	for _, d := range rs.Derived {
		line, col := d.Expr.Line, d.Expr.Column
		if l, c, ok := diag.Find(sources[d.File], "derived", d.index, "id"); ok {
			line, col = l, c
		}
		if _, clash := env[d.ID]; clash || d.ID == "" || d.ID == "cost" || d.ID == "vendor" {
			errs.Add(d.File, line, col, d.ID, "derived value ID %q is empty or already a variable", d.ID)
			continue
		}
		kind := map[questionnaire.Type]reflect.Kind{questionnaire.Single: reflect.String,
			questionnaire.Integer: reflect.Int, questionnaire.Number: reflect.Float64,
			questionnaire.Boolean: reflect.Bool}[d.Type]
		var as expr.Option
		switch {
		case d.Type == questionnaire.Multi:
			as = expr.AsAny()
		case kind == reflect.Invalid:
			tl, tc := diag.Position(sources[d.File], "derived", d.index, "type")
			errs.Add(d.File, tl, tc, d.ID, "unknown type %q (want single, multi, integer, number or boolean)", d.Type)
			continue
		case kind == reflect.Float64:
			as = expr.AsFloat64()
		default:
			as = expr.AsKind(kind)
		}
		prog, dg := expression.Compile(d.Expr, d.File, sources[d.File], d.ID, expression.Options(env, as))
		if dg != nil {
			*errs = append(*errs, *dg)
		} else {
			checkLiterals(d.Expr, d.File, sources[d.File], d.ID, rs.Questionnaire, rs.Catalog, errs)
		}
		d.prog = prog
		env[d.ID] = d.Type.ZeroValue()
		seen[d.ID] = true
	}
	for id, t := range RequiredDerived {
		if !seen[id] {
			file := "rules/"
			if len(rs.Derived) > 0 {
				file = rs.Derived[0].File
			}
			errs.Add(file, 1, 1, id, "derived value %s (%s) is required by the cost projection but no rule file defines it", id, t)
		}
	}
	for _, d := range rs.Derived {
		if t, ok := RequiredDerived[d.ID]; ok && d.Type != t {
			tl, tc := diag.Position(sources[d.File], "derived", d.index, "type")
			errs.Add(d.File, tl, tc, d.ID, "derived value must have type %s: the cost projection reads it as %s", t, t)
		}
	}
}

func (rs *RuleSet) compileRules(env map[string]any, sources map[string][]byte, errs *diag.List) {
	c := rs.Catalog
	vendorEnv := make(map[string]any, len(env)+1)
	for k, v := range env {
		vendorEnv[k] = v
	}
	vendorEnv["vendor"] = &catalog.VendorEnv{}
	first := map[string]*Rule{}
	for _, r := range rs.Rules {
		f := r.File
		// at is the position of path inside the rule, or of its id (or its item) when the
		// path is missing.
		at := func(path ...any) (int, int) {
			line, col, ok := diag.Find(sources[f], append([]any{"rules", r.index}, path...)...)
			if !ok {
				if l, c, ok := diag.Find(sources[f], "rules", r.index, "id"); ok {
					return l, c
				}
			}
			return line, col
		}
		addAt := func(path []any, format string, args ...any) {
			line, col := at(path...)
			errs.Add(f, line, col, r.ID, format, args...)
		}
		add := func(format string, args ...any) { addAt([]any{"id"}, format, args...) }
		switch prev := first[r.ID]; {
		case r.ID == "":
			add("rule has no id")
		case prev != nil:
			pl, pc, _ := diag.Find(sources[prev.File], "rules", prev.index, "id")
			add("rule ID %q is used twice (first at %s:%d:%d)", r.ID, prev.File, pl, pc)
		default:
			first[r.ID] = r
		}
		if strings.TrimSpace(r.Because) == "" {
			addAt([]any{"because"}, "rule has no because: every rule needs the sentence a buyer reads when it fires")
		}
		if r.CostWeight < 0 {
			addAt([]any{"cost_weight"}, "cost_weight: %g, want 0 or more", r.CostWeight)
		}
		if len(r.Architecture)+len(r.Approach)+len(r.Guides)+len(r.Warnings)+len(r.Playbooks)+len(r.NextSteps) == 0 && r.Vendors == nil && r.CostWeight == 0 {
			add("rule has no effect")
		}
		for id := range r.Architecture {
			if c.Architecture(id) == nil {
				addAt([]any{"architecture", id}, "architecture %q is not in rules/catalog/architectures.yaml%s", id, didYouMean(id, archIDs(c)))
			}
		}
		for id := range r.Approach {
			if c.Approach(id) == nil {
				addAt([]any{"approach", id}, "approach %q is not in rules/catalog/architectures.yaml%s", id, didYouMean(id, approachIDs(c)))
			}
		}
		for i, g := range r.Guides {
			if c.Guide(g.Slug) == nil {
				addAt([]any{"guides", i, "slug"}, "guide %q is not in rules/catalog/guides.yaml%s", g.Slug, didYouMean(g.Slug, guideSlugs(c)))
			}
			if rs.Questionnaire.Step(g.Step) == nil {
				addAt([]any{"guides", i, "step"}, "guide %s: step %q is not a questionnaire step%s", g.Slug, g.Step, didYouMean(g.Step, stepIDs(rs.Questionnaire)))
			}
		}
		for i, w := range r.Warnings {
			if w.ID == "" || w.Text == "" || !contains(Severities, w.Severity) {
				addAt([]any{"warnings", i}, "warning %q needs id, text and a severity of %s", w.ID, strings.Join(Severities, ", "))
			}
		}
		for i, id := range r.ForApproach {
			if c.Approach(id) == nil {
				addAt([]any{"for_approach", i}, "for_approach: %q is not an approach in rules/catalog/architectures.yaml%s", id, didYouMean(id, approachIDs(c)))
			}
		}
		for i, p := range r.Playbooks {
			if c.Playbook(p) == nil {
				addAt([]any{"playbooks", i}, "playbook %q is not in rules/catalog/playbooks.yaml%s", p, didYouMean(p, playbookIDs(c)))
			}
		}
		if !r.When.IsZero() {
			prog, d := expression.Compile(r.When, f, sources[f], r.ID, expression.Options(env, expr.AsBool()))
			if d != nil {
				*errs = append(*errs, *d)
			} else {
				checkLiterals(r.When, f, sources[f], r.ID, rs.Questionnaire, c, errs)
			}
			r.when, r.reads = prog, identifiersIn(r.When.Text)
		}
		if v := r.Vendors; v != nil {
			rs.vendorRules++
			switch {
			case v.Test.IsZero():
				addAt([]any{"vendors"}, "vendors: test is required")
			case v.Hard && v.Fail == "":
				addAt([]any{"vendors"}, "vendors: a hard test needs fail, the reason a vendor is knocked out")
			case v.Unsure == "":
				addAt([]any{"vendors"}, "vendors: unsure is required, the check shown when a fact is unknown")
			}
			prog, d := expression.Compile(v.Test, f, sources[f], r.ID, expression.Options(vendorEnv, expr.AsKind(reflect.String)))
			if d != nil {
				*errs = append(*errs, *d)
			} else {
				checkLiterals(v.Test, f, sources[f], r.ID, rs.Questionnaire, c, errs)
			}
			v.prog = prog
			if key, ok := strings.CutPrefix(strings.TrimSpace(v.Test.Text), "vendor."); ok && catalog.FactLabels[key] != "" && v.Fact == "" {
				v.Fact = key
			}
			v.FactIdx = catalog.FactIndex(v.Fact)
			if v.Fact != "" && catalog.FactLabels[v.Fact] == "" {
				addAt([]any{"vendors", "fact"}, "vendors: fact %q is not a vendor fact%s (want one of %s)", v.Fact, didYouMean(v.Fact, catalog.FactKeys), strings.Join(catalog.FactKeys, ", "))
			}
			if d == nil {
				if err := v.precompute(rs.Catalog.Vendors, vendorEnv); err != nil {
					addAt([]any{"vendors", "test"}, "vendors: %v", err)
				}
				if v.static == nil {
					v.reads = slices.DeleteFunc(identifiersIn(v.Test.Text), func(n string) bool { return n == "vendor" })
				}
			}
		}
	}
}

// maxStaticFlags is how many yes/no variables a vendor test may read besides vendor and still
// be computed at load, once per vendor and per combination of their values.
const maxStaticFlags = 3

// precompute evaluates a vendor test that reads only the vendor and a few yes/no variables
// once per vendor and combination of those variables, so that evaluation need not run it for
// every request.
func (v *VendorEffect) precompute(vendors []*catalog.Vendor, env map[string]any) error {
	var flags []string
	for _, name := range identifiersIn(v.Test.Text) {
		if name == "vendor" || slices.Contains(flags, name) {
			continue
		}
		if _, ok := env[name].(bool); !ok || len(flags) == maxStaticFlags {
			return nil
		}
		flags = append(flags, name)
	}
	var m vm.VM
	table := make([][]string, 1<<len(flags))
	saved := make([]any, len(flags))
	for i, f := range flags {
		saved[i] = env[f]
	}
	defer func() {
		for i, f := range flags {
			env[f] = saved[i]
		}
	}()
	for combo := range table {
		for i, f := range flags {
			env[f] = combo&(1<<i) != 0
		}
		table[combo] = make([]string, len(vendors))
		for i, vendor := range vendors {
			env["vendor"] = vendor.Env()
			res, err := m.Run(v.prog, env)
			if err != nil {
				return fmt.Errorf("test fails for vendor %s: %w", vendor.ID, err)
			}
			table[combo][i] = res.(string)
			if err := checkVerdict(table[combo][i]); err != nil {
				return fmt.Errorf("test for vendor %s %w", vendor.ID, err)
			}
		}
	}
	v.flags, v.static = flags, table
	return nil
}

// staticResults returns the precomputed verdicts for the flags' values in env, or nil when the
// test must run per request.
func (v *VendorEffect) staticResults(env map[string]any) []string {
	if v.static == nil {
		return nil
	}
	combo := 0
	for i, f := range v.flags {
		if env[f].(bool) {
			combo |= 1 << i
		}
	}
	return v.static[combo]
}

// AppliesTo reports whether the rule's warnings, playbooks and next steps belong in a result
// with the approach.
func (r *Rule) AppliesTo(approach string) bool {
	return len(r.ForApproach) == 0 || slices.Contains(r.ForApproach, approach)
}

// itemLines returns the line of each item of the top-level sequence key in a YAML file.
func itemLines(src []byte, key string) []int {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			var lines []int
			for _, item := range m.Content[i+1].Content {
				lines = append(lines, item.Line)
			}
			return lines
		}
	}
	return nil
}

// hashFS hashes the files Compile and catalog.Load read (rules/*.yaml and rules/catalog/),
// so that any change to what the engine reads gives a new version, and nothing else does:
// the scenarios under tests/ have their own version (scenario.Version).
func hashFS(fsys fs.FS) string {
	h := sha256.New()
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".yaml" {
			return nil
		}
		if strings.Contains(p, "/") && !strings.HasPrefix(p, "catalog/") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)[:6])
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
