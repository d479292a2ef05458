package questionnaire

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
)

// Answers are validated answers keyed by question ID. Values have the Go type of their
// question's Type: string, []string, int, float64 or bool.
type Answers map[string]any

// Problem is one thing wrong with one answer.
type Problem struct {
	Question string `json:"question"`
	Code     string `json:"code"` // unknown_question, unknown_option, wrong_type, out_of_range, required
	Message  string `json:"message"`
	// Detail says what is wrong in a buyer's words, where the questionnaire knows better than
	// a general message for the code: why a typed number cannot be read, the real limit.
	Detail string `json:"-"`
}

// Notice is something a caller should know about accepted answers, such as an answer that was
// ignored because its question is hidden.
type Notice struct {
	Question string `json:"question"`
	Message  string `json:"message"`
}

// ValidationError lists every problem found in a set of answers, in questionnaire order.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "invalid answers: " + strings.Join(msgs, "; ")
}

// ParseJSON decodes a JSON object of answers, keeping numbers exact, and validates it.
func (q *Questionnaire) ParseJSON(data []byte) (Answers, []Notice, error) {
	raw, err := DecodeJSON(data)
	if err != nil {
		return nil, nil, err
	}
	return q.Validate(raw)
}

// DecodeJSON decodes a JSON object with numbers kept as json.Number, as Validate expects.
func DecodeJSON(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, &ValidationError{Problems: []Problem{{Code: "wrong_type", Message: "answers must be a JSON object keyed by question ID: " + err.Error()}}}
	}
	if raw == nil {
		return nil, &ValidationError{Problems: []Problem{{Code: "wrong_type", Message: "answers must be a JSON object keyed by question ID, got null"}}}
	}
	if dec.More() {
		return nil, &ValidationError{Problems: []Problem{{Code: "wrong_type", Message: "answers must be a single JSON object"}}}
	}
	return raw, nil
}

// Validate checks raw answers as decoded from JSON (with json.Number for numbers) or built from a
// form (see FromForm). A null value means "not answered". It returns the typed answers, notices
// about ignored answers, and a *ValidationError listing every problem.
func (q *Questionnaire) Validate(raw map[string]any) (Answers, []Notice, error) {
	return q.ValidateUpTo(raw, len(q.Steps))
}

// ValidateUpTo is Validate for answers given a step at a time: only the required questions of
// the first steps steps are required yet (0: none, a draft; len(q.Steps): all).
func (q *Questionnaire) ValidateUpTo(raw map[string]any, steps int) (Answers, []Notice, error) {
	c, err := q.Check(raw, steps)
	if err != nil {
		return nil, nil, err
	}
	if len(c.Problems) > 0 {
		return nil, c.Notices, &ValidationError{Problems: c.Problems}
	}
	return c.Answers, c.Notices, nil
}

// Checked is raw answers typed as far as they are valid: what a step-by-step form needs to
// decide which questions to show while some answers are still wrong.
type Checked struct {
	// Answers are the valid answers to the questions asked; invalid answers count as
	// unanswered, answers to hidden questions are dropped (see Notices).
	Answers  Answers
	Notices  []Notice
	Problems []Problem // every problem, in questionnaire order, unknown questions first
	// Values are the raw answers with every valid one in its normal form (multiple choices
	// in option order without duplicates, numbers as int or float64), hidden ones included:
	// what to store.
	Values map[string]any
}

