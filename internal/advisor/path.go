package advisor

import (
	"slices"

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
	c := a.Catalog()
	stepIndex := a.stepIndex
	bySlug := make(map[string]int, 16)
	path := make([]PathEntry, 0, 32)
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
	// Order positions, not the entries themselves: entries are large and sorting moves them.
	order := make([]int, len(path))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return path[y].priority - path[x].priority })
	rk := c.Ranking
	minutes, k := 0, 0
	readNow := make([]bool, len(path))
	for _, i := range order {
		e := &path[i]
		g := c.Guide(e.Slug)
		e.Title, e.URL, e.Minutes, e.Verified = g.Title, g.URL, g.Minutes, g.Verified
		e.StepTitle = a.stepTitle[e.Step]
		if k < rk.ReadingGuides && (k == 0 || minutes+e.Minutes <= rk.ReadingMinutes) {
			minutes += e.Minutes
			readNow[i] = true
			k++
		}
	}
	// To read now, in step order (then priority); the rest by priority.
	nowOrder := make([]int, 0, k)
	for _, i := range order {
		if readNow[i] {
			nowOrder = append(nowOrder, i)
		}
	}
	slices.SortStableFunc(nowOrder, func(x, y int) int { return stepIndex[path[x].Step] - stepIndex[path[y].Step] })
	out := make([]PathEntry, 0, len(path))
	for _, i := range nowOrder {
		out = append(out, path[i])
	}
	for _, i := range order {
		if !readNow[i] {
			out = append(out, path[i])
		}
	}
	now, further = out[:k:k], out[k:]
	return now, further
}
