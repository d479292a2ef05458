package advisor

// Change is what differs between two recommendations for the same answers.
type Change struct {
	Architecture  *Delta   `json:"architecture,omitempty"`
	Approach      *Delta   `json:"approach,omitempty"`
	GuidesAdded   []string `json:"guides_added,omitempty"`
	GuidesRemoved []string `json:"guides_removed,omitempty"`
	ShortlistIn   []string `json:"shortlist_added,omitempty"`
	ShortlistOut  []string `json:"shortlist_removed,omitempty"`
	KnockedOut    []string `json:"eliminated_added,omitempty"`
	Reinstated    []string `json:"eliminated_removed,omitempty"`
	WarningsAdded []string `json:"warnings_added,omitempty"`
	WarningsGone  []string `json:"warnings_removed,omitempty"`
}

// Delta is a changed single value.
type Delta struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Empty reports whether nothing changed.
func (c Change) Empty() bool {
	return c.Architecture == nil && c.Approach == nil && len(c.GuidesAdded)+len(c.GuidesRemoved)+
		len(c.ShortlistIn)+len(c.ShortlistOut)+len(c.KnockedOut)+len(c.Reinstated)+
		len(c.WarningsAdded)+len(c.WarningsGone) == 0
}

// Compare reports how next differs from prev.
func Compare(prev, next *Recommendation) Change {
	var c Change
	if prev.Architecture.ID != next.Architecture.ID {
		c.Architecture = &Delta{prev.Architecture.ID, next.Architecture.ID}
	}
	if prev.Approach.ID != next.Approach.ID {
		c.Approach = &Delta{prev.Approach.ID, next.Approach.ID}
	}
	c.GuidesAdded, c.GuidesRemoved = setDiff(guideSlugs(prev), guideSlugs(next))
	c.ShortlistIn, c.ShortlistOut = setDiff(pickIDs(prev.Shortlist), pickIDs(next.Shortlist))
	c.KnockedOut, c.Reinstated = setDiff(goneIDs(prev), goneIDs(next))
	c.WarningsAdded, c.WarningsGone = setDiff(warningIDs(prev), warningIDs(next))
	return c
}

func guideSlugs(r *Recommendation) []string {
	out := make([]string, len(r.ReadingPath))
	for i, g := range r.ReadingPath {
		out[i] = g.Slug
	}
	return out
}

func pickIDs(ps []VendorPick) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func goneIDs(r *Recommendation) []string {
	out := make([]string, len(r.Eliminated))
	for i, e := range r.Eliminated {
		out[i] = e.ID
	}
	return out
}

func warningIDs(r *Recommendation) []string {
	out := make([]string, len(r.Warnings))
	for i, w := range r.Warnings {
		out[i] = w.ID
	}
	return out
}

// setDiff returns what next has that prev lacks, and what prev has that next lacks, in order.
func setDiff(prev, next []string) (added, removed []string) {
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, s := range next {
		if !in(prev, s) {
			added = append(added, s)
		}
	}
	for _, s := range prev {
		if !in(next, s) {
			removed = append(removed, s)
		}
	}
	return added, removed
}
