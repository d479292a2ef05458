package rules_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
	qfiles "github.com/ciamadvisor/advisor/questionnaire"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// TestEmptyRuleFileIsALoadError: emptying a rule file (`: > rules/30-constraints.yaml`) used to
// load as a smaller rule set, and live reload served the weakened advice.
func TestEmptyRuleFileIsALoadError(t *testing.T) {
	q, err := questionnaire.Load(qfiles.FS, "start-here.yaml", "questionnaire/start-here.yaml")
	require.NoError(t, err)
	c, err := catalog.Load(rfiles.FS, "rules/")
	require.NoError(t, err)
	for name, text := range map[string]string{
		"empty":         "",
		"only comments": "# constraints moved elsewhere\n",
		"empty lists":   "derived: []\nrules: []\n",
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			require.NoError(t, fs.WalkDir(rfiles.FS, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := fs.ReadFile(rfiles.FS, p)
				fsys[p] = &fstest.MapFile{Data: b}
				return err
			}))
			fsys["30-constraints.yaml"] = &fstest.MapFile{Data: []byte(text)}
			_, err := rules.Compile(fsys, "rules/", q, c)
			assert.EqualError(t, err, "rules/30-constraints.yaml:1:1: no rules and no derived values: a rule file must define at least one (delete the file to drop its rules)")
		})
	}
}
