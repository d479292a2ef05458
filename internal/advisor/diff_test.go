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
	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

const b2b = `{"identity_shape":"b2b","channels":["web","api"],"enterprise_sso":"now","largest_customer_seats":3000,
 "identity_is_product":false,"identity_team":"part_time","current_platform":"none","constraints":["soc2","gdpr"],
 "industry":"saas","mau_now":40000,"mau_growth_pct":50,"must_haves":["enterprise_sso","scim","organizations","mfa"]}`

func loadDir(t *testing.T, dir string) *advisor.Advisor {
	src, err := advisor.Dir(dir)
	require.NoError(t, err)
	a, err := advisor.Load(src)
	require.NoError(t, err)
	return a
}

func evalB2B(t *testing.T, a *advisor.Advisor) *advisor.Recommendation {
	raw, err := questionnaire.DecodeJSON([]byte(b2b))
	require.NoError(t, err)
	rec, err := a.Evaluate(raw, advisor.Options{Explain: true, Counterfactuals: true})
	require.NoError(t, err)
	return rec
}

// TestCompareNamesTheRule: a new soft vendor rule adds reasons and checks and moves ranks;
// every one of those changes names the rule, and a new vendor shows up.
func TestCompareNamesTheRule(t *testing.T) {
	oldDir, newDir := advisortest.CopyContent(t), advisortest.CopyContent(t)
	f, err := os.OpenFile(filepath.Join(newDir, "rules", "30-constraints.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`
  - id: iso-required
    when: sells_to_business
    because: Enterprise buyers ask for ISO 27001.
    vendors: {test: vendor.iso27001, hard: false, weight: 3, pass: Holds ISO 27001., fail: No ISO 27001., unsure: Confirm ISO 27001 certification.}
`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	b, err := os.ReadFile(filepath.Join(newDir, "rules", "catalog", "vendors", "fusionauth.yaml"))
	require.NoError(t, err)
	b = []byte(strings.Replace(string(b), "\nid: fusionauth\n", "\nid: newauth\n", 1))
	require.NoError(t, os.WriteFile(filepath.Join(newDir, "rules", "catalog", "vendors", "newauth.yaml"), b, 0o644))

	prev, next := loadDir(t, oldDir), loadDir(t, newDir)
	ch := advisor.CompareRules(evalB2B(t, prev), evalB2B(t, next), prev.Rules, next.Rules)
	require.False(t, ch.Empty())
	var reasons, checks, ranks, added int
	for _, it := range ch.Items {
		if it.Area != "vendor" {
			continue
		}
		switch it.What {
		case "reason":
			reasons++
			assert.Equal(t, []string{"iso-required"}, it.Rules, it.String())
		case "check":
			checks++
			assert.Equal(t, "Confirm ISO 27001 certification.", it.To)
			assert.Equal(t, []string{"iso-required"}, it.Rules, it.String())
		case "rank", "fit":
			ranks++
			assert.Contains(t, it.Rules, "iso-required", it.String())
		case "added":
			added++
			assert.Equal(t, "newauth", it.Subject)
		}
	}
	assert.Positive(t, reasons)
	assert.Positive(t, checks)
	assert.Positive(t, ranks)
	assert.Equal(t, 1, added)

	same := advisor.Compare(evalB2B(t, prev), evalB2B(t, prev))
	assert.True(t, same.Empty(), "%+v", same)
}
