package pages_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/server"
)

// TestSchemasAreServed checks that /schemas/NAME.json serves the committed schema of every
// kind of content file, and that other names are not found.
func TestSchemasAreServed(t *testing.T) {
	s := newSite(t, server.Config{})
	for _, name := range []string{"questionnaire", "rules", "guides", "architectures", "vendor", "playbooks", "cost", "ranking", "scenario"} {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("..", "..", "docs", "schemas", name+".json"))
			require.NoError(t, err)
			rec := s.Get("/schemas/" + name + ".json")
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			assert.JSONEq(t, string(want), rec.Body.String())
		})
	}
	for _, path := range []string{"/schemas/vendors.json", "/schemas/vendor", "/schemas/../go.mod"} {
		assert.Equal(t, http.StatusNotFound, s.Get(path).Code, path)
	}
}
