package pages_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

// b2bAnswers are the answers of the b2b-sso-now persona, step by step, as form values.
var b2bAnswers = []struct {
	step    string
	answers url.Values
}{
	{"shape", url.Values{"identity_shape": {"b2b"}, "channels": {"web", "api"}}},
	{"build", url.Values{"identity_is_product": {"no"}, "identity_team": {"part_time"}, "current_platform": {"none"}}},
	{"constraints", url.Values{"constraints": {"soc2", "gdpr"}, "industry": {"saas"}}},
	{"scale", url.Values{"mau_now": {"40000"}, "mau_growth_pct": {"50"}}},
	{"primitives", url.Values{"must_haves": {"enterprise_sso", "scim", "organizations", "mfa"}}},
}

// complete answers every step of a new assessment like a buyer without JavaScript would.
func (s *site) complete(id string) {
	s.T.Helper()
	for i, st := range b2bAnswers {
		path := "/a/" + id + "/step/" + st.step
		rec := s.Submit(path, st.answers, "next")
		require.Equal(s.T, http.StatusSeeOther, rec.Code, "step %s: %s", st.step, rec.Body.String())
		if st.step == "shape" {
			// B2B raises two follow-ups on the same step, shown after Next without JavaScript.
			require.Equal(s.T, path+"?new=enterprise_sso+largest_customer_seats", rec.Header().Get("Location"))
			rec = s.Submit(rec.Header().Get("Location"), url.Values{"enterprise_sso": {"now"}, "largest_customer_seats": {"3000"}}, "next")
			require.Equal(s.T, http.StatusSeeOther, rec.Code, rec.Body.String())
		}
		want := "/a/" + id + "/review"
		if i+1 < len(b2bAnswers) {
			want = "/a/" + id + "/step/" + b2bAnswers[i+1].step
		}
		require.Equal(s.T, want, rec.Header().Get("Location"), "after step %s", st.step)
	}
}

