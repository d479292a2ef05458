package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resultSummary is what a buyer reads at the top of each part of the result page.
type resultSummary struct {
	Lead         string      `json:"lead"`   // the summary card's heading
	Scores       []string    `json:"scores"` // its big numbers, "Fit 100/100" …
	Line         string      `json:"line"`   // architecture and approach
	Reasons      []string    `json:"reasons"`
	Runners      []string    `json:"runners"`
	Finalists    []string    `json:"finalists"` // the comparison's columns
	Path         []pathEntry `json:"path"`
	ChartTitle   string      `json:"chartTitle"`
	ChartBars    int         `json:"chartBars"`
	ChartWidth   float64     `json:"chartWidth"`
	ChartHeight  float64     `json:"chartHeight"`
	TableCaption string      `json:"tableCaption"`
	TableRows    int         `json:"tableRows"`
	Resume       string      `json:"resume"`
	Versions     string      `json:"versions"`
}

type pathEntry struct {
	Title string `json:"title"`
	Href  string `json:"href"`
	Text  string `json:"text"`
}

const readResult = `(() => {
	const norm = s => (s ?? "").replace(/\s+/g, " ").trim();
	const text = sel => norm(document.querySelector(sel)?.textContent);
	const all = sel => [...document.querySelectorAll(sel)];
	const svg = document.querySelector("figure.chart svg");
	const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
	return {
		lead: norm(document.querySelector("section.summary h2")?.lastChild.textContent),
		scores: all("section.summary .scores > div").map(e => norm(e.querySelector("dt").textContent + " " + e.querySelector("dd").textContent)),
		line: text("section.summary .line"),
		reasons: all("section.summary ul.reasons > li").map(e => norm(e.textContent)),
		runners: all("section.summary h3 + ul > li > strong").map(e => norm(e.textContent)),
		finalists: all("table.compare thead th[scope=col]").slice(1).map(e => norm(e.firstChild.textContent)),
		path: all("ol.path > li").map(li => ({title: norm(li.querySelector("a")?.textContent),
			href: li.querySelector("a")?.getAttribute("href") ?? "", text: norm(li.textContent)})),
		chartTitle: text("figure.chart svg title#chart-t"),
		chartBars: all("figure.chart svg rect[class^=c]").length,
		chartWidth: box.width, chartHeight: box.height,
		tableCaption: text("table.costs caption"),
		tableRows: all("table.costs tbody tr").length,
		resume: document.querySelector("p.resume a")?.href ?? "",
		versions: text("#about ~ p.muted"),
	};
})()`

var stepPath = regexp.MustCompile(`^/a/([a-z2-7]{26})/step/([a-z]+)$`)

