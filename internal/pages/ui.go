package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/catalog"
)

// webPages are the page templates; each is parsed with layout.html and parts.html into a set
// of its own, so that every page defines "title" and "content" without clashing.
var webPages = []string{"landing", "step", "review", "result", "error", "editor", "editor-folder"}

// webUI is the parsed templates and the static assets with their hashed URLs. It is built once
// from the embedded files and never changes, so every server shares it.
type webUI struct {
	pages  map[string]*template.Template
	assets map[string]staticAsset // by hashed file name, e.g. "app.3f2a9c1b.css"
	urls   map[string]string      // by file name, e.g. "app.css" → "/static/app.3f2a9c1b.css"
}

type staticAsset struct {
	body        []byte
	contentType string
}

func newWebUI(fsys fs.FS) (*webUI, error) {
	ui := &webUI{pages: map[string]*template.Template{}, assets: map[string]staticAsset{}, urls: map[string]string{}}
	files, err := fs.ReadDir(fsys, "static")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.IsDir() {
			continue
		}
		body, err := fs.ReadFile(fsys, "static/"+f.Name())
		if err != nil {
			return nil, err
		}
		ext := path.Ext(f.Name())
		ctype := assetTypes[ext]
		if ctype == "" {
			return nil, fmt.Errorf("static/%s: no content type for %q", f.Name(), ext)
		}
		sum := sha256.Sum256(body)
		hashed := strings.TrimSuffix(f.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		ui.assets[hashed] = staticAsset{body: body, contentType: ctype}
		ui.urls[f.Name()] = "/static/" + hashed
	}

	funcs := template.FuncMap{
		"static": func(name string) (string, error) {
			if u, ok := ui.urls[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static file %q", name)
		},
		"money": advisor.Money,
		"pct":   func(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" },
		"date": func(d catalog.Date) string {
			if d.IsZero() {
				return ""
			}
			return d.Format("2 Jan 2006")
		},
		"cell":  advisor.ValueLabel,
		"basis": advisor.BasisLabel,
		"rng":   advisor.MoneyRange,
		"num":   groupDigits,
		"add":   func(a, b int) int { return a + b },
		"add2":  func(a, b float64) float64 { return a + b },
		"coord": func(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}
	for _, name := range webPages {
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys,
			"templates/layout.html", "templates/parts.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		ui.pages[name] = t
	}
	return ui, nil
}

var assetTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes the page into a buffer and only then writes it, so that a template error
// becomes a clean 500 from the error adapter instead of half a page.
func (ui *webUI) render(w http.ResponseWriter, status int, name string, data any) error {
	t := ui.pages[name]
	if t == nil {
		return fmt.Errorf("render: no page %q", name)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 256<<10 {
			renderBuffers.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // a failed write means the client went away
	return nil
}

// serveAsset serves a static file by its hashed name. Any other name, including the file's
// plain name or an old hash, is not found: a hashed URL must never serve other content.
func (ui *webUI) serveAsset(w http.ResponseWriter, name string) bool {
	a, ok := ui.assets[name]
	if !ok {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
	return true
}

// groupDigits writes an integer with thousands separators: 40000 → "40,000".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