func TestWebFlow(t *testing.T) {
	s := newSite(t, server.Config{})

	home := s.Get("/")
	require.Equal(t, http.StatusOK, home.Code)
	doc := pagestest.ParseHTML(t, home)
	assert.Equal(t, "Choose a customer identity platform", textOf(doc.Find("h1")))
	assert.Equal(t, 5, doc.Find("ol.steps > li").Length(), "the five steps are explained")
	assert.Equal(t, "/assessments", doc.Find("main form").AttrOr("action", ""))

	id := s.Start()

	t.Run("step page", func(t *testing.T) {
		doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/step/shape"))
		assert.Equal(t, "Step 1 of 5 Identity shape", textOf(doc.Find("h1")))
		cur := doc.Find(`nav.progress li[aria-current="step"]`)
		assert.Equal(t, "Identity shape", textOf(cur))
		assert.Equal(t, 5, doc.Find("nav.progress li").Length())
		assert.Equal(t, "https://guptadeepak.com/ciam-compass/guides/ciam-reference-architectures/", doc.Find("p.guide a").AttrOr("href", ""))
		assert.Equal(t, "Who are your users? (required)", textOf(doc.Find("#q-identity_shape legend")))
		assert.Equal(t, 3, doc.Find(`input[type=radio][name=identity_shape]`).Length())
		assert.Equal(t, 4, doc.Find(`input[type=checkbox][name=channels]`).Length())
		assert.Equal(t, 0, doc.Find(`button[value=back]`).Length(), "no Back on the first step")
		assert.Equal(t, "http://advisor.test/a/"+id, doc.Find("p.resume a").AttrOr("href", ""))
	})

	s.complete(id)

	t.Run("review", func(t *testing.T) {
		doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/review"))
		assert.Equal(t, "Check your answers", textOf(doc.Find("h1")))
		row := doc.Find(`a[href="/a/` + id + `/step/shape?from=review#q-identity_shape"]`).Closest(".row")
		assert.Equal(t, "Businesses (B2B SaaS)", textOf(row.Find("dd").First()))
		row = doc.Find(`a[href="/a/` + id + `/step/shape?from=review#q-channels"]`).Closest(".row")
		assert.Equal(t, "Web app, Public API used by customers' code", textOf(row.Find("dd").First()))
		row = doc.Find(`a[href="/a/` + id + `/step/scale?from=review#q-mau_now"]`).Closest(".row")
		assert.Equal(t, "40,000 users a month", textOf(row.Find("dd").First()))
		row = doc.Find(`a[href="/a/` + id + `/step/build?from=review#q-identity_is_product"]`).Closest(".row")
		assert.Equal(t, "No", textOf(row.Find("dd").First()))
		assert.Equal(t, "Change your answer to: Who are your users?", textOf(doc.Find(`a[href$="#q-identity_shape"]`)))
		assert.Equal(t, "/a/"+id+"/result", doc.Find("a.button").AttrOr("href", ""))
	})

	t.Run("result", func(t *testing.T) {
		rec := s.Get("/a/" + id + "/result")
		require.Equal(t, http.StatusOK, rec.Code)
		doc := pagestest.ParseHTML(t, rec)
		// The summary card comes first and answers which platform, how sure and at what cost.
		card := doc.Find("main section").First()
		assert.True(t, card.HasClass("summary"), "the summary card is the first section")
		lead := textOf(card.Find("h2#sum"))
		assert.NotEmpty(t, lead)
		assert.Equal(t, []string{"Fit", "Confidence", "Three years"}, card.Find(".scores dt").Map(func(_ int, s *goquery.Selection) string { return textOf(s) }))
		assert.Contains(t, textOf(card.Find(".line")), "Architecture: B2B multi-tenant")
		assert.Contains(t, textOf(card.Find(".line")), "Approach: Buy a managed platform")
		assert.Equal(t, 3, card.Find("ul.reasons > li").Length(), "three reasons")
		assert.Zero(t, card.Find("code").Length(), "no rule IDs in the summary")
		assert.Equal(t, 2, card.Find("h3:contains('Runners-up') + ul > li").Length(), "two runners-up")

		// The comparison: a cell per finalist, each known value linked to its source.
		table := doc.Find("table.compare")
		cols := table.Find("thead th").Length() - 1
		assert.GreaterOrEqual(t, cols, 2)
		table.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
			assert.Equal(t, 1, tr.Find(`th[scope=row]`).Length())
			assert.Equal(t, cols, tr.Find("td").Length(), "row %s", textOf(tr.Find("th")))
		})
		assert.Contains(t, textOf(table.Find("tbody th")), "SCIM provisioning")
		linked := table.Find(`td a[href^="https://"]`)
		assert.Greater(t, linked.Length(), cols, "values link to their sources")
		assert.Regexp(t, `reviewed \d{1,2} \w{3} \d{4}`, textOf(linked.First().Parent().Find(".rev")))
		wrap := table.Closest(".table-wrap")
		assert.Equal(t, "region", wrap.AttrOr("role", ""))
		assert.Equal(t, "0", wrap.AttrOr("tabindex", ""))

		assert.Contains(t, textOf(doc.Find("ul.knockouts")), "Documents no SCIM provisioning. Kinde.")
		assert.Contains(t, textOf(doc.Find("#next").Parent()), "B2B enterprise SSO onboarding, a playbook of 60 days")

		// What would change this: each change links into the wizard at its question.
		doc.Find("#chg ~ ul > li a").Each(func(_ int, a *goquery.Selection) {
			assert.Regexp(t, `^/a/`+id+`/step/[a-z]+\?from=review#q-[a-z_]+$`, a.AttrOr("href", ""))
		})

		path := doc.Find("ol.path > li")
		assert.GreaterOrEqual(t, path.Length(), 3)
		assert.Regexp(t, `^https://`, path.First().Find("a").AttrOr("href", ""))

		svg := doc.Find("figure.chart svg")
		assert.Equal(t, "img", svg.AttrOr("role", ""))
		assert.Equal(t, "Three-year cost of each option", textOf(svg.Find("title#chart-t")))
		assert.NotEmpty(t, textOf(svg.Find("desc")))
		rows := doc.Find("table.costs tbody tr").Length()
		assert.Equal(t, rows, svg.Find("rect[class^=c]").Length(), "a bar per row of the cost table")
		assert.Equal(t, rows, svg.Find("text.name").Length(), "each bar labelled")

		// Rule IDs appear only inside the "how this was decided" disclosures.
		doc.Find("code").Each(func(_ int, c *goquery.Selection) {
			assert.Equal(t, 1, c.Closest("details").Length(), "rule ID %s outside a disclosure", textOf(c))
		})

		assert.Equal(t, "http://advisor.test/a/"+id, doc.Find("p.resume a").AttrOr("href", ""))
		assert.Contains(t, textOf(doc.Find("#about").Parent()), "Computed with questionnaire q-")
		assert.Equal(t, "/a/"+id+"/result.md", doc.Find("a[download]").AttrOr("href", ""))
	})

	t.Run("markdown download", func(t *testing.T) {
		rec := s.Get("/a/" + id + "/result.md")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "text/markdown; charset=utf-8", rec.Header().Get("Content-Type"))
		assert.Equal(t, `attachment; filename="ciam-recommendation-`+id[:8]+`.md"`, rec.Header().Get("Content-Disposition"))
		md := rec.Body.String()
		assert.True(t, strings.HasPrefix(md, "# CIAM recommendation\n\nPrepared "), "a title and the date")
		assert.Contains(t, md, "## Summary\n\n")
		assert.Contains(t, md, "- **Architecture:** B2B multi-tenant\n")
	})

	t.Run("resume when complete", func(t *testing.T) {
		rec := s.Get("/a/" + id)
		assert.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/"+id+"/result", rec.Header().Get("Location"))
	})
}

