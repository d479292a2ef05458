package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/store"
)

// TestWizardSavesMerge saves steps of one web assessment from many tabs at once, each from
// the assessment as it read it before any of the others saved: every step's answer is kept,
// as the wizard's saves merge what they changed into the answers stored at that moment.
func TestWizardSavesMerge(t *testing.T) {
	content, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "advisor.db"))
	require.NoError(t, err)
	defer st.Close()
	s := New(Config{}, content, st, slog.New(slog.DiscardHandler))
	adv := content.Current()
	ctx := t.Context()

	a := &store.Assessment{ID: DraftID}
	_, err = s.StoreAnswers(ctx, adv, a, map[string]any{"identity_shape": "b2b"})
	require.NoError(t, err)
	base, err := st.GetAssessment(ctx, "", a.ID)
	require.NoError(t, err)

	steps := []map[string]any{
		{"channels": []string{"web"}}, {"enterprise_sso": "now"}, {"identity_is_product": false},
		{"identity_team": "dedicated"}, {"constraints": []string{"gdpr"}}, {"industry": "saas"},
		{"mau_now": 5000}, {"must_haves": []string{"mfa"}}, {"go_live_weeks": 10}, {"budget_annual_usd": 1000.5},
	}
	var wg sync.WaitGroup
	for _, step := range steps {
		wg.Go(func() {
			tab := *base // this tab read the assessment before the others saved
			answers := map[string]any{"identity_shape": "b2b"}
			for k, v := range step {
				answers[k] = v
			}
			_, err := s.StoreAnswers(ctx, adv, &tab, answers)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	got, err := st.GetAssessment(ctx, "", a.ID)
	require.NoError(t, err)
	saved, err := AnswersOf(got)
	require.NoError(t, err)
	assert.Len(t, saved, len(steps)+1, "saved: %v", saved)
	assert.NotEmpty(t, got.Result, "the answers are complete once all steps are in")
}
