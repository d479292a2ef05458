package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/server"
)

// The questionnaire's flow, decided on the server as the web wizard decides it, so that API
// clients never evaluate a question's condition (an expr expression) themselves.

// flowStep is one step as the answers so far shape it.
type flowStep struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Questions are the IDs of the step's questions asked for these answers, in order.
	Questions []string `json:"questions"`
	Answered  []string `json:"answered"`
	// MissingRequired are the step's asked, required questions without a valid answer.
	MissingRequired []string `json:"missing_required"`
	Complete        bool     `json:"complete"`
}

// flowNotice is an answer the flow drops: to a question not asked for these answers.
type flowNotice struct {
	Question string `json:"question"`
	Message  string `json:"message"`
}

// flowJSON is the body of POST /questionnaire/flow.
type flowJSON struct {
	Steps []flowStep `json:"steps"`
	// NextStep is the first step with a required question unanswered or an invalid answer;
	// null when every step is complete.
	NextStep        *string      `json:"next_step"`
	MissingRequired []string     `json:"missing_required"`
	Dropped         []flowNotice `json:"dropped"`
	// Problems are the invalid answers (unknown questions, unknown options, wrong types, out of
	// range); required questions unanswered are in MissingRequired, not here.
	Problems []server.FieldError `json:"problems"`
	Complete bool                `json:"complete"`
	Versions versionsOnlyJSON    `json:"versions"`
}

// versionsOnlyJSON names the questionnaire the flow was decided with.
type versionsOnlyJSON struct {
	Questionnaire string `json:"questionnaire"`
}

// apiFlow says, for partial answers, which questions each step asks, which step comes next,
// which required questions are missing and which answers would be dropped because their
// question is not asked. It stores nothing.
func (s *handlers) apiFlow(c *gin.Context) error {
	if err := onlyQuery(c); err != nil {
		return err
	}
	var req evaluateRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if req.Answers == nil {
		return errInvalidRequest(errAnswersRequired)
	}
	q := s.content.Current().Questionnaire()
	checked, err := q.Check(req.Answers, len(q.Steps))
	if err != nil {
		return err
	}
	out := flowJSON{Steps: make([]flowStep, len(q.Steps)), MissingRequired: []string{}, Dropped: []flowNotice{},
		Problems: []server.FieldError{}, Versions: versionsOnlyJSON{Questionnaire: q.Version}}
	missing := map[string]bool{}
	for _, p := range checked.Problems {
		if p.Code == "required" {
			missing[p.Question] = true
			out.MissingRequired = append(out.MissingRequired, p.Question)
			continue
		}
		out.Problems = append(out.Problems, server.FieldError{Field: p.Question, Code: p.Code, Message: p.Message})
	}
	if len(out.Problems) > 0 {
		out.Problems = server.AsError(server.Suggest(q, req.Answers, &questionnaire.ValidationError{Problems: problemsOf(out.Problems)})).Fields
	}
	bad := map[string]bool{}
	for _, p := range checked.Problems {
		bad[p.Question] = true
	}
	for _, n := range checked.Notices {
		out.Dropped = append(out.Dropped, flowNotice(n))
	}
	for i, step := range q.Steps {
		fs := flowStep{ID: step.ID, Title: step.Title, Questions: []string{}, Answered: []string{}, MissingRequired: []string{}}
		for _, qn := range step.Questions {
			if !q.Visible(qn, checked.Answers) {
				continue
			}
			fs.Questions = append(fs.Questions, qn.ID)
			if _, ok := checked.Answers[qn.ID]; ok {
				fs.Answered = append(fs.Answered, qn.ID)
			}
			if missing[qn.ID] {
				fs.MissingRequired = append(fs.MissingRequired, qn.ID)
			}
		}
		fs.Complete = len(fs.MissingRequired) == 0
		for _, qn := range step.Questions {
			if bad[qn.ID] && !missing[qn.ID] {
				fs.Complete = false
			}
		}
		if !fs.Complete && out.NextStep == nil {
			id := step.ID
			out.NextStep = &id
		}
		out.Steps[i] = fs
	}
	out.Complete = len(checked.Problems) == 0
	return writeJSON(c, http.StatusOK, out)
}

// problemsOf turns field errors back into questionnaire problems.
func problemsOf(fields []server.FieldError) []questionnaire.Problem {
	ps := make([]questionnaire.Problem, len(fields))
	for i, f := range fields {
		ps[i] = questionnaire.Problem{Question: f.Field, Code: f.Code, Message: f.Message}
	}
	return ps
}