func TestWebResume(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	resume := func() string { return s.Get("/a/" + id).Header().Get("Location") }
	assert.Equal(t, "/a/"+id+"/step/shape", resume())

	require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/shape", url.Values{"identity_shape": {"b2c"}}, "next").Code)
	assert.Equal(t, "/a/"+id+"/step/build", resume())
	require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/build", url.Values{"identity_is_product": {"no"}}, "next").Code)
	// Constraints has no required question: the next one missing is on the scale step.
	assert.Equal(t, "/a/"+id+"/step/scale", resume())

	t.Run("later steps wait for earlier ones", func(t *testing.T) {
		rec := s.Get("/a/" + id + "/step/primitives")
		assert.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/"+id+"/step/scale", rec.Header().Get("Location"))
	})
	t.Run("result waits for the answers", func(t *testing.T) {
		rec := s.Get("/a/" + id + "/result")
		assert.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/"+id+"/review", rec.Header().Get("Location"))
		doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/review"))
		missing := doc.Find(".error-summary a")
		assert.Equal(t, "Step 4: How many monthly active users do you have today?", textOf(missing))
		assert.Equal(t, "/a/"+id+"/step/scale?from=review#q-mau_now", missing.AttrOr("href", ""))
		assert.Equal(t, 0, doc.Find(`a[href$="/result"]`).Length(), "no result link while incomplete")
		rec = s.Get("/a/" + id + "/result.md")
		assert.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/"+id+"/review", rec.Header().Get("Location"))
	})
}

