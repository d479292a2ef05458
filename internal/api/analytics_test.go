package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store/storetest"
)

// analyticsBody is the part of GET /api/v1/analytics the tests read.
type analyticsBody struct {
	Since, Until string
	Results      int64
	Questions    []struct {
		ID      string
		Options []struct {
			Value string
			Count int64
		}
	}
	Rules []struct {
		ID, File string
		Count    int64
	}
	Architectures, Approaches, Leaders []struct {
		ID    string
		Count int64
	}
	Funnel []struct {
		Step               string
		Started, Completed int64
	}
	Days []struct {
		Day     string
		Results int64
	}
}

// TestAnalytics: assessments saved through the wizard and the API are counted, and an editor
// reads the counts as JSON and CSV; nothing in them names an assessment or repeats a label.
func TestAnalytics(t *testing.T) {
	e := newAPI(t, server.Config{})
	editor, consultant := e.key(t, "ed", "editor"), e.key(t, "co", "consultant")
	today := time.Now().UTC().Format("2006-01-02")

	// The wizard: three steps saved, the rest not reached.
	w := &pagestest.Site{T: t, Handler: e.handler, Store: e.store}
	w.AtScale()

	// The API: a complete assessment (a result), re-evaluated (another), then patched
	// with the same answers (nothing recorded).
	answers := pagestest.AnswersJSON(t, "b2b-sso-now")
	created := e.call(t, "POST", "/api/v1/assessments", `{"label":"Acme Secret Corp","answers":`+answers+`}`, consultant)
	require.Equal(t, http.StatusCreated, created.Code, created.Body)
	var a struct {
		ID     string
		Result struct{ Architecture, Approach struct{ ID string } }
	}
	created.decode(t, &a)
	require.Equal(t, http.StatusCreated, e.call(t, "POST", "/api/v1/assessments/"+a.ID+"/reevaluate", "", consultant).Code)
	patched := e.do(t, req{Method: "PATCH", Path: "/api/v1/assessments/" + a.ID, Body: `{"answers":` + answers + `}`, Token: consultant,
		Header: map[string]string{"Content-Type": "application/merge-patch+json"}})
	require.Equal(t, http.StatusOK, patched.Code, patched.Body)

	res := e.call(t, "GET", "/api/v1/analytics", "", editor)
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	assert.NotContains(t, res.Body, a.ID)
	assert.NotContains(t, res.Body, "Acme")
	var got analyticsBody
	res.decode(t, &got)
	assert.Equal(t, today, got.Until)
	assert.Equal(t, time.Now().UTC().AddDate(0, 0, -29).Format("2006-01-02"), got.Since, "30 days by default")
	assert.Equal(t, int64(2), got.Results, "the API's create and reevaluate recorded results; the wizard's drafts did not")
	require.Len(t, got.Days, 1)
	assert.Equal(t, today, got.Days[0].Day)
	assert.Equal(t, int64(2), got.Days[0].Results)

	count := func(list []struct {
		ID    string
		Count int64
	}, id string) int64 {
		for _, c := range list {
			if c.ID == id {
				return c.Count
			}
		}
		return 0
	}
	assert.Equal(t, int64(2), count(got.Architectures, a.Result.Architecture.ID))
	assert.Equal(t, int64(2), count(got.Approaches, a.Result.Approach.ID))
	require.Len(t, got.Leaders, 1)
	assert.Equal(t, int64(2), got.Leaders[0].Count)

	options := map[string]int64{}
	for _, q := range got.Questions {
		for _, o := range q.Options {
			options[q.ID+"="+o.Value] = o.Count
		}
	}
	assert.Equal(t, int64(2), options["identity_shape=b2b"])
	assert.Equal(t, int64(0), options["identity_shape=b2c"], "the wizard's answer is in no result yet")
	assert.Contains(t, options, "identity_shape=b2b2c", "options never chosen are listed at zero")
	assert.NotContains(t, options, "mau_now=40000", "numbers have no options")

	adv := e.content.Current()
	require.Len(t, got.Rules, len(adv.Rules.Rules), "every rule listed, fired or not")
	assert.Equal(t, int64(2), got.Rules[0].Count, "most fired first")
	assert.NotEmpty(t, got.Rules[0].File)
	assert.Equal(t, int64(0), got.Rules[len(got.Rules)-1].Count)

	funnel := map[string][2]int64{}
	for _, s := range got.Funnel {
		funnel[s.Step] = [2]int64{s.Started, s.Completed}
	}
	assert.Equal(t, map[string][2]int64{"shape": {1, 1}, "build": {1, 1}, "constraints": {1, 1}, "scale": {0, 0}, "primitives": {0, 0}}, funnel,
		"the wizard's steps only (constraints answered with none ticked)")

	t.Run("CSV", func(t *testing.T) {
		res := e.do(t, req{Method: "GET", Path: "/api/v1/analytics?format=csv&since=" + today + "&until=" + today, Token: editor})
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		assert.Equal(t, "text/csv; charset=utf-8; header=present", res.Header.Get("Content-Type"))
		assert.Equal(t, `attachment; filename="analytics-`+today+`-`+today+`.csv"`, res.Header.Get("Content-Disposition"))
		lines := strings.Split(strings.TrimSpace(res.Body), "\n")
		assert.Equal(t, "day,kind,name,detail,count", strings.TrimSpace(lines[0]))
		assert.Contains(t, lines, today+",result,,,2")
		assert.Contains(t, lines, today+",option,identity_shape,b2b,2")
		assert.Contains(t, lines, today+",step_started,shape,,1")
		assert.Contains(t, lines, today+",architecture,"+a.Result.Architecture.ID+",,2")
	})

	t.Run("an empty period", func(t *testing.T) {
		res := e.call(t, "GET", "/api/v1/analytics?since=2020-01-01&until=2020-01-31", "", editor)
		require.Equal(t, http.StatusOK, res.Code, res.Body)
		var got analyticsBody
		res.decode(t, &got)
		assert.Zero(t, got.Results)
		assert.Empty(t, got.Days)
		assert.Empty(t, got.Leaders)
	})

	for _, tt := range []struct {
		name, token, query string
		status             int
		detail             string
	}{
		{"no key", "", "", http.StatusUnauthorized, ""},
		{"a consultant's key", consultant, "", http.StatusForbidden, ""},
		{"a bad date", editor, "?since=2026-13-01", http.StatusBadRequest, `since: got "2026-13-01", want a date as YYYY-MM-DD (UTC)`},
		{"since after until", editor, "?since=2026-11-02&until=2026-11-01", http.StatusBadRequest, "since: 2026-11-02 is after until, 2026-11-01"},
		{"too long", editor, "?since=2025-01-01&until=2026-11-01", http.StatusBadRequest, "since: the period from 2025-01-01 to 2026-11-01 is longer than 366 days; ask for it in parts"},
		{"a bad format", editor, "?format=cvs", http.StatusBadRequest, `format: got "cvs", want json or csv; did you mean "csv"?`},
		{"an unknown parameter", editor, "?from=2026-11-01", http.StatusBadRequest, "from: unknown query parameter; this endpoint takes format, since, until"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(t, req{Method: "GET", Path: "/api/v1/analytics" + tt.query, Token: tt.token, Lenient: true})
			assert.Equal(t, tt.status, res.Code, res.Body)
			if tt.detail != "" {
				var p struct{ Errors []struct{ Message string } }
				res.decode(t, &p)
				require.Len(t, p.Errors, 1)
				assert.Equal(t, tt.detail, p.Errors[0].Message)
			}
		})
	}
}

