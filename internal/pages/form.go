package pages

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// The step form's codec. Fields are named by question ID; besides them a step form posts:
//
//	_seen     one per question shown, so that "left empty" (clear the answer) differs from
//	          "never shown" (keep the saved answer, and ask a follow-up)
//	_confirm  "question=value" for each unusual value the buyer confirmed (Question.Confirm)
//	_return   "review" when the step was opened from the review page's Change link
//	_draft    text typed into another step that could not be saved yet (see stepDraft)
//	go        the button: "next" or "back"

// stepForm is a posted step, decoded once.
type stepForm struct {
	back      bool
	review    bool                    // return to the review page after saving
	seen      map[string]bool         // questions the buyer was shown
	typed     url.Values              // the values of the fields shown, as typed
	patch     map[string]any          // answers to merge: nil clears; unreadable fields absent
	problems  []questionnaire.Problem // fields that could not be read
	confirmed map[string]bool         // "question=value" the buyer confirmed
	draft     url.Values              // text kept from other steps
}

func readStepForm(q *questionnaire.Questionnaire, step *questionnaire.Step, form url.Values) *stepForm {
	f := &stepForm{
		back:      form.Get("go") == "back",
		review:    form.Get("_return") == "review",
		seen:      map[string]bool{},
		typed:     url.Values{},
		patch:     map[string]any{},
		confirmed: map[string]bool{},
		draft:     decodeDraft(form.Get("_draft")),
	}
	for _, id := range form["_seen"] {
		f.seen[id] = true
	}
	for _, c := range form["_confirm"] {
		f.confirmed[c] = true
	}
	posted, problems := q.FromForm(form, step.ID)
	for _, qn := range step.Questions {
		if !f.seen[qn.ID] {
			continue
		}
		f.typed[qn.ID] = form[qn.ID]
		f.draft.Del(qn.ID) // posted now: the field shows it
		if v, ok := posted[qn.ID]; ok {
			f.patch[qn.ID] = v
		}
	}
	for _, p := range problems {
		if f.seen[p.Question] {
			f.problems = append(f.problems, p)
		}
	}
	return f
}

// confirmKey is the value of the _confirm checkbox for answer v to qn: confirming binds to
// the value, so a changed number is asked about again.
func confirmKey(qn *questionnaire.Question, v any) string {
	return qn.ID + "=" + strings.Join(formValues(v), " ")
}

// A stepDraft is what the buyer typed on a step but could not be saved (a number that does not
// read, an unusual one not yet confirmed) when they pressed Back: Back never stops them, and
// what they typed travels with them, in the address and then in each form, until they reach
// that step again. It is bounded so that an address stays short.
const maxDraft = 2 << 10

func decodeDraft(s string) url.Values {
	if s == "" || len(s) > maxDraft {
		return url.Values{}
	}
	v, err := url.ParseQuery(s)
	if err != nil {
		return url.Values{}
	}
	return v
}

func encodeDraft(v url.Values) string {
	s := v.Encode()
	if len(s) > maxDraft {
		return ""
	}
	return s
}

// withQuery appends query parameters to a path; empty values are left out.
func withQuery(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// formValues renders an answer as the form values that would post it.
func formValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case bool:
		if x {
			return []string{"yes"}
		}
		return []string{"no"}
	case json.Number:
		return []string{x.String()}
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}
	case int:
		return []string{strconv.Itoa(x)}
	}
	return nil
}