func TestWebValidationError(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	s.complete(id)
	path := "/a/" + id + "/step/scale"

	rec := s.Submit(path, url.Values{"mau_now": {"12.5"}, "mau_growth_pct": {"-300"}, "registered_users": {"90000"}}, "next")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	doc := pagestest.ParseHTML(t, rec)
	assert.True(t, strings.HasPrefix(textOf(doc.Find("title")), "Error: Step 4 of 5"))

	in := doc.Find("#f-mau_now")
	assert.Equal(t, "12.5", in.AttrOr("value", ""), "the typed value is kept")
	assert.Equal(t, "true", in.AttrOr("aria-invalid", ""))
	assert.Contains(t, strings.Fields(in.AttrOr("aria-describedby", "")), "e-mau_now")
	assert.Equal(t, "Error: Enter a whole number, without decimals.", textOf(doc.Find("#q-mau_now #e-mau_now")))
	assert.Equal(t, "Error: Enter a number from -100 to 1,000.", textOf(doc.Find("#q-mau_growth_pct #e-mau_growth_pct")))
	assert.Equal(t, "90000", doc.Find("#f-registered_users").AttrOr("value", ""), "valid answers typed alongside are kept too")
	assert.Empty(t, doc.Find("#f-registered_users").AttrOr("aria-invalid", ""))

	links := doc.Find(".error-summary a")
	require.Equal(t, 2, links.Length())
	assert.Equal(t, "#f-mau_now", links.First().AttrOr("href", ""))
	assert.Equal(t, "How many monthly active users do you have today? — Enter a whole number, without decimals.", textOf(links.First()))
	assert.Equal(t, "#f-mau_growth_pct", links.Last().AttrOr("href", ""))

	// Nothing was saved.
	doc = pagestest.ParseHTML(t, s.Get(path))
	assert.Equal(t, "40000", doc.Find("#f-mau_now").AttrOr("value", ""))
	assert.Equal(t, "", doc.Find("#f-registered_users").AttrOr("value", ""))

	t.Run("required answer missing", func(t *testing.T) {
		id := s.Start()
		rec := s.Submit("/a/"+id+"/step/shape", url.Values{"channels": {"web"}}, "next")
		require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
		doc := pagestest.ParseHTML(t, rec)
		assert.Equal(t, "Error: Choose an answer to continue.", textOf(doc.Find("#e-identity_shape")))
		assert.Contains(t, strings.Fields(doc.Find("#q-identity_shape fieldset").AttrOr("aria-describedby", "")), "e-identity_shape")
		assert.Equal(t, "#f-identity_shape-b2c", doc.Find(".error-summary a").AttrOr("href", ""))
		assert.Equal(t, 1, doc.Find(`input[name=channels][value=web][checked]`).Length(), "the ticked box stays ticked")
	})
}

func TestWebBack(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/shape", url.Values{"identity_shape": {"b2c"}}, "next").Code)
	build := "/a/" + id + "/step/build"

	t.Run("Back saves the step", func(t *testing.T) {
		rec := s.Submit(build, url.Values{"identity_is_product": {"yes"}, "identity_team": {"dedicated"}}, "back")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/"+id+"/step/shape", rec.Header().Get("Location"))
		doc := pagestest.ParseHTML(t, s.Get(build))
		assert.Equal(t, 1, doc.Find(`#f-identity_is_product-yes[checked]`).Length())
		assert.Equal(t, 1, doc.Find(`#f-identity_team-dedicated[checked]`).Length())
	})
	t.Run("Back without a required answer still goes back", func(t *testing.T) {
		rec := s.Submit(build, url.Values{"identity_is_product": nil, "identity_team": {"none"}}, "back")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		doc := pagestest.ParseHTML(t, s.Get(build))
		assert.Equal(t, 0, doc.Find(`input[name=identity_is_product][checked]`).Length())
		assert.Equal(t, 1, doc.Find(`#f-identity_team-none[checked]`).Length())
	})
	t.Run("Back with an answer that does not fit goes back and keeps the text", func(t *testing.T) {
		require.Equal(t, http.StatusSeeOther, s.Submit(build, url.Values{"identity_is_product": {"no"}}, "next").Code)
		require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/constraints", nil, "next").Code)
		scale := "/a/" + id + "/step/scale"
		rec := s.Submit(scale, url.Values{"mau_now": {"lots"}, "budget_annual_usd": {"5000"}}, "back")
		require.Equal(t, http.StatusSeeOther, rec.Code, "Back never validates")
		back := rec.Header().Get("Location")
		assert.Equal(t, "/a/"+id+"/step/constraints?draft=mau_now%3Dlots", back)

		// The valid answer was saved; the text that does not read travels with the buyer.
		doc := pagestest.ParseHTML(t, s.Get(back))
		assert.Equal(t, "mau_now=lots", doc.Find(`input[name=_draft]`).AttrOr("value", ""))
		rec = s.Submit(back, nil, "next")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		require.Equal(t, scale+"?draft=mau_now%3Dlots", rec.Header().Get("Location"))
		doc = pagestest.ParseHTML(t, s.Get(rec.Header().Get("Location")))
		assert.Equal(t, "lots", doc.Find("#f-mau_now").AttrOr("value", ""))
		assert.Equal(t, "Error: Enter the number in digits, for example 40000 or 40k.", textOf(doc.Find("#e-mau_now")))
		assert.Equal(t, "5000", doc.Find("#f-budget_annual_usd").AttrOr("value", ""))
		assert.Equal(t, 0, doc.Find(`input[name=_draft]`).Length(), "shown in its field now")
	})
}

