package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Stored assessments: a consultant's answers for one client, filled in over as many requests
// as it takes, and the result once they are complete. Each belongs to the key that created
// it; another key's assessment does not exist as far as the caller can tell (404).
//
// A stored result is a record: it is what the answers gave with the content loaded when they
// were saved, and it stays so when the content changes (the assessment then says stale: true
// with the current versions) until the consultant asks for a re-evaluation. Every write is a
// revision; the revision number is the assessment's strong ETag, which PATCH, DELETE and
// reevaluate check when sent If-Match (optional: without it a PATCH still merges atomically).

// maxLabel is the longest label, in characters.
const maxLabel = 200

// Listing page sizes; the store applies the same bounds.
const (
	defaultPage = 50
	maxPage     = 200
)

// assessmentRequest is the body of POST /assessments and PATCH /assessments/{id}. A PATCH
// leaves the label alone when it is absent and merges answers: a null value clears one.
type assessmentRequest struct {
	Label   *string        `json:"label"`
	Answers map[string]any `json:"answers"`
}

// assessmentJSON is an assessment as the API shows it.
type assessmentJSON struct {
	ID       string          `json:"id"`
	Label    string          `json:"label"`
	Answers  json.RawMessage `json:"answers"`
	Complete bool            `json:"complete"`
	// Problems says why there is no result yet: required questions not answered, or answers
	// the current questionnaire no longer takes. Empty when complete.
	Problems []server.FieldError `json:"problems"`
	Result   json.RawMessage     `json:"result"` // the stored result, null without one
	Versions advisor.Versions    `json:"versions"`
	// Stale is true when the content now loaded differs from the content the result was
	// computed with (CurrentVersions): a re-evaluation may give another result.
	Stale           bool             `json:"stale"`
	CurrentVersions advisor.Versions `json:"current_versions"`
	Revision        int              `json:"revision"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
}

// assessmentSummary is one item of the list: the assessment's headline.
type assessmentSummary struct {
	ID           string           `json:"id"`
	Label        string           `json:"label"`
	Complete     bool             `json:"complete"`
	Architecture *string          `json:"architecture"`
	Approach     *string          `json:"approach"`
	Leader       *string          `json:"leader"`
	LeaderCost   *costRange       `json:"leader_three_year_cost"`
	Stale        bool             `json:"stale"`
	Revision     int              `json:"revision"`
	Versions     advisor.Versions `json:"versions"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
}

// costRange is a cost in USD from low to high.
type costRange struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// assessmentList is the body of GET /assessments.
type assessmentList struct {
	Items      []assessmentSummary `json:"items"`
	NextCursor *string             `json:"next_cursor"` // null on the last page
}

// apiCreateAssessment stores a new assessment for the caller's key: a label and the answers
// so far, which may be none.
func (s *handlers) apiCreateAssessment(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	var req assessmentRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	if req.Label != nil {
		if err := checkLabel(*req.Label); err != nil {
			return err
		}
	}
	adv := s.content.Current()
	a := &store.Assessment{Owner: server.APIKey(c).ID}
	if _, err := s.srv.WriteAnswers(c.Request.Context(), adv, a, server.AnswersWrite{Patch: req.Answers, Label: req.Label}); err != nil {
		return server.Unrepresentable(err)
	}
	c.Header("Location", assessmentPath(a.ID))
	c.Header("ETag", server.ETagOf(a))
	return writeJSON(c, http.StatusCreated, s.view(adv, a))
}

