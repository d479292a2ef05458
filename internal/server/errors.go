package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Error is an error with the status and the text a user may see. Anything else a handler
// returns is an internal error: logged in full, shown as a plain 500.
type Error struct {
	Status int
	Type   string // problem type URI; about:blank when empty
	Title  string
	Detail string
	Fields []FieldError
}

// FieldError is one problem with one field (a question ID, or a request field such as "label").
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Title + ": " + e.Detail }

var (
	ErrNotFound    = &Error{Status: http.StatusNotFound, Title: "Not found", Detail: "There is nothing at this address."}
	errMethod      = &Error{Status: http.StatusMethodNotAllowed, Title: "Method not allowed", Detail: "This address does not accept that method."}
	errCrossOrigin = &Error{Status: http.StatusForbidden, Title: "Cross-origin request refused", Detail: "State-changing requests must come from this site's own pages."}
	ErrRateLimited = &Error{Status: http.StatusTooManyRequests, Title: "Too many requests", Detail: "Slow down and retry after the time in the Retry-After header."}
)

// BadRequest is a 400 with a detail naming what was wrong.
func BadRequest(detail string, fields ...FieldError) error {
	return &Error{Status: http.StatusBadRequest, Title: "Bad request", Detail: detail, Fields: fields}
}

// problem is the application/problem+json body (RFC 9457).
type problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// AsError maps any error to what the user sees.
func AsError(err error) *Error {
	var he *Error
	var ve *questionnaire.ValidationError
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &ve):
		fields := make([]FieldError, len(ve.Problems))
		for i, p := range ve.Problems {
			fields[i] = FieldError{Field: p.Question, Code: p.Code, Message: p.Message}
		}
		return &Error{Status: http.StatusUnprocessableEntity, Type: "/problems/invalid-answers", Title: "Invalid answers",
			Detail: "Some answers do not fit the questionnaire; each problem is listed by question ID.", Fields: fields}
	case errors.As(err, &mb):
		return &Error{Status: http.StatusRequestEntityTooLarge, Title: "Request too large", Detail: "The request body is larger than the server accepts."}
	case errors.Is(err, store.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, store.ErrBadCursor):
		return &Error{Status: http.StatusBadRequest, Title: "Bad request", Detail: err.Error(), Fields: []FieldError{{Field: "cursor", Code: "invalid", Message: err.Error()}}}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Title: "Conflict", Detail: err.Error()}
	}
	return &Error{Status: http.StatusInternalServerError, Title: "Internal error", Detail: "Something went wrong on our side; it has been logged."}
}

// Handle adapts a handler that returns an error to gin.
func (s *Server) Handle(fn func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.WriteError(c.Writer, c.Request, err)
			c.Abort()
		}
	}
}

// WriteError logs err and writes the user-facing form: problem+json for the API, an HTML page
// for everything else.
func (s *Server) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	he := AsError(err)
	if he.Status >= 500 && he != errBusy { // shedding load is not a fault, and logging each would add to it
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if (he.Status == http.StatusTooManyRequests || he.Status == http.StatusServiceUnavailable) && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	if isAPI(r) {
		writeProblem(w, r, he)
		return
	}
	s.errorPage(w, r, he)
}

func writeProblem(w http.ResponseWriter, r *http.Request, he *Error) {
	typ := he.Type
	if typ == "" {
		typ = "about:blank"
	}
	body, _ := json.Marshal(problem{Type: typ, Title: he.Title, Status: he.Status, Detail: he.Detail, Instance: r.URL.Path, Errors: he.Fields})
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(he.Status)
	_, _ = w.Write(append(body, '\n'))
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/openapi.json" || r.URL.Path == "/metrics"
}

// Unrepresentable maps a recommendation JSON cannot hold (a figure overflowed to infinity,
// from answers such as a growth rate of 1e300 %) to a 422: it comes from the answers, not
// from a fault of the server.
func Unrepresentable(err error) error {
	if _, ok := errors.AsType[*json.UnsupportedValueError](err); ok {
		return &Error{Status: http.StatusUnprocessableEntity, Type: "/problems/invalid-answers", Title: "Invalid answers",
			Detail: "Some answers do not fit the questionnaire; each problem is listed by question ID.",
			Fields: []FieldError{errFiguresTooLarge}}
	}
	return err
}

// errFiguresTooLarge is the problem with answers whose projections overflow.
var errFiguresTooLarge = FieldError{Field: "answers", Code: "out_of_range",
	Message: "answers: the user counts and growth given lead to figures too large to compute; give realistic numbers"}

// errorPage writes an HTML error page: the pages' own when they are mounted, else a plain one.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, he *Error) {
	if s.page != nil {
		w.Header().Set("Cache-Control", "no-store")
		err := s.page(w, he)
		if err == nil {
			return
		}
		s.log.Error("error page failed", "path", r.URL.Path, "err", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(he.Status)
	fmt.Fprintf(w, "<!doctype html><html lang=en><title>%s</title><h1>%s</h1><p>%s</p><p><a href=\"/\">Home</a>",
		html.EscapeString(he.Title), html.EscapeString(he.Title), html.EscapeString(he.Detail))
}