func TestWebConditionalQuestions(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	shape := "/a/" + id + "/step/shape"

	doc := pagestest.ParseHTML(t, s.Get(shape))
	q := doc.Find("#q-enterprise_sso")
	require.Equal(t, 1, q.Length(), "rendered for the script to reveal")
	_, hidden := q.Attr("hidden")
	assert.True(t, hidden)
	assert.Equal(t, "identity_shape:b2b b2b2c", q.AttrOr("data-show-if", ""))
	assert.Equal(t, q.Find("input").Length(), q.Find("input[disabled]").Length(), "a hidden question submits nothing")

	t.Run("B2C: not shown", func(t *testing.T) {
		rec := s.Submit(shape, url.Values{"identity_shape": {"b2c"}}, "next")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		assert.Equal(t, "/a/"+id+"/step/build", rec.Header().Get("Location"), "no follow-up for B2C")
		doc := pagestest.ParseHTML(t, s.Get(shape))
		for _, qid := range []string{"enterprise_sso", "largest_customer_seats"} {
			_, hidden := doc.Find("#q-" + qid).Attr("hidden")
			assert.True(t, hidden, qid)
		}
		assert.Equal(t, 0, doc.Find("#q-enterprise_sso input:not([disabled])").Length())
	})
	t.Run("B2B: shown", func(t *testing.T) {
		rec := s.Submit(shape, url.Values{"identity_shape": {"b2b"}}, "next")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		doc := pagestest.ParseHTML(t, s.Get(rec.Header().Get("Location")))
		for _, qid := range []string{"enterprise_sso", "largest_customer_seats"} {
			_, hidden := doc.Find("#q-" + qid).Attr("hidden")
			assert.False(t, hidden, qid)
			assert.Equal(t, 0, doc.Find("#q-"+qid+" input[disabled]").Length())
		}
		assert.Equal(t, "Your answers raised follow-up questions", textOf(doc.Find(".notice h2")))
		assert.Equal(t, "#f-enterprise_sso-now", doc.Find(".notice a").First().AttrOr("href", ""))
	})
	t.Run("answers to questions hidden again are dropped", func(t *testing.T) {
		rec := s.Submit(shape, url.Values{"enterprise_sso": {"now"}, "largest_customer_seats": {"5000"}}, "next")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		rec = s.Submit(shape, url.Values{"identity_shape": {"b2c"}}, "next")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/review"))
		assert.Equal(t, 0, doc.Find(`a[href$="#q-enterprise_sso"]`).Length())
		a, err := s.Store.GetAssessment(t.Context(), "", id)
		require.NoError(t, err)
		assert.JSONEq(t, `{"identity_shape":"b2c","channels":[]}`, string(a.Answers))
	})
	t.Run("revealed by a multiple choice", func(t *testing.T) {
		require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/build", url.Values{"identity_is_product": {"no"}}, "next").Code)
		doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/step/constraints"))
		q := doc.Find("#q-residency_regions")
		assert.Equal(t, "constraints:data_residency sovereignty", q.AttrOr("data-show-if", ""))
	})
}

