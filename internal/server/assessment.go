package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	gojson "github.com/goccy/go-json"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// The web wizard and the API change assessments through these functions, so that both apply
// the same merge, validation and recomputation; only the rendering differs.
//
// Every write of answers is a merge done under the database's lock on the row
// (store.ModifyAssessment): the patch is laid over the answers as they are stored at that
// moment, not as they were when the request read them, so concurrent writers of different
// questions never undo each other — on one instance or several sharing PostgreSQL. Each write
// that changes something records a revision.

// AnswersOf decodes an assessment's stored answers.
func AnswersOf(a *store.Assessment) (map[string]any, error) {
	if len(a.Answers) == 0 {
		return map[string]any{}, nil
	}
	raw, err := questionnaire.DecodeJSON(a.Answers)
	if err != nil {
		return nil, fmt.Errorf("assessment %s: stored answers: %w", a.ID, err)
	}
	return raw, nil
}

// AnswersWrite is one change of an assessment's answers (and label).
type AnswersWrite struct {
	Patch map[string]any // merged into the stored answers; a nil value clears one
	// RequiredSteps: the required questions of the first RequiredSteps steps must be answered.
	RequiredSteps int
	// PruneInvalid drops answers that do not count (invalid, hidden, to questions the content
	// no longer has) instead of refusing the write: the wizard's way. Otherwise any problem
	// refuses the write with a *questionnaire.ValidationError, and hidden answers are kept.
	PruneInvalid bool
	Label        *string // a new label, or nil to keep it
	IfMatch      string  // the request's If-Match header; "" for none
}

// StoreAnswers stores valid answers, as the wizard computed them from the assessment a as it
// read it, as the assessment's answers. What the wizard changed against a is merged into
// the answers stored now, so a step saved in another tab meanwhile is kept. When the answers
// are complete it also computes and stores the recommendation, and returns it; otherwise the
// stored result is cleared and rec is nil (a draft).
func (s *Server) StoreAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, answers map[string]any) (*advisor.Recommendation, error) {
	if a.ID == DraftID && len(answers) == 0 {
		return nil, nil // a web assessment is created by its first answer, not before
	}
	base, err := AnswersOf(a)
	if err != nil {
		return nil, err
	}
	return s.WriteAnswers(ctx, adv, a, AnswersWrite{Patch: changes(base, answers), PruneInvalid: true})
}

// changes is the patch that turns base into next: changed and new answers, and nil for the
// ones next no longer has.
func changes(base, next map[string]any) map[string]any {
	patch := map[string]any{}
	for id, v := range next {
		if old, ok := base[id]; !ok || !SameJSON(old, v) {
			patch[id] = v
		}
	}
	for id := range base {
		if _, ok := next[id]; !ok {
			patch[id] = nil
		}
	}
	return patch
}

// SameJSON reports whether two answer values encode to the same JSON.
func SameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// WriteAnswers is the one write path of answers: a new assessment (no ID yet, or the
// wizard's draft) is created, an existing one is changed under the row lock. a is updated to
// what was stored, and what the write did is counted in the analytics.
func (s *Server) WriteAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, w AnswersWrite) (*advisor.Recommendation, error) {
	rec, use, err := s.saveAnswers(ctx, adv, a, w)
	if err != nil {
		return nil, err
	}
	s.CountUse(ctx, adv, use)
	return rec, nil
}

// saveAnswers stores the write and says what it did for the analytics.
func (s *Server) saveAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, w AnswersWrite) (*advisor.Recommendation, AnalyticsUse, error) {
	use := AnalyticsUse{wizard: a.Owner == ""}
	if a.ID == "" || a.ID == DraftID {
		saved, err := AnswersOf(a)
		if err != nil {
			return nil, use, err
		}
		if w.Label != nil {
			a.Label = *w.Label
		}
		rec, _, err := s.merged(adv, a, saved, w)
		if err != nil {
			return nil, use, err
		}
		a.ID = "" // the store picks the real, unguessable ID
		if err := s.store.CreateAssessment(ctx, a); err != nil {
			return nil, use, err
		}
		use.after, use.Result = a.Answers, rec
		return rec, use, nil
	}
	rec, err := s.modifyAnswers(ctx, adv, a, w, &use)
	return rec, use, err
}

