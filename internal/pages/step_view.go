package pages

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// stepView is the page of one step.
type stepView struct {
	basePage
	ID        string // assessment ID
	Num       int    // 1-based
	Total     int
	Progress  []progressItem
	Step      *questionnaire.Step
	Guide     *catalog.Guide
	Fields    []*fieldView
	Errors    []linkItem // error summary, in form order
	FollowUps []linkItem // questions that appeared after the last Next
	Action    string
	ResumeURL string
	First     bool
	Last      bool
	Review    bool   // opened from the review page: saving returns there
	Draft     string // text typed on other steps, carried along (see stepDraft)
}

type progressItem struct {
	Num     int
	Title   string
	URL     string // empty when the step is current or not reachable yet
	Current bool
}

type linkItem struct {
	Href string
	Text string
}

type fieldView struct {
	ID        string // question ID, also the form field name
	Label     string
	Help      string
	Required  bool
	Choice    bool   // radio or checkbox group in a fieldset
	InputType string // radio, checkbox or number
	InputMode string // numeric or decimal, for the on-screen keyboard
	Options   []optionView
	Value     string // number inputs: the text as typed or saved
	Unit      string
	Error     string
	Confirm   *confirmView // an unusual value to confirm
	Hidden    bool         // condition false: rendered hidden and disabled
	ShowIf    string       // "question:value value" for app.js, when a choice on this page decides
	Describe  string       // aria-describedby IDs
}

type optionView struct {
	ID, Value, Label, Help string
	Checked                bool
}

// confirmView asks "is this right?" about an unusual value, with a checkbox that says so.
type confirmView struct {
	Key   string // the checkbox value: confirmKey
	Label string // "Yes, 2,000,000,000 users a month is right"
}

// FirstInput is the ID of the field's first input, the target of error-summary links.
func (f *fieldView) FirstInput() string {
	if f.Choice && len(f.Options) > 0 {
		return f.Options[0].ID
	}
	return "f-" + f.ID
}

// stepState is what a step page shows: the values in its fields, the answers that decide
// which questions are asked, and what is wrong.
type stepState struct {
	values   map[string][]string     // field values by question ID, as saved or as typed
	answers  questionnaire.Answers   // typed answers as far as valid, for visibility
	problems []questionnaire.Problem // of this step and the ones before
	confirm  map[string]any          // unusual values to confirm, by question ID
	first    int                     // first incomplete step, -1 when complete
}

// stepView builds the page for step idx in state st.
func (w *webApp) stepView(r *http.Request, adv *advisor.Advisor, a *store.Assessment, idx int, st *stepState) *stepView {
	q := adv.Questionnaire()
	step := q.Steps[idx]
	v := &stepView{
		basePage:  basePage{Title: fmt.Sprintf("Step %d of %d: %s", idx+1, len(q.Steps), step.Title), Summary: step.Intro, NoIndex: true, Script: true},
		ID:        a.ID,
		Num:       idx + 1,
		Total:     len(q.Steps),
		Step:      step,
		Guide:     adv.Catalog().Guide(step.Guide),
		Action:    stepURL(a.ID, step.ID),
		ResumeURL: resumeURL(r, a),
		First:     idx == 0,
		Last:      idx == len(q.Steps)-1,
	}
	for i, s := range q.Steps {
		p := progressItem{Num: i + 1, Title: s.Title, Current: i == idx}
		if i != idx && (st.first < 0 || i <= st.first) {
			p.URL = stepURL(a.ID, s.ID)
		}
		v.Progress = append(v.Progress, p)
	}

	errs := map[string]string{}
	for _, p := range st.problems {
		qn := q.Question(p.Question)
		switch {
		case qn == nil:
			v.Errors = append(v.Errors, linkItem{Text: p.Message})
		case qn.Step == step.ID:
			if _, dup := errs[qn.ID]; !dup {
				errs[qn.ID] = problemText(qn, p)
			}
		default:
			// Another step is incomplete (its answers changed since it was left): say where.
			v.Errors = append(v.Errors, linkItem{Href: stepURL(a.ID, qn.Step), Text: qn.Label + " — " + problemText(qn, p)})
		}
	}

	for _, qn := range step.Questions {
		visible := q.Visible(qn, st.answers)
		showIf := ""
		if qn.WhenText != "" {
			showIf = revealedBy(q, step, qn, st.answers)
		}
		if !visible && showIf == "" {
			continue // nothing on this page can reveal it
		}
		f := newField(qn, st.values[qn.ID])
		f.Hidden, f.ShowIf = !visible, showIf
		if msg, bad := errs[qn.ID]; bad && visible {
			f.Error = msg
			v.Errors = append(v.Errors, linkItem{Href: "#" + f.FirstInput(), Text: qn.Label + " — " + msg})
			delete(errs, qn.ID)
		}
		if val, ask := st.confirm[qn.ID]; ask && visible && f.Error == "" {
			f.Error = qn.Confirm.Text
			f.Confirm = &confirmView{Key: confirmKey(qn, val),
				Label: "Yes, " + answerText(qn, val) + " is right"}
			v.Errors = append(v.Errors, linkItem{Href: "#c-" + f.ID, Text: qn.Label + " — please confirm this unusual answer"})
		}
		var ids []string
		if f.Help != "" {
			ids = append(ids, "h-"+f.ID)
		}
		if f.Unit != "" && !f.Choice {
			ids = append(ids, "u-"+f.ID)
		}
		if f.Error != "" {
			ids = append(ids, "e-"+f.ID)
		}
		f.Describe = strings.Join(ids, " ")
		v.Fields = append(v.Fields, f)
	}
	for _, qn := range step.Questions {
		if msg, left := errs[qn.ID]; left { // a problem with a question not shown: still say so
			v.Errors = append(v.Errors, linkItem{Text: qn.Label + " — " + msg})
		}
	}
	sortErrorsByForm(v)
	return v
}