func TestWebNotFound(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	for _, path := range []string{
		"/a/aaaaaaaaaaaaaaaaaaaaaaaaaa",
		"/a/aaaaaaaaaaaaaaaaaaaaaaaaaa/step/shape",
		"/a/not-an-id/result",
		"/a/" + id + "/step/nope",
		"/nowhere",
	} {
		t.Run(path, func(t *testing.T) {
			rec := s.Get(path)
			assert.Equal(t, http.StatusNotFound, rec.Code)
			assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
			doc := pagestest.ParseHTML(t, rec)
			assert.Equal(t, 1, doc.Find("h1").Length())
			assert.Equal(t, "/", doc.Find(`main a[href="/"]`).AttrOr("href", ""))
			assert.Contains(t, textOf(doc.Find("main")), "Error 404")
		})
	}
	assert.Equal(t, "Assessment not found", textOf(pagestest.ParseHTML(t, s.Get("/a/aaaaaaaaaaaaaaaaaaaaaaaaaa")).Find("h1")))
	rec := s.Post("/a/aaaaaaaaaaaaaaaaaaaaaaaaaa/step/shape", url.Values{"identity_shape": {"b2c"}})
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

func TestWebCrossOriginPost(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	for _, path := range []string{"/assessments", "/a/" + id + "/step/shape"} {
		req := formRequest(http.MethodPost, path, "identity_shape=b2c")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := s.do(req)
		assert.Equal(t, http.StatusForbidden, rec.Code, path)
		assert.Equal(t, "Cross-origin request refused", textOf(pagestest.ParseHTML(t, rec).Find("h1")))
	}
	a, err := s.Store.GetAssessment(t.Context(), "", id)
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(a.Answers), "nothing saved")
}

func TestWebRateLimit(t *testing.T) {
	s := newSite(t, server.Config{RateLimit: 0.01}) // bursts of 10, then one every 100 s
	codes := map[int]int{}
	for range 12 {
		codes[s.Post("/assessments", nil).Code]++
	}
	assert.Equal(t, map[int]int{http.StatusSeeOther: 10, http.StatusTooManyRequests: 2}, codes)
	rec := s.Post("/assessments", nil)
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	assert.Equal(t, "Too many requests", textOf(pagestest.ParseHTML(t, rec).Find("h1")))
	assert.Equal(t, http.StatusOK, s.Get("/").Code, "pages are not limited")
}

func TestWebStaticAssets(t *testing.T) {
	s := newSite(t, server.Config{})
	doc := pagestest.ParseHTML(t, s.Get("/"))
	css := doc.Find(`link[rel=stylesheet]`).AttrOr("href", "")
	icon := doc.Find(`link[rel=icon]`).AttrOr("href", "")
	js := pagestest.ParseHTML(t, s.Get("/a/"+s.Start()+"/step/shape")).Find("script[src]").AttrOr("src", "")
	for path, ctype := range map[string]string{css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8", icon: "image/svg+xml"} {
		require.Regexp(t, `^/static/[a-z]+\.[0-9a-f]{8}\.(css|js|svg)$`, path)
		rec := s.Get(path)
		assert.Equal(t, http.StatusOK, rec.Code, path)
		assert.Equal(t, ctype, rec.Header().Get("Content-Type"))
		assert.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
		assert.NotEmpty(t, rec.Body.String())
	}
	assert.Contains(t, s.Get(css).Body.String(), "@media print")
	for _, bad := range []string{"/static/app.00000000.css", "/static/app.css", "/static/../web/embed.go"} {
		assert.Equal(t, http.StatusNotFound, s.Get(bad).Code, bad)
	}
}

