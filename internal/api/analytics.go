package api

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Periods of GET /api/v1/analytics, in UTC days.
const (
	defaultAnalyticsDays = 30
	maxAnalyticsDays     = 366
)

// analyticsReport is the body of GET /api/v1/analytics: the counters of analytics.go summed
// over a period, laid out against the content serving now (options, rules and steps it has
// are listed even at zero; counted IDs it no longer has are listed too).
type analyticsReport struct {
	Since         string           `json:"since"`
	Until         string           `json:"until"`
	Results       int64            `json:"results"`
	Questions     []questionCounts `json:"questions"`
	Rules         []ruleCount      `json:"rules"`
	Architectures []idCount        `json:"architectures"`
	Approaches    []idCount        `json:"approaches"`
	Leaders       []idCount        `json:"leaders"`
	Funnel        []stepCount      `json:"funnel"`
	Days          []dayCounts      `json:"days"`
}

// questionCounts are the times each option of a question was chosen in recorded results.
type questionCounts struct {
	ID      string        `json:"id"`
	Options []optionCount `json:"options"`
}

type optionCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// ruleCount is the number of recorded results in which a rule fired. File is "" for a rule
// the content serving now no longer has.
type ruleCount struct {
	ID    string `json:"id"`
	File  string `json:"file"`
	Count int64  `json:"count"`
}

type idCount struct {
	ID    string `json:"id"`
	Count int64  `json:"count"`
}

// stepCount is the wizard funnel at one step.
type stepCount struct {
	Step      string `json:"step"`
	Started   int64  `json:"started"`
	Completed int64  `json:"completed"`
}

// dayCounts are one day's results and funnel; days without any count are left out.
type dayCounts struct {
	Day     string      `json:"day"`
	Results int64       `json:"results"`
	Funnel  []stepCount `json:"funnel"`
}

// apiAnalytics serves the analytics of real use over ?since= to ?until= (UTC dates, both
// included; the last 30 days by default) as JSON or, with ?format=csv, as CSV with one row per
// day and counter. Editor keys only.
func (s *handlers) apiAnalytics(c *gin.Context) error {
	if err := onlyQuery(c, "since", "until", "format"); err != nil {
		return err
	}
	since, until, err := analyticsPeriod(c.Query("since"), c.Query("until"), time.Now())
	if err != nil {
		return err
	}
	format := c.Query("format")
	switch format {
	case "", "json", "csv":
	default:
		return badQuery("format", fmt.Sprintf("format: got %q, want json or csv%s", format, server.DidYouMean(format, []string{"json", "csv"})))
	}
	counts, err := s.store.Counts(c.Request.Context(), since, until)
	if err != nil {
		return err
	}
	from, to := since.Format(store.DayFormat), until.Format(store.DayFormat)
	if format == "csv" {
		s.writeCountsCSV(c, from, to, counts)
		return nil
	}
	return writeJSON(c, http.StatusOK, newAnalyticsReport(s.content.Current(), from, to, counts))
}

// analyticsPeriod reads the period's first and last days; now sets the default.
func analyticsPeriod(sinceQ, untilQ string, now time.Time) (since, until time.Time, err error) {
	day := func(name, q string, def time.Time) (time.Time, error) {
		if q == "" {
			return def, nil
		}
		t, err := time.Parse(store.DayFormat, q)
		if err != nil {
			return t, badQuery(name, fmt.Sprintf("%s: got %q, want a date as YYYY-MM-DD (UTC)", name, q))
		}
		return t, nil
	}
	today := now.UTC().Truncate(24 * time.Hour)
	if until, err = day("until", untilQ, today); err != nil {
		return
	}
	if since, err = day("since", sinceQ, until.AddDate(0, 0, 1-defaultAnalyticsDays)); err != nil {
		return
	}
	switch {
	case since.After(until):
		err = badQuery("since", fmt.Sprintf("since: %s is after until, %s", since.Format(store.DayFormat), until.Format(store.DayFormat)))
	case until.Sub(since) >= maxAnalyticsDays*24*time.Hour:
		err = badQuery("since", fmt.Sprintf("since: the period from %s to %s is longer than %d days; ask for it in parts",
			since.Format(store.DayFormat), until.Format(store.DayFormat), maxAnalyticsDays))
	}
	return
}