// apiListAssessments lists the caller's assessments with their headlines, a page at a time,
// filtered and sorted as the query says.
func (s *handlers) apiListAssessments(c *gin.Context) error {
	opt, err := s.listOptions(c, "limit", "cursor")
	if err != nil {
		return err
	}
	limit := defaultPage
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxPage {
			return badQuery("limit", fmt.Sprintf("limit: got %q, want a whole number from 1 to %d", q, maxPage))
		}
		limit = n
	}
	opt.Cursor, opt.Limit = c.Query("cursor"), limit
	items, next, err := s.store.ListAssessments(c.Request.Context(), opt)
	if errors.Is(err, store.ErrBadCursor) {
		return badQuery("cursor", "cursor: not one this API issued for this sort order; pass next_cursor from the previous page unchanged, or leave it out for the first page")
	}
	if err != nil {
		return err
	}
	adv := s.content.Current()
	out := assessmentList{Items: make([]assessmentSummary, len(items))}
	for i := range items {
		out.Items[i] = summary(adv, &items[i])
	}
	if next != "" {
		out.NextCursor = &next
	}
	return writeJSON(c, http.StatusOK, out)
}

// listOptions reads the portfolio's filters and sort order from the query, which may hold
// only those and the names in also.
func (s *handlers) listOptions(c *gin.Context, also ...string) (store.ListOptions, error) {
	opt := store.ListOptions{Owner: server.APIKey(c).ID}
	if err := onlyQuery(c, append([]string{"label", "label_prefix", "complete", "architecture", "approach", "updated_since", "sort"}, also...)...); err != nil {
		return opt, err
	}
	opt.Label, opt.LabelPrefix = c.Query("label"), c.Query("label_prefix")
	if _, ok := c.GetQuery("complete"); ok {
		b, err := boolQuery(c, "complete")
		if err != nil {
			return opt, err
		}
		opt.Complete = &b
	}
	adv := s.content.Current()
	if v := c.Query("architecture"); v != "" {
		if adv.Catalog().Architecture(v) == nil {
			return opt, badQuery("architecture", fmt.Sprintf("architecture: got %q, want one of %s%s", v, strings.Join(architectureIDs(adv), ", "), server.DidYouMean(v, architectureIDs(adv))))
		}
		opt.Architecture = v
	}
	if v := c.Query("approach"); v != "" {
		if adv.Catalog().Approach(v) == nil {
			return opt, badQuery("approach", fmt.Sprintf("approach: got %q, want one of %s%s", v, strings.Join(approachIDs(adv), ", "), server.DidYouMean(v, approachIDs(adv))))
		}
		opt.Approach = v
	}
	if v := c.Query("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return opt, badQuery("updated_since", fmt.Sprintf("updated_since: got %q, want a date and time such as 2026-01-31T00:00:00Z (RFC 3339)", v))
		}
		opt.UpdatedSince = t
	}
	if v := c.Query("sort"); v != "" {
		if !contains(store.Sorts, v) {
			return opt, badQuery("sort", fmt.Sprintf("sort: got %q, want one of %s%s", v, strings.Join(store.Sorts, ", "), server.DidYouMean(v, store.Sorts)))
		}
		opt.Sort = v
	}
	return opt, nil
}

// apiGetAssessment shows one of the caller's assessments with its stored result.
func (s *handlers) apiGetAssessment(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	a, err := s.assessment(c)
	if err != nil {
		return err
	}
	c.Header("ETag", server.ETagOf(a))
	return writeJSON(c, http.StatusOK, s.view(s.content.Current(), a))
}

// apiPatchAssessment merges answers into one of the caller's assessments and relabels it.
// The merge happens under the database's lock on the row, so concurrent PATCHes of different
// questions all count; with If-Match, a PATCH of an assessment changed since is a 412.
func (s *handlers) apiPatchAssessment(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	var req assessmentRequest
	if err := decodeBody(c, &req, false, "application/merge-patch+json"); err != nil {
		return err
	}
	if req.Label != nil {
		if err := checkLabel(*req.Label); err != nil {
			return err
		}
	}
	id := c.Param("id")
	if !server.ValidID(id) {
		return server.ErrNotFound
	}
	adv := s.content.Current()
	a := &store.Assessment{Owner: server.APIKey(c).ID, ID: id}
	if _, err := s.srv.WriteAnswers(c.Request.Context(), adv, a, server.AnswersWrite{Patch: req.Answers, Label: req.Label, IfMatch: c.GetHeader("If-Match")}); err != nil {
		return server.Unrepresentable(err)
	}
	c.Header("ETag", server.ETagOf(a))
	return writeJSON(c, http.StatusOK, s.view(adv, a))
}

