// Package questionnaire defines the questionnaire schema, loads it from YAML, validates and
// normalises answers against it, and decides which questions are visible.
//
// Answers travel as one JSON object keyed by question ID. Validate turns such an object into
// typed Answers (string, []string, int, float64 or bool by question type) or a list of
// Problems naming every bad question ID. A question whose condition (when) is false is hidden:
// an answer to it is dropped with a Notice, and a hidden question is never required.
package questionnaire

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/expression"
)

// Type is a question's answer type.
type Type string

// The answer types. Each maps to one Go type in Answers and in the rule environment.
const (
	Single  Type = "single"  // string, one of the options
	Multi   Type = "multi"   // []string, options in definition order
	Integer Type = "integer" // int
	Number  Type = "number"  // float64
	Boolean Type = "boolean" // bool
)

// Questionnaire is a loaded, checked questionnaire. It is immutable after Load.
type Questionnaire struct {
	ID      string  `yaml:"id" json:"id"`
	Title   string  `yaml:"title" json:"title"`
	Intro   string  `yaml:"intro" json:"intro,omitempty"`
	Steps   []*Step `yaml:"steps" json:"steps"`
	Version string  `yaml:"-" json:"version"` // content hash of the source file

	File      string               `yaml:"-" json:"-"`
	src       []byte               // the YAML source, for positions in diagnostics
	questions []*Question          // in step order
	byID      map[string]*Question // by question ID
	stepOf    map[string]int       // step position of each question, by question ID
	order     map[string]int       // 1 + position of each question, by question ID
}

// Step is one page of the questionnaire.
type Step struct {
	ID        string      `yaml:"id" json:"id"`
	Title     string      `yaml:"title" json:"title"`
	Intro     string      `yaml:"intro" json:"intro,omitempty"`
	Guide     string      `yaml:"guide" json:"guide,omitempty"` // slug of the guide behind the step
	Questions []*Question `yaml:"questions" json:"questions"`
}

// Question is one question. Min and Max bound numeric answers; When is an expr condition over
// earlier answers that decides whether the question is asked.
type Question struct {
	ID       string            `yaml:"id" json:"id"`
	Type     Type              `yaml:"type" json:"type"`
	Label    string            `yaml:"label" json:"label"`
	Help     string            `yaml:"help" json:"help,omitempty"`
	Required bool              `yaml:"required" json:"required"`
	Options  []Option          `yaml:"options" json:"options,omitempty"`
	Min      *float64          `yaml:"min" json:"min,omitempty"`
	Max      *float64          `yaml:"max" json:"max,omitempty"`
	Unit     string            `yaml:"unit" json:"unit,omitempty"`
	Confirm  *Confirm          `yaml:"confirm" json:"-"`
	When     expression.Source `yaml:"when" json:"-"`
	WhenText string            `yaml:"-" json:"when,omitempty"`
	Step     string            `yaml:"-" json:"step"`

	when *vm.Program
}

// Confirm marks numeric answers that are possible but unlikely enough that a form asks "is
// this right?" before keeping them: a typo of three zeros, or a percentage meant as a factor.
type Confirm struct {
	Above float64 `yaml:"above"` // answers above this are confirmed
	Text  string  `yaml:"text"`  // why, in the buyer's words
}

// Implausible reports whether v, a valid answer to qn, is one to confirm.
func (qn *Question) Implausible(v any) bool {
	if qn.Confirm == nil {
		return false
	}
	switch n := v.(type) {
	case int:
		return float64(n) > qn.Confirm.Above
	case float64:
		return n > qn.Confirm.Above
	}
	return false
}

// Option is one allowed value of a single or multi question.
type Option struct {
	Value string `yaml:"value" json:"value"`
	Label string `yaml:"label" json:"label"`
	Help  string `yaml:"help" json:"help,omitempty"`
}

// Questions returns every question in step order.
func (q *Questionnaire) Questions() []*Question { return q.questions }

// Question returns the question with the ID, or nil.
func (q *Questionnaire) Question(id string) *Question { return q.byID[id] }

