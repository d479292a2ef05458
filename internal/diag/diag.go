// Package diag reports problems found in content files (the questionnaire, rule files and the
// catalogue) with the file, line and column an editor needs to fix them.
package diag

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode"
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

// Snippet returns the line'th line of src (1-based) with a caret under column col (1-based,
// counted in characters as YAML and expr count them). The caret sits under the character on
// screen: a wide character (CJK, emoji) before it takes two cells.
func Snippet(src []byte, line, col int) string {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	text := strings.ReplaceAll(strings.TrimRight(lines[line-1], "\r"), "\t", " ")
	if strings.TrimSpace(text) == "" {
		return "" // nothing to point at
	}
	if col < 1 {
		col = 1
	}
	cells := 0
	for i, r := range []rune(text) {
		if i >= col-1 {
			break
		}
		cells += runeWidth(r)
	}
	if n := len([]rune(text)); col-1 > n {
		cells += col - 1 - n
	}
	return fmt.Sprintf(" | %s\n | %s^", text, strings.Repeat(".", cells))
}

// runeWidth is the number of terminal cells r takes: 2 for East Asian wide characters and
// emoji, 0 for combining marks, else 1.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == 0x200B:
		return 0
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF && r != 0x303F, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1FAFF, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

// FileSummary names the files the diagnostics are in with how many each holds, most first, at
// most limit of them and then how many more: "a.yaml (6), b.yaml (5), 3 more files". It is the
// one-line summary of warnings that `advisor validate` and the editors' workbench print.
func (l List) FileSummary(limit int) string {
	count := map[string]int{}
	for _, d := range l {
		count[d.File]++
	}
	files := slices.Collect(maps.Keys(count))
	slices.SortFunc(files, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, limit+1)
	for _, f := range files[:min(limit, len(files))] {
		parts = append(parts, fmt.Sprintf("%s (%d)", f, count[f]))
	}
	if len(files) > limit {
		parts = append(parts, fmt.Sprintf("%d more files", len(files)-limit))
	}
	return strings.Join(parts, ", ")
}