// apiDeleteAssessment deletes one of the caller's assessments and its revisions.
func (s *handlers) apiDeleteAssessment(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	id := c.Param("id")
	if !server.ValidID(id) {
		return server.ErrNotFound
	}
	ctx, owner := c.Request.Context(), server.APIKey(c).ID
	if im := c.GetHeader("If-Match"); im != "" {
		a, err := s.store.GetAssessment(ctx, owner, id)
		if err != nil {
			return err
		}
		if err := server.CheckIfMatch(im, a); err != nil {
			return err
		}
		// Deletes only the revision checked: a write in between makes it a 412 after all.
		if err := s.store.DeleteAssessmentAt(ctx, owner, id, a.Revision); errors.Is(err, store.ErrConflict) {
			return server.ErrPrecondition(a)
		} else if err != nil {
			return err
		}
	} else if err := s.store.DeleteAssessment(ctx, owner, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// assessment loads the caller's assessment named in the path.
func (s *handlers) assessment(c *gin.Context) (*store.Assessment, error) {
	id := c.Param("id")
	if !server.ValidID(id) {
		return nil, server.ErrNotFound
	}
	return s.store.GetAssessment(c.Request.Context(), server.APIKey(c).ID, id)
}

// view shows the stored assessment: its result and versions are the stored ones; the
// problems of an incomplete one are the questionnaire's now loaded, as the next write will
// see them.
func (s *handlers) view(adv *advisor.Advisor, a *store.Assessment) assessmentJSON {
	answers := a.Answers
	if len(answers) == 0 {
		answers = json.RawMessage("{}")
	}
	v := assessmentJSON{ID: a.ID, Label: a.Label, Answers: answers, Complete: len(a.Result) > 0, Problems: []server.FieldError{},
		Result: a.Result, Versions: server.VersionsOf(a), CurrentVersions: adv.Versions(), Revision: a.Revision,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	v.Stale = v.Versions != v.CurrentVersions
	if len(v.Result) == 0 {
		v.Result = json.RawMessage("null")
		if raw, err := server.AnswersOf(a); err == nil {
			if _, _, err := adv.Questionnaire().Validate(raw); err != nil {
				v.Problems = server.AsError(err).Fields
			}
		}
	}
	return v
}

// summary is the list item of a stored assessment.
func summary(adv *advisor.Advisor, a *store.Assessment) assessmentSummary {
	out := assessmentSummary{ID: a.ID, Label: a.Label, Complete: len(a.Result) > 0, Revision: a.Revision,
		Versions: server.VersionsOf(a), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	out.Stale = out.Versions != adv.Versions()
	h := a.Headline
	out.Architecture, out.Approach, out.Leader = nonEmpty(h.Architecture), nonEmpty(h.Approach), nonEmpty(h.Leader)
	if h.LeaderCost != nil {
		out.LeaderCost = &costRange{Low: h.LeaderCost[0], High: h.LeaderCost[1]}
	}
	return out
}

// nonEmpty is s, or nil (JSON null) when empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// assessmentPath is the API address of an assessment.
func assessmentPath(id string) string { return "/api/v1/assessments/" + id }

// checkLabel refuses labels that are too long or hold control characters.
func checkLabel(label string) error {
	if n := utf8.RuneCountInString(label); n > maxLabel {
		return errInvalidRequest(server.FieldError{Field: "label", Code: "too_long",
			Message: fmt.Sprintf("label: %d characters, at most %d", n, maxLabel)})
	}
	for _, r := range label {
		if unicode.IsControl(r) {
			return errInvalidRequest(server.FieldError{Field: "label", Code: "invalid",
				Message: "label: control characters such as line breaks are not allowed"})
		}
	}
	return nil
}

// writeRaw writes a JSON body held as bytes.
func writeRaw(c *gin.Context, status int, body []byte) {
	writeBytes(c, status, mediaJSON, append(bytes.TrimRight(body, "\n"), '\n'))
}
