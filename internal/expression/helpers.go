package expression

import (
	"fmt"

	"github.com/expr-lang/expr"
)

// helpers are the functions available to every content expression, besides expr's builtins.
// Each is declared with its signature so that a misuse is a compile error, not a runtime one.
func helpers() []expr.Option {
	return []expr.Option{
		// "x in list" on a list of strings is the commonest test in the rules; expr's generic
		// `in` boxes every element through reflection, so route the string case to a typed loop.
		expr.Function("inStrings", func(p ...any) (any, error) {
			needle, list := p[0].(string), p[1].([]string)
			for _, s := range list {
				if s == needle {
					return true, nil
				}
			}
			return false, nil
		}, new(func(string, []string) bool)),
		expr.Operator("in", "inStrings"),
		expr.Function("hasAny", func(p ...any) (any, error) {
			return overlap(p[0], p[1], false)
		}, new(func([]string, []any) bool), new(func([]string, []string) bool)),
		expr.Function("hasAll", func(p ...any) (any, error) {
			return overlap(p[0], p[1], true)
		}, new(func([]string, []any) bool), new(func([]string, []string) bool)),
	}
}

// Docs describes the helpers for the editor documentation.
var Docs = []struct{ Signature, Doc string }{
	{"hasAny(list, values) bool", "true when list holds at least one of values, e.g. hasAny(constraints, [\"hipaa\", \"fedramp\"])"},
	{"hasAll(list, values) bool", "true when list holds every one of values"},
}

func overlap(a, b any, all bool) (bool, error) {
	list, ok1 := toStrings(a)
	values, ok2 := toStrings(b)
	if !ok1 || !ok2 {
		return false, fmt.Errorf("hasAny/hasAll take two lists of strings")
	}
	for _, v := range values {
		found := false
		for _, x := range list {
			if x == v {
				found = true
				break
			}
		}
		if found && !all {
			return true, nil
		}
		if !found && all {
			return false, nil
		}
	}
	return all, nil
}

func toStrings(v any) ([]string, bool) {
	switch t := v.(type) {
	case []string:
		return t, true
	case []any:
		out := make([]string, len(t))
		for i, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}