// Step returns the step with the ID, or nil.
func (q *Questionnaire) Step(id string) *Step {
	for _, s := range q.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// HasOption reports whether v is one of the question's option values.
func (qn *Question) HasOption(v string) bool {
	for _, o := range qn.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

// OptionLabel returns the label of option v, or v itself.
func (qn *Question) OptionLabel(v string) string {
	for _, o := range qn.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// ZeroValue is the value the rule environment holds for an unanswered question: it fixes the
// variable's type for the compiler.
func (t Type) ZeroValue() any {
	switch t {
	case Single:
		return ""
	case Multi:
		return []string{}
	case Integer:
		return 0
	case Number:
		return 0.0
	case Boolean:
		return false
	}
	return nil
}

// AnsweredVar is the environment variable listing the IDs of the answered questions, so that
// an expression can tell "not answered" from a zero answer: "mau_growth_pct" in answered.
const AnsweredVar = "answered"

// Env returns the typed environment for expressions: every question ID bound to its answer,
// or to its type's zero value when unanswered, plus AnsweredVar. extra sizes the map for
// variables the caller will add.
func (q *Questionnaire) Env(a Answers, extra int) map[string]any {
	env := make(map[string]any, len(q.questions)+1+extra)
	answered := make([]string, 0, len(a))
	for _, qn := range q.questions {
		if v, ok := a[qn.ID]; ok {
			env[qn.ID] = v
			answered = append(answered, qn.ID)
		} else {
			env[qn.ID] = qn.Type.ZeroValue()
		}
	}
	env[AnsweredVar] = answered
	return env
}

// Load reads and checks the questionnaire file name in fsys. display is the path shown in
// diagnostics (for example "questionnaire/start-here.yaml").
func Load(fsys fs.FS, name, display string) (*Questionnaire, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, diag.List{{File: display, Message: fmt.Sprintf("cannot read: %v", err)}}
	}
	return Parse(src, display)
}

// Parse checks a questionnaire's YAML source. Every problem is reported, sorted by position.
func Parse(src []byte, file string) (*Questionnaire, error) {
	var q Questionnaire
	if errs := diag.DecodeYAML(file, src, &q); errs != nil {
		return nil, errs.Err()
	}
	sum := sha256.Sum256(src)
	q.Version = "q-" + hex.EncodeToString(sum[:6])
	q.File = file
	q.byID, q.stepOf, q.order = map[string]*Question{}, map[string]int{}, map[string]int{}

	q.src = src
	var errs diag.List
	if q.ID == "" {
		errs.Add(file, 1, 1, "", "questionnaire has no id")
	}
	if len(q.Steps) == 0 {
		errs.Add(file, 1, 1, "", "questionnaire has no steps")
	}
	steps := map[string]int{}
	for si, s := range q.Steps {
		line, col := diag.Position(src, "steps", si, "id")
		if first, dup := steps[s.ID]; dup || s.ID == "" {
			if s.ID == "" {
				errs.Add(file, line, col, s.ID, "step has no id")
			} else {
				fl, fc := diag.Position(src, "steps", first, "id")
				errs.Add(file, line, col, s.ID, "step ID %q is used twice (first at line %d, column %d)", s.ID, fl, fc)
			}
		} else {
			steps[s.ID] = si
		}
		for qi, qn := range s.Questions {
			qn.Step = s.ID
			qn.WhenText = strings.TrimSpace(qn.When.Text)
			pos := func(path ...any) (int, int, bool) {
				return diag.Find(src, append([]any{"steps", si, "questions", qi}, path...)...)
			}
			line, col, _ := pos("id")
			if prev, dup := q.byID[qn.ID]; dup || qn.ID == "" {
				if qn.ID == "" {
					errs.Add(file, line, col, qn.ID, "question has no id")
				} else {
					fl, fc := q.Pos(prev.ID, "id")
					errs.Add(file, line, col, qn.ID, "question ID %q is used twice (first at line %d, column %d)", qn.ID, fl, fc)
				}
				continue
			}
			if qn.ID == AnsweredVar {
				errs.Add(file, line, col, qn.ID, "%q is reserved", AnsweredVar)
			}
			q.byID[qn.ID] = qn
			q.questions = append(q.questions, qn)
			q.stepOf[qn.ID], q.order[qn.ID] = si, len(q.questions)
			checkQuestion(qn, file, pos, &errs)
		}
	}
	for i := range errs {
		if errs[i].Line > 0 && errs[i].Snippet == "" {
			errs[i].Snippet = diag.Snippet(src, errs[i].Line, errs[i].Column)
		}
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	// Conditions may only read questions asked before them, so that visibility can be decided
	// in one pass and a step never depends on a later one.
	env := map[string]any{AnsweredVar: []string{}}
	for _, qn := range q.questions {
		if !qn.When.IsZero() {
			prog, d := expression.Compile(qn.When, file, src, qn.ID, expression.Options(env, expr.AsBool()))
			if d != nil {
				d.Message = "condition: " + d.Message
				errs = append(errs, *d)
			} else {
				checkLiterals(&q, qn, src, &errs)
			}
			qn.when = prog
		}
		env[qn.ID] = qn.Type.ZeroValue()
	}
	return &q, errs.Err()
}

func checkQuestion(qn *Question, file string, pos func(path ...any) (int, int, bool), errs *diag.List) {
	add := func(key, format string, args ...any) {
		line, col, ok := pos(key)
		if !ok {
			line, col, _ = pos("id") // the key is missing: point at the question
		}
		errs.Add(file, line, col, qn.ID, format, args...)
	}
	switch qn.Type {
	case Single, Multi:
		if len(qn.Options) == 0 {
			add("type", "a %s question needs options", qn.Type)
		}
		seen := map[string]int{}
		for i, o := range qn.Options {
			if o.Value == "" {
				add("options", "option %d has no value", i+1)
				continue
			}
			if first, dup := seen[o.Value]; dup {
				line, col, _ := pos("options", i, "value")
				errs.Add(file, line, col, qn.ID, "option value %q is used twice (options %d and %d)", o.Value, first+1, i+1)
			}
			seen[o.Value] = i
		}
	case Integer, Number, Boolean:
		if len(qn.Options) > 0 {
			add("options", "a %s question takes no options", qn.Type)
		}
	default:
		add("type", "unknown type %q (want single, multi, integer, number or boolean)", qn.Type)
	}
	if qn.Label == "" {
		add("label", "question has no label")
	}
	if qn.Confirm != nil && qn.Type != Integer && qn.Type != Number {
		add("confirm", "confirm is for integer and number questions")
	}
	if qn.Confirm != nil && qn.Confirm.Text == "" {
		add("confirm", "confirm needs a text saying why the answer is unusual")
	}
	if qn.Min != nil && qn.Max != nil && *qn.Min > *qn.Max {
		add("min", "min %v is above max %v", *qn.Min, *qn.Max)
	}
}

// Pos returns the line and column of key in the question's mapping (of its id when the key
// is absent), for diagnostics; 0, 0 for an unknown question.
func (q *Questionnaire) Pos(id, key string) (line, col int) {
	for si, s := range q.Steps {
		for qi, qn := range s.Questions {
			if qn.ID == id {
				if line, col = diag.Position(q.src, "steps", si, "questions", qi, key); line == 0 {
					return diag.Position(q.src, "steps", si, "questions", qi, "id")
				}
				return line, col
			}
		}
	}
	return 0, 0
}

// Source is the questionnaire's YAML source.
func (q *Questionnaire) Source() []byte { return q.src }

// checkLiterals reports option values in qn's condition that the question compared with does
// not have: such a comparison is never true and the question silently never shows.
func checkLiterals(q *Questionnaire, qn *Question, src []byte, errs *diag.List) {
	for _, l := range expression.Literals(qn.When, src) {
		other := q.byID[l.Var]
		if other == nil || (other.Type != Single && other.Type != Multi) || other.HasOption(l.Value) || l.Value == "" {
			continue
		}
		values := make([]string, len(other.Options))
		for i, o := range other.Options {
			values[i] = o.Value
		}
		msg := fmt.Sprintf("condition: %q is not an option of %s, so this comparison is never true", l.Value, l.Var)
		if s := diag.Suggest(l.Value, values); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		*errs = append(*errs, diag.Diagnostic{File: q.File, Line: l.Line, Column: l.Column, Rule: qn.ID,
			Message: msg + " (want one of " + strings.Join(values, ", ") + ")", Snippet: diag.Snippet(src, l.Line, l.Column)})
	}
}