// TestAnalyticsTwoInstancesPostgres: two servers sharing a PostgreSQL database count
// concurrent saves without losing one.
func TestAnalyticsTwoInstancesPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	content, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	cfg := server.Config{MaxEvaluations: -1} // no 503 for concurrent evaluations
	a, b := newAPIWith(t, cfg, content, dsn), newAPIWith(t, cfg, content, dsn)
	token := a.key(t, "ed", "editor")
	body := `{"answers":` + pagestest.AnswersJSON(t, "b2b-sso-now") + `}`
	const each = 8
	var wg sync.WaitGroup
	codes := make(chan int, 2*each)
	for range each {
		for _, e := range []*apiEnv{a, b} {
			wg.Go(func() {
				_, res := e.serve(req{Method: "POST", Path: "/api/v1/assessments", Body: body, Token: token})
				codes <- res.Code
			})
		}
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		require.Equal(t, http.StatusCreated, code)
	}
	res := b.call(t, "GET", "/api/v1/analytics", "", token)
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	var got analyticsBody
	res.decode(t, &got)
	assert.Equal(t, int64(2*each), got.Results)
	require.NotEmpty(t, got.Leaders)
	assert.Equal(t, int64(2*each), got.Leaders[0].Count)
	assert.Equal(t, int64(2*each), got.Rules[0].Count)
}
