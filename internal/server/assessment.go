package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// The web wizard and the API change assessments through these functions, so that both apply
// the same merge, validation and recomputation; only the rendering differs.

// answersOf decodes an assessment's stored answers.
func answersOf(a *store.Assessment) (map[string]any, error) {
	if len(a.Answers) == 0 {
		return map[string]any{}, nil
	}
	raw, err := questionnaire.DecodeJSON(a.Answers)
	if err != nil {
		return nil, fmt.Errorf("assessment %s: stored answers: %w", a.ID, err)
	}
	return raw, nil
}

// applyAnswers merges patch into the assessment's answers (a null value clears an answer),
// validates them, requiring the required questions of the first requiredSteps steps only, and
// stores them through storeAnswers. On a validation error nothing is saved.
func (s *Server) applyAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, patch map[string]any, requiredSteps int) (*advisor.Recommendation, error) {
	saved, err := answersOf(a)
	if err != nil {
		return nil, err
	}
	c, err := adv.Questionnaire().Check(questionnaire.Merge(saved, patch), requiredSteps)
	if err != nil {
		return nil, err
	}
	if len(c.Problems) > 0 {
		return nil, &questionnaire.ValidationError{Problems: c.Problems}
	}
	// The answers in their normal form: a choice ticked twice is stored once.
	return s.storeAnswers(ctx, adv, a, c.Values)
}

// storeAnswers stores valid answers as the assessment's answers. When they are complete it
// also computes and stores the recommendation, and returns it; otherwise the stored result is
// cleared and rec is nil (a draft).
func (s *Server) storeAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, answers map[string]any) (*advisor.Recommendation, error) {
	if a.ID == draftID && len(answers) == 0 {
		return nil, nil // a web assessment is created by its first answer, not before
	}
	rec, err := s.evaluate(adv, answers, advisor.Options{Counterfactuals: true}) // under the server-wide cap
	if _, ok := errors.AsType[*questionnaire.ValidationError](err); ok {
		rec, err = nil, nil // valid so far, not complete yet
	}
	if err != nil {
		return nil, err
	}
	if a.Answers, err = json.Marshal(answers); err != nil {
		return nil, err
	}
	a.Result = nil
	if rec != nil {
		if a.Result, err = json.Marshal(rec); err != nil {
			return nil, err
		}
	}
	v := adv.Versions()
	a.QuestionnaireVersion, a.RulesetVersion = v.Questionnaire, v.RuleSet
	if a.ID == draftID {
		a.ID = "" // the store picks the real, unguessable ID
	}
	if a.CreatedAt.IsZero() {
		err = s.store.CreateAssessment(ctx, a)
	} else {
		err = s.store.UpdateAssessment(ctx, a)
	}
	return rec, err
}

// recommendation returns the assessment's stored result, or computes it afresh when it was
// computed with other content than the advisor now serving, so a result always matches the
// versions it states. It never writes: GET requests change nothing.
func (s *Server) recommendation(adv *advisor.Advisor, a *store.Assessment) (*advisor.Recommendation, error) {
	v := adv.Versions()
	if len(a.Result) > 0 && a.QuestionnaireVersion == v.Questionnaire && a.RulesetVersion == v.RuleSet {
		var rec advisor.Recommendation
		if err := json.Unmarshal(a.Result, &rec); err == nil {
			return &rec, nil
		}
	}
	raw, err := answersOf(a)
	if err != nil {
		return nil, err
	}
	return s.evaluate(adv, raw, advisor.Options{Counterfactuals: true})
}

// draftID stands in the URL of a web assessment not created yet (/a/new/step/…): it has no
// answers and no row until its first step is saved with an answer.
const draftID = "new"

// validID reports whether id could be an assessment ID (store.NewID: 26 base32 characters),
// so that anything else is a 404 without asking the database.
func validID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
