package api

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/server"
)

// problemType is one kind of API error that has a type URI of its own (/problems/NAME): what
// it means and what to do about it, on a short page a developer reaches by following the
// `type` of a problem+json body. Errors whose status says it all use about:blank instead.
type problemType struct {
	Name, Title string
	Status      int
	Means, Do   string
}

// problemTypes lists every type URI the API sends; a test checks that each one used in this
// package is here.
var problemTypes = []problemType{
	{"invalid-request", "Invalid request", http.StatusUnprocessableEntity,
		"The request body or a parameter is well-formed JSON but does not fit what the endpoint takes: an unknown field, a wrong type, a value out of range or too many items.",
		"Read the errors list: each entry names the field, a code and a message. Fix those fields and send the request again; the same request will fail the same way."},
	{"invalid-answers", "Invalid answers", http.StatusUnprocessableEntity,
		"One or more answers do not fit their question: an unknown question ID, an option the question does not offer, a number outside its bounds or the wrong type. Where a typo is likely, the message suggests the closest valid ID or option.",
		"Each entry of errors names the question in field. GET /api/v1/questionnaire lists the questions, their types, options and bounds."},
	{"assessment-incomplete", "Assessment incomplete", http.StatusConflict,
		"The assessment has no result yet because required questions are unanswered or hidden answers are missing.",
		"The errors list names the missing questions. POST /api/v1/questionnaire/flow with the stored answers says which step to fill next; PATCH the assessment with the answers, then ask for the result again."},
	{"result-stale", "Result stale", http.StatusConflict,
		"The stored result was computed with content (questionnaire or rules) that has changed since, and the request asked for a result that is current.",
		"POST /api/v1/assessments/{id}/reevaluate records a new revision with the current content and returns what changed; or read the stored result as it was given."},
	{"precondition-failed", "Precondition failed", http.StatusPreconditionFailed,
		"The If-Match header named a version of the assessment that is no longer the current one: someone else changed it since you read it. Nothing was changed.",
		"GET the assessment again, look at what changed, apply your change to it and send it with the new ETag in If-Match."},
	{"idempotency-key-reused", "Idempotency key reused", http.StatusUnprocessableEntity,
		"The Idempotency-Key was used before, within the last 24 hours, with a different request. A key stands for one request: a retry must send the same body.",
		"Use a new key (such as a fresh UUID) for a new request; retry a request only with its own key and body."},
	{"idempotency-key-in-flight", "Request in progress", http.StatusConflict,
		"A request with the same Idempotency-Key is still being processed.",
		"Wait a moment and retry with the same key and body: once the first request finishes, the retry gets its response."},
	{"not-acceptable", "Not acceptable", http.StatusNotAcceptable,
		"The Accept header (or the format parameter) asks for a media type this endpoint does not produce.",
		"The detail lists the types it offers. Send one of them in Accept, or use the format parameter."},
}

// problemPage is one problem type's page, or the list of all of them when Type is nil.
var problemPage = template.Must(template.New("problem").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Type}}{{.Type.Title}} · {{end}}API problem types · CIAM Advisor</title>
</head>
<body>
<main>
{{- with .Type}}
<h1>{{.Title}}</h1>
<p>HTTP status <strong>{{.Status}}</strong>. Problem type <code>/problems/{{.Name}}</code>.</p>
<h2>What it means</h2>
<p>{{.Means}}</p>
<h2>What to do</h2>
<p>{{.Do}}</p>
<p><a href="/problems">All problem types</a> · <a href="/openapi.json">API description</a></p>
{{- else}}
<h1>API problem types</h1>
<p>Errors from the API are <code>application/problem+json</code> (RFC 9457). Those with a <code>type</code> other than <code>about:blank</code> are these:</p>
<ul>
{{- range .All}}
<li><a href="/problems/{{.Name}}">{{.Title}}</a> ({{.Status}})</li>
{{- end}}
</ul>
<p><a href="/openapi.json">API description</a></p>
{{- end}}
</main>
</body>
</html>
`))

// problems serves /problems (the list) and /problems/NAME (one type).
func (s *handlers) problems(c *gin.Context) error {
	data := struct {
		Type *problemType
		All  []problemType
	}{All: problemTypes}
	if name := c.Param("name"); name != "" {
		for i := range problemTypes {
			if problemTypes[i].Name == name {
				data.Type = &problemTypes[i]
			}
		}
		if data.Type == nil {
			return server.ErrNotFound
		}
	}
	var buf bytes.Buffer
	if err := problemPage.Execute(&buf, data); err != nil {
		return err
	}
	c.Header("Cache-Control", "public, max-age=3600")
	writeBytes(c, http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
	return nil
}
