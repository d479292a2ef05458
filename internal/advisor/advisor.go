// Package advisor loads the content (questionnaire, catalogue and rules) and turns answers into
// a Recommendation: answers → validation → derived values → rules → recommendation.
package advisor

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	qfiles "github.com/ciamadvisor/advisor/questionnaire"
	rfiles "github.com/ciamadvisor/advisor/rules"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
)

// QuestionnaireFile is the questionnaire the advisor asks.
const QuestionnaireFile = "start-here.yaml"

// Source is where content comes from: a questionnaire folder and a rules folder.
type Source struct {
	Questionnaire fs.FS
	Rules         fs.FS
	Dir           string // the folder on disk, or "" for the embedded copy
}

// Embedded is the content compiled into the binary.
func Embedded() Source {
	return Source{Questionnaire: qfiles.FS, Rules: rfiles.FS}
}

// Dir is content read from dir/questionnaire and dir/rules.
func Dir(dir string) (Source, error) {
	for _, sub := range []string{"questionnaire", "rules"} {
		st, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || !st.IsDir() {
			return Source{}, fmt.Errorf("content folder %q must hold questionnaire/ and rules/ folders (the repository root works)", dir)
		}
	}
	return Source{
		Questionnaire: os.DirFS(filepath.Join(dir, "questionnaire")),
		Rules:         os.DirFS(filepath.Join(dir, "rules")),
		Dir:           dir,
	}, nil
}

// Advisor is a loaded, immutable set of content. It is safe for concurrent use.
type Advisor struct {
	Rules  *rules.RuleSet
	Source Source // where the content was loaded from

	stepIndex map[string]int    // questionnaire step IDs in order
	stepTitle map[string]string // and their titles
}

// Load reads and compiles all content from src. The error, if any, is a diag.List holding
// every problem in every file.
func Load(src Source) (*Advisor, error) {
	var errs diag.List
	collect := func(err error) {
		if l, ok := err.(diag.List); ok {
			errs = append(errs, l...)
		} else if err != nil {
			errs = append(errs, diag.Diagnostic{File: src.Dir, Message: err.Error()})
		}
	}
	q, err := questionnaire.Load(src.Questionnaire, QuestionnaireFile, "questionnaire/"+QuestionnaireFile)
	collect(err)
	c, err := catalog.Load(src.Rules, "rules/")
	collect(err)
	if len(errs) > 0 {
		return nil, src.locate(errs).Err()
	}
	for si, s := range q.Steps {
		if s.Guide != "" && c.Guide(s.Guide) == nil {
			line, col := diag.Position(q.Source(), "steps", si, "guide")
			errs.Add(q.File, line, col, s.ID, "step guide %q is not in rules/catalog/guides.yaml", s.Guide)
		}
	}
	rs, err := rules.Compile(src.Rules, "rules/", q, c)
	collect(err)
	if len(errs) > 0 {
		return nil, src.locate(errs).Err()
	}
	a := &Advisor{Rules: rs, Source: src, stepIndex: map[string]int{}, stepTitle: map[string]string{}}
	for i, s := range q.Steps {
		a.stepIndex[s.ID], a.stepTitle[s.ID] = i, s.Title
	}
	return a, nil
}

// Questionnaire is the loaded questionnaire.
func (a *Advisor) Questionnaire() *questionnaire.Questionnaire { return a.Rules.Questionnaire }

// Catalog is the loaded catalogue.
func (a *Advisor) Catalog() *catalog.Catalog { return a.Rules.Catalog }

// Versions identifies the content a result was computed with.
type Versions struct {
	Questionnaire string `json:"questionnaire"`
	RuleSet       string `json:"ruleset"`
}

// Versions returns the content hashes of the loaded questionnaire and rule set.
func (a *Advisor) Versions() Versions {
	return Versions{Questionnaire: a.Rules.Questionnaire.Version, RuleSet: a.Rules.Version}
}

// Options say what a result carries besides the recommendation itself.
type Options struct {
	Explain         bool // the trace of every rule: fired or not, and the values it read
	Counterfactuals bool // the single-answer changes that would change the advice (a few ms)
	// Summary leaves out what a caller scripting decisions seldom reads, and does not compute
	// it: the vendors beyond the finalists (also_viable) and the further reading. The lists are
	// empty, not absent.
	Summary bool
}

// Evaluate is the one path from answers to advice that the CLI, the API, the web pages and the
// scenarios share: raw answers (decoded JSON with json.Number, or form values) are validated
// against the questionnaire, then recommended on. A *questionnaire.ValidationError lists every
// problem in the answers; any other error is a fault of the content or the program.
func (a *Advisor) Evaluate(raw map[string]any, opt Options) (rec *Recommendation, err error) {
	// Content is checked at load so that evaluation cannot fail on it; should a fault slip
	// through anyway, it fails this request with an error rather than the process.
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	answers, notices, err := a.Questionnaire().Validate(raw)
	if err != nil {
		return nil, err
	}
	var d *decision
	rec, d, err = a.recommend(answers, notices, opt)
	if err != nil {
		return nil, err
	}
	if opt.Counterfactuals {
		rec.Counterfactuals = a.counterfactuals(answers, rec, d.out)
	}
	return rec, nil
}

// PanicError is a panic during evaluation, recovered into an error for the one request.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("evaluation failed: %v", e.Value)
}

// locate gives every diagnostic without a position one found in its file (see diag.Locate).
func (src Source) locate(l diag.List) diag.List {
	diag.Locate(l, func(file string) ([]byte, bool) {
		var fsys fs.FS
		name, ok := strings.CutPrefix(file, "rules/")
		if ok {
			fsys = src.Rules
		} else if name, ok = strings.CutPrefix(file, "questionnaire/"); ok {
			fsys = src.Questionnaire
		}
		if fsys == nil {
			return nil, false
		}
		b, err := fs.ReadFile(fsys, name)
		return b, err == nil
	})
	return l
}
