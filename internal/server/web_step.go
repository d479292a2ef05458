package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// A step page is one form. Its fields are named by question ID; a hidden "_seen" input inside
// each question records that the buyer was shown it, so that the server can tell "left empty"
// (clear the answer) from "never shown" (keep the saved answer, and ask a follow-up).
//
// Conditional questions are decided on the server. One whose condition is false is rendered
// hidden with its inputs disabled (so nothing of it is submitted) when a choice on the same
// page can reveal it; app.js then shows it live. Without JavaScript, a Next that makes a
// follow-up question appear returns to the same step and points at it.
//
// Back and Next both save. Next validates the step, required answers included. Back does not
// insist on required answers (an empty field loses nothing), but an answer that does not fit,
// such as 1.5 for a whole number, keeps the buyer on the step with the error: going back would
// either store it (impossible) or throw away what was typed. Nothing is saved in that case.

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
	Hidden    bool   // condition false: rendered hidden and disabled
	ShowIf    string // "question:value value" for app.js, when a choice on this page decides
	Describe  string // aria-describedby IDs
}

type optionView struct {
	ID, Value, Label, Help string
	Checked                bool
}

// FirstInput is the ID of the field's first input, the target of error-summary links.
func (f *fieldView) FirstInput() string {
	if f.Choice && len(f.Options) > 0 {
		return f.Options[0].ID
	}
	return "f-" + f.ID
}

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
	first, err := firstIncomplete(q, saved)
	if err != nil {
		return err
	}
	// Steps build on the ones before: a later step waits until the earlier ones are complete.
	if first >= 0 && idx > first {
		c.Redirect(http.StatusSeeOther, stepURL(a.ID, q.Steps[first].ID))
		return nil
	}
	v := w.stepView(c.Request, adv, a, idx, first, saved, nil, nil)
	for _, id := range strings.Fields(c.Query("new")) {
		for _, f := range v.Fields {
			if f.ID == id && !f.Hidden {
				v.FollowUps = append(v.FollowUps, linkItem{Href: "#" + f.FirstInput(), Text: f.Label})
			}
		}
	}
	return w.ui.render(c.Writer, http.StatusOK, "step", v)
}

var errNoStep = &httpError{Status: http.StatusNotFound, Title: "Step not found", Detail: "The questionnaire has no step at this address."}

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
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return badRequest("The form could not be read.")
	}
	form := c.Request.PostForm
	step := q.Steps[idx]
	back := form.Get("go") == "back" && idx > 0

	seen := map[string]bool{}
	for _, id := range form["_seen"] {
		seen[id] = true
	}
	posted := q.FromForm(form, step.ID)
	patch := map[string]any{}
	for _, qn := range step.Questions {
		if seen[qn.ID] {
			patch[qn.ID] = posted[qn.ID] // nil when left empty: clears the answer
		}
	}
	merged := mergeAnswers(saved, patch)
	// Answers that no longer count are dropped rather than kept as notices: those to
	// questions the content no longer has, and those the new answers hide.
	for id := range merged {
		if q.Question(id) == nil {
			patch[id] = nil
		}
	}
	typed := visibilityAnswers(q, merged)
	for _, qn := range q.Questions() {
		if _, has := merged[qn.ID]; has && !q.Visible(qn, typed) {
			patch[qn.ID] = nil
		}
	}

	required := idx + 1 // this step and the ones before it
	if back {
		required = idx
	}
	_, err = w.applyAnswers(c.Request.Context(), adv, a, patch, required)
	var ve *questionnaire.ValidationError
	if errors.As(err, &ve) { // nothing was saved
		first, ferr := firstIncomplete(q, saved)
		if ferr != nil {
			return ferr
		}
		v := w.stepView(c.Request, adv, a, idx, first, saved, form, ve.Problems)
		v.Title = "Error: " + v.Title
		return w.ui.render(c.Writer, http.StatusUnprocessableEntity, "step", v)
	}
	if err != nil {
		return err
	}

	to := ""
	switch {
	case back:
		to = stepURL(a.ID, q.Steps[idx-1].ID)
	default:
		// Follow-up questions that the answers just revealed, and that the buyer has not seen
		// (no JavaScript), are asked before moving on.
		after := visibilityAnswers(q, mergeAnswers(saved, patch))
		var ask []string
		for _, qn := range step.Questions {
			if !seen[qn.ID] && q.Visible(qn, after) {
				ask = append(ask, qn.ID)
			}
		}
		switch {
		case len(ask) > 0:
			to = stepURL(a.ID, step.ID) + "?new=" + url.QueryEscape(strings.Join(ask, " "))
		case idx+1 < len(q.Steps):
			to = stepURL(a.ID, q.Steps[idx+1].ID)
		default:
			to = reviewURL(a.ID)
		}
	}
	c.Redirect(http.StatusSeeOther, to)
	return nil
}