// TestBuyerJourney walks the questionnaire in a real browser as the b2b-sso-now persona (a
// B2B SaaS company whose customers already ask for SSO), by keyboard only: focus and Space
// on radios and checkboxes, typing into fields, Enter on buttons and links. On the way it
// makes and corrects a mistake, goes back, reaches the recommendation, opens the resume link
// in a fresh browser context, runs axe-core on every page and checks that the browser asked
// no other host for anything.
func TestBuyerJourney(t *testing.T) {
	chrome := chromiumPath(t)
	axeSrc := axeSource(t)
	shots := screenshotDir(t)
	s := startSite(t)
	b := newBrowser(t, chrome, s)

	// Each part starts where the one before left the browser.
	part := func(name string, f func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	var id string
	step := func(name string) string { return "/a/" + id + "/step/" + name }
	next := `main form button[name=go][value=next]`
	back := `main form button[name=go][value=back]`

	part("landing", func(t *testing.T) {
		b.open(t, "/", 200)
		assert.Equal(t, "Choose a customer identity platform", b.text(t, "h1"))
		assert.Equal(t, "Choose a customer identity platform – CIAM Advisor", eval[string](t, b, `document.title`))
		// The first Tab reaches the skip link; Enter on it moves the focus to the content.
		b.do(t, keystrokes(kb.Tab))
		assert.Equal(t, "Skip to main content", eval[string](t, b, `document.activeElement.textContent`))
		b.do(t, keystrokes(kb.Enter))
		assert.Equal(t, "main", eval[string](t, b, `document.activeElement.id`), "Enter on the skip link focuses <main>")
		b.checkAxe(t, "axe", axeSrc)
	})

	part("start by keyboard", func(t *testing.T) {
		b.load(t, 200, press(`main form button[type=submit]`, kb.Enter))
		require.Equal(t, "/a/new/step/shape", b.location(t), "Start leads to the first step of a new assessment, stored once answered")
		id = "new"
	})

	part("shape", func(t *testing.T) {
		assert.Equal(t, "Step 1 of 5 Identity shape", b.text(t, "h1"))
		assert.Equal(t, "Identity shape", b.text(t, `nav.progress li[aria-current="step"]`))
		assert.Zero(t, eval[int](t, b, `document.querySelectorAll(`+js(back)+`).length`), "no Back on the first step")
		sso := b.control(t, "#f-enterprise_sso-now")
		assert.False(t, sso.Visible, "the SSO follow-up waits for a B2B answer")
		assert.True(t, sso.Disabled, "a hidden follow-up submits nothing")

		b.space(t, "#f-identity_shape-b2b")
		// app.js reveals the follow-ups as soon as B2B is chosen.
		b.do(t, chromedp.WaitVisible(chromedp.CSS("#q-enterprise_sso")), chromedp.WaitVisible(chromedp.CSS("#q-largest_customer_seats")))
		assert.False(t, b.control(t, "#f-enterprise_sso-now").Disabled)
		b.space(t, "#f-channels-web")
		b.space(t, "#f-channels-api")
		b.space(t, "#f-enterprise_sso-now")
		b.typeInto(t, "#f-largest_customer_seats", "3000")
		b.checkAxe(t, "axe", axeSrc)
		b.do(t, chromedp.Blur(chromedp.CSS("#f-largest_customer_seats")))
		b.screenshot(t, shots, "step.png")

		b.load(t, 200, press(next, kb.Enter))
		m := stepPath.FindStringSubmatch(b.location(t))
		require.NotNil(t, m, "the first saved step creates the assessment: %s", b.location(t))
		id = m[1]
		assert.Equal(t, step("build"), b.location(t), "with JavaScript the follow-ups need no extra round")
	})

	part("build", func(t *testing.T) {
		assert.Equal(t, "Step 2 of 5 Build or buy", b.text(t, "h1"))
		b.checkAxe(t, "axe", axeSrc)
		b.space(t, "#f-identity_is_product-no")
		b.space(t, "#f-identity_team-part_time")
		b.space(t, "#f-current_platform-none")
		b.load(t, 200, press(next, kb.Enter))
		assert.Equal(t, step("constraints"), b.location(t))
	})

	part("constraints", func(t *testing.T) {
		assert.Equal(t, "Step 3 of 5 Hard constraints", b.text(t, "h1"))
		b.checkAxe(t, "axe", axeSrc)
		b.space(t, "#f-constraints-soc2")
		b.space(t, "#f-constraints-gdpr")
		assert.False(t, b.control(t, "#f-residency_regions-eu").Visible, "regions are asked only with residency or sovereignty")
		b.space(t, "#f-industry-saas")
		b.load(t, 200, press(next, kb.Enter))
		assert.Equal(t, step("scale"), b.location(t))
	})

	part("scale: a wrong answer is kept, with its message beside it", func(t *testing.T) {
		assert.Equal(t, "Step 4 of 5 Scale and cost", b.text(t, "h1"))
		b.checkAxe(t, "axe", axeSrc)
		b.typeInto(t, "#f-mau_now", "lots")
		b.typeInto(t, "#f-mau_growth_pct", "50")
		b.load(t, 422, press(next, kb.Enter))

		assert.Equal(t, step("scale"), b.location(t), "the buyer stays on the step")
		assert.True(t, strings.HasPrefix(eval[string](t, b, `document.title`), "Error: Step 4 of 5"), "the title says there is an error")
		mau := b.control(t, "#f-mau_now")
		assert.Equal(t, "lots", mau.Value, "what the buyer typed is kept")
		assert.Equal(t, "true", mau.Invalid, "aria-invalid")
		assert.Contains(t, strings.Fields(mau.DescribedBy), "e-mau_now", "the field is described by its message")
		assert.Equal(t, "Error: Enter the number in digits, for example 40000 or 40k.", b.text(t, "#q-mau_now #e-mau_now"))
		assert.Equal(t, "50", b.control(t, "#f-mau_growth_pct").Value, "valid answers typed alongside are kept")
		assert.Empty(t, b.control(t, "#f-mau_growth_pct").Invalid)

		assert.Equal(t, "There is a problem", b.text(t, ".error-summary h2"))
		assert.Equal(t, []string{"How many monthly active users do you have today? — Enter the number in digits, for example 40000 or 40k."},
			b.texts(t, ".error-summary a"))
		assert.True(t, eval[bool](t, b, `document.activeElement.classList.contains("error-summary")`), "the error summary takes the focus")
		b.checkAxe(t, "axe with the error shown", axeSrc)

		// The summary's link leads to the field.
		b.do(t, press(".error-summary a", kb.Enter))
		assert.Equal(t, step("scale")+"#f-mau_now", b.location(t))
		assert.True(t, b.control(t, "#f-mau_now").Focused, "the summary's link puts the cursor in the field")
		b.typeInto(t, "#f-mau_now", "40k") // read as 40,000
		// Enter in a field submits with the form's first button: Next, not Back.
		b.load(t, 200, press("#f-mau_now", kb.Enter))
		assert.Equal(t, step("primitives"), b.location(t))
	})

	part("primitives", func(t *testing.T) {
		assert.Equal(t, "Step 5 of 5 Must-have capabilities", b.text(t, "h1"))
		b.checkAxe(t, "axe", axeSrc)
		for _, v := range []string{"enterprise_sso", "scim", "organizations", "mfa"} {
			b.space(t, "#f-must_haves-"+v)
		}
	})

	part("Back keeps the answers", func(t *testing.T) {
		b.load(t, 200, press(back, kb.Enter))
		assert.Equal(t, step("scale"), b.location(t))
		assert.Equal(t, "40000", b.control(t, "#f-mau_now").Value)
		assert.Equal(t, "50", b.control(t, "#f-mau_growth_pct").Value)

		b.load(t, 200, press(back, kb.Enter))
		assert.Equal(t, step("constraints"), b.location(t))
		for _, sel := range []string{"#f-constraints-soc2", "#f-constraints-gdpr", "#f-industry-saas"} {
			assert.True(t, b.control(t, sel).Checked, "%s is still chosen", sel)
		}
		assert.False(t, b.control(t, "#f-constraints-hipaa").Checked)

		// The progress list leads back to the first step, which kept its answers too.
		b.load(t, 200, press(`nav.progress a[href$="/step/shape"]`, kb.Enter))
		for _, sel := range []string{"#f-identity_shape-b2b", "#f-channels-web", "#f-channels-api", "#f-enterprise_sso-now"} {
			assert.True(t, b.control(t, sel).Checked, "%s is still chosen", sel)
		}
		assert.Equal(t, "3000", b.control(t, "#f-largest_customer_seats").Value)

		// Forward again with Next, which saves each step unchanged.
		for _, to := range []string{"build", "constraints", "scale", "primitives"} {
			b.load(t, 200, press(next, kb.Enter))
			require.Equal(t, step(to), b.location(t))
		}
		for _, v := range []string{"enterprise_sso", "scim", "organizations", "mfa"} {
			assert.True(t, b.control(t, "#f-must_haves-"+v).Checked, "Back saved %s", v)
		}
		assert.Equal(t, "Next: check your answers", b.text(t, next))
		b.load(t, 200, press(next, kb.Enter))
		assert.Equal(t, "/a/"+id+"/review", b.location(t))
	})

	part("review", func(t *testing.T) {
		assert.Equal(t, "Check your answers", b.text(t, "h1"))
		// A row's answer sits beside its "Change" link.
		row := func(q string) string {
			return strings.TrimSpace(eval[string](t, b, `document.querySelector(`+js(`a[href$="#q-`+q+`"]`)+`).closest(".row").querySelector("dd").textContent`))
		}
		assert.Equal(t, "Businesses (B2B SaaS)", row("identity_shape"))
		assert.Equal(t, "Already asking", row("enterprise_sso"))
		assert.Contains(t, row("largest_customer_seats"), "3,000")
		assert.Equal(t, "40,000 users a month", row("mau_now"))
		b.checkAxe(t, "axe", axeSrc)
		b.load(t, 200, press(`main a.button[href$="/result"]`, kb.Enter))
		assert.Equal(t, "/a/"+id+"/result", b.location(t))
	})

	var first resultSummary
	part("result", func(t *testing.T) {
		assert.Equal(t, "Your CIAM recommendation", b.text(t, "h1"))
		r := eval[resultSummary](t, b, readResult)
		first = r
		require.NotEmpty(t, r.Finalists, "a comparison of the finalists")
		assert.Equal(t, r.Finalists[0], r.Lead, "the summary names the leader, the comparison's first column")
		require.Len(t, r.Scores, 3)
		assert.Regexp(t, `^Fit \d+/100$`, r.Scores[0])
		assert.Regexp(t, `^Confidence \d+%$`, r.Scores[1])
		assert.Regexp(t, `^Three years \$[\d.]+[kMB]?(–\$[\d.]+[kMB]?)?$`, r.Scores[2])
		assert.Equal(t, "Architecture: B2B multi-tenant Approach: Buy a managed platform", r.Line)
		assert.Len(t, r.Reasons, 3, "three reasons in plain words")
		for _, why := range r.Reasons {
			assert.NotRegexp(t, `[a-z]+-[a-z]+$`, why, "no rule ID in the summary")
		}
		assert.Equal(t, r.Finalists[1:], r.Runners, "the runners-up are the other finalists")

		require.GreaterOrEqual(t, len(r.Path), 3, "a reading path")
		for _, p := range r.Path {
			assert.NotEmpty(t, p.Title)
			assert.Regexp(t, `^https://`, p.Href, "guide %q links to the guide", p.Title)
			assert.Regexp(t, ` min`, p.Text, "guide %q gives its reading time", p.Title)
		}

		assert.Equal(t, "Three-year cost of each option", r.ChartTitle)
		assert.Equal(t, r.TableRows, r.ChartBars, "a bar per option")
		assert.GreaterOrEqual(t, r.TableRows, len(r.Finalists)+2, "the finalists, self-hosting and building")
		assert.Greater(t, r.ChartWidth, 300.0, "the chart is drawn at a readable size")
		assert.Greater(t, r.ChartHeight, 150.0, "the chart is drawn at a readable size")
		assert.Equal(t, "Three-year cost per option, US dollars", r.TableCaption)

		assert.Equal(t, s.URL+"/a/"+id, r.Resume)
		assert.Contains(t, r.Versions, "Computed with questionnaire q-")
		b.checkAxe(t, "axe", axeSrc)
		b.screenshot(t, shots, "result.png")
	})

	part("resume link in a fresh browser", func(t *testing.T) {
		other := b.incognito(t)
		require.NotEmpty(t, chromedp.FromContext(other.ctx).BrowserContextID, "the tab has a browser context of its own")
		assert.NotEqual(t, chromedp.FromContext(b.ctx).BrowserContextID, chromedp.FromContext(other.ctx).BrowserContextID)
		assert.Equal(t, "about:blank", eval[string](t, other, `location.href`), "a tab that has seen nothing")
		other.load(t, 200, chromedp.Navigate(first.Resume))
		assert.Equal(t, "/a/"+id+"/result", other.location(t), "a complete assessment resumes at its result")
		again := eval[resultSummary](t, other, readResult)
		assert.Equal(t, first, again, "the same recommendation")
	})

	part("not found", func(t *testing.T) {
		b.open(t, "/no/such/page", 404)
		assert.Equal(t, "Not found", b.text(t, "h1"))
		assert.Equal(t, "/", eval[string](t, b, `document.querySelector("main a").getAttribute("href")`), "a way back")
		b.checkAxe(t, "axe", axeSrc)
	})

	t.Run("no request leaves the site", func(t *testing.T) {
		requests, _ := b.rec.record()
		require.NotEmpty(t, requests, "the network listener saw the pages load")
		for _, u := range offSite(requests, s.Host) {
			t.Errorf("the browser asked another host than %s for %s", s.Host, u)
		}
		t.Logf("%d requests in all", len(requests))
	})

	t.Run("no console errors, script errors or failed loads", func(t *testing.T) {
		_, problems := b.rec.record()
		for _, p := range problems {
			t.Error(p)
		}
	})
}
