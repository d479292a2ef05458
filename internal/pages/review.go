package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

type reviewView struct {
	basePage
	ID        string
	Steps     []reviewStep
	Missing   []linkItem // required answers still missing or no longer valid
	ResultURL string
	ResumeURL string
}

type reviewStep struct {
	Num   int
	Title string
	URL   string
	Items []reviewItem
}

type reviewItem struct {
	ID        string
	Label     string
	Answer    string // option labels, not raw values; "" when unanswered
	Problem   string // what is wrong, for a required answer missing or no longer valid
	ChangeURL string
}

func (w *webApp) review(c *gin.Context) error {
	a, adv, saved, err := w.open(c)
	if err != nil {
		return err
	}
	q := adv.Questionnaire()
	checked, err := q.Check(saved, len(q.Steps))
	if err != nil {
		return err
	}
	problems := map[string]questionnaire.Problem{}
	for _, p := range checked.Problems {
		problems[p.Question] = p
	}
	typed := checked.Answers
	// Text typed before a Back from a step opened here, kept for that step's Change links.
	draft := decodeDraft(c.Query("draft"))
	v := reviewView{
		basePage:  basePage{Title: "Check your answers", NoIndex: true},
		ID:        a.ID,
		ResultURL: resultURL(a.ID),
		ResumeURL: absURL(c.Request, "/a/"+a.ID),
	}
	for i, s := range q.Steps {
		rs := reviewStep{Num: i + 1, Title: s.Title, URL: stepURL(a.ID, s.ID)}
		for _, qn := range s.Questions {
			if !q.Visible(qn, typed) {
				continue
			}
			it := reviewItem{ID: qn.ID, Label: qn.Label, ChangeURL: stepAnswersURL(a.ID, s.ID, stepDraft(s, draft), "q-"+qn.ID)}
			if val, ok := typed[qn.ID]; ok {
				it.Answer = answerText(qn, val)
			}
			if p, bad := problems[qn.ID]; bad {
				it.Problem = "Not answered yet"
				if p.Code != "required" {
					it.Problem = "This answer no longer fits the question; please answer again"
				}
				v.Missing = append(v.Missing, linkItem{Href: it.ChangeURL, Text: "Step " + strconv.Itoa(i+1) + ": " + qn.Label})
			}
			rs.Items = append(rs.Items, it)
		}
		v.Steps = append(v.Steps, rs)
	}
	for id := range problems {
		if q.Question(id) == nil { // an answer to a question the content no longer has
			v.Missing = append(v.Missing, linkItem{Href: stepURL(a.ID, q.Steps[0].ID), Text: "Step 1: save this step again to drop an outdated answer"})
			break
		}
	}
	return w.ui.render(c.Writer, http.StatusOK, "review", v)
}

// answerText is an answer as the buyer chose it: option labels, Yes or No, numbers with units.
func answerText(qn *questionnaire.Question, v any) string {
	switch x := v.(type) {
	case string:
		return qn.OptionLabel(x)
	case []string:
		if len(x) == 0 {
			return "None"
		}
		labels := make([]string, len(x))
		for i, s := range x {
			labels[i] = qn.OptionLabel(s)
		}
		return strings.Join(labels, ", ")
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case int:
		return withUnit(groupDigits(x), qn.Unit)
	case float64:
		return withUnit(questionnaire.FormatNumber(x), qn.Unit)
	}
	return ""
}

func withUnit(n, unit string) string {
	if unit == "" {
		return n
	}
	return n + " " + unit
}

// stepDraft is the part of a draft that belongs to step.
func stepDraft(step *questionnaire.Step, draft url.Values) string {
	out := url.Values{}
	for _, qn := range step.Questions {
		if vals, ok := draft[qn.ID]; ok {
			out[qn.ID] = vals
		}
	}
	return encodeDraft(out)
}
