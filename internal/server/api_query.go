package server

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// onlyQuery refuses a request whose query has parameters other than allowed, naming every
// unknown one (with the allowed name it was probably meant to be): a misspelt filter must not
// silently list everything, just as an unknown body field is refused.
func onlyQuery(c *gin.Context, allowed ...string) error {
	var unknown []string
	for name := range c.Request.URL.Query() {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	takes := "no query parameters"
	if len(allowed) > 0 {
		sorted := slices.Sorted(slices.Values(allowed))
		takes = strings.Join(sorted, ", ")
	}
	fields := make([]FieldError, len(unknown))
	for i, name := range unknown {
		fields[i] = FieldError{Field: name, Code: "unknown_parameter",
			Message: fmt.Sprintf("%s: unknown query parameter; this endpoint takes %s%s", name, takes, didYouMean(name, allowed))}
	}
	return badRequest(fmt.Sprintf("The query has parameters this endpoint does not take: %s.", strings.Join(unknown, ", ")), fields...)
}

// didYouMean suggests the candidate closest to got when one is near enough to be a typo, as
// "; did you mean "x"?", else "".
func didYouMean(got string, candidates []string) string {
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

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// architectureIDs lists the catalogue's architecture IDs.
func architectureIDs(adv *advisor.Advisor) []string {
	var ids []string
	for _, a := range adv.Catalog().Architectures {
		ids = append(ids, a.ID)
	}
	return ids
}

// approachIDs lists the catalogue's approach IDs.
func approachIDs(adv *advisor.Advisor) []string {
	var ids []string
	for _, a := range adv.Catalog().Approaches {
		ids = append(ids, a.ID)
	}
	return ids
}
