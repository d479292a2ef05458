package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/diag"
	"github.com/ciamadvisor/advisor/internal/server"
)

// The catalogue the rules point at, and the state of the loaded content.

// listOf is the envelope of every list the API returns.
type listOf[T any] struct {
	Items []T `json:"items"`
}

// list wraps items, an empty list rather than null when there are none.
func list[T any](items []T) listOf[T] {
	if items == nil {
		items = []T{}
	}
	return listOf[T]{Items: items}
}

// apiGuides lists the guides of the catalogue.
func (s *handlers) apiGuides(c *gin.Context) error {
	adv := s.content.Current()
	if notModified(c, contentETag(adv)) {
		return nil
	}
	return writeJSON(c, http.StatusOK, list(adv.Catalog().Guides))
}

// apiArchitectures lists the reference architectures.
func (s *handlers) apiArchitectures(c *gin.Context) error {
	adv := s.content.Current()
	if notModified(c, contentETag(adv)) {
		return nil
	}
	return writeJSON(c, http.StatusOK, list(adv.Catalog().Architectures))
}

// apiVendors lists the vendor profiles with every fact, its source and the date it was
// reviewed.
func (s *handlers) apiVendors(c *gin.Context) error {
	adv := s.content.Current()
	if notModified(c, contentETag(adv)) {
		return nil
	}
	return writeJSON(c, http.StatusOK, list(adv.Catalog().Vendors))
}

// rulesetStatus is the body of GET /ruleset.
type rulesetStatus struct {
	Versions advisor.Versions `json:"versions"`
	LoadedAt time.Time        `json:"loaded_at"`
}

// rulesetDetail is what an editor sees: also the server's content folder and the content's
// latest fault, which are theirs to fix and nobody else's business.
type rulesetDetail struct {
	rulesetStatus
	ContentDir *string      `json:"content_dir"` // null: the copy built into the binary
	LastError  *reloadError `json:"last_error"`  // null: the latest reload succeeded
}

// reloadError is the latest reload's failure; the previous content keeps serving meanwhile.
type reloadError struct {
	Message  string    `json:"message"`
	At       time.Time `json:"at"`
	Problems diag.List `json:"problems"` // each with file, line and column
}

// apiRuleset reports the versions of the loaded content and when it was loaded; an editor's
// key also gets the content folder and the error of the latest reload.
func (s *handlers) apiRuleset(c *gin.Context) error {
	st := s.content.Status()
	status := rulesetStatus{Versions: st.Versions, LoadedAt: st.LoadedAt.UTC()}
	c.Header("Cache-Control", "no-store")
	if k := server.APIKey(c); k == nil || k.Role != server.RoleEditor {
		return writeJSON(c, http.StatusOK, status)
	}
	out := rulesetDetail{rulesetStatus: status}
	if st.Dir != "" {
		out.ContentDir = &st.Dir
	}
	if st.LastError != nil {
		out.LastError = &reloadError{Message: st.LastError.Error(), At: st.ErrorAt.UTC(), Problems: st.Problems()}
	}
	return writeJSON(c, http.StatusOK, out)
}