// writeCountsCSV writes the counters as they are stored, one row per day and counter.
func (s *handlers) writeCountsCSV(c *gin.Context, since, until string, counts []store.DayCount) {
	h := c.Writer.Header()
	h.Set("Content-Type", mediaCSV+"; charset=utf-8; header=present")
	h.Set("Content-Disposition", `attachment; filename="analytics-`+since+`-`+until+`.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"day", "kind", "name", "detail", "count"})
	for _, n := range counts {
		_ = w.Write([]string{n.Day, n.Kind, n.Name, n.Detail, strconv.FormatInt(n.N, 10)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		s.log.Warn("analytics: writing CSV stopped", "err", err) // the client went away
	}
}

// newAnalyticsReport sums the counters of the period against adv's content.
func newAnalyticsReport(adv *advisor.Advisor, since, until string, counts []store.DayCount) *analyticsReport {
	q := adv.Questionnaire()
	r := &analyticsReport{Since: since, Until: until, Questions: []questionCounts{}, Rules: []ruleCount{},
		Architectures: []idCount{}, Approaches: []idCount{}, Leaders: []idCount{}, Funnel: []stepCount{}, Days: []dayCounts{}}

	options := map[string]map[string]int64{} // by question, by option
	byKind := map[string]map[string]int64{}  // rule, architecture, approach, leader: by ID
	started, completed := map[string]int64{}, map[string]int64{}
	var day *dayCounts
	for _, n := range counts {
		if day == nil || day.Day != n.Day {
			r.Days = append(r.Days, dayCounts{Day: n.Day, Funnel: []stepCount{}})
			day = &r.Days[len(r.Days)-1]
		}
		switch n.Kind {
		case server.CountResult:
			r.Results += n.N
			day.Results += n.N
		case server.CountOption:
			if options[n.Name] == nil {
				options[n.Name] = map[string]int64{}
			}
			options[n.Name][n.Detail] += n.N
		case server.CountStepStarted, server.CountStepCompleted:
			if n.Kind == server.CountStepStarted {
				started[n.Name] += n.N
			} else {
				completed[n.Name] += n.N
			}
			day.Funnel = addStep(day.Funnel, n)
		default:
			if byKind[n.Kind] == nil {
				byKind[n.Kind] = map[string]int64{}
			}
			byKind[n.Kind][n.Name] += n.N
		}
	}

	// Questions with options in questionnaire order, then options and questions the content
	// no longer has.
	for _, qn := range q.Questions() {
		var values []string
		switch qn.Type {
		case questionnaire.Single, questionnaire.Multi:
			for _, o := range qn.Options {
				values = append(values, o.Value)
			}
		case questionnaire.Boolean:
			values = []string{"true", "false"}
		default:
			continue
		}
		qc := questionCounts{ID: qn.ID, Options: []optionCount{}}
		for _, v := range values {
			qc.Options = append(qc.Options, optionCount{Value: v, Count: options[qn.ID][v]})
			delete(options[qn.ID], v)
		}
		for _, v := range sortedKeys(options[qn.ID]) {
			qc.Options = append(qc.Options, optionCount{Value: v, Count: options[qn.ID][v]})
		}
		delete(options, qn.ID)
		r.Questions = append(r.Questions, qc)
	}
	for _, id := range sortedKeys(options) {
		qc := questionCounts{ID: id, Options: []optionCount{}}
		for _, v := range sortedKeys(options[id]) {
			qc.Options = append(qc.Options, optionCount{Value: v, Count: options[id][v]})
		}
		r.Questions = append(r.Questions, qc)
	}

	// Rules most fired first; those that never fired stay listed, as candidates to tune.
	fired := byKind[server.CountRule]
	for _, rule := range adv.Rules.Rules {
		r.Rules = append(r.Rules, ruleCount{ID: rule.ID, File: rule.File, Count: fired[rule.ID]})
		delete(fired, rule.ID)
	}
	for id, n := range fired {
		r.Rules = append(r.Rules, ruleCount{ID: id, Count: n})
	}
	slices.SortStableFunc(r.Rules, func(a, b ruleCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ID, b.ID)) })

	r.Architectures = idCounts(byKind[server.CountArchitecture])
	r.Approaches = idCounts(byKind[server.CountApproach])
	r.Leaders = idCounts(byKind[server.CountLeader])

	for _, st := range q.Steps {
		r.Funnel = append(r.Funnel, stepCount{Step: st.ID, Started: started[st.ID], Completed: completed[st.ID]})
		delete(started, st.ID)
		delete(completed, st.ID)
	}
	order := map[string]int{}
	for i, st := range q.Steps {
		order[st.ID] = i + 1
	}
	for _, d := range r.Days {
		slices.SortStableFunc(d.Funnel, func(a, b stepCount) int { return stepOrder(order, a.Step) - stepOrder(order, b.Step) })
	}
	gone := map[string]int64{}
	for id := range started {
		gone[id] = 0
	}
	for id := range completed {
		gone[id] = 0
	}
	for _, id := range sortedKeys(gone) {
		r.Funnel = append(r.Funnel, stepCount{Step: id, Started: started[id], Completed: completed[id]})
	}
	return r
}

// addStep adds a funnel counter to a day's funnel, kept in the order steps first appear.
func addStep(funnel []stepCount, n store.DayCount) []stepCount {
	i := slices.IndexFunc(funnel, func(s stepCount) bool { return s.Step == n.Name })
	if i < 0 {
		funnel = append(funnel, stepCount{Step: n.Name})
		i = len(funnel) - 1
	}
	if n.Kind == server.CountStepStarted {
		funnel[i].Started += n.N
	} else {
		funnel[i].Completed += n.N
	}
	return funnel
}

// stepOrder places steps the content no longer has after its own.
func stepOrder(order map[string]int, id string) int {
	if i, ok := order[id]; ok {
		return i
	}
	return len(order) + 1
}

// idCounts lists counts, most first, then by ID.
func idCounts(m map[string]int64) []idCount {
	out := make([]idCount, 0, len(m))
	for id, n := range m {
		out = append(out, idCount{ID: id, Count: n})
	}
	slices.SortFunc(out, func(a, b idCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ID, b.ID)) })
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