func TestWebSecurityHeaders(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	s.complete(id)
	for _, path := range []string{"/", "/a/" + id + "/step/shape", "/a/" + id + "/review", "/a/" + id + "/result", "/a/nope"} {
		h := s.Get(path).Header()
		assert.Contains(t, h.Get("Content-Security-Policy"), "script-src 'self'", path)
		assert.NotContains(t, h.Get("Content-Security-Policy"), "unsafe-inline", path)
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "DENY", h.Get("X-Frame-Options"), path)
		assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"), path)
		assert.Empty(t, h.Values("Set-Cookie"), path)
	}
	for _, path := range []string{"/a/" + id + "/step/shape", "/a/" + id + "/result"} {
		h := s.Get(path).Header()
		assert.Equal(t, "no-store", h.Get("Cache-Control"), path)
		assert.Equal(t, "noindex", h.Get("X-Robots-Tag"), path)
	}
}

// TestWebPagesAreSmallAndAccessible checks every kind of page against the size budget and the
// basics a later axe-core run also checks: one h1, a language, landmarks, a label for every
// input, a legend for every group, no inline script or style, no external resources.
func TestWebPagesAreSmallAndAccessible(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	s.complete(id)
	pages := map[string]string{"/": "", "/a/nope": "", "/a/" + id + "/review": "", "/a/" + id + "/result": ""}
	for _, st := range b2bAnswers {
		pages["/a/"+id+"/step/"+st.step] = ""
	}
	for _, sc := range scenarioAssessments(t, s) {
		pages["/a/"+sc.id+"/result"] = sc.name
	}
	bad := s.Submit("/a/"+id+"/step/primitives", url.Values{"go_live_weeks": {"0"}}, "next")
	require.Equal(t, http.StatusUnprocessableEntity, bad.Code)

	check := func(t *testing.T, body string, code int) {
		t.Logf("%d bytes", len(body))
		assert.LessOrEqual(t, len(body), 30<<10, "page size")
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		require.NoError(t, err)
		assert.Equal(t, "en", doc.Find("html").AttrOr("lang", ""))
		assert.Equal(t, 1, doc.Find("h1").Length(), "one h1")
		assert.NotEmpty(t, textOf(doc.Find("head title")))
		for _, landmark := range []string{"header", "main#main", "footer", "nav"} {
			assert.GreaterOrEqual(t, doc.Find(landmark).Length(), 1, landmark)
		}
		assert.Equal(t, "#main", doc.Find("body > a.skip").AttrOr("href", ""))
		doc.Find("input:not([type=hidden])").Each(func(_ int, in *goquery.Selection) {
			id := in.AttrOr("id", "")
			assert.Equal(t, 1, doc.Find(`label[for="`+id+`"]`).Length(), "label for #%s", id)
		})
		doc.Find("fieldset").Each(func(_ int, fs *goquery.Selection) {
			assert.NotEmpty(t, textOf(fs.ChildrenFiltered("legend")))
		})
		doc.Find("[aria-describedby]").Each(func(_ int, el *goquery.Selection) {
			for _, ref := range strings.Fields(el.AttrOr("aria-describedby", "")) {
				assert.Equal(t, 1, doc.Find("#"+ref).Length(), "described by #%s", ref)
			}
		})
		ids := map[string]bool{}
		doc.Find("[id]").Each(func(_ int, el *goquery.Selection) {
			id := el.AttrOr("id", "")
			assert.False(t, ids[id], "duplicate id %q", id)
			ids[id] = true
		})
		assert.Equal(t, 0, doc.Find("script:not([src]), style, [style]").Length(), "no inline script or style")
		doc.Find("script[src], link[href], img[src]").Each(func(_ int, el *goquery.Selection) {
			u := el.AttrOr("src", el.AttrOr("href", ""))
			assert.True(t, strings.HasPrefix(u, "/static/"), "resource %s is ours", u)
		})
	}
	for path, name := range pages {
		t.Run(path+" "+name, func(t *testing.T) {
			rec := s.Get(path)
			require.Contains(t, []int{http.StatusOK, http.StatusNotFound}, rec.Code)
			check(t, rec.Body.String(), rec.Code)
		})
	}
	t.Run("step with errors", func(t *testing.T) { check(t, bad.Body.String(), bad.Code) })
}
