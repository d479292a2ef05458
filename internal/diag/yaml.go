package diag

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"
)

var (
	yamlLine   = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownKey = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	cannot     = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
)

// DecodeYAML decodes src into v, rejecting unknown keys, and reports every problem the YAML
// decoder found as a diagnostic with its line and column: a syntax error where the parser
// stopped (with where the unfinished construct began), an unknown key with the keys allowed
// there and the closest one, a value of the wrong kind with the kind wanted.
func DecodeYAML(file string, src []byte, v any) List {
	// The v4 parser reports syntax errors at the character where parsing failed; v3 reports
	// the line where the enclosing block began, which can be far above the mistake.
	var probe yaml4.Node
	if err := yaml4.Unmarshal(src, &probe); err != nil {
		var le *yaml4.LoadError
		if errors.As(err, &le) && le.Mark.Line > 0 {
			d := Diagnostic{File: file, Line: le.Mark.Line, Column: le.Mark.Column, Message: le.Message}
			if le.ContextMsg != "" && le.ContextMark.Line > 0 {
				d.Message += fmt.Sprintf(" (%s that began at line %d, column %d)", le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
			}
			d.Snippet = Snippet(src, d.Line, d.Column)
			return List{d}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var root *yaml.Node
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) == nil && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	var l List
	for _, m := range msgs {
		d := Diagnostic{File: file, Message: m}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			d.Line, _ = strconv.Atoi(sm[1])
			d.Message = sm[2]
		}
		if sm := unknownKey.FindStringSubmatch(d.Message); sm != nil {
			key := sm[1]
			d.Message = fmt.Sprintf("unknown key %q", key)
			if n := nodeAt(root, d.Line, key, true); n != nil {
				d.Column = n.Column
			}
			if allowed := keysAt(reflect.TypeOf(v), root, d.Line, key); len(allowed) > 0 {
				if s := Suggest(key, allowed); s != "" {
					d.Message += fmt.Sprintf("; did you mean %q?", s)
				}
				d.Message += " (allowed here: " + strings.Join(allowed, ", ") + ")"
			}
		} else if sm := cannot.FindStringSubmatch(d.Message); sm != nil {
			d.Message = fmt.Sprintf("got %s, want %s", kindWords(sm[1], sm[2]), typeWords(sm[3]))
			if n := nodeAt(root, d.Line, sm[2], false); n != nil {
				d.Column = n.Column
			}
		}
		if d.Line > 0 {
			if d.Column == 0 {
				d.Column = firstColumn(src, d.Line)
			}
			d.Snippet = Snippet(src, d.Line, d.Column)
		}
		l = append(l, d)
	}
	return l
}

// nodeAt finds the node on line whose value is value (a key when key is set; any node when
// value is empty).
func nodeAt(n *yaml.Node, line int, value string, key bool) *yaml.Node {
	if n == nil {
		return nil
	}
	for i, c := range n.Content {
		isKey := n.Kind == yaml.MappingNode && i%2 == 0
		if c.Line == line && isKey == key && (value == "" || c.Value == value) {
			return c
		}
		if found := nodeAt(c, line, value, key); found != nil {
			return found
		}
	}
	return nil
}

// keysAt walks the node tree alongside the Go type it decodes into and returns the YAML keys
// of the struct that holds key at line, sorted.
func keysAt(t reflect.Type, n *yaml.Node, line int, key string) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || n == nil {
		return nil
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Line == line && k.Value == key {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				sort.Strings(names)
				return names
			}
			if ft, ok := fields[k.Value]; ok {
				if got := keysAt(ft, v, line, key); got != nil {
					return got
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for _, c := range n.Content {
			if got := keysAt(t.Elem(), c, line, key); got != nil {
				return got
			}
		}
	case reflect.Map:
		for i := 1; i < len(n.Content); i += 2 {
			if got := keysAt(t.Elem(), n.Content[i], line, key); got != nil {
				return got
			}
		}
	}
	return nil
}

// yamlFields maps a struct's YAML keys to their types, inlined structs included.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if strings.Contains(opts, "inline") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range yamlFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func kindWords(tag, value string) string {
	word := map[string]string{"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
		"seq": "a list", "map": "a mapping (key: value)", "null": "nothing", "timestamp": "a date"}[tag]
	if word == "" {
		word = tag
	}
	if value != "" {
		return fmt.Sprintf("%s %q", word, value)
	}
	return word
}

func typeWords(goType string) string {
	switch {
	case goType == "string":
		return "text"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping (key: value)"
	}
	return "a mapping (key: value)"
}

// Suggest returns the candidate closest to s by edit distance, when it is close enough to be
// a likely typo (at most a third of the longer string's length, and at most 3 edits); "" when
// none is.
func Suggest(s string, candidates []string) string {
	best, bestD := "", 4
	for _, c := range candidates {
		d := distance(s, c)
		if limit := max(len([]rune(s)), len([]rune(c))) / 3; d <= max(limit, 1) && d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		// The same beginning as an option ("finance" for "financial_services").
		bestP := max(4, len([]rune(s))*2/3) - 1
		for _, c := range candidates {
			if p := commonPrefix(s, c); p > bestP {
				best, bestP = c, p
			}
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// distance is the edit distance between a and b, by character, counting a swap of two
// neighbouring characters as one edit (optimal string alignment).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
