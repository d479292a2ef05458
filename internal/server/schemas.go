package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/schema"
)

// schemaFile serves GET /schemas/{name}.json: the JSON Schema of one kind of content file
// (questionnaire, rules, guides, architectures, vendor, playbooks, cost, ranking, scenario),
// the same bytes `advisor schema` writes. The schemas come from the Go types, not from the
// content, so they change only with the binary; an editor's plug-in can point at this address.
func (s *Server) schemaFile(c *gin.Context) error {
	name, ok := strings.CutSuffix(c.Param("name"), ".json")
	f, found := schema.Lookup(name)
	if !ok || !found {
		return ErrNotFound
	}
	c.Header("Cache-Control", "public, max-age=3600")
	// application/json rather than application/schema+json: the compressor gzips it, and
	// schemastore.org serves schemas the same way.
	c.Data(http.StatusOK, "application/json; charset=utf-8", f.JSON())
	return nil
}
