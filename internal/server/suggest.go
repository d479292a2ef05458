package server

import (
	"fmt"
	"strings"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// Suggestions for mistyped IDs and options, shared by the pages and the API.

// Suggest adds "did you mean" to the problems of a *questionnaire.ValidationError: the nearest
// question ID for an unknown question, the nearest option for an unknown option value. Any
// other error is returned as it is.
func Suggest(q *questionnaire.Questionnaire, raw map[string]any, err error) error {
	ve, ok := err.(*questionnaire.ValidationError)
	if !ok {
		return err
	}
	var ids []string
	for _, qn := range q.Questions() {
		ids = append(ids, qn.ID)
	}
	out := &questionnaire.ValidationError{Problems: make([]questionnaire.Problem, len(ve.Problems))}
	for i, p := range ve.Problems {
		switch p.Code {
		case "unknown_question":
			p.Message += DidYouMean(p.Question, ids)
		case "unknown_option":
			if qn := q.Question(p.Question); qn != nil {
				var options []string
				for _, o := range qn.Options {
					options = append(options, o.Value)
				}
				for _, v := range unknownValues(qn, raw[p.Question]) {
					if hint := closest(v, options); hint != "" {
						p.Message += fmt.Sprintf("; did you mean %q for %q?", hint, v)
					}
				}
			}
		}
		out.Problems[i] = p
	}
	return out
}

// unknownValues lists the string values of an answer that are not options of qn.
func unknownValues(qn *questionnaire.Question, v any) []string {
	var vals []string
	switch v := v.(type) {
	case string:
		vals = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				vals = append(vals, s)
			}
		}
	case []string:
		vals = v
	}
	var out []string
	for _, s := range vals {
		if !qn.HasOption(s) {
			out = append(out, s)
		}
	}
	return out
}

// DidYouMean suggests the candidate closest to got when one is near enough to be a typo, as
// "; did you mean "x"?", else "".
func DidYouMean(got string, candidates []string) string {
	if best := closest(got, candidates); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// closest is the candidate nearest to got by edit distance, when at most a third of got's
// length (at least 1, at most 3) edits away; "" otherwise or on a tie.
func closest(got string, candidates []string) string {
	limit := min(max(len(got)/3, 1), 3)
	best, bestDist, tie := "", limit+1, false
	lower := strings.ToLower(got)
	for _, c := range candidates {
		d := editDistance(lower, strings.ToLower(c))
		switch {
		case d < bestDist:
			best, bestDist, tie = c, d, false
		case d == bestDist:
			tie = true
		}
	}
	if tie || bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counting a swap of two neighbours
// as one edit (optimal string alignment), over bytes: IDs are ASCII.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 10 // not a typo of an ID; and keeps hostile input cheap
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
