package advisortest

import (
	"embed"
	"io/fs"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// fixture is a tiny content set for engine tests: three questions steps, five rules, two
// vendors (one priced from a list, one by quote), a minimal catalogue. Tests of engine
// semantics use it instead of the shipped content, so an editor's change to the shipped
// content never needs a Go test rewritten; the shipped content is covered by its scenarios.
//
//go:embed testdata/fixture
var fixture embed.FS

// Fixture is the fixture content as a source, laid out like the shipped content.
func Fixture() advisor.Source {
	q, _ := fs.Sub(fixture, "testdata/fixture/questionnaire")
	r, _ := fs.Sub(fixture, "testdata/fixture/rules")
	return advisor.Source{Questionnaire: q, Rules: r}
}
