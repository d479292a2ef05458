package advisor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/advisor/advisortest"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// TestEditorSlipsAreCaught makes the slips editors make in the shipped content, one at a
// time, and checks that loading (or, for scenarios, checking) the content reports each at
// its file:line:col with a suggestion where one exists.
func TestEditorSlipsAreCaught(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"an engine-read question changes type", "questionnaire/start-here.yaml",
			"      - id: mau_now\n        type: integer", "      - id: mau_now\n        type: number",
			[]string{"questionnaire/start-here.yaml:175:15: mau_now: type number: the engine reads mau_now as integer"}},
		{"an option literal in a condition", "rules/30-constraints.yaml",
			`industry == "financial_services"`, `industry == "finance"`,
			[]string{`rules/30-constraints.yaml:181:23: industry-financial: "finance" is not an option of industry, so this comparison is never true; did you mean "financial_services"?`}},
		{"an option literal with in", "rules/50-primitives.yaml",
			`'"agent_auth" in must_haves'`, `'"agents_auth" in must_haves'`,
			[]string{`rules/50-primitives.yaml:243:12: must-agent-auth: "agents_auth" is not an option of must_haves, so this comparison is never true; did you mean "agent_auth"?`}},
		{"an unknown vendor ID in an expression", "rules/40-scale.yaml",
			`vendor.id == "auth0"`, `vendor.id == "auth-0"`,
			[]string{`rules/40-scale.yaml:39:27: auth0-past-500k: "auth-0" is not a vendor ID in rules/catalog/vendors/, so this comparison is never true; did you mean "auth0"?`}},
		{"a duplicate rule ID names both places", "rules/30-constraints.yaml",
			"  - id: industry-financial\n", "  - id: industry-healthcare-without-hipaa\n",
			[]string{`rules/30-constraints.yaml:180:9: industry-healthcare-without-hipaa: rule ID "industry-healthcare-without-hipaa" is used twice (first at rules/30-constraints.yaml:170:9)`}},
		{"an empty question label", "questionnaire/start-here.yaml",
			"      - id: industry\n        type: single\n        label: ", "      - id: industry\n        type: single\n        help2: ",
			[]string{`questionnaire/start-here.yaml:153:9: unknown key "help2"; did you mean "help"?`}},
		{"a catalogue error has a position", "rules/catalog/playbooks.yaml",
			"approaches: [", "approaches: [buy-manged, ",
			[]string{`rules/catalog/playbooks.yaml:`, `approach "buy-manged" is not in catalog/architectures.yaml`}},
		{"an unknown vendor in a scenario", "rules/tests/auth0-stay-small.yaml",
			"  leader: auth0", "  leader: autho",
			[]string{`rules/tests/auth0-stay-small.yaml:16:11: Small consumer app happy on Auth0: vendor "autho" does not exist; did you mean "auth0"?`}},
		{"a misspelt expect key", "rules/tests/auth0-stay-small.yaml",
			"  architecture: b2c", "  architectur: b2c",
			[]string{`rules/tests/auth0-stay-small.yaml:13:3: unknown key "architectur"; did you mean "architecture"? (allowed here: above, approach, architecture,`}},
		{"a bad block deep in a file", "rules/40-scale.yaml",
			`vendor.id == "auth0" ? "no" : "yes"'`, `vendor.id == "auth0" ? "no" : "yes"`,
			[]string{`rules/40-scale.yaml:`, `:12: did not find expected key (while parsing a block mapping that began at line 39, column 7)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := advisortest.CopyContent(t)
			path := filepath.Join(dir, tt.file)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Contains(t, string(b), tt.old)
			require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), tt.old, tt.new, 1)), 0o644))
			src, err := advisor.Dir(dir)
			require.NoError(t, err)
			a, err := advisor.Load(src)
			if err == nil {
				err = scenario.Check(a)
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, " |") {
					assert.Regexp(t, `^[^:]+:\d+:\d+: `, line, "every diagnostic has file:line:col")
				}
			}
		})
	}
}
