package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ciamadvisor/advisor/internal/schema"
	qfiles "github.com/ciamadvisor/advisor/questionnaire"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

var update = flag.Bool("update", false, "rewrite docs/schemas from the generator")

// repoRoot is the repository root, seen from this package's folder.
const repoRoot = "../.."

// compile compiles the generated schema of f with a 2020-12 validator that asserts formats.
func compile(t *testing.T, f schema.File) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(f.JSON()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "https://ciam-advisor.invalid/schemas/" + f.Name + ".json"
	require.NoError(t, c.AddResource(url, doc))
	s, err := c.Compile(url)
	require.NoError(t, err, "the generated %s schema compiles", f.Name)
	return s
}

// instance turns YAML into the JSON value an editor's YAML plug-in validates. YAML 1.2, which
// editors speak, has no timestamps: 2026-05-01 is a string there, as the loaders read it.
func instance(t *testing.T, src []byte) any {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(src, &doc))
	var untime func(n *yaml.Node)
	untime = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!timestamp" {
			n.Tag = "!!str"
		}
		for _, c := range n.Content {
			untime(c)
		}
	}
	untime(&doc)
	var v any
	require.NoError(t, doc.Decode(&v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return inst
}

// shipped returns every content file, by path from the repository root.
func shipped(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for prefix, fsys := range map[string]fs.FS{"questionnaire/": qfiles.FS, "rules/": rfiles.FS} {
		require.NoError(t, fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			b, err := fs.ReadFile(fsys, p)
			out[prefix+p] = b
			return err
		}))
	}
	return out
}

// TestShippedContentValidates checks every shipped content file against its schema, and that
// its first line points an editor at that schema.
func TestShippedContentValidates(t *testing.T) {
	compiled := map[string]*jsonschema.Schema{}
	for _, f := range schema.Files {
		compiled[f.Name] = compile(t, f)
	}
	files := shipped(t)
	require.NotEmpty(t, files)
	seen := map[string]int{}
	for p, src := range files {
		t.Run(p, func(t *testing.T) {
			f, ok := schema.ForPath(p)
			require.True(t, ok, "every content file has a schema")
			seen[f.Name]++
			first, _, _ := strings.Cut(string(src), "\n")
			assert.Equal(t, f.Header(p), first, "the first line names the schema")
			assert.NoError(t, compiled[f.Name].Validate(instance(t, src)))
		})
	}
	for _, f := range schema.Files {
		assert.NotZero(t, seen[f.Name], "some shipped file uses the %s schema", f.Name)
	}
}

// TestTypoIsRejected shows what an editor sees: a misspelt key, a misspelt enum value and a
// missing vendor fact are each refused at their place.
func TestTypoIsRejected(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		yaml   string
		want   string
	}{
		{"misspelt key in a rule", "rules", "rules:\n  - id: x\n    becuase: Why.\n",
			"at '/rules/0': additional properties 'becuase' not allowed"},
		{"misspelt key in a vendor effect", "rules", "rules:\n  - id: x\n    because: Why.\n    vendors: {test: vendor.scim, hrad: true}\n",
			"at '/rules/0/vendors': additional properties 'hrad' not allowed"},
		{"misspelt severity", "rules", "rules:\n  - id: x\n    because: Why.\n    warnings: [{id: w, severity: critcal, text: T}]\n",
			"at '/rules/0/warnings/0/severity': value must be one of 'critical', 'warning', 'info'"},
		{"misspelt expect key in a scenario", "scenario", "name: n\nanswers: {mau_now: 1}\nexpect: {architectur: b2b-multi-tenant}\n",
			"at '/expect': additional properties 'architectur' not allowed"},
		{"misspelt question type", "questionnaire", "id: q\ntitle: Q\nsteps:\n  - id: s\n    title: S\n    questions: [{id: a, type: bool, label: A}]\n",
			"at '/steps/0/questions/0/type': value must be one of 'single', 'multi', 'integer', 'number', 'boolean'"},
		{"unknown fact key in a vendor", "vendor", vendorWith("  scmi: {value: unknown}\n"),
			"at '/facts': additional properties 'scmi' not allowed"},
		{"fact value that is not yes, no or unknown", "vendor", vendorWith("  scim: {value: maybe}\n"),
			"at '/facts/scim/value': value must be one of 'yes', 'no', 'unknown'"},
		{"date not written YYYY-MM-DD", "guides", "base_url: https://x.example/\nguides:\n  - {slug: g, title: G, minutes: 5, purpose: P, updated: 5 May 2026}\n",
			"at '/guides/0/updated': '5 May 2026' is not valid date"},
		{"misspelt weight at the top of ranking.yaml", "ranking", "finalists: 3\nreading_minutes: 60\nreading_guides: 5\nhard_weight: 3\nweigth: 1\n",
			"at '': additional properties 'weigth' not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := schema.Lookup(tt.schema)
			require.True(t, ok)
			err := compile(t, f).Validate(instance(t, []byte(tt.yaml)))
			var ve *jsonschema.ValidationError
			require.True(t, errors.As(err, &ve), "rejected: %v", err)
			assert.Contains(t, ve.Error(), tt.want)
		})
	}
}

// vendorWith is a vendor profile with every fact unknown, plus extra lines under facts.
func vendorWith(extra string) string {
	var b strings.Builder
	b.WriteString("id: v\nname: V\ntype: developer-first\npricing_model: per_mau\nfacts:\n")
	for _, k := range []string{"managed", "self_host", "regions", "organizations", "saml", "oidc", "passkeys", "mfa", "adaptive_mfa",
		"bot_defense", "social_login", "magic_links", "sms_otp", "fga", "agent_auth", "m2m", "consent_management", "progressive_profiling",
		"identity_verification", "audit_logs", "custom_domains", "hipaa_baa", "fedramp", "pci_dss", "soc2", "iso27001", "gdpr_dpa", "ccpa", "free_tier"} {
		b.WriteString("  " + k + ": {value: unknown}\n")
	}
	if !strings.Contains(extra, "scim:") {
		b.WriteString("  scim: {value: unknown}\n")
	}
	b.WriteString(extra)
	return b.String()
}

// TestCommittedSchemasAreCurrent keeps docs/schemas, which the YAML files' first lines point
// at, equal to what the generator writes. Refresh with go test ./internal/schema -update.
func TestCommittedSchemasAreCurrent(t *testing.T) {
	dir := filepath.Join(repoRoot, schema.Dir)
	if *update {
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	want := map[string]bool{}
	for _, f := range schema.Files {
		file := filepath.Join(dir, f.Name+".json")
		want[f.Name+".json"] = true
		if *update {
			require.NoError(t, os.WriteFile(file, f.JSON(), 0o644))
			continue
		}
		got, err := os.ReadFile(file)
		require.NoError(t, err, "run go test ./internal/schema -update")
		assert.Equal(t, string(f.JSON()), string(got), "%s is out of date: run go test ./internal/schema -update", file)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.True(t, want[e.Name()], "%s/%s is no schema the generator writes", dir, e.Name())
	}
}
