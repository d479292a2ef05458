package pages

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// A step page is one form (its codec is in form.go, its page in step_view.go).
//
// Next saves the step when every answer on it and before it is valid, and goes on: to the
// next step, to the same step when the answers raised follow-up questions it has not shown,
// or back to the review page when the step was opened from there. An unusual value (Question
// Confirm) is kept only once the buyer ticks "Yes, this is right".
//
// Back never stops the buyer: it saves what is valid and goes back. What could not be saved
// (a number that does not read, an unusual one not yet confirmed) travels with them as a
// draft, and is shown again, with what is wrong, when they return to the step.
//
// A save decodes the form once, merges it into the saved answers once and checks the result
// once (questionnaire.Check); the typed answers it yields decide visibility and are stored.

var errNoStep = &server.Error{Status: http.StatusNotFound, Title: "Step not found", Detail: "The questionnaire has no step at this address."}

func (w *webApp) showStep(c *gin.Context) error {
	a, adv, saved, err := w.open(c)
	if err != nil {
		return err
	}
	q := adv.Questionnaire()
	idx := stepIndex(q, c.Param("step"))
	if idx < 0 {
		return errNoStep
	}
	checked, err := q.Check(saved, len(q.Steps))
	if err != nil {
		return err
	}
	first := firstIncompleteOf(q, checked)
	// Steps build on the ones before: a later step waits until the earlier ones are complete.
	if first >= 0 && idx > first {
		c.Redirect(http.StatusSeeOther, stepURL(a.ID, q.Steps[first].ID))
		return nil
	}
	st := &stepState{values: map[string][]string{}, answers: checked.Answers, confirm: map[string]any{}, first: first}
	for id, val := range checked.Values {
		st.values[id] = formValues(val)
	}
	draft := decodeDraft(c.Query("draft"))
	draftState(q, q.Steps[idx], draft, st)
	v := w.stepView(c.Request, adv, a, idx, st)
	for _, qn := range q.Steps[idx].Questions {
		draft.Del(qn.ID)
	}
	v.Draft = encodeDraft(draft)
	v.Review = c.Query("from") == "review"
	for _, id := range strings.Fields(c.Query("new")) {
		for _, f := range v.Fields {
			if f.ID == id && !f.Hidden {
				v.FollowUps = append(v.FollowUps, linkItem{Href: "#" + f.FirstInput(), Text: f.Label})
			}
		}
	}
	return w.ui.render(c.Writer, http.StatusOK, "step", v)
}