// Check types raw answers (decoded JSON with json.Number for numbers, or FromForm's output)
// as far as they are valid, requiring the required questions of the first steps steps. It
// fails only on a fault of the content, never of the answers.
func (q *Questionnaire) Check(raw map[string]any, steps int) (*Checked, error) {
	c := &Checked{Answers: make(Answers, len(raw)), Values: make(map[string]any, len(raw))}
	unknown := make([]string, 0)
	for id, v := range raw {
		c.Values[id] = v
		if q.byID[id] == nil {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	for _, id := range unknown {
		c.Problems = append(c.Problems, Problem{Question: id, Code: "unknown_question",
			Message: fmt.Sprintf("%s: no such question in questionnaire %q", id, q.ID)})
	}
	typed := make([]any, len(q.questions)) // by position; nil: no valid answer
	for i, qn := range q.questions {
		v, ok := raw[qn.ID]
		if !ok || v == nil {
			delete(c.Values, qn.ID)
			continue
		}
		val, p := qn.convert(v)
		if p != nil {
			c.Problems = append(c.Problems, *p)
			continue
		}
		typed[i] = val
		c.Values[qn.ID] = val
	}

	env := make(map[string]any, len(q.questions)+1)
	answered := make([]string, 0, len(typed))
	env[AnsweredVar] = answered
	for i, qn := range q.questions {
		visible, err := qn.visible(env)
		if err != nil {
			// Conditions are type-checked at load; a runtime failure here is a content bug.
			return nil, fmt.Errorf("question %s: condition: %w", qn.ID, err)
		}
		v := typed[i]
		has := v != nil
		switch {
		case !visible && has:
			c.Notices = append(c.Notices, Notice{Question: qn.ID,
				Message: fmt.Sprintf("%s: answer ignored because the question is not asked for these answers (asked when %s)", qn.ID, qn.WhenText)})
			has = false
		case visible && !has && qn.Required && q.stepOf[qn.ID] < steps && !hasProblem(c.Problems, qn.ID):
			c.Problems = append(c.Problems, Problem{Question: qn.ID, Code: "required",
				Message: fmt.Sprintf("%s: an answer is required (%s)", qn.ID, qn.expected())})
		}
		if has {
			c.Answers[qn.ID] = v
			env[qn.ID] = v
			answered = append(answered, qn.ID)
			env[AnsweredVar] = answered
		} else {
			env[qn.ID] = qn.Type.ZeroValue()
		}
	}
	// Report in questionnaire order, unknown questions first, so the list reads like the form.
	if len(c.Problems) > 1 {
		sort.SliceStable(c.Problems, func(i, j int) bool { return q.order[c.Problems[i].Question] < q.order[c.Problems[j].Question] })
	}
	return c, nil
}

// Merge returns saved overlaid with patch, where a nil value clears an answer. Neither map is
// changed.
func Merge(saved, patch map[string]any) map[string]any {
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

// Visible reports whether the question is asked, given the answers so far.
func (q *Questionnaire) Visible(qn *Question, a Answers) bool {
	ok, err := qn.visible(q.Env(a, 0))
	return err == nil && ok
}

// VisibleQuestions lists the questions asked given the answers, in questionnaire order: Visible
// for every question, with the environment built once.
func (q *Questionnaire) VisibleQuestions(a Answers) []*Question {
	env := q.Env(a, 0)
	out := make([]*Question, 0, len(q.questions))
	for _, qn := range q.questions {
		if ok, err := qn.visible(env); err == nil && ok {
			out = append(out, qn)
		}
	}
	return out
}

func (qn *Question) visible(env map[string]any) (bool, error) {
	if qn.when == nil {
		return true, nil
	}
	out, err := expr.Run(qn.when, env)
	if err != nil {
		return false, err
	}
	return out.(bool), nil
}

func hasProblem(ps []Problem, id string) bool {
	for _, p := range ps {
		if p.Question == id {
			return true
		}
	}
	return false
}

// expected describes what a valid answer looks like, for error messages.
func (qn *Question) expected() string {
	switch qn.Type {
	case Single:
		return "one of " + qn.optionList()
	case Multi:
		return "a list of values from " + qn.optionList()
	case Boolean:
		return "true or false"
	}
	kind := "a number"
	if qn.Type == Integer {
		kind = "a whole number"
	}
	switch {
	case qn.Min != nil && qn.Max != nil:
		return fmt.Sprintf("%s from %s to %s", kind, fmtNum(*qn.Min), fmtNum(*qn.Max))
	case qn.Min != nil:
		return fmt.Sprintf("%s ≥ %s", kind, fmtNum(*qn.Min))
	case qn.Max != nil:
		return fmt.Sprintf("%s ≤ %s", kind, fmtNum(*qn.Max))
	}
	return kind
}

func (qn *Question) optionList() string {
	vals := make([]string, len(qn.Options))
	for i, o := range qn.Options {
		vals[i] = strconv.Quote(o.Value)
	}
	return strings.Join(vals, ", ")
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (qn *Question) problem(code string, got any) *Problem {
	return &Problem{Question: qn.ID, Code: code,
		Message: fmt.Sprintf("%s: got %s, want %s", qn.ID, describe(got), qn.expected())}
}

// describe renders a raw value for an error message, truncated so that a huge hostile value
// cannot flood the response.
func describe(v any) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func (qn *Question) convert(v any) (any, *Problem) {
	switch qn.Type {
	case Single:
		s, ok := v.(string)
		if !ok {
			return nil, qn.problem("wrong_type", v)
		}
		if !qn.HasOption(s) {
			return nil, qn.problem("unknown_option", v)
		}
		return s, nil
	case Multi:
		list, ok := v.([]any)
		if !ok {
			if ss, isStrings := v.([]string); isStrings {
				list = make([]any, len(ss))
				for i, s := range ss {
					list[i] = s
				}
			} else {
				return nil, qn.problem("wrong_type", v)
			}
		}
		chosen := map[string]bool{}
		for _, item := range list {
			s, ok := item.(string)
			if !ok {
				return nil, qn.problem("wrong_type", item)
			}
			if !qn.HasOption(s) {
				return nil, qn.problem("unknown_option", item)
			}
			chosen[s] = true
		}
		// Normalise to definition order without duplicates, so equal answers compare equal.
		out := make([]string, 0, len(chosen))
		for _, o := range qn.Options {
			if chosen[o.Value] {
				out = append(out, o.Value)
			}
		}
		return out, nil
	case Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, qn.problem("wrong_type", v)
		}
		return b, nil
	case Integer, Number:
		return qn.convertNumber(v)
	}
	return nil, qn.problem("wrong_type", v)
}

// convertNumber checks a number answer: JSON's grammar for json.Number, whole for an integer
// question, within the question's range and within Limit.
func (qn *Question) convertNumber(v any) (any, *Problem) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		if !isJSONNumber(string(n)) {
			return nil, qn.problem("wrong_type", string(n))
		}
		var err error
		// A range error leaves ±Inf or 0, which the checks below judge like any value.
		if f, err = strconv.ParseFloat(string(n), 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, qn.problem("wrong_type", v)
		}
	case float64:
		f = n
	case int:
		f = float64(n)
	default:
		return nil, qn.problem("wrong_type", v)
	}
	if math.IsNaN(f) {
		return nil, qn.problem("wrong_type", v)
	}
	if (qn.Min != nil && f < *qn.Min) || (qn.Max != nil && f > *qn.Max) {
		return nil, qn.problem("out_of_range", v)
	}
	if math.Abs(f) > Limit {
		p := qn.problem("out_of_range", v)
		p.Message += fmt.Sprintf(", and no larger than %d in size", int64(Limit))
		if f > 0 {
			p.Detail = fmt.Sprintf("Enter a number no larger than %s.", groupInt(Limit))
		} else {
			p.Detail = fmt.Sprintf("Enter a number no smaller than -%s.", groupInt(Limit))
		}
		return nil, p
	}
	if qn.Type == Integer {
		if f != math.Trunc(f) {
			p := qn.problem("wrong_type", v)
			p.Detail = "Enter a whole number, without decimals."
			return nil, p
		}
		return int(f), nil
	}
	return f, nil
}

// FromForm turns HTML form values (field names are question IDs) into raw answers for Check,
// and reports the values it cannot read: numbers are normalised by ParseNumberText, yes/no
// become booleans. A field that cannot be read is left out of the answers (so that merging
// keeps what was saved) and reported; an empty text field is unanswered (nil); a multiple
// choice is the list of values ticked. step limits the fields read to those of one step ("":
// all).
func (q *Questionnaire) FromForm(form map[string][]string, step string) (map[string]any, []Problem) {
	raw := map[string]any{}
	var problems []Problem
	for _, qn := range q.questions {
		if step != "" && qn.Step != step {
			continue
		}
		vals := form[qn.ID]
		if qn.Type == Multi {
			list := make([]any, 0, len(vals))
			for _, v := range vals {
				if v != "" {
					list = append(list, v)
				}
			}
			raw[qn.ID] = list
			continue
		}
		if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			raw[qn.ID] = nil
			continue
		}
		s := strings.TrimSpace(vals[0])
		switch qn.Type {
		case Integer, Number:
			n, p := qn.ParseNumberText(s)
			if p != nil {
				problems = append(problems, *p)
				continue
			}
			raw[qn.ID] = n
		case Boolean:
			switch strings.ToLower(s) {
			case "true", "yes", "on":
				raw[qn.ID] = true
			case "false", "no", "off":
				raw[qn.ID] = false
			default:
				problems = append(problems, *qn.problem("wrong_type", s))
			}
		default:
			raw[qn.ID] = s
		}
	}
	return raw, problems
}

// Prune drops, in place, the answers to questions that the other answers hide, until no
// answer is hidden; it returns the IDs it dropped.
func (q *Questionnaire) Prune(a Answers) []string {
	var dropped []string
	for changed := true; changed; {
		changed = false
		env := q.Env(a, 0)
		for _, qn := range q.questions {
			if _, ok := a[qn.ID]; !ok || qn.when == nil {
				continue
			}
			if ok, err := qn.visible(env); err != nil || !ok {
				delete(a, qn.ID)
				dropped = append(dropped, qn.ID)
				changed = true
			}
		}
	}
	return dropped
}
