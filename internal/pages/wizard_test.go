package pages_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

// TestWebNumbers: what buyers type into number fields is read, or refused with the reason
// beside the field, and never answered with a 500.
func TestWebNumbers(t *testing.T) {
	s := newSite(t, server.Config{})
	tests := []struct {
		field, typed string
		saved        string // the stored answers' value for the field, or
		err          string // the message beside the field
	}{
		{"mau_now", "40k", "40000", ""},
		{"mau_now", "1.2M", "1200000", ""},
		{"mau_now", "2.5m", "2500000", ""},
		{"mau_now", "40,000", "40000", ""},
		{"mau_now", "40 000", "40000", ""},
		{"mau_now", "40.000", "40000", ""},
		{"mau_now", "1.000.000", "1000000", ""},
		{"mau_now", "012", "12", ""},
		{"mau_now", "00012", "12", ""},
		{"mau_now", "+5", "5", ""},
		{"mau_now", "5.", "5", ""},
		{"mau_growth_pct", ".5", "0.5", ""},
		{"mau_growth_pct", "-.5", "-0.5", ""},
		{"mau_growth_pct", "01.5", "1.5", ""},
		{"mau_growth_pct", "50%", "50", ""},
		{"budget_annual_usd", "$250,000", "250000", ""},
		{"mau_now", "1.5", "", "Enter a whole number, without decimals."},
		{"mau_now", "0x1p4", "", "Enter the number in digits, for example 40000 or 40k."},
		{"mau_now", "1,5", "", "Write decimals with a dot (12.5) and group thousands in threes (40,000)."},
		{"mau_growth_pct", "12.500", "", `"12.500" could mean 12.5 or 12500: write it without the dot, or with a comma (12,500), or with fewer decimals.`},
		{"mau_growth_pct", "5000", "", "Enter a number from -100 to 1,000."},
		{"mau_now", "12345678901234567890123", "", "Enter a number no larger than 9,007,199,254,740,991."},
		{"mau_now", "9223372036854775807", "", "Enter a number no larger than 9,007,199,254,740,991."},
		{"budget_annual_usd", "1e300", "", "Enter a number no larger than 9,007,199,254,740,991."},
	}
	id, scale := s.AtScale()
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.typed, func(t *testing.T) {
			answers := url.Values{"mau_now": {"1000"}, tt.field: {tt.typed}}
			rec := s.Submit(scale, answers, "next")
			if tt.err == "" {
				require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
				a, err := s.Store.GetAssessment(t.Context(), "", id)
				require.NoError(t, err)
				assert.Contains(t, string(a.Answers), `"`+tt.field+`":`+tt.saved+``)
				return
			}
			require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
			doc := pagestest.ParseHTML(t, rec)
			assert.Equal(t, "Error: "+tt.err, textOf(doc.Find("#e-"+tt.field)))
			assert.Equal(t, tt.typed, doc.Find("#f-"+tt.field).AttrOr("value", ""), "kept as typed")
		})
	}
}

func TestWebConfirmUnusualValues(t *testing.T) {
	s := newSite(t, server.Config{})
	id, scale := s.AtScale()

	rec := s.Submit(scale, url.Values{"mau_now": {"2bn"}}, "next")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, "not saved without a confirmation")
	doc := pagestest.ParseHTML(t, rec)
	assert.Contains(t, textOf(doc.Find("#e-mau_now")), "More than a billion monthly users")
	box := doc.Find("#c-mau_now")
	require.Equal(t, 1, box.Length())
	assert.Equal(t, "checkbox", box.AttrOr("type", ""))
	assert.Equal(t, "Yes, 2,000,000,000 users a month is right", textOf(doc.Find(`label[for="c-mau_now"]`)))
	assert.Equal(t, "#c-mau_now", doc.Find(".error-summary a").AttrOr("href", ""))
	assert.Equal(t, "2bn", doc.Find("#f-mau_now").AttrOr("value", ""))

	t.Run("confirmed", func(t *testing.T) {
		form := pagestest.Fill(t, doc, url.Values{"_confirm": {box.AttrOr("value", "")}})
		form.Set("go", "next")
		rec := s.Post(scale, form)
		require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
		assert.Equal(t, "/a/"+id+"/step/primitives", rec.Header().Get("Location"))
		// Saved and confirmed: Next again does not ask again.
		rec = s.Submit(scale, nil, "next")
		assert.Equal(t, http.StatusSeeOther, rec.Code)
	})
	t.Run("a changed value is asked about again", func(t *testing.T) {
		rec := s.Submit(scale, url.Values{"mau_now": {"3bn"}, "mau_growth_pct": {"500"}}, "next")
		require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
		doc := pagestest.ParseHTML(t, rec)
		assert.Equal(t, 1, doc.Find("#c-mau_now").Length())
		assert.Equal(t, 1, doc.Find("#c-mau_growth_pct").Length())
		assert.Equal(t, "Yes, 500 % a year is right", textOf(doc.Find(`label[for="c-mau_growth_pct"]`)))
	})
}