func (w *webApp) saveStep(c *gin.Context) error {
	a, adv, saved, err := w.open(c)
	if err != nil {
		return err
	}
	q := adv.Questionnaire()
	idx := stepIndex(q, c.Param("step"))
	if idx < 0 {
		return errNoStep
	}
	if err := c.Request.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return server.BadRequest("The form could not be read.")
	}
	step := q.Steps[idx]
	f := readStepForm(q, step, c.Request.PostForm)

	merged := questionnaire.Merge(saved, f.patch)
	checked, err := q.Check(merged, len(q.Steps))
	if err != nil {
		return err
	}
	// What stops Next: unreadable fields, problems with this step and the ones before it, and
	// unusual values not yet confirmed. Back saves what is valid instead.
	problems := f.problems
	for _, p := range checked.Problems {
		// An answer to a question the content no longer has is dropped below, not shown.
		if qn := q.Question(p.Question); qn != nil && stepIndex(q, qn.Step) <= idx {
			problems = append(problems, p)
		}
	}
	savedAnswers, _ := q.Check(saved, 0) // only to tell a changed value from a saved one
	confirm := map[string]any{}
	for _, qn := range step.Questions {
		val, ok := checked.Answers[qn.ID]
		if !ok || !f.seen[qn.ID] || !qn.Implausible(val) || f.confirmed[confirmKey(qn, val)] {
			continue
		}
		if prev, was := savedAnswers.Answers[qn.ID]; was && confirmKey(qn, prev) == confirmKey(qn, val) {
			continue // confirmed when it was saved
		}
		confirm[qn.ID] = val
	}

	if !f.back && (len(problems) > 0 || len(confirm) > 0) { // nothing is saved
		st := &stepState{values: map[string][]string{}, answers: checked.Answers, problems: problems, confirm: confirm,
			first: firstIncompleteOf(q, savedAnswers)}
		for id, val := range savedAnswers.Values {
			st.values[id] = formValues(val)
		}
		for id, vals := range f.typed {
			st.values[id] = vals
		}
		v := w.stepView(c.Request, adv, a, idx, st)
		v.Title = "Error: " + v.Title
		v.Review, v.Draft = f.review, encodeDraft(f.draft)
		return w.ui.render(c.Writer, http.StatusUnprocessableEntity, "step", v)
	}

	// Store the valid answers to the questions asked: answers that no longer count (to
	// questions the content no longer has, hidden by the new answers, or invalid) are dropped.
	answers := checked.Answers
	draft := f.draft
	if f.back {
		bad := map[string]bool{}
		for _, p := range problems {
			bad[p.Question] = true
		}
		for id := range confirm {
			bad[id] = true
			delete(answers, id)
		}
		for _, qn := range step.Questions {
			if bad[qn.ID] && f.seen[qn.ID] {
				draft[qn.ID] = f.typed[qn.ID]
			}
		}
	}
	if _, err := w.saves.StoreAnswers(c.Request.Context(), adv, a, answers); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, w.afterSave(q, a, idx, f, checked.Answers, encodeDraft(draft)))
	return nil
}

// afterSave is where a saved step leads.
func (w *webApp) afterSave(q *questionnaire.Questionnaire, a *store.Assessment, idx int, f *stepForm, answers questionnaire.Answers, draft string) string {
	from := ""
	if f.review {
		from = "review"
	}
	switch {
	case f.back && f.review:
		return withQuery(reviewURL(a.ID), "draft", draft)
	case f.back && idx > 0:
		return withQuery(stepURL(a.ID, q.Steps[idx-1].ID), "draft", draft)
	case f.back:
		return withQuery(stepURL(a.ID, q.Steps[idx].ID), "draft", draft)
	}
	// Follow-up questions that the answers just revealed, and that the buyer has not seen
	// (no JavaScript), are asked before moving on.
	var ask []string
	for _, qn := range q.Steps[idx].Questions {
		if !f.seen[qn.ID] && q.Visible(qn, answers) {
			ask = append(ask, qn.ID)
		}
	}
	switch {
	case len(ask) > 0:
		return withQuery(stepURL(a.ID, q.Steps[idx].ID), "new", strings.Join(ask, " "), "from", from, "draft", draft)
	case f.review || idx+1 == len(q.Steps):
		return withQuery(reviewURL(a.ID), "draft", draft)
	}
	return withQuery(stepURL(a.ID, q.Steps[idx+1].ID), "draft", draft)
}

// firstIncompleteOf returns the index of the first step with a missing or invalid answer, or
// -1 when the answers are complete. Answers to questions the questionnaire no longer has count
// against the first step, where saving drops them.
func firstIncompleteOf(q *questionnaire.Questionnaire, c *questionnaire.Checked) int {
	if len(c.Problems) == 0 {
		return -1
	}
	first := len(q.Steps) - 1
	for _, p := range c.Problems {
		i := 0
		if qn := q.Question(p.Question); qn != nil {
			i = stepIndex(q, qn.Step)
		}
		first = min(first, i)
	}
	return first
}

// stepAnswersURL is the step's address for the review page's Change link: saving returns to
// the review, and text kept from an earlier Back comes along.
func stepAnswersURL(id, step, draft, anchor string) string {
	u := withQuery(stepURL(id, step), "from", "review", "draft", draft)
	return u + "#" + url.PathEscape(anchor)
}
