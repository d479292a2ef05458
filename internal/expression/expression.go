// Package expression compiles the expr expressions written in content files: questionnaire
// conditions, derived values and rule conditions. Every expression is compiled once, at load,
// against a typed environment, and a compile error is reported at its place in the YAML file.
package expression

import (
	"errors"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// Source is an expression as written in a YAML file, with the position of its first character.
type Source struct {
	Text   string
	Line   int // 1-based line of the YAML scalar
	Column int // 1-based column of the YAML scalar
	style  yaml.Style
}

// UnmarshalYAML keeps the scalar's position so that compile errors can point into the file.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("an expression must be a string")
	}
	*s = Source{Text: n.Value, Line: n.Line, Column: n.Column, style: n.Style}
	return nil
}

// IsZero reports whether no expression was written.
func (s Source) IsZero() bool { return strings.TrimSpace(s.Text) == "" }

// Options returns the compile options every content expression uses: the helper functions
// plus the typed environment.
func Options(env map[string]any, extra ...expr.Option) []expr.Option {
	opts := []expr.Option{expr.Env(env), expr.Optimize(true)}
	opts = append(opts, helpers()...)
	return append(opts, extra...)
}

// Compile compiles src. On failure it returns a diagnostic positioned in fileName, using
// fileSrc (the whole YAML file) for the snippet.
func Compile(src Source, fileName string, fileSrc []byte, owner string, opts []expr.Option) (*vm.Program, *diag.Diagnostic) {
	prog, err := expr.Compile(src.Text, opts...)
	if err == nil {
		return prog, nil
	}
	d := &diag.Diagnostic{File: fileName, Line: src.Line, Column: src.Column, Rule: owner, Message: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		d.Message = fe.Message
		d.Line, d.Column = src.position(fe.Line, fe.Column, fileSrc)
	}
	d.Snippet = diag.Snippet(fileSrc, d.Line, d.Column)
	return prog, d
}

// position maps a position inside the expression (line 1-based, col 0-based) to the YAML file.
func (s Source) position(line, col int, fileSrc []byte) (int, int) {
	switch s.style {
	case yaml.LiteralStyle:
		// The text starts on the line after the | indicator, at the block's indentation.
		l := s.Line + line
		return l, indentOf(fileSrc, l) + col + 1
	case yaml.FoldedStyle:
		// Folding joined the block's lines with spaces: walk them to find the column's line.
		last := s.Line + strings.Count(string(fileSrc), "\n")
		l := s.Line + 1
		for ; l < last; l++ {
			text := strings.TrimSpace(lineOf(fileSrc, l))
			n := len([]rune(text)) // expr counts columns in characters
			if col <= n {
				break
			}
			col -= n + 1
		}
		return l, indentOf(fileSrc, l) + col + 1
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		if line == 1 {
			return s.Line, s.Column + 1 + col
		}
	default:
		if line == 1 {
			return s.Line, s.Column + col
		}
	}
	return s.Line + line - 1, indentOf(fileSrc, s.Line+line-1) + col + 1
}

func lineOf(src []byte, line int) string {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	return lines[line-1]
}

func indentOf(src []byte, line int) int {
	t := lineOf(src, line)
	return len(t) - len(strings.TrimLeft(t, " "))
}