// sortErrorsByForm puts the summary links to this page's fields first, in form order.
func sortErrorsByForm(v *stepView) {
	var here, elsewhere []linkItem
	for _, e := range v.Errors {
		if strings.HasPrefix(e.Href, "#") {
			here = append(here, e)
		} else {
			elsewhere = append(elsewhere, e)
		}
	}
	v.Errors = append(here, elsewhere...)
}

func newField(qn *questionnaire.Question, cur []string) *fieldView {
	f := &fieldView{ID: qn.ID, Label: qn.Label, Help: qn.Help, Required: qn.Required, Unit: qn.Unit}
	checked := map[string]bool{}
	for _, s := range cur {
		checked[s] = true
	}
	opt := func(value, label, help string) {
		id := "f-" + qn.ID + "-" + value
		if value == "" {
			id = "f-" + qn.ID + "--unsure" // option values are identifiers: no clash
		}
		f.Options = append(f.Options, optionView{ID: id, Value: value, Label: label, Help: help, Checked: value != "" && checked[value]})
	}
	switch qn.Type {
	case questionnaire.Single, questionnaire.Multi:
		f.Choice, f.InputType = true, "radio"
		if qn.Type == questionnaire.Multi {
			f.InputType = "checkbox"
		}
		for _, o := range qn.Options {
			opt(o.Value, o.Label, o.Help)
		}
	case questionnaire.Boolean:
		f.Choice, f.InputType = true, "radio"
		checked["yes"] = checked["yes"] || checked["true"] || checked["on"]
		checked["no"] = checked["no"] || checked["false"] || checked["off"]
		opt("yes", "Yes", "")
		opt("no", "No", "")
	default:
		f.InputType = "number"
		if len(cur) > 0 {
			f.Value = cur[0]
		}
		// A text field with a numeric keyboard, not type=number: browsers silently blank
		// type=number input they cannot parse (such as "40,000" or "40k"), which would lose
		// what the buyer typed. The server parses and validates, and keeps the text on an error.
		f.InputMode = "decimal"
		if qn.Type == questionnaire.Integer {
			f.InputMode = "numeric"
		}
	}
	// A radio choice cannot be undone in a browser: optional ones offer "Not sure", which the
	// buyer picks (it is never chosen for them) and which clears the answer.
	if f.InputType == "radio" && !qn.Required {
		opt("", "Not sure", "The advice then says what it assumes instead.")
	}
	return f
}

// problemText says what is wrong in the buyer's terms; the API keeps the precise messages.
func problemText(qn *questionnaire.Question, p questionnaire.Problem) string {
	if p.Detail != "" {
		return p.Detail
	}
	switch p.Code {
	case "required":
		switch qn.Type {
		case questionnaire.Single, questionnaire.Boolean:
			return "Choose an answer to continue."
		case questionnaire.Multi:
			return "Tick at least one option to continue."
		}
		return "Enter a number to continue."
	case "unknown_option":
		return "Choose one of the options shown."
	case "wrong_type":
		switch qn.Type {
		case questionnaire.Integer:
			return "Enter a whole number, in digits (for example 40000 or 40k)."
		case questionnaire.Number:
			return "Enter a number, in digits (for example 12.5)."
		case questionnaire.Boolean:
			return "Choose yes or no."
		}
		return "Choose one of the options shown."
	case "out_of_range":
		lo, hi := "", ""
		if qn.Min != nil {
			lo = questionnaire.FormatNumber(*qn.Min)
		}
		if qn.Max != nil {
			hi = questionnaire.FormatNumber(*qn.Max)
		}
		switch {
		case lo != "" && hi != "":
			return "Enter a number from " + lo + " to " + hi + "."
		case lo != "":
			return "Enter a number of at least " + lo + "."
		case hi != "":
			return "Enter a number of at most " + hi + "."
		}
	}
	return p.Message
}

// draftState overlays text kept from an earlier Back (see stepDraft) on the fields of step,
// with the problems that kept it from being saved.
func draftState(q *questionnaire.Questionnaire, step *questionnaire.Step, draft url.Values, st *stepState) {
	form := url.Values{}
	for _, qn := range step.Questions {
		if vals, ok := draft[qn.ID]; ok {
			form[qn.ID] = vals
			form.Add("_seen", qn.ID)
		}
	}
	if len(form) == 0 {
		return
	}
	sf := readStepForm(q, step, form)
	for id, vals := range sf.typed {
		st.values[id] = vals
	}
	st.problems = append(st.problems, sf.problems...)
	for id, v := range sf.patch {
		qn := q.Question(id)
		c, err := q.Check(map[string]any{id: v}, 0)
		if err != nil {
			continue
		}
		st.problems = append(st.problems, c.Problems...)
		if val, ok := c.Values[id]; ok && len(c.Problems) == 0 && qn.Implausible(val) {
			st.confirm[id] = val
		}
	}
}
