package api

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
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
	fields := make([]server.FieldError, len(unknown))
	for i, name := range unknown {
		fields[i] = server.FieldError{Field: name, Code: "unknown_parameter",
			Message: fmt.Sprintf("%s: unknown query parameter; this endpoint takes %s%s", name, takes, server.DidYouMean(name, allowed))}
	}
	return server.BadRequest(fmt.Sprintf("The query has parameters this endpoint does not take: %s.", strings.Join(unknown, ", ")), fields...)
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