func TestWebChangeFromReview(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	s.complete(id)

	review := pagestest.ParseHTML(t, s.Get("/a/"+id+"/review"))
	change := review.Find(`a[href$="#q-mau_now"]`).AttrOr("href", "")
	require.Equal(t, "/a/"+id+"/step/scale?from=review#q-mau_now", change)
	path := strings.TrimSuffix(change, "#q-mau_now")

	doc := pagestest.ParseHTML(t, s.Get(path))
	assert.Equal(t, "review", doc.Find(`input[name=_return]`).AttrOr("value", ""))
	assert.Equal(t, "Save and return to your answers", textOf(doc.Find(`button[value=next]`)))

	rec := s.Submit(path, url.Values{"mau_now": {"60k"}}, "next")
	require.Equal(t, http.StatusSeeOther, rec.Code)
	assert.Equal(t, "/a/"+id+"/review", rec.Header().Get("Location"), "straight back, not through the later steps")
	row := pagestest.ParseHTML(t, s.Get("/a/"+id+"/review")).Find(`a[href$="#q-mau_now"]`).Closest(".row")
	assert.Equal(t, "60,000 users a month", textOf(row.Find("dd").First()))

	t.Run("follow-ups first, then review", func(t *testing.T) {
		shape := "/a/" + id + "/step/shape?from=review"
		rec := s.Submit(shape, url.Values{"identity_shape": {"b2b2c"}}, "next")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		// The B2B follow-ups were answered before, so they stay answered and nothing new is asked.
		assert.Equal(t, "/a/"+id+"/review", rec.Header().Get("Location"))
	})
	t.Run("back to review keeps unreadable text for the Change link", func(t *testing.T) {
		rec := s.Submit(path, url.Values{"mau_now": {"lots"}}, "back")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		loc := rec.Header().Get("Location")
		assert.Equal(t, "/a/"+id+"/review?draft=mau_now%3Dlots", loc)
		change := pagestest.ParseHTML(t, s.Get(loc)).Find(`a[href$="#q-mau_now"]`).AttrOr("href", "")
		doc := pagestest.ParseHTML(t, s.Get(strings.TrimSuffix(change, "#q-mau_now")))
		assert.Equal(t, "lots", doc.Find("#f-mau_now").AttrOr("value", ""))
		row := pagestest.ParseHTML(t, s.Get("/a/"+id+"/review")).Find(`a[href$="#q-mau_now"]`).Closest(".row")
		assert.Equal(t, "60,000 users a month", textOf(row.Find("dd").First()), "the saved answer is untouched")
	})
}

func TestWebNotSure(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/shape", url.Values{"identity_shape": {"b2c"}}, "next").Code)
	build := "/a/" + id + "/step/build"

	doc := pagestest.ParseHTML(t, s.Get(build))
	for _, q := range []string{"identity_team", "can_operate_infra", "current_platform"} {
		unsure := doc.Find("#f-" + q + "--unsure")
		require.Equal(t, 1, unsure.Length(), q)
		assert.Equal(t, "Not sure", textOf(doc.Find(`label[for="f-`+q+`--unsure"]`)), q)
		assert.Equal(t, 0, doc.Find(`input[name=`+q+`][checked]`).Length(), "%s: nothing is chosen for the buyer", q)
	}
	assert.Equal(t, 0, doc.Find("#f-identity_is_product--unsure").Length(), "a required question has no way out")

	require.Equal(t, http.StatusSeeOther, s.Submit(build, url.Values{"identity_is_product": {"no"}, "identity_team": {"dedicated"}}, "next").Code)
	assert.Equal(t, 1, pagestest.ParseHTML(t, s.Get(build)).Find("#f-identity_team-dedicated[checked]").Length())
	// Picking "Not sure" clears the answer.
	require.Equal(t, http.StatusSeeOther, s.Submit(build, url.Values{"identity_team": {""}}, "next").Code)
	a, err := s.Store.GetAssessment(t.Context(), "", id)
	require.NoError(t, err)
	assert.NotContains(t, string(a.Answers), "identity_team")
}

func TestWebStepCopy(t *testing.T) {
	s := newSite(t, server.Config{})
	id := s.Start()
	doc := pagestest.ParseHTML(t, s.Get("/a/"+id+"/step/shape"))
	assert.Equal(t, "Next saves this page.", textOf(doc.Find("form p.hint").Last()), "no Back on step 1, so no word of it")
	require.Equal(t, http.StatusSeeOther, s.Submit("/a/"+id+"/step/shape", url.Values{"identity_shape": {"b2c"}}, "next").Code)
	doc = pagestest.ParseHTML(t, s.Get("/a/"+id+"/step/build"))
	assert.Contains(t, textOf(doc.Find("form p.hint").Last()), "Next and Back both save this page")
}

// FuzzWebStepSave drives form values through the whole save path of the wizard — parse,
// validate, store, and render the step and the review — and accepts anything but a 5xx.
func FuzzWebStepSave(f *testing.F) {
	for _, seed := range []string{"012", "00012", "+5", ".5", "5.", "-.5", "01.5", "0x1p4", "1e400", "-1e400",
		"12345678901234567890123", "9223372036854775807", "40k", "1.2M", "40.000", "1,5", "1e-400", "NaN", "Inf",
		"٣٤", "1\u00a0000", "$", "%", "1.2E+06", "--5", "5e", ".", "", "1bn", "0.0000001"} {
		f.Add(seed, seed, "next")
	}
	s := newSite(f, server.Config{})
	_, scale := s.AtScale()
	f.Fuzz(func(t *testing.T, mau, growth, button string) {
		if button != "back" {
			button = "next"
		}
		form := url.Values{"_seen": {"mau_now", "mau_growth_pct", "registered_users", "arpu_monthly_usd", "budget_annual_usd"},
			"mau_now": {mau}, "mau_growth_pct": {growth}, "budget_annual_usd": {growth}, "registered_users": {mau},
			"_confirm": {"mau_now=" + mau}, "go": {button}, "_draft": {"mau_now=" + url.QueryEscape(growth)}}
		rec := s.Post(scale, form)
		require.Less(t, rec.Code, 500, "POST %v: %s", form, rec.Body.String())
		for _, path := range []string{scale, strings.TrimSuffix(scale, "/step/scale") + "/review", rec.Header().Get("Location")} {
			if path == "" {
				continue
			}
			got := s.Get(path)
			require.Less(t, got.Code, 500, "GET %s after %v", path, form)
		}
	})
}
