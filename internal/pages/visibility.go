package pages

import (
	"strings"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Conditional questions are decided on the server. One whose condition is false is rendered
// hidden with its inputs disabled (so nothing of it is submitted) when a choice on the same
// page can reveal it; app.js then shows it live. Without JavaScript, a Next that makes a
// follow-up question appear returns to the same step and points at it.

// revealedBy finds a choice question earlier on the same step whose value decides whether qn is
// asked, trying each of its options with the other answers fixed, and returns it in app.js's
// form "question:value value" (the values that show qn). It returns "" when no single choice
// on the page decides: the server then settles visibility on submit.
func revealedBy(q *questionnaire.Questionnaire, step *questionnaire.Step, qn *questionnaire.Question, typed questionnaire.Answers) string {
	for _, ctl := range step.Questions {
		if ctl == qn {
			break
		}
		type trial struct {
			form string
			val  any
		}
		var trials []trial
		switch ctl.Type {
		case questionnaire.Single:
			for _, o := range ctl.Options {
				trials = append(trials, trial{o.Value, o.Value})
			}
		case questionnaire.Multi:
			for _, o := range ctl.Options {
				trials = append(trials, trial{o.Value, []string{o.Value}})
			}
		case questionnaire.Boolean:
			trials = []trial{{"yes", true}, {"no", false}}
		default:
			continue
		}
		try := make(questionnaire.Answers, len(typed)+1)
		for k, v := range typed {
			try[k] = v
		}
		// With nothing chosen the question must be hidden, or "show when any is chosen" would
		// be wrong (a negated condition, say).
		delete(try, ctl.ID)
		if ctl.Type == questionnaire.Multi {
			try[ctl.ID] = []string{}
		}
		if q.Visible(qn, try) {
			continue
		}
		var show []string
		for _, t := range trials {
			try[ctl.ID] = t.val
			if q.Visible(qn, try) {
				show = append(show, t.form)
			}
		}
		if len(show) > 0 {
			return ctl.ID + ":" + strings.Join(show, " ")
		}
	}
	return ""
}
