package advisor

import (
	"sort"

	"github.com/ciamadvisor/advisor/internal/rules"
)

// PathEntry is one guide on the reading path.
type PathEntry struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Step      string `json:"step"`
	StepTitle string `json:"step_title"`
	Reason    string `json:"reason"`
	Rule      string `json:"rule"`
	Minutes   int    `json:"minutes"`
	Verified  bool   `json:"verified"`
	priority  int
}

// readingPath collects the guides the fired rules name, each once (at its earliest step and
// highest priority), and splits them: the most relevant (highest priority) guides that fit the
// ranking's guide and minute budget are to read now, in step order; the rest is further
// reading, by priority. Editors give guides specific to an answer a higher priority than
// generic ones.
func (a *Advisor) readingPath(fired []*rules.Rule) (now, further []PathEntry) {
	q, c := a.Questionnaire(), a.Catalog()
	stepIndex := map[string]int{}
	for i, s := range q.Steps {
		stepIndex[s.ID] = i
	}
	bySlug := map[string]int{}
	var path []PathEntry
	for _, r := range fired {
		for _, g := range r.Guides {
			reason := g.Reason
			if reason == "" {
				reason = r.Because
			}
			e := PathEntry{Slug: g.Slug, Step: g.Step, Reason: reason, Rule: r.ID, priority: g.Priority}
			i, ok := bySlug[g.Slug]
			if !ok {
				bySlug[g.Slug] = len(path)
				path = append(path, e)
				continue
			}
			if old := &path[i]; e.priority > old.priority || (e.priority == old.priority && stepIndex[e.Step] < stepIndex[old.Step]) {
				*old = e
			}
		}
	}
	sort.SliceStable(path, func(i, j int) bool { return path[i].priority > path[j].priority })
	rk := c.Ranking
	minutes := 0
	now, further = make([]PathEntry, 0, rk.ReadingGuides), make([]PathEntry, 0, len(path))
	for i := range path {
		e := &path[i]
		g := c.Guide(e.Slug)
		e.Title, e.URL, e.Minutes, e.Verified = g.Title, g.URL, g.Minutes, g.Verified
		e.StepTitle = q.Step(e.Step).Title
		if len(now) < rk.ReadingGuides && (len(now) == 0 || minutes+e.Minutes <= rk.ReadingMinutes) {
			minutes += e.Minutes
			now = append(now, *e)
		} else {
			further = append(further, *e)
		}
	}
	sort.SliceStable(now, func(i, j int) bool { return stepIndex[now[i].Step] < stepIndex[now[j].Step] })
	return now, further
}
