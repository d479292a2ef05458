package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

const (
	// actionTimeout bounds one browser action, such as a key press and the page it loads.
	actionTimeout = 20 * time.Second
	// browserLifetime bounds everything one Chromium does, so that a hang fails the test
	// quickly instead of running into go test's own timeout.
	browserLifetime = 2 * time.Minute

	needChromium = "install Debian's chromium (apt-get install chromium) or set ADVISOR_TEST_CHROMIUM to run the browser tests"
	needNodeDeps = "run `cd web/e2e && npm ci` to install axe-core and Lighthouse"
)

// repoRoot is the repository root, seen from this package's folder (go test runs there).
var repoRoot = filepath.Join("..", "..")

// chromiumPath returns the Chromium to drive: ADVISOR_TEST_CHROMIUM, else chromium on the
// PATH. Without one it skips the test, saying what to install. Setting the variable asks for
// the browser tests (CI does), so a wrong path fails rather than skipping quietly.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ADVISOR_TEST_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("ADVISOR_TEST_CHROMIUM=%s is not an executable (%v): %s", p, err, needChromium)
		}
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip(needChromium)
	}
	return p
}

// axeSource returns the text of axe.min.js, or "" when web/e2e/node_modules is not installed
// (the accessibility checks then skip).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "web", "e2e", "node_modules", "axe-core", "axe.min.js"))
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err, "read axe-core")
	return string(b)
}

// site is the real server, built by the production constructor, on a loopback port.
type site struct {
	URL     string // http://127.0.0.1:port
	Host    string // 127.0.0.1:port
	content *advisor.Holder
	store   store.Store
}

func startSite(t *testing.T) *site {
	t.Helper()
	holder, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err, "load the embedded questionnaire and rules")
	return startSiteWith(t, holder)
}

// startSiteWith serves the content holder holds, such as a copied content folder to edit.
func startSiteWith(t *testing.T, holder *advisor.Holder) *site {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "e2e.db"))
	require.NoError(t, err, "open the SQLite store")
	t.Cleanup(func() { _ = st.Close() })
	// Warnings and errors only: a 500 shows up in the test output with its cause.
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(app.New(server.Config{}, holder, st, logger).Handler())
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	return &site{URL: srv.URL, Host: u.Host, content: holder, store: st}
}

// browser is one tab of a headless Chromium and a record of what its pages did.
type browser struct {
	ctx  context.Context // the tab; every action runs on a bounded context derived from it
	site *site
	rec  *recorder
}

// newBrowser starts a Chromium with a profile of its own and opens a tab.
func newBrowser(t *testing.T, chrome string, s *site) *browser {
	t.Helper()
	life, cancelLife := context.WithTimeout(context.Background(), browserLifetime)
	t.Cleanup(cancelLife)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no first run, no background networking, no sync
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		// On a closed network Chromium's own connections are refused; these keep it from trying.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopWidth, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(life, opts...)
	t.Cleanup(cancelAlloc) // runs before the profile folder is removed: it waits for Chromium to exit
	rec := &recorder{urls: map[network.RequestID]string{}}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(rec.observe))
	t.Cleanup(cancel)
	// The first action starts the browser and binds its life to the context it gets, so it
	// gets the tab's own context (bounded by browserLifetime), not a per-action one.
	require.NoError(t, chromedp.Do(ctx), "start Chromium at %s", chrome)
	return &browser{ctx: ctx, site: s, rec: rec}
}

// incognito opens a tab in a new browser context of the same Chromium: no cookies, storage,
// cache or history shared with b, like a buyer opening a link in another browser.
func (b *browser) incognito(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(b.rec.observe))
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx), "open a tab in a new browser context")
	return &browser{ctx: ctx, site: b.site, rec: b.rec}
}

// do runs actions that load no page.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, actions...))
}

// load runs actions that make the tab load a page (a navigation, a key press that submits a
// form) and requires the page it ends on, after any redirects, to have HTTP status want.
func (b *browser) load(t *testing.T, want int64, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	require.NoError(t, err, "load a page")
	require.NotNil(t, resp, "the page load had no response")
	require.Equal(t, want, resp.Status, "HTTP status of %s", resp.URL)
}

// open navigates to a path on the site.
func (b *browser) open(t *testing.T, path string, want int64) {
	t.Helper()
	b.load(t, want, chromedp.Navigate(b.site.URL+path))
}