// modifyAnswers changes the stored assessment (a.Owner, a.ID) under the row lock, updates
// a to what was stored and fills in use.
func (s *Server) modifyAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, w AnswersWrite, use *AnalyticsUse) (*advisor.Recommendation, error) {
	var rec *advisor.Recommendation
	saved, err := s.store.ModifyAssessment(ctx, a.Owner, a.ID, func(cur *store.Assessment) (string, error) {
		if err := CheckIfMatch(w.IfMatch, cur); err != nil {
			return "", err
		}
		stored, err := AnswersOf(cur)
		if err != nil {
			return "", err
		}
		use.before, use.Result = cur.Answers, nil
		oldLabel := cur.Label
		if w.Label != nil {
			cur.Label = *w.Label
		}
		var changed bool
		if rec, changed, err = s.merged(adv, cur, stored, w); err != nil {
			return "", err
		}
		switch {
		case changed:
			use.Result = rec
			return "answers", nil
		case cur.Label != oldLabel:
			return "label", nil
		}
		return "", nil // nothing changed: no revision
	})
	if err != nil {
		return nil, err
	}
	*a = *saved
	use.after = a.Answers
	if rec == nil && len(a.Result) > 0 { // unchanged: the stored result stands
		if rec, err = DecodeResult(a.Result); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// merged lays w.patch over the stored answers, checks them and, when they changed and are
// complete, evaluates them, setting a's answers, result, headline and versions. It reports
// whether the answers changed; the error is a *questionnaire.ValidationError for answers the write
// refuses.
func (s *Server) merged(adv *advisor.Advisor, a *store.Assessment, stored map[string]any, w AnswersWrite) (*advisor.Recommendation, bool, error) {
	raw := questionnaire.Merge(stored, w.Patch)
	c, err := adv.Questionnaire().Check(raw, w.RequiredSteps)
	if err != nil {
		return nil, false, err
	}
	values := c.Values
	switch {
	case w.PruneInvalid:
		values = c.Answers // the valid answers to the questions asked
	case len(c.Problems) > 0:
		return nil, false, Suggest(adv.Questionnaire(), raw, &questionnaire.ValidationError{Problems: c.Problems})
	}
	// The answers in their normal form: a choice ticked twice is stored once.
	answers, err := json.Marshal(values)
	if err != nil {
		return nil, false, err
	}
	if sameAnswers(a.Answers, answers) {
		// What is stored stands, even when computed with older content: only answers that
		// change, or a re-evaluation asked for, compute a new result.
		return nil, false, nil
	}
	rec, err := s.Evaluate(adv, values, advisor.Options{Counterfactuals: true}) // under the server-wide cap
	if _, ok := errors.AsType[*questionnaire.ValidationError](err); ok {
		rec, err = nil, nil // valid so far, not complete yet
	}
	if err != nil {
		return nil, false, err
	}
	if err := SetResult(a, adv, rec); err != nil {
		return nil, false, err
	}
	a.Answers = answers
	return rec, true, nil
}

// SetResult stores rec (nil for none) as a's result, with its headline and adv's versions.
func SetResult(a *store.Assessment, adv *advisor.Advisor, rec *advisor.Recommendation) error {
	a.Result, a.Headline = nil, headlineOf(rec)
	if rec != nil {
		var err error
		if a.Result, err = json.Marshal(rec); err != nil {
			return Unrepresentable(err)
		}
	}
	v := adv.Versions()
	a.QuestionnaireVersion, a.RulesetVersion = v.Questionnaire, v.RuleSet
	return nil
}

// headlineOf is the decision of rec that lists show: architecture, approach, leader and the
// leader's three-year cost.
func headlineOf(rec *advisor.Recommendation) store.Headline {
	if rec == nil {
		return store.Headline{}
	}
	h := store.Headline{Architecture: rec.Architecture.ID, Approach: rec.Approach.ID}
	if rec.Leader != nil {
		h.Leader = rec.Leader.ID
		for _, p := range rec.Shortlist {
			if p.ID == rec.Leader.ID {
				h.LeaderCost = &[2]float64{p.Cost.ThreeYear.Low, p.Cost.ThreeYear.High}
				break
			}
		}
	}
	return h
}

// sameAnswers reports whether two stored answer objects hold the same answers (PostgreSQL
// returns jsonb reformatted, so bytes are not compared).
func sameAnswers(a, b json.RawMessage) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// VersionsOf is the content an assessment's result was computed with.
func VersionsOf(a *store.Assessment) advisor.Versions {
	return advisor.Versions{Questionnaire: a.QuestionnaireVersion, RuleSet: a.RulesetVersion}
}

// DecodeResult decodes a stored result. Every view of a result page decodes one (40–60 KB);
// goccy/go-json, which the API already encodes with, does it in about a third of the time.
func DecodeResult(raw json.RawMessage) (*advisor.Recommendation, error) {
	var rec advisor.Recommendation
	if err := gojson.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("stored result: %w", err)
	}
	return &rec, nil
}

// Recommendation returns the assessment's stored result, or computes it afresh when it was
// computed with other content than the advisor now serving, so a result always matches the
// versions it states. It never writes: GET requests change nothing. The web pages use it; the
// API serves stored results as they are, saying when they are stale.
func (s *Server) Recommendation(adv *advisor.Advisor, a *store.Assessment) (*advisor.Recommendation, error) {
	if len(a.Result) > 0 && VersionsOf(a) == adv.Versions() {
		if rec, err := DecodeResult(a.Result); err == nil {
			return rec, nil
		}
	}
	raw, err := AnswersOf(a)
	if err != nil {
		return nil, err
	}
	return s.Evaluate(adv, raw, advisor.Options{Counterfactuals: true})
}

// Strong entity tags of stored assessments: the revision number, which every write raises.

// ETagOf is the entity tag of the assessment as stored.
func ETagOf(a *store.Assessment) string { return `"rev-` + strconv.Itoa(a.Revision) + `"` }

// ErrPrecondition is the 412 for an If-Match that names another revision.
func ErrPrecondition(a *store.Assessment) error {
	return &Error{Status: http.StatusPreconditionFailed, Type: "/problems/precondition-failed", Title: "Precondition failed",
		Detail: fmt.Sprintf("The assessment changed since you read it: If-Match does not name its current entity tag, %s. Read it again, reapply your change and send the new ETag.", ETagOf(a))}
}

// CheckIfMatch compares an If-Match header with the assessment's entity tag, strongly: a weak
// tag never matches (RFC 9110 §13.1.1). "" (no header) and "*" match any stored assessment.
func CheckIfMatch(header string, a *store.Assessment) error {
	if header == "" {
		return nil
	}
	want := ETagOf(a)
	for tag := range strings.SplitSeq(header, ",") {
		if tag = strings.TrimSpace(tag); tag == "*" || tag == want {
			return nil
		}
	}
	return ErrPrecondition(a)
}

// DraftID stands in the URL of a web assessment not created yet (/a/new/step/…): it has no
// answers and no row until its first step is saved with an answer.
const DraftID = "new"

// ValidID reports whether id could be an assessment ID (store.NewID: 26 base32 characters),
// so that anything else is a 404 without asking the database.
func ValidID(id string) bool {
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
