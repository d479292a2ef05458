package cli_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/cli"
)

var update = flag.Bool("update", false, "rewrite golden files")

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// contentHash matches the questionnaire and rule-set versions: content hashes that change
// with every edit of the content, which a golden file must not depend on.
var contentHash = regexp.MustCompile(`\b([qr])-[0-9a-f]{12}\b`)

// golden compares got with testdata/name, or rewrites it with -update. Content hashes are
// written and compared as q-HASH and r-HASH, so that a content edit (a comment in a rule
// file) does not fail the test.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got = contentHash.ReplaceAllString(got, "$1-HASH")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, contentHash.ReplaceAllString(string(want), "$1-HASH"), got, "golden file %s differs; run go test ./internal/cli -update if the change is intended", path)
}

const b2bAnswers = `{"identity_shape":"b2b","channels":["web","api"],"enterprise_sso":"now","largest_customer_seats":3000,
 "identity_is_product":false,"identity_team":"part_time","current_platform":"none","constraints":["soc2","gdpr"],
 "industry":"saas","mau_now":40000,"mau_growth_pct":50,"must_haves":["enterprise_sso","scim","organizations","mfa"]}`

func TestEval(t *testing.T) {
	for _, format := range []string{"json", "markdown", "text"} {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := run(t, b2bAnswers, "eval", "--answers", "-", "--format", format)
			require.Equal(t, 0, code, stderr)
			// The report is dated today; the golden file holds a fixed date.
			out = regexp.MustCompile(`(?m)^Prepared .*\.$`).ReplaceAllString(out, "Prepared DATE.")
			golden(t, "eval-b2b."+format, out)
		})
	}
	t.Run("answers file and env var format", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "a.json")
		require.NoError(t, os.WriteFile(file, []byte(b2bAnswers), 0o644))
		t.Setenv("ADVISOR_FORMAT", "text")
		code, out, _ := run(t, "", "eval", "--answers", file)
		require.Equal(t, 0, code)
		assert.Contains(t, out, "Architecture: B2B multi-tenant [b2b-multi-tenant]")
	})
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"invalid answers list every problem", `{"identity_shape":"b2x","mau_now":-1,"colour":"red"}`, []string{"eval", "--answers", "-"}, 2,
			"advisor: invalid answers:\n" +
				"  colour: no such question in questionnaire \"start-here\"\n" +
				"  identity_shape: got \"b2x\", want one of \"b2c\", \"b2b\", \"b2b2c\"\n" +
				"  identity_is_product: an answer is required (true or false)\n" +
				"  mau_now: got -1, want a whole number ≥ 0\n"},
		{"answers are not JSON", `{"identity_shape":`, []string{"eval", "--answers", "-"}, 2,
			"advisor: invalid answers:\n  answers must be a JSON object keyed by question ID: unexpected EOF\n"},
		{"missing answers flag", "", []string{"eval"}, 2,
			"advisor: --answers is required: a JSON file of answers keyed by question ID, or - for standard input\n"},
		{"bad format", b2bAnswers, []string{"eval", "--answers", "-", "--format", "pdf"}, 2,
			"advisor: invalid configuration:\n  format: \"pdf\" is not one of json, markdown, text\n"},
		{"unknown flag", "", []string{"eval", "--answer", "x"}, 2, "advisor: unknown flag: --answer\n"},
		{"unknown command", "", []string{"evaluate"}, 2, "advisor: unknown command \"evaluate\" for \"advisor\"\n"},
		{"content folder without rules", "", []string{"validate", "--content", os.TempDir()}, 2,
			"advisor: content folder \"" + os.TempDir() + "\" must hold questionnaire/ and rules/ folders (the repository root works)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.stderr, stderr)
		})
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("format: text\n"), 0o644))
	code, out, stderr := run(t, b2bAnswers, "eval", "--answers", "-", "--config", good)
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(out, "Architecture:"))

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("formatt: text\n"), 0o644))
	code, _, stderr = run(t, b2bAnswers, "eval", "--answers", "-", "--config", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "invalid keys: formatt")
}

func TestValidateReportsTypoWithPosition(t *testing.T) {
	dir := advisortest.CopyContent(t)
	file := filepath.Join(dir, "rules", "10-shape.yaml")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, bytes.Replace(b, []byte(`when: identity_shape == "b2c"`), []byte(`when: identity_shap == "b2c"`), 1), 0o644))

	code, _, stderr := run(t, "", "validate", "--content", dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, "advisor: content does not load:\n"+
		"rules/10-shape.yaml:5:11: shape-b2c: unknown name identity_shap\n"+
		" |     when: identity_shap == \"b2c\"\n"+
		" | ..........^\n", stderr)
}

