// Package diag reports problems found in content files (the questionnaire, rule files and the
// catalogue) with the file, line and column an editor needs to fix them.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Diagnostic is one problem at one place in a content file.
type Diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Rule    string `json:"rule,omitempty"` // rule, question or item ID the problem belongs to
	Message string `json:"message"`
	Snippet string `json:"snippet,omitempty"` // the source line and a caret under the column
}

// String formats the diagnostic as file:line:col: [rule] message, followed by the snippet.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Column > 0 {
			fmt.Fprintf(&b, ":%d", d.Column)
		}
	}
	b.WriteString(": ")
	if d.Rule != "" {
		fmt.Fprintf(&b, "%s: ", d.Rule)
	}
	b.WriteString(d.Message)
	if d.Snippet != "" {
		b.WriteString("\n")
		b.WriteString(d.Snippet)
	}
	return b.String()
}

// List is a set of diagnostics; a non-empty List is an error.
type List []Diagnostic

// Add appends a diagnostic built from a format string.
func (l *List) Add(file string, line, col int, rule, format string, args ...any) {
	*l = append(*l, Diagnostic{File: file, Line: line, Column: col, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file, line and column so reports read top to bottom.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	return l
}

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.String()
	}
	return strings.Join(parts, "\n")
}

// Snippet returns the line'th line of src (1-based) with a caret under column col (1-based).
func Snippet(src []byte, line, col int) string {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	text := strings.ReplaceAll(lines[line-1], "\t", " ")
	if col < 1 {
		col = 1
	}
	return fmt.Sprintf(" | %s\n | %s^", text, strings.Repeat(".", col-1))
}