// eval evaluates a JavaScript expression in the page and decodes its value into T.
func eval[T any](t *testing.T, b *browser, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	require.NoError(t, err, "evaluate %.100s", expr)
	return v
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// location is the path, query and fragment of the page in the tab.
func (b *browser) location(t *testing.T) string {
	t.Helper()
	return eval[string](t, b, `location.pathname + location.search + location.hash`)
}

// text is the whitespace-normalised text of the first element matching the CSS selector.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	s := eval[*string](t, b, `(s => { const e = document.querySelector(s);
		return e ? e.textContent.replace(/\s+/g, " ").trim() : null })(`+js(sel)+`)`)
	require.NotNil(t, s, "no element %s on %s", sel, b.location(t))
	return *s
}

// texts are the whitespace-normalised texts of every element matching the CSS selector.
func (b *browser) texts(t *testing.T, sel string) []string {
	t.Helper()
	return eval[[]string](t, b, `[...document.querySelectorAll(`+js(sel)+`)].map(e => e.textContent.replace(/\s+/g, " ").trim())`)
}

// control is the state of a form control as a buyer (and assistive technology) meets it.
type control struct {
	Value       string `json:"value"`
	Checked     bool   `json:"checked"`
	Disabled    bool   `json:"disabled"`
	Visible     bool   `json:"visible"`
	Focused     bool   `json:"focused"`
	Invalid     string `json:"invalid"`     // aria-invalid
	DescribedBy string `json:"describedBy"` // aria-describedby
}

func (b *browser) control(t *testing.T, sel string) control {
	t.Helper()
	c := eval[*control](t, b, `(s => { const e = document.querySelector(s);
		if (!e) return null;
		return {value: e.value ?? "", checked: !!e.checked, disabled: !!e.disabled,
			visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length),
			focused: document.activeElement === e,
			invalid: e.getAttribute("aria-invalid") ?? "", describedBy: e.getAttribute("aria-describedby") ?? ""};
	})(`+js(sel)+`)`)
	require.NotNil(t, c, "no control %s on %s", sel, b.location(t))
	return *c
}

// press moves the keyboard focus to the element, as Tab would, and presses keys there.
func press(sel, keys string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Focus(chromedp.CSS(sel)), keystrokes(keys))
}

// keystrokes presses each key the way a physical keyboard does: a keyDown that carries the
// key's text, then a keyUp. Chromium derives the keypress from the keyDown and drops it when
// the keyDown was handled, as it does for a real key. (chromedp.KeyEvent sends the keypress
// as a separate event, so Enter on an in-page link, which moves the focus on keyDown, would
// deliver its keypress to the field the link leads to and submit the form.)
func keystrokes(keys string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range keys {
			k, ok := kb.Keys[r]
			if !ok {
				return fmt.Errorf("no key for %q", r)
			}
			down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown,
				Key: k.Key, Code: k.Code, NativeVirtualKeyCode: k.Native, WindowsVirtualKeyCode: k.Windows}
			if k.Shift {
				down.Modifiers = int64(chromedp.ModifierShift)
			}
			if k.Print {
				down.Text, down.UnmodifiedText = k.Text, k.Unmodified
			}
			up := down
			up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
			for _, ev := range []input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// space ticks a checkbox or chooses a radio button with the keyboard.
func (b *browser) space(t *testing.T, sel string) {
	t.Helper()
	b.do(t, press(sel, " "))
	require.True(t, b.control(t, sel).Checked, "Space on %s leaves it unchecked", sel)
}

// typeInto focuses a text field, deletes what it holds with Backspace and types text.
func (b *browser) typeInto(t *testing.T, sel, text string) {
	t.Helper()
	old := b.control(t, sel).Value
	b.do(t, press(sel, kb.End+strings.Repeat(kb.Backspace, len([]rune(old)))+text))
	require.Equal(t, text, b.control(t, sel).Value, "typed into %s", sel)
}

// recorder keeps what a tab's listener saw. The listener runs in the tab's message loop, so
// it only records; the test reads the record afterwards.
type recorder struct {
	mu       sync.Mutex
	requests []string                     // every URL the browser asked for, in order
	urls     map[network.RequestID]string // request ID → URL, to name failed loads
	problems []string                     // console errors and warnings, uncaught exceptions, failed loads
}

func (r *recorder) observe(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.requests = append(r.requests, ev.Request.URL)
		r.urls[ev.RequestID] = ev.Request.URL
	case *network.EventResponseReceived:
		// Pages answer 404 and 422 on purpose and the test checks each page's status; a
		// style sheet, script or icon that fails to load is a defect.
		if ev.Type != network.ResourceTypeDocument && ev.Response.Status >= 400 {
			r.problems = append(r.problems, fmt.Sprintf("%s %s: HTTP %d", ev.Type, ev.Response.URL, ev.Response.Status))
		}
	case *network.EventLoadingFailed:
		if !ev.Canceled {
			why := ev.ErrorText
			if ev.BlockedReason != "" {
				why += " blocked: " + string(ev.BlockedReason)
			}
			r.problems = append(r.problems, fmt.Sprintf("%s %s failed to load: %s", ev.Type, r.urls[ev.RequestID], strings.TrimSpace(why)))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		r.problems = append(r.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			r.problems = append(r.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *log.EventEntryAdded:
		// Content-Security-Policy violations arrive here (source "security"). Network
		// entries only repeat the HTTP statuses handled above.
		e := ev.Entry
		if e.Source != log.EntrySourceNetwork && (e.Level == log.EntryLevelError || e.Level == log.EntryLevelWarning) {
			r.problems = append(r.problems, fmt.Sprintf("browser log (%s %s) at %s: %s", e.Source, e.Level, e.URL, e.Text))
		}
	}
}

// record returns copies of what the listeners saw so far.
func (r *recorder) record() (requests, problems []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...), append([]string(nil), r.problems...)
}

// offSite returns the URLs that went anywhere but the test server. data: URLs never leave
// the browser.
func offSite(requests []string, host string) []string {
	var out []string
	for _, raw := range requests {
		u, err := url.Parse(raw)
		switch {
		case err == nil && u.Scheme == "data":
		case err == nil && u.Scheme == "http" && u.Host == host:
		default:
			out = append(out, raw)
		}
	}
	return out
}

// wcag are the axe-core rule tags every page must pass: WCAG 2.0 and 2.1, levels A and AA.
var wcag = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

type axeResult struct {
	Passes     int        `json:"passes"`
	Violations []axeFault `json:"violations"`
	Incomplete []axeFault `json:"incomplete"` // what axe could not decide, for a person to review
}

type axeFault struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Nodes   []string `json:"nodes"` // each node's CSS path and axe's summary of what is wrong
}

func (f axeFault) String() string {
	return fmt.Sprintf("%s (%s): %s\n\t%s\n\t%s", f.ID, f.Impact, f.Help, f.HelpURL, strings.Join(f.Nodes, "\n\t"))
}

// The two widths every page is checked at: a common laptop and a common phone.
const (
	desktopWidth = 1366
	phoneWidth   = 390
)

// viewport makes the tab lay out the page as a window of the given size (a phone's at
// phoneWidth, with touch and a device scale factor of 3); width 0 restores the desktop
// window every test starts with.
func (b *browser) viewport(t *testing.T, width, height int64) {
	t.Helper()
	if width == 0 {
		width, height = desktopWidth, 900
	}
	opts := []chromedp.EmulateViewportOption{}
	if width <= phoneWidth {
		opts = append(opts, chromedp.EmulateScale(3), chromedp.EmulateTouch)
	}
	b.do(t, chromedp.EmulateViewport(width, height, opts...))
}

// checkAxe runs axe-core on the page in the tab at desktopWidth and at phoneWidth, as
// subtests of one with the given name, and fails on any violation. The page's
// Content-Security-Policy forbids injected scripts, so the axe source is evaluated through
// the DevTools protocol (Runtime.evaluate), which the CSP does not cover.
func (b *browser) checkAxe(t *testing.T, name, axeSrc string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		if axeSrc == "" {
			t.Skip("axe-core is not installed: " + needNodeDeps)
		}
		defer b.viewport(t, 0, 0)
		for _, w := range []int64{desktopWidth, phoneWidth} {
			t.Run(fmt.Sprintf("%dpx", w), func(t *testing.T) {
				b.viewport(t, w, 844)
				b.runAxe(t, axeSrc)
			})
		}
	})
}

func (b *browser) runAxe(t *testing.T, axeSrc string) {
	t.Helper()
	where := b.location(t)
	if !eval[bool](t, b, `typeof window.axe === "object"`) {
		eval[chromedp.Void](t, b, axeSrc+"\n;void 0") // defines window.axe; nothing to send back
	}
	tags, _ := json.Marshal(wcag)
	res := eval[axeResult](t, b, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}}).then(r => {
		const faults = list => list.map(v => ({id: v.id, impact: v.impact ?? "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary ?? "").replace(/\s+/g, " "))}));
		return {passes: r.passes.length, violations: faults(r.violations), incomplete: faults(r.incomplete)};
	})`, chromedp.EvalAwaitPromise)
	require.NotZero(t, res.Passes, "axe checked nothing on %s", where)
	for _, v := range res.Violations {
		t.Errorf("axe violation on %s: %s", where, v)
	}
	t.Logf("axe on %s: %d rules pass, %d violations, %d to review", where, res.Passes, len(res.Violations), len(res.Incomplete))
	for _, v := range res.Incomplete {
		t.Logf("to review: %s", v)
	}
}

// screenshotDir is the folder named by ADVISOR_E2E_SCREENSHOTS (relative to the repository
// root), created if need be, or "" when screenshots are not wanted.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ADVISOR_E2E_SCREENSHOTS")
	if dir == "" {
		return ""
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(repoRoot, dir)
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// screenshot writes a PNG of the whole page in the tab to dir/name, when dir is set.
func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	require.NoError(t, err, "screenshot")
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("wrote %s (%d bytes)", path, len(png))
}
