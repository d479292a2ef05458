package e2e

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxPrintPages is the most pages a typical result may print to, on A4 or Letter.
const maxPrintPages = 4

// TestResultPage checks what a buyer needs from the result page in a real browser: the
// summary card within the first screen, the comparison with a working source link and review
// date for each known value, keyboard access to the comparison on a phone, a cost chart that
// stays legible there, and a print of at most maxPrintPages pages that opens with the summary
// and the comparison.
func TestResultPage(t *testing.T) {
	chrome := chromiumPath(t)
	s := startSite(t)
	id := completeAssessment(t, s)
	b := newBrowser(t, chrome, s)
	b.open(t, "/a/"+id+"/result", 200)

	t.Run("summary card within the first screen", func(t *testing.T) {
		type box struct {
			First  bool    `json:"first"`
			Top    float64 `json:"top"`
			Scores float64 `json:"scores"` // bottom of the big numbers
			Height float64 `json:"height"` // the window's
		}
		r := eval[box](t, b, `(() => { const c = document.querySelector("section.summary");
			return {first: c === document.querySelector("main section"), top: c.getBoundingClientRect().top,
				scores: c.querySelector(".scores").getBoundingClientRect().bottom, height: innerHeight}; })()`)
		assert.True(t, r.First, "the summary card is the first section")
		assert.Less(t, r.Scores, r.Height, "the leader, its fit, confidence and cost are visible without scrolling")
		assert.NotEmpty(t, b.text(t, "section.summary h2"))
		assert.Contains(t, b.text(t, "section.summary .budget"), "over three years")
	})

	t.Run("comparison links every known value to its source", func(t *testing.T) {
		type cell struct {
			Value string `json:"value"`
			Href  string `json:"href"`
			Rev   string `json:"rev"`
		}
		cells := eval[[]cell](t, b, `[...document.querySelectorAll("table.compare tbody td")].map(td => ({
			value: td.className, href: td.querySelector("a")?.href ?? "", rev: td.querySelector(".rev")?.textContent ?? ""}))`)
		require.NotEmpty(t, cells)
		linked := 0
		for _, c := range cells {
			assert.Regexp(t, `^v-(yes|no|unknown|plan)$`, c.Value)
			if c.Href == "" {
				assert.Equal(t, "v-unknown", c.Value, "only an unknown has no source")
				continue
			}
			linked++
			u, err := url.Parse(c.Href)
			if assert.NoError(t, err) {
				assert.Equal(t, "https", u.Scheme, "source %s", c.Href)
				assert.NotEmpty(t, u.Host, "source %s", c.Href)
			}
			assert.Regexp(t, `reviewed \d{1,2} \w{3} \d{4}`, c.Rev, "the review date of %s", c.Href)
		}
		assert.Greater(t, linked, len(cells)/2, "most values have a source")

		// The review date is hidden until the value is hovered or focused, then shown.
		revWidth := `document.querySelector("table.compare td a").parentElement.querySelector(".rev").getBoundingClientRect().width`
		assert.LessOrEqual(t, eval[float64](t, b, revWidth), 1.0, "review date hidden at rest")
		b.do(t, chromedp.Focus(chromedp.CSS("table.compare td a")))
		assert.Greater(t, eval[float64](t, b, revWidth), 40.0, "review date shown on focus")

		// The link works: following it asks the browser for the source's address. (The
		// test machine has no way out, so the request is caught before it leaves.)
		href := eval[string](t, b, `document.querySelector("table.compare td a").href`)
		requestsBefore, _ := b.rec.record()
		b.do(t, keystrokes(kb.Enter))
		b.waitForRequest(t, href, len(requestsBefore))
		b.open(t, "/a/"+id+"/result", 200)
	})

	t.Run("keyboard scrolls the comparison on a phone", func(t *testing.T) {
		b.viewport(t, phoneWidth, 844)
		defer b.viewport(t, 0, 0)
		wide := eval[bool](t, b, `(w => w.scrollWidth > w.clientWidth)(document.querySelector("table.compare").closest(".table-wrap"))`)
		if !wide {
			t.Skip("the comparison fits a phone's width; nothing to scroll")
		}
		// Tab from the last link before the comparison reaches its scrolling region.
		b.do(t, press(`.toolbar li:last-child a`, kb.Tab))
		assert.Equal(t, "cmp-cap", eval[string](t, b, `document.activeElement.getAttribute("aria-labelledby") ?? ""`),
			"Tab reaches the comparison's region")
		rowHeadLeft := `document.querySelector("table.compare tbody th").getBoundingClientRect().left`
		before := eval[float64](t, b, rowHeadLeft)
		b.do(t, keystrokes(kb.ArrowRight+kb.ArrowRight+kb.ArrowRight+kb.ArrowRight))
		// Keyboard scrolling may be animated: wait for it to move.
		scrolled := eval[float64](t, b, `new Promise(done => { const w = document.activeElement, end = Date.now() + 3000;
			(function poll() { if (w.scrollLeft > 0 || Date.now() > end) done(w.scrollLeft); else setTimeout(poll, 50); })(); })`,
			chromedp.EvalAwaitPromise)
		assert.Greater(t, scrolled, 0.0, "arrow keys scroll the table")
		assert.InDelta(t, before, eval[float64](t, b, rowHeadLeft), 1, "the capability column stays pinned")

		// The chart's labels stay legible at this width.
		size := eval[float64](t, b, `document.querySelector("figure.chart text.name").getBoundingClientRect().height`)
		assert.GreaterOrEqual(t, size, 11.0, "bar labels at least 11 px tall on a phone")
	})

	for _, paper := range []struct {
		name          string
		width, height float64 // inches
	}{{"A4", 8.27, 11.69}, {"Letter", 8.5, 11}} {
		t.Run("prints on "+paper.name, func(t *testing.T) {
			pdf := b.printPDF(t, paper.width, paper.height)
			pages := pdfPages(pdf)
			t.Logf("%s: %d pages, %d bytes", paper.name, pages, len(pdf))
			assert.GreaterOrEqual(t, pages, 1)
			assert.LessOrEqual(t, pages, maxPrintPages, "a typical result prints on at most %d pages", maxPrintPages)
			if dir := screenshotDir(t); dir != "" {
				path := filepath.Join(dir, "result-"+paper.name+".pdf")
				require.NoError(t, os.WriteFile(path, pdf, 0o644))
			}
			// Page 1 holds the summary card and the comparison, down to its last row.
			pdftotext, err := exec.LookPath("pdftotext") // poppler-utils
			if err != nil {
				t.Log("pdftotext (poppler-utils) is not installed: page 1's content is not checked")
				return
			}
			file := filepath.Join(t.TempDir(), "result.pdf")
			require.NoError(t, os.WriteFile(file, pdf, 0o644))
			out, err := exec.Command(pdftotext, "-f", "1", "-l", "1", file, "-").Output()
			require.NoError(t, err, "pdftotext")
			first := strings.Join(strings.Fields(string(out)), " ")
			lastRow := b.text(t, "table.compare tbody tr:last-child th")
			assert.Contains(t, first, "Look at first "+b.text(t, "table.compare thead th:nth-child(2)"), "page 1 has the summary card")
			assert.Contains(t, first, lastRow, "page 1 has the whole comparison")
		})
	}
}

// waitForRequest waits until the browser asks for want, among the requests after the first
// skip ones.
func (b *browser) waitForRequest(t *testing.T, want string, skip int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	for {
		requests, _ := b.rec.record()
		for _, r := range requests[skip:] {
			if r == want {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the browser never asked for %s", want)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// printPDF prints the page in the tab as the browser's print dialog would, on paper of the
// given size in inches, with the page's own @page margins.
func (b *browser) printPDF(t *testing.T, width, height float64) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	var pdf []byte
	_, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: width, PaperHeight: height})
		pdf = res.Data
		return err
	}))
	require.NoError(t, err, "print to PDF")
	return pdf
}

var pdfPageObject = regexp.MustCompile(`/Type\s*/Page[^s]`)

// pdfPages counts the page objects in a PDF as Chromium writes it (uncompressed object
// headers).
func pdfPages(pdf []byte) int {
	return len(pdfPageObject.FindAll(pdf, -1))
}
