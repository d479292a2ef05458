package server

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Analytics of real use: as assessments are saved, the service adds to counters per UTC day in
// the database (store.AddCounts), which GET /api/v1/analytics sums over a period. Nothing but
// counts is kept: no answers, no assessment IDs, no keys. What is counted:
//
//   - every result recorded (answers that changed and are complete, through the wizard or the
//     API, or a re-evaluation): one "result", and for that result each chosen option of its
//     single, multiple-choice and yes/no answers, each fired rule, its architecture, approach
//     and leading vendor. A buyer who changes an answer after finishing records another result,
//     so these count results, not people.
//   - for the wizard's (anonymous) assessments only, the funnel: a step is "started" when a
//     save gives it its first answer, and "completed" when a save leaves every required
//     question asked on it answered (and at least one answer on it). Completed then started
//     again counts again; the API's saves, which hold every step at once, are left out.

// Kinds of analytics counters.
const (
	CountResult        = "result"
	CountOption        = "option"
	CountRule          = "rule"
	CountArchitecture  = "architecture"
	CountApproach      = "approach"
	CountLeader        = "leader"
	CountStepStarted   = "step_started"
	CountStepCompleted = "step_completed"
)

// AnalyticsUse is what one saved write did, as the analytics count it.
type AnalyticsUse struct {
	wizard bool            // an anonymous web assessment: its steps feed the funnel
	before json.RawMessage // the stored answers before the write; nil for a new assessment
	after  json.RawMessage // the stored answers after it
	// Result is the Result the write recorded, nil for none (answers unchanged or incomplete).
	Result *advisor.Recommendation
}

// countTimeout bounds the counting after a save, which runs even when the client has gone.
const countTimeout = 5 * time.Second

// CountUse adds what a saved write did to the analytics. A failure is logged and does not
// fail the request: the assessment is saved, and analytics are not worth refusing it for.
func (s *Server) CountUse(ctx context.Context, adv *advisor.Advisor, u AnalyticsUse) {
	counts := useCounts(adv.Questionnaire(), u)
	if len(counts) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), countTimeout)
	defer cancel()
	if err := s.store.AddCounts(ctx, time.Now(), counts); err != nil {
		s.log.Error("analytics: counting a saved assessment failed (the assessment is saved)", "err", err)
	}
}

// useCounts are the counters one write adds to.
func useCounts(q *questionnaire.Questionnaire, u AnalyticsUse) []store.Count {
	var out []store.Count
	add := func(kind, name, detail string) {
		out = append(out, store.Count{Kind: kind, Name: name, Detail: detail, N: 1})
	}
	if r := u.Result; r != nil {
		add(CountResult, "", "")
		for id, v := range r.Answers {
			for _, o := range optionsOf(q.Question(id), v) {
				add(CountOption, id, o)
			}
		}
		for _, id := range r.Fired {
			add(CountRule, id, "")
		}
		add(CountArchitecture, r.Architecture.ID, "")
		add(CountApproach, r.Approach.ID, "")
		if r.Leader != nil {
			add(CountLeader, r.Leader.ID, "")
		}
	}
	if u.wizard && !sameAnswers(u.before, u.after) {
		was, now := stepsDone(q, u.before), stepsDone(q, u.after)
		for i, st := range q.Steps {
			if now[i].started && !was[i].started {
				add(CountStepStarted, st.ID, "")
			}
			if now[i].completed && !was[i].completed {
				add(CountStepCompleted, st.ID, "")
			}
		}
	}
	return out
}

// optionsOf is what an answer counts as: the chosen options of a single or multiple-choice
// question, "true" or "false" for a yes/no one, and nothing for numbers, which have no options.
func optionsOf(qn *questionnaire.Question, v any) []string {
	if qn == nil {
		return nil
	}
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case bool:
		return []string{strconv.FormatBool(x)}
	}
	return nil
}

// stepDone is how far answers go on one step.
type stepDone struct{ started, completed bool }

// stepsDone says, per step of q, whether the stored answers start and complete it: answers
// count when valid and asked, and a step is complete when started with no required question
// asked on it left unanswered.
func stepsDone(q *questionnaire.Questionnaire, stored json.RawMessage) []stepDone {
	out := make([]stepDone, len(q.Steps))
	if len(stored) == 0 {
		return out
	}
	raw, err := questionnaire.DecodeJSON(stored)
	if err != nil {
		return out
	}
	c, err := q.Check(raw, len(q.Steps))
	if err != nil {
		return out
	}
	missing := map[string]bool{}
	for _, p := range c.Problems {
		if p.Code == "required" {
			missing[p.Question] = true
		}
	}
	for i, st := range q.Steps {
		done := stepDone{completed: true}
		for _, qn := range st.Questions {
			if _, ok := c.Answers[qn.ID]; ok {
				done.started = true
			}
			if missing[qn.ID] {
				done.completed = false
			}
		}
		done.completed = done.completed && done.started
		out[i] = done
	}
	return out
}
