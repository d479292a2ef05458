package rules_test

import (
	"fmt"
	"io/fs"
	"maps"
	"runtime/debug"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
	"github.com/ciamadvisor/advisor/internal/scenario"
	qfiles "github.com/ciamadvisor/advisor/questionnaire"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// content returns the shipped rules folder with some files replaced.
func content(t testing.TB, replace map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(rfiles.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(rfiles.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	}))
	for name, text := range replace {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func compile(t testing.TB, fsys fs.FS) (*rules.RuleSet, error) {
	t.Helper()
	q, err := questionnaire.Load(qfiles.FS, "start-here.yaml", "questionnaire/start-here.yaml")
	require.NoError(t, err)
	c, err := catalog.Load(fsys, "rules/")
	require.NoError(t, err)
	return rules.Compile(fsys, "rules/", q, c)
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
	}{
		{"typo in a question ID", `rules:
  - id: typo
    when: identity_shap == "b2b"
    because: B2B.
    architecture: {b2b-multi-tenant: 1}
`, "rules/99-test.yaml:3:11: typo: unknown name identity_shap\n |     when: identity_shap == \"b2b\"\n | ..........^"},
		{"type error in a quoted condition", `rules:
  - id: types
    when: 'mau_now > "many"'
    because: Big.
    architecture: {b2b-multi-tenant: 1}
`, "rules/99-test.yaml:3:20: types: invalid operation: > (mismatched types int and string)\n |     when: 'mau_now > \"many\"'\n | ...................^"},
		{"error on the second line of a block condition", `rules:
  - id: block
    when: >-
      identity_shape == "b2b" &&
      vendor.saml == "yes"
    because: B2B.
    architecture: {b2b-multi-tenant: 1}
`, "rules/99-test.yaml:5:7: block: unknown name vendor\n |       vendor.saml == \"yes\"\n | ......^"},
		{"unknown vendor field and bad references, all reported", `rules:
  - id: refs
    because: Refs.
    architecture: {b2x: 1}
    guides: [{slug: no-such-guide, step: shape}]
    vendors: {test: vendor.hipaa, hard: true, fail: F, unsure: U}
`, "rules/99-test.yaml:4:25: refs: architecture \"b2x\" is not in rules/catalog/architectures.yaml\n |     architecture: {b2x: 1}\n | ........................^\n" +
			"rules/99-test.yaml:5:21: refs: guide \"no-such-guide\" is not in rules/catalog/guides.yaml\n |     guides: [{slug: no-such-guide, step: shape}]\n | ....................^\n" +
			"rules/99-test.yaml:6:28: refs: type catalog.VendorEnv has no field hipaa\n |     vendors: {test: vendor.hipaa, hard: true, fail: F, unsure: U}\n | ...........................^"},
		{"rule without a reason", `rules:
  - id: silent
    when: "true"
    architecture: {b2b-multi-tenant: 1}
`, "rules/99-test.yaml:2:9: silent: rule has no because: every rule needs the sentence a buyer reads when it fires\n |   - id: silent\n | ........^"},
		{"option literal with a suggestion", `rules:
  - id: fin
    when: industry == "finance"
    because: Money.
    architecture: {b2b-multi-tenant: 1}
`, "rules/99-test.yaml:3:23: fin: \"finance\" is not an option of industry, so this comparison is never true; did you mean \"financial_services\"? " +
			"(want one of general, healthcare, financial_services, government, retail, gaming, education, saas)\n |     when: industry == \"finance\"\n | ......................^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compile(t, content(t, map[string]string{"99-test.yaml": tt.file}))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestDuplicateRuleAcrossFiles(t *testing.T) {
	_, err := compile(t, content(t, map[string]string{"99-test.yaml": "rules:\n  - id: shape-b2c\n    because: again\n    next_steps: [x]\n"}))
	assert.ErrorContains(t, err, `rules/99-test.yaml:2:9: shape-b2c: rule ID "shape-b2c" is used twice (first at rules/10-shape.yaml:4:9)`)
}

// fixture compiles the engine tests' small content (advisortest.Fixture), so that tests of
// evaluation semantics do not change when editors change the shipped rules.
func fixture(t testing.TB) *rules.RuleSet {
	t.Helper()
	a, err := advisor.Load(advisortest.Fixture())
	require.NoError(t, err)
	return a.Rules
}

func TestEvaluateRecordsTrace(t *testing.T) {
	rs := fixture(t)
	out, err := rs.Evaluate(questionnaire.Answers{"identity_shape": "b2b", "mau_now": 100}, true)
	require.NoError(t, err)
	require.Len(t, out.Trace, len(rs.Rules))
	byRule := map[string]rules.TraceEntry{}
	for _, e := range out.Trace {
		byRule[e.Rule] = e
	}
	assert.True(t, byRule["shape-business"].Fired)
	assert.Equal(t, map[string]any{"identity_shape": "b2b"}, byRule["shape-business"].Inputs)
	assert.Equal(t, `identity_shape != "b2c"`, byRule["shape-business"].When)
	assert.False(t, byRule["shape-consumer"].Fired)
	assert.False(t, byRule["hipaa"].Fired)
}

// TestVendorVerdicts checks the verdicts of vendor tests: one per vendor in catalogue order,
// only for fired rules, in rule order.
func TestVendorVerdicts(t *testing.T) {
	rs := fixture(t)
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    map[string][]string // rule → verdicts for alpha, beta
	}{
		{"no vendor rule fires", questionnaire.Answers{"identity_shape": "b2c", "mau_now": 1}, map[string][]string{}},
		{"a hard test: unknown and no", questionnaire.Answers{"identity_shape": "b2c", "mau_now": 1, "constraints": []string{"hipaa"}},
			map[string][]string{"hipaa": {"unknown", "no"}}},
		{"soft tests: yes and no", questionnaire.Answers{"identity_shape": "b2c", "mau_now": 1, "must_haves": []string{"mfa", "scim"}},
			map[string][]string{"must-mfa": {"yes", "yes"}, "must-scim": {"no", "yes"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := rs.Evaluate(tt.answers, false)
			require.NoError(t, err)
			got := map[string][]string{}
			for _, v := range out.Vendors {
				got[v.Rule.ID] = v.Results
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// Example shows a rule set in use: load content (here the small fixture the engine tests use),
// validate answers against its questionnaire, then evaluate them.
func Example() {
	a, err := advisor.Load(advisortest.Fixture())
	if err != nil {
		panic(err)
	}
	answers, _, err := a.Questionnaire().Validate(map[string]any{
		"identity_shape": "b2b", "mau_now": 40000, "constraints": []any{"hipaa"}, "must_haves": []any{"scim"},
	})
	if err != nil {
		panic(err)
	}
	out, err := a.Rules.Evaluate(answers, false)
	if err != nil {
		panic(err)
	}
	for _, r := range out.Fired {
		fmt.Println("fired:", r.ID)
	}
	for _, v := range out.Vendors { // verdicts per vendor, in catalogue order: alpha, beta
		fmt.Println(v.Rule.ID, v.Results)
	}
	// Output:
	// fired: shape-business
	// fired: hipaa
	// fired: must-scim
	// hipaa [unknown no]
	// must-scim [no yes]
}

// typicalAnswers are the answers of a typical B2B buyer, as decoded JSON.
func typicalAnswers() map[string]any {
	return map[string]any{
		"identity_shape": "b2b", "channels": []any{"web", "api"}, "enterprise_sso": "now", "largest_customer_seats": 3000,
		"identity_is_product": false, "identity_team": "part_time", "current_platform": "auth0",
		"constraints": []any{"data_residency", "soc2", "gdpr"}, "residency_regions": []any{"eu"}, "industry": "saas",
		"mau_now": 40000, "mau_growth_pct": 50.0, "registered_users": 120000, "must_haves": []any{"enterprise_sso", "scim", "mfa"},
	}
}

func typical(b *testing.B) (*advisor.Advisor, questionnaire.Answers) {
	a, err := advisor.Load(advisor.Embedded())
	require.NoError(b, err)
	answers, _, err := a.Questionnaire().Validate(typicalAnswers())
	require.NoError(b, err)
	return a, answers
}

// gcSettings runs a benchmark under the collector's default (GOGC=100) and under the setting
// `advisor serve` runs with (GOGC=400, internal/cli/serve.go). The live heap is about a
// megabyte, so at the default every few hundred evaluations pay for a whole collection cycle;
// compare benchmarks within one setting.
func gcSettings(b *testing.B, run func(b *testing.B)) {
	for _, pct := range []int{100, 400} {
		b.Run(fmt.Sprintf("gogc=%d", pct), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(pct))
			run(b)
		})
	}
}

// BenchmarkEvaluate measures a plain evaluation of a typical answer set, as the API serves it
// without counterfactuals: validation, derived values, cost projection, every rule and vendor
// test, ranking, per-vendor cost, the comparison and assembly of the result.
func BenchmarkEvaluate(b *testing.B) {
	a, _ := typical(b)
	raw := typicalAnswers()
	gcSettings(b, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Evaluate(raw, advisor.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRules measures the rule engine alone on validated answers: derived values, the cost
// projection, every condition and vendor test (static and remembered verdicts included).
func BenchmarkRules(b *testing.B) {
	a, answers := typical(b)
	gcSettings(b, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Rules.Evaluate(answers, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCounterfactuals measures an evaluation with its counterfactuals: every other value
// of every visible question tried, and numeric flip points found by bisection.
func BenchmarkCounterfactuals(b *testing.B) {
	a, _ := typical(b)
	raw := typicalAnswers()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Evaluate(raw, advisor.Options{Counterfactuals: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBare runs the same compiled programs with no engine around them: every derived
// value, every condition, and every fired vendor test for every vendor. The baseline for the
// engine's overhead.
func BenchmarkBare(b *testing.B) {
	a, answers := typical(b)
	gcSettings(b, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			env := a.Questionnaire().Env(answers, 10)
			env["cost"] = map[string]catalog.YearCost{}
			rules.RunBare(a.Rules, env)
		}
	})
}

// TestRememberedVerdictsMatchFreshOnes evaluates answer sets whose vendor tests read answers
// (residency regions) twice on one rule set and once on a fresh one: remembered verdicts must
// equal computed ones, whatever the order of requests.
func TestRememberedVerdictsMatchFreshOnes(t *testing.T) {
	warm, err := compile(t, rfiles.FS)
	require.NoError(t, err)
	sets := []questionnaire.Answers{
		{"identity_shape": "b2b", "identity_is_product": false, "mau_now": 100, "constraints": []string{"data_residency"}, "residency_regions": []string{"eu"}},
		{"identity_shape": "b2b", "identity_is_product": false, "mau_now": 100, "constraints": []string{"data_residency"}, "residency_regions": []string{"eu", "ch"}},
		{"identity_shape": "b2b", "identity_is_product": false, "mau_now": 100, "constraints": []string{"data_residency"}, "residency_regions": []string{"us"}},
	}
	for round := range 2 {
		for i, a := range sets {
			cold, err := compile(t, rfiles.FS)
			require.NoError(t, err)
			want, err := cold.Evaluate(a, false)
			require.NoError(t, err)
			got, err := warm.Evaluate(a, false)
			require.NoError(t, err)
			require.Equal(t, len(want.Vendors), len(got.Vendors))
			for j := range want.Vendors {
				assert.Equal(t, want.Vendors[j].Results, got.Vendors[j].Results, "round %d, set %d, rule %s", round, i, want.Vendors[j].Rule.ID)
			}
		}
	}
}

func TestVersionIgnoresScenarios(t *testing.T) {
	before, err := compile(t, content(t, nil))
	require.NoError(t, err)
	after, err := compile(t, content(t, map[string]string{"tests/new.yaml": "# a comment\nname: x\n"}))
	require.NoError(t, err)
	assert.Equal(t, before.Version, after.Version, "a scenario is not part of the rule set")
	changed, err := compile(t, content(t, map[string]string{"catalog/ranking.yaml": string(mustRead(t, "catalog/ranking.yaml")) + "\n# reviewed\n"}))
	require.NoError(t, err)
	assert.NotEqual(t, before.Version, changed.Version, "the catalogue is")
}

func mustRead(t *testing.T, name string) []byte {
	b, err := fs.ReadFile(rfiles.FS, name)
	require.NoError(t, err)
	return b
}

// TestEvaluateNearMatchesEvaluate checks that reusing a neighbour's verdicts changes nothing:
// for every persona scenario and every single-answer change a counterfactual could try (each
// other option, each option toggled, each yes/no flipped, each number ×0.1 and ×10), the rules
// that fire and every vendor verdict equal those of a fresh evaluation.
func TestEvaluateNearMatchesEvaluate(t *testing.T) {
	a, err := advisor.Load(advisor.Embedded())
	require.NoError(t, err)
	q := a.Questionnaire()
	list, err := scenario.Load(a.Source.Rules)
	require.NoError(t, err)
	changes := func(qn *questionnaire.Question, from any) []any {
		var out []any
		switch qn.Type {
		case questionnaire.Single:
			for _, o := range qn.Options {
				out = append(out, o.Value)
			}
		case questionnaire.Multi:
			list, _ := from.([]string)
			for _, o := range qn.Options {
				if slices.Contains(list, o.Value) {
					out = append(out, slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == o.Value }))
				} else {
					out = append(out, append(slices.Clone(list), o.Value))
				}
			}
		case questionnaire.Boolean:
			b, _ := from.(bool)
			out = append(out, !b)
		case questionnaire.Integer:
			n, _ := from.(int)
			out = append(out, n/10, n*10, 0, 1_000_000)
		case questionnaire.Number:
			f, _ := from.(float64)
			out = append(out, f/10, f*10, -20.0, 0.0)
		}
		return out
	}
	probes := 0
	for _, s := range list {
		if len(s.Expect.Invalid) > 0 {
			continue
		}
		base, _, err := q.Validate(s.Answers)
		require.NoError(t, err, s.Name)
		near, err := a.Rules.Evaluate(base, false)
		require.NoError(t, err)
		for _, qn := range q.Questions() {
			for _, to := range changes(qn, base[qn.ID]) {
				changed := maps.Clone(base)
				changed[qn.ID] = to
				q.Prune(changed)
				if _, _, err := q.Validate(map[string]any(changed)); err != nil {
					continue // out of range for this question
				}
				want, err := a.Rules.Evaluate(changed, false)
				require.NoError(t, err)
				got, err := a.Rules.EvaluateNear(changed, near)
				require.NoError(t, err)
				probes++
				require.Equal(t, firedIDs(want), firedIDs(got), "%s: %s = %v", s.Name, qn.ID, to)
				require.Equal(t, want.Vendors, got.Vendors, "%s: %s = %v", s.Name, qn.ID, to)
			}
		}
	}
	t.Logf("%d single-answer changes compared", probes)
	assert.Greater(t, probes, 1000)
}

func firedIDs(o *rules.Outcome) []string {
	ids := make([]string, len(o.Fired))
	for i, r := range o.Fired {
		ids[i] = r.ID
	}
	return ids
}

// TestEvaluateNearSeesCostChange checks that a rule reading the cost projection is run again
// when the users it was projected from change, even though no answer it names directly did.
func TestEvaluateNearSeesCostChange(t *testing.T) {
	rs, err := compile(t, content(t, map[string]string{"45-costly.yaml": `rules:
  - id: costly-self-host
    when: cost.self_host.total.high > 2000000
    because: Self-hosting would cost over two million dollars over three years.
    approach: {buy-managed: 1}
`}))
	require.NoError(t, err)
	small := questionnaire.Answers{"identity_shape": "b2c", "identity_is_product": false, "mau_now": 1000}
	large := maps.Clone(small)
	large["mau_now"] = 50_000_000
	near, err := rs.Evaluate(small, false)
	require.NoError(t, err)
	require.NotContains(t, firedIDs(near), "costly-self-host")
	want, err := rs.Evaluate(large, false)
	require.NoError(t, err)
	require.Contains(t, firedIDs(want), "costly-self-host", "the fixture must fire at scale")
	got, err := rs.EvaluateNear(large, near)
	require.NoError(t, err)
	assert.Equal(t, firedIDs(want), firedIDs(got))
}