// stepView builds the page for step idx. form is nil on GET; on a failed POST it holds what the
// buyer typed, which is shown again as typed, and problems holds what was wrong.
func (w *webApp) stepView(r *http.Request, adv *advisor.Advisor, a *store.Assessment, idx, first int,
	saved map[string]any, form url.Values, problems []questionnaire.Problem) *stepView {
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
		ResumeURL: absURL(r, "/a/"+a.ID),
		First:     idx == 0,
		Last:      idx == len(q.Steps)-1,
	}
	for i, s := range q.Steps {
		p := progressItem{Num: i + 1, Title: s.Title, Current: i == idx}
		if i != idx && (first < 0 || i <= first) {
			p.URL = stepURL(a.ID, s.ID)
		}
		v.Progress = append(v.Progress, p)
	}

	// What the page shows: saved answers, overlaid with the posted ones after a failed save.
	current := map[string][]string{}
	for id, val := range saved {
		current[id] = formValues(val)
	}
	raw := saved
	if form != nil {
		seen := map[string]bool{}
		for _, id := range form["_seen"] {
			seen[id] = true
		}
		for _, qn := range step.Questions {
			if seen[qn.ID] {
				current[qn.ID] = form[qn.ID]
			}
		}
		raw = mergeAnswers(saved, q.FromForm(form, step.ID))
	}
	typed := visibilityAnswers(q, raw)

	errs := map[string]string{}
	for _, p := range problems {
		qn := q.Question(p.Question)
		switch {
		case qn == nil:
			v.Errors = append(v.Errors, linkItem{Text: p.Message})
		case qn.Step == step.ID:
			errs[qn.ID] = problemText(qn, p)
		default:
			// Another step is incomplete (its answers changed since it was left): say where.
			v.Errors = append(v.Errors, linkItem{Href: stepURL(a.ID, qn.Step), Text: qn.Label + " — " + problemText(qn, p)})
		}
	}

	for _, qn := range step.Questions {
		visible := q.Visible(qn, typed)
		showIf := ""
		if qn.WhenText != "" {
			showIf = revealedBy(q, step, qn, typed)
		}
		if !visible && showIf == "" {
			continue // nothing on this page can reveal it
		}
		f := newField(qn, current[qn.ID])
		f.Hidden, f.ShowIf = !visible, showIf
		if msg, bad := errs[qn.ID]; bad && visible {
			f.Error = msg
			v.Errors = append(v.Errors, linkItem{Href: "#" + f.FirstInput(), Text: qn.Label + " — " + msg})
			delete(errs, qn.ID)
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
			id = "f-" + qn.ID + "--skip" // option values are identifiers: no clash
		}
		f.Options = append(f.Options, optionView{ID: id, Value: value, Label: label, Help: help, Checked: checked[value]})
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
		// type=number input they cannot parse (such as "40,000"), which would lose what the
		// buyer typed. The server parses and validates, and keeps the text on an error.
		f.InputMode = "decimal"
		if qn.Type == questionnaire.Integer {
			f.InputMode = "numeric"
		}
	}
	// A radio choice cannot be undone in a browser; optional ones get an explicit way out.
	if f.InputType == "radio" && !qn.Required {
		none := true
		for _, o := range f.Options {
			none = none && !o.Checked
		}
		checked[""] = none
		opt("", "Not sure / skip", "")
	}
	return f
}

// problemText says what is wrong in the buyer's terms; the API keeps the precise messages.
func problemText(qn *questionnaire.Question, p questionnaire.Problem) string {
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
			return "Enter a whole number, in digits (for example 40000)."
		case questionnaire.Number:
			return "Enter a number, in digits (for example 12.5)."
		case questionnaire.Boolean:
			return "Choose yes or no."
		}
		return "Choose one of the options shown."
	case "out_of_range":
		lo, hi := "", ""
		if qn.Min != nil {
			lo = groupNumber(*qn.Min)
		}
		if qn.Max != nil {
			hi = groupNumber(*qn.Max)
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

func groupNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return groupDigits(int(f))
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

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

// mergeAnswers is saved overlaid with patch, where nil clears an answer.
func mergeAnswers(saved, patch map[string]any) map[string]any {
	out := make(map[string]any, len(saved)+len(patch))
	for k, v := range saved {
		out[k] = v
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// visibilityAnswers converts raw answers (decoded JSON or FromForm output) to typed answers as
// far as they are valid, to decide which questions are asked while some answers may still be
// wrong. Invalid answers count as unanswered.
func visibilityAnswers(q *questionnaire.Questionnaire, raw map[string]any) questionnaire.Answers {
	out := make(questionnaire.Answers, len(raw))
	for id, v := range raw {
		qn := q.Question(id)
		if qn == nil {
			continue
		}
		switch qn.Type {
		case questionnaire.Single:
			if s, ok := v.(string); ok && qn.HasOption(s) {
				out[id] = s
			}
		case questionnaire.Multi:
			var list []string
			for _, s := range formValues(v) {
				if qn.HasOption(s) {
					list = append(list, s)
				}
			}
			if list == nil {
				list = []string{}
			}
			out[id] = list
		case questionnaire.Boolean:
			if b, ok := v.(bool); ok {
				out[id] = b
			}
		case questionnaire.Integer, questionnaire.Number:
			var f float64
			switch n := v.(type) {
			case json.Number:
				var err error
				if f, err = n.Float64(); err != nil {
					continue
				}
			case float64:
				f = n
			case int:
				f = float64(n)
			default:
				continue
			}
			if qn.Type == questionnaire.Number {
				out[id] = f
			} else if f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
				out[id] = int(f)
			}
		}
	}
	return out
}

// formValues renders a raw answer as the form values that would post it.
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
