package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Stored assessments: a consultant's answers for one client, filled in over as many requests
// as it takes, and the result once they are complete. Each belongs to the key that created
// it; another key's assessment does not exist as far as the caller can tell (404).

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
	Problems  []FieldError            `json:"problems"`
	Result    *advisor.Recommendation `json:"result"`
	Versions  advisor.Versions        `json:"versions"`
	CreatedAt time.Time               `json:"created_at"`
	UpdatedAt time.Time               `json:"updated_at"`
}

// assessmentSummary is one item of the list.
type assessmentSummary struct {
	ID        string           `json:"id"`
	Label     string           `json:"label"`
	Complete  bool             `json:"complete"`
	Versions  advisor.Versions `json:"versions"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// assessmentList is the body of GET /assessments.
type assessmentList struct {
	Items      []assessmentSummary `json:"items"`
	NextCursor *string             `json:"next_cursor"` // null on the last page
}

// apiCreateAssessment stores a new assessment for the caller's key: a label and the answers
// so far, which may be none.
func (s *Server) apiCreateAssessment(c *gin.Context) error {
	var req assessmentRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	a := &store.Assessment{Owner: apiKey(c).ID}
	if req.Label != nil {
		a.Label = *req.Label
	}
	if err := checkLabel(a.Label); err != nil {
		return err
	}
	adv := s.content.Current()
	rec, problems, err := s.saveAnswers(c.Request.Context(), adv, a, req.Answers)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/assessments/"+a.ID)
	return writeJSON(c, http.StatusCreated, view(a, adv, rec, problems))
}

// apiListAssessments lists the caller's assessments, newest first, a page at a time.
func (s *Server) apiListAssessments(c *gin.Context) error {
	limit := defaultPage
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxPage {
			return badQuery("limit", fmt.Sprintf("limit: got %q, want a whole number from 1 to %d", q, maxPage))
		}
		limit = n
	}
	items, next, err := s.store.ListAssessments(c.Request.Context(), store.ListOptions{
		Owner: apiKey(c).ID, Label: c.Query("label"), Cursor: c.Query("cursor"), Limit: limit})
	if errors.Is(err, store.ErrBadCursor) {
		return badQuery("cursor", "cursor: not one this API issued; pass next_cursor from the previous page unchanged, or leave it out for the first page")
	}
	if err != nil {
		return err
	}
	out := assessmentList{Items: make([]assessmentSummary, len(items))}
	for i, a := range items {
		out.Items[i] = assessmentSummary{ID: a.ID, Label: a.Label, Complete: len(a.Result) > 0,
			Versions:  advisor.Versions{Questionnaire: a.QuestionnaireVersion, RuleSet: a.RulesetVersion},
			CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	}
	if next != "" {
		out.NextCursor = &next
	}
	return writeJSON(c, http.StatusOK, out)
}

// apiGetAssessment shows one of the caller's assessments with its result.
func (s *Server) apiGetAssessment(c *gin.Context) error {
	a, err := s.assessment(c)
	if err != nil {
		return err
	}
	adv := s.content.Current()
	rec, problems, err := s.result(adv, a)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, view(a, adv, rec, problems))
}

// apiPatchAssessment merges answers into one of the caller's assessments and relabels it.
func (s *Server) apiPatchAssessment(c *gin.Context) error {
	var req assessmentRequest
	if err := decodeBody(c, &req, false, "application/merge-patch+json"); err != nil {
		return err
	}
	if req.Label != nil {
		if err := checkLabel(*req.Label); err != nil {
			return err
		}
	}
	a, err := s.assessment(c)
	if err != nil {
		return err
	}
	if req.Label != nil {
		a.Label = *req.Label
	}
	adv := s.content.Current()
	rec, problems, err := s.saveAnswers(c.Request.Context(), adv, a, req.Answers)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, view(a, adv, rec, problems))
}

// apiDeleteAssessment deletes one of the caller's assessments.
func (s *Server) apiDeleteAssessment(c *gin.Context) error {
	id := c.Param("id")
	if !validID(id) {
		return errNotFound
	}
	if err := s.store.DeleteAssessment(c.Request.Context(), apiKey(c).ID, id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// apiAssessmentResult serves the result as JSON (the Recommendation) or, with
// ?format=markdown, as a Markdown document. An assessment without a result yet is a 409
// listing what is missing.
func (s *Server) apiAssessmentResult(c *gin.Context) error {
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "markdown" {
		return badQuery("format", fmt.Sprintf("format: got %q, want json or markdown", format))
	}
	a, err := s.assessment(c)
	if err != nil {
		return err
	}
	rec, problems, err := s.result(s.content.Current(), a)
	if err != nil {
		return err
	}
	if rec == nil {
		return &httpError{Status: http.StatusConflict, Type: "/problems/assessment-incomplete", Title: "Assessment incomplete",
			Detail: "There is no result until the answers are complete; answer the questions listed and ask again.", Fields: problems}
	}
	if format == "json" {
		return writeJSON(c, http.StatusOK, rec)
	}
	var md bytes.Buffer
	if err := advisor.Markdown(&md, rec, s.content.Current().Questionnaire(), a.UpdatedAt.Format("2 January 2006")); err != nil {
		return err
	}
	writeBytes(c, http.StatusOK, "text/markdown; charset=utf-8", md.Bytes())
	return nil
}

// assessment loads the caller's assessment named in the path.
func (s *Server) assessment(c *gin.Context) (*store.Assessment, error) {
	id := c.Param("id")
	if !validID(id) {
		return nil, errNotFound
	}
	return s.store.GetAssessment(c.Request.Context(), apiKey(c).ID, id)
}

// result is the assessment's recommendation by adv, recomputed when the content changed since
// it was stored; when there is none, the problems say why.
func (s *Server) result(adv *advisor.Advisor, a *store.Assessment) (*advisor.Recommendation, []FieldError, error) {
	rec, err := s.recommendation(adv, a)
	if err == nil {
		return rec, []FieldError{}, nil
	}
	if he := asHTTPError(unrepresentable(err)); he.Status == http.StatusUnprocessableEntity {
		return nil, he.Fields, nil
	}
	return nil, nil, err
}

// saveAnswers merges patch into the assessment's answers and saves them, through applyAnswers
// like the web wizard. Unlike the wizard, which asks step by step, the API takes answers in
// any order: answers that are valid but lack required ones are kept as a draft without a
// result, and the missing questions are returned as its problems. Invalid answers are refused
// with their problems only, not with the questions still to answer.
func (s *Server) saveAnswers(ctx context.Context, adv *advisor.Advisor, a *store.Assessment, patch map[string]any) (*advisor.Recommendation, []FieldError, error) {
	rec, err := s.applyAnswers(ctx, adv, a, patch, 0)
	if err != nil {
		return nil, nil, unrepresentable(err)
	}
	if rec != nil {
		return rec, []FieldError{}, nil
	}
	raw, err := answersOf(a)
	if err != nil {
		return nil, nil, err
	}
	_, _, err = adv.Questionnaire().Validate(raw)
	return nil, asHTTPError(err).Fields, nil
}

// view shows the assessment as adv, the content serving the request, sees it: the result and
// the problems are adv's, and so are the versions.
func view(a *store.Assessment, adv *advisor.Advisor, rec *advisor.Recommendation, problems []FieldError) assessmentJSON {
	answers := a.Answers
	if len(answers) == 0 {
		answers = json.RawMessage("{}")
	}
	return assessmentJSON{ID: a.ID, Label: a.Label, Answers: answers, Complete: rec != nil, Problems: problems, Result: rec,
		Versions: adv.Versions(), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// checkLabel refuses labels that are too long or hold control characters.
func checkLabel(label string) error {
	if n := utf8.RuneCountInString(label); n > maxLabel {
		return errInvalidRequest(FieldError{Field: "label", Code: "too_long",
			Message: fmt.Sprintf("label: %d characters, at most %d", n, maxLabel)})
	}
	for _, r := range label {
		if unicode.IsControl(r) {
			return errInvalidRequest(FieldError{Field: "label", Code: "invalid",
				Message: "label: control characters such as line breaks are not allowed"})
		}
	}
	return nil
}