func TestValidateAndTest(t *testing.T) {
	code, out, stderr := run(t, "", "validate", "--max-age-days", "100000")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "ok: questionnaire q-")
	assert.Contains(t, out, "; 0 stale items")

	code, out, _ = run(t, "", "validate", "--max-age-days", "30", "--strict")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `(?m)^ok: .*\n\d+ warnings: content reviewed more than 30 days ago in rules/catalog/.* \(--verbose lists them\)\n$`, out,
		"the verdict first, then one line for the warnings")
	assert.NotContains(t, out, "warning: ")

	code, out, _ = run(t, "", "validate", "--max-age-days", "30", "--verbose")
	assert.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^warning: rules/catalog/\S+\.yaml:\d+:\d+: `, out)

	code, out, stderr = run(t, "", "test", "--min-coverage", "70")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "passed, 0 failed\n")
	assert.Contains(t, out, "rule coverage: 100.0%")
}

func TestTestReportsFailures(t *testing.T) {
	dir := advisortest.CopyContent(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules", "tests", "wrong.yaml"), []byte(`name: wrong on purpose
answers: {identity_shape: b2c, identity_is_product: false, mau_now: 10}
expect:
  architecture: b2b-multi-tenant
  warnings: [no-such-warning]
`), 0o644))
	code, out, _ := run(t, "", "test", "--content", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL wrong on purpose (rules/tests/wrong.yaml)\n"+
		"     5:14: warning \"no-such-warning\" does not exist\n"+
		"     architecture: expected b2b-multi-tenant, got b2c-mobile-first (scores: b2c-mobile-first 10, runner-up b2b-multi-tenant 0)\n"+
		"     warnings: expected no-such-warning; got ")
}

func TestDiff(t *testing.T) {
	old := advisortest.CopyContent(t)
	code, out, _ := run(t, "", "diff", "--against", old)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "cases compared, 0 changed\n")

	next := advisortest.CopyContent(t)
	file := filepath.Join(next, "rules", "30-constraints.yaml")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	b = bytes.Replace(b, []byte("    because: You handle protected health information, and no vendor may touch it without a signed Business Associate Agreement.\n    architecture: {regulated-self-hosted: 4}"),
		[]byte("    because: You handle protected health information, and no vendor may touch it without a signed Business Associate Agreement.\n    architecture: {regulated-self-hosted: 20}"), 1)
	require.NoError(t, os.WriteFile(file, b, 0o644))
	code, out, _ = run(t, "", "diff", "--against", old, "--content", next)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "CHANGED scenario \"Patient portal under HIPAA\"\n  architecture: b2c-mobile-first -> regulated-self-hosted\n")
}

// TestValidateRefusesWeakenedContent: an emptied rule file and content whose scenarios fail are
// both refused, as a live reload refuses them.
func TestValidateRefusesWeakenedContent(t *testing.T) {
	t.Run("empty rule file", func(t *testing.T) {
		dir := advisortest.CopyContent(t)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "rules", "30-constraints.yaml"), nil, 0o644))
		code, out, stderr := run(t, "", "validate", "--content", dir)
		assert.Equal(t, 1, code, out)
		assert.Equal(t, "advisor: content does not load:\n"+
			"rules/30-constraints.yaml:1:1: no rules and no derived values: a rule file must define at least one (delete the file to drop its rules)\n", stderr)
	})
	t.Run("failing scenario", func(t *testing.T) {
		dir := advisortest.CopyContent(t)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "rules", "tests", "zz-wrong.yaml"), []byte(`name: wrong on purpose
answers: {identity_shape: b2c, identity_is_product: false, mau_now: 10}
expect:
  architecture: b2b-multi-tenant
`), 0o644))
		code, out, stderr := run(t, "", "validate", "--content", dir)
		assert.Equal(t, 1, code, out)
		assert.Contains(t, stderr, "advisor: the content loads, but its scenarios fail (a running server refuses it on reload):\n")
		assert.Contains(t, stderr, "rules/tests/zz-wrong.yaml:3:1: wrong on purpose: scenario fails: architecture: expected b2b-multi-tenant, got b2c-mobile-first")
		assert.NotContains(t, out, "ok:")
	})
}

func TestServeRetentionFlag(t *testing.T) {
	code, _, stderr := run(t, "", "serve", "--retention", "3w", "--addr", "127.0.0.1:0")
	assert.Equal(t, 2, code)
	assert.Equal(t, "advisor: invalid configuration:\n  retention: \"3w\", want days such as 180d, a duration such as 720h, or 0 to keep anonymous assessments\n", stderr)
}
