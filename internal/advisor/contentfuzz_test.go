package advisor_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// contentFiles are the files Load compiles, by their path in a Source.
func contentFiles(t testing.TB) (q, r fstest.MapFS, names []string) {
	t.Helper()
	q, r = fstest.MapFS{}, fstest.MapFS{}
	src := advisor.Embedded()
	for prefix, pair := range map[string]struct {
		from fs.FS
		to   fstest.MapFS
	}{"questionnaire/": {src.Questionnaire, q}, "rules/": {src.Rules, r}} {
		err := fs.WalkDir(pair.from, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			b, err := fs.ReadFile(pair.from, p)
			pair.to[p] = &fstest.MapFile{Data: b}
			if !strings.HasPrefix(p, "tests/") {
				names = append(names, prefix+p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(names)
	return q, r, names
}

// FuzzContent mutates one line of one content file (the value after "key:", or the whole
// line) and checks that Load never panics and that content which loads evaluates every
// scenario's answers without a panic: a content change is a load error or works.
func FuzzContent(f *testing.F) {
	q0, r0, names := contentFiles(f)
	scenarios, err := scenario.Load(r0)
	if err != nil {
		f.Fatal(err)
	}
	var answers []map[string]any
	for _, s := range scenarios {
		b, _ := json.Marshal(s.Answers)
		raw, err := questionnaire.DecodeJSON(b)
		if err == nil {
			answers = append(answers, raw)
		}
	}
	f.Add(uint8(0), uint16(173), "number")    // mau_now: type number
	f.Add(uint8(0), uint16(175), "-5")        // min below zero
	f.Add(uint8(1), uint16(3), "")            // a derived value's expression emptied
	f.Add(uint8(1), uint16(10), "string")     // a derived value's type
	f.Add(uint8(2), uint16(40), "[1, 2]")     // a rule key becomes a list
	f.Add(uint8(5), uint16(20), "{a: 1}")     // a catalogue value becomes a mapping
	f.Add(uint8(9), uint16(7), "0")           // a zero where a count is expected
	f.Add(uint8(3), uint16(60), "9999999999") // a huge number
	f.Add(uint8(4), uint16(12), `"x" in y`)   // an expression
	f.Fuzz(func(t *testing.T, file uint8, line uint16, value string) {
		q, r := fstest.MapFS{}, fstest.MapFS{}
		for k, v := range q0 {
			q[k] = v
		}
		for k, v := range r0 {
			r[k] = v
		}
		name := names[int(file)%len(names)]
		target, key := r, strings.TrimPrefix(name, "rules/")
		if after, ok := strings.CutPrefix(name, "questionnaire/"); ok {
			target, key = q, after
		}
		lines := strings.Split(string(target[key].Data), "\n")
		i := int(line) % len(lines)
		if k, _, ok := strings.Cut(lines[i], ": "); ok {
			lines[i] = k + ": " + value
		} else {
			lines[i] = value
		}
		target[key] = &fstest.MapFile{Data: []byte(strings.Join(lines, "\n"))}

		a, err := advisor.Load(advisor.Source{Questionnaire: q, Rules: r})
		if err != nil {
			return
		}
		for _, raw := range answers {
			_, err := a.Evaluate(raw, advisor.Options{Explain: true, Counterfactuals: true})
			var pe *advisor.PanicError
			if errors.As(err, &pe) {
				t.Fatalf("%s line %d set to %q: evaluation panicked: %v\n%s", name, i+1, value, pe.Value, pe.Stack)
			}
		}
	})
}
