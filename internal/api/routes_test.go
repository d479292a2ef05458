package api

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// TestRoutesMatchOpenAPI checks that the API registers exactly the operations openapi.json
// describes, so that neither can gain an endpoint the other lacks.
func TestRoutesMatchOpenAPI(t *testing.T) {
	content, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "advisor.db"))
	require.NoError(t, err)
	defer st.Close()
	s := server.New(server.Config{}, content, st, slog.New(slog.DiscardHandler), Routes)

	var routes []string
	for _, r := range s.Routes() {
		if strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/problems") || r.Path == "/openapi.json" {
			path := r.Path
			for _, seg := range strings.Split(r.Path, "/") {
				if name, ok := strings.CutPrefix(seg, ":"); ok {
					path = strings.Replace(path, seg, "{"+name+"}", 1)
				}
			}
			routes = append(routes, r.Method+" "+path)
		}
	}

	src, err := os.ReadFile("openapi.json")
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(src)
	require.NoError(t, err)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	assert.ElementsMatch(t, documented, routes)
}
