// Package web holds the buyers' pages: html/template files in templates/ and the static
// assets (style sheet, script, icon) in static/. They are embedded so the binary needs no
// files beside it; internal/pages parses the templates once at start-up and serves the
// assets under content-hashed URLs.
package web

import "embed"

// FS holds templates/*.html and static/*.
//
//go:embed templates static
var FS embed.FS
