package pages

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// A template that fails while rendering must leave nothing written, so the error adapter can
// still send a clean 500 page.
func TestRenderFailsCleanly(t *testing.T) {
	files := fstest.MapFS{
		"static/app.css":               {Data: []byte("body{}")},
		"templates/layout.html":        {Data: []byte(`{{define "layout"}}<p>start</p>{{template "content" .}}{{end}}`)},
		"templates/parts.html":         {Data: []byte(``)},
		"templates/landing.html":       {Data: []byte(`{{define "content"}}<link href="{{static "missing.css"}}">{{end}}`)},
		"templates/step.html":          {Data: []byte(`{{define "content"}}{{end}}`)},
		"templates/review.html":        {Data: []byte(`{{define "content"}}{{end}}`)},
		"templates/result.html":        {Data: []byte(`{{define "content"}}{{end}}`)},
		"templates/error.html":         {Data: []byte(`{{define "content"}}{{end}}`)},
		"templates/editor.html":        {Data: []byte(`{{define "content"}}{{end}}`)},
		"templates/editor-folder.html": {Data: []byte(`{{define "content"}}{{end}}`)},
		"templates/unrelated.html":     {Data: []byte(`not parsed`)},
	}
	ui, err := newWebUI(files)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	err = ui.render(rec, http.StatusOK, "landing", basePage{})
	assert.ErrorContains(t, err, `no static file "missing.css"`)
	assert.Zero(t, rec.Body.Len())
	assert.False(t, rec.Flushed)
	assert.Empty(t, rec.Header().Get("Content-Type"))
	assert.Contains(t, ui.urls, "app.css")
}

func TestMoneyAndNumbers(t *testing.T) {
	assert.Equal(t, "40,000", groupDigits(40000))
	assert.Equal(t, "-1,234,567", groupDigits(-1234567))
	assert.Equal(t, "999", groupDigits(999))
	assert.Equal(t, "$7.2k–$72k", advisor.MoneyRange(7200, 72000))
	assert.Equal(t, "$6.0k", advisor.MoneyRange(6000, 6000))
	assert.Equal(t, 200000.0, niceStep(800000, 5))
	assert.Equal(t, 2.5, niceStep(11, 5))
}
