package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/server"
)

// TestProblemPages: every problem type URI the server's code sends resolves to a page that
// names it, the list links each of them, and openapi.json lists the same names.
func TestProblemPages(t *testing.T) {
	used := problemTypesInCode(t)
	require.NotEmpty(t, used)
	e := newAPI(t, server.Config{})

	for _, name := range used {
		t.Run(name, func(t *testing.T) {
			res := e.do(t, req{Method: "GET", Path: "/problems/" + name})
			require.Equal(t, http.StatusOK, res.Code, res.Body)
			assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(res.Body))
			require.NoError(t, err)
			assert.NotEmpty(t, doc.Find("h1").Text())
			assert.Equal(t, "/problems/"+name, doc.Find("code").First().Text())
			assert.Len(t, doc.Find("h2").Nodes, 2, "what it means, what to do")
		})
	}

	t.Run("list", func(t *testing.T) {
		res := e.do(t, req{Method: "GET", Path: "/problems"})
		require.Equal(t, http.StatusOK, res.Code)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(res.Body))
		require.NoError(t, err)
		var links []string
		doc.Find("li a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
		var want []string
		for _, name := range used {
			want = append(want, "/problems/"+name)
		}
		assert.ElementsMatch(t, want, links)
	})

	t.Run("unknown", func(t *testing.T) {
		res := e.do(t, req{Method: "GET", Path: "/problems/no-such-problem"})
		assert.Equal(t, http.StatusNotFound, res.Code)
		assert.Contains(t, res.Header.Get("Content-Type"), "text/html")
	})

	t.Run("openapi.json lists them", func(t *testing.T) {
		doc, _, err := loadSpec()
		require.NoError(t, err)
		var enum []string
		for _, v := range doc.Paths.Value("/problems/{name}").Get.Parameters[0].Value.Schema.Value.Enum {
			enum = append(enum, v.(string))
		}
		assert.ElementsMatch(t, used, enum)
	})
}

// problemTypesInCode finds the problem type URIs in the non-test source of this package and of
// internal/server, whose shared write path and error adapter raise some of them.
func problemTypesInCode(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	shared, err := filepath.Glob("../server/*.go")
	require.NoError(t, err)
	files = append(files, shared...)
	re := regexp.MustCompile(`Type: +"/problems/([a-z-]+)"`)
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
