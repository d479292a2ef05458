package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
)

// maxBatch is the most answer sets one POST /evaluate/batch takes.
const maxBatch = 100

// evaluateRequest is the body of POST /evaluate and one item of a batch.
type evaluateRequest struct {
	Answers map[string]any `json:"answers"`
}

// batchItemRequest is one item of a batch: answers and an optional ID the result echoes.
type batchItemRequest struct {
	ID      *string        `json:"id"`
	Answers map[string]any `json:"answers"`
}

// maxItemID is the longest batch item ID, in bytes.
const maxItemID = 200

// batchRequest is the body of POST /evaluate/batch. Items stay raw so that a bad item gets
// its own errors instead of failing the batch.
type batchRequest struct {
	Items []json.RawMessage `json:"items"`
}

// errInvalidRequest is a 422 for a well-formed body whose values do not fit.
func errInvalidRequest(fields ...server.FieldError) error {
	return &server.Error{Status: http.StatusUnprocessableEntity, Type: "/problems/invalid-request", Title: "Invalid request",
		Detail: "Some fields of the request do not fit; each problem is listed by field.", Fields: fields}
}

var errAnswersRequired = server.FieldError{Field: "answers", Code: "required",
	Message: "answers: required, a JSON object keyed by question ID"}

// apiQuestionnaire serves the questionnaire: steps, questions, options and each question's
// condition as text.
func (s *handlers) apiQuestionnaire(c *gin.Context) error {
	adv := s.content.Current()
	if notModified(c, contentETag(adv)) {
		return nil
	}
	return writeJSON(c, http.StatusOK, adv.Questionnaire())
}

// apiEvaluate recommends for one set of answers and stores nothing. With ?explain=true the
// result carries the trace of every rule.
func (s *handlers) apiEvaluate(c *gin.Context) error {
	explain, err := boolQuery(c, "explain")
	if err != nil {
		return err
	}
	var req evaluateRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if req.Answers == nil {
		return errInvalidRequest(errAnswersRequired)
	}
	counterfactuals, err := boolQueryDefault(c, "counterfactuals", true)
	if err != nil {
		return err
	}
	view := c.DefaultQuery("view", "full")
	if view != "full" && view != "summary" {
		return badQuery("view", fmt.Sprintf("view: got %q, want full or summary", view))
	}
	adv := s.content.Current()
	rec, err := s.srv.Evaluate(adv, req.Answers, advisor.Options{Explain: explain, Counterfactuals: counterfactuals, Summary: view == "summary"})
	if err != nil {
		return server.Suggest(adv.Questionnaire(), req.Answers, err)
	}
	return writeJSON(c, http.StatusOK, rec)
}

// apiEvaluateBatch recommends for up to maxBatch answer sets, in order. Each item of the
// response holds either the result or the errors of that item; all are computed with the
// same content. Its work is bounded (see internal/server/evalgate.go): every item is charged to the caller's
// rate limit, explain is refused above maxExplainBatch items, the batch holds one evaluation
// slot, and items past maxBatchResponse bytes of results are left out with an error each.
func (s *handlers) apiEvaluateBatch(c *gin.Context) error {
	explain, err := boolQuery(c, "explain")
	if err != nil {
		return err
	}
	var req batchRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	switch {
	case req.Items == nil:
		return errInvalidRequest(server.FieldError{Field: "items", Code: "required",
			Message: fmt.Sprintf("items: required, an array of up to %d objects each holding answers", maxBatch)})
	case len(req.Items) > maxBatch:
		return errInvalidRequest(server.FieldError{Field: "items", Code: "too_many",
			Message: fmt.Sprintf("items: got %d, at most %d per request", len(req.Items), maxBatch)})
	case explain && len(req.Items) > maxExplainBatch:
		return errInvalidRequest(server.FieldError{Field: "explain", Code: "too_many",
			Message: fmt.Sprintf("explain: allowed on batches of at most %d items, got %d; send larger batches without explain=true", maxExplainBatch, len(req.Items))})
	}
	// The rate-limit middleware charged the request as one; the other items are charged now.
	ok, q := s.perIP.Charge(server.ClientIP(c), len(req.Items)-1, 1)
	q.Write(c.Writer.Header())
	if !ok {
		return server.ErrRateLimited
	}
	release, err := s.gate.Acquire()
	if err != nil {
		return err
	}
	defer release()
	adv := s.content.Current()
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	buf.WriteString(`{"items":[`)
	full := false
	for i, raw := range req.Items {
		if i > 0 {
			buf.WriteByte(',')
		}
		var (
			result []byte
			fields []server.FieldError
			id     *string
		)
		if !full {
			if id, result, fields, err = evaluateItem(adv, i, raw, explain); err != nil {
				return err
			}
			full = buf.Len()+len(result) > maxBatchResponse
		}
		if full {
			item := fmt.Sprintf("items[%d]", i)
			result, fields = nil, []server.FieldError{{Field: item, Code: "response_too_large",
				Message: fmt.Sprintf("%s: left out: the response reached its limit of %s; send this item and the ones after it in another request", item, sizeText(maxBatchResponse))}}
		}
		if result != nil {
			buf.WriteString(`{"status":"ok",`)
		} else {
			buf.WriteString(`{"status":"error",`)
		}
		if id != nil {
			out, _ := json.Marshal(*id) // a string: cannot fail
			buf.WriteString(`"id":`)
			buf.Write(out)
			buf.WriteByte(',')
		}
		if result != nil {
			buf.WriteString(`"result":`)
			buf.Write(result)
		} else {
			out, _ := json.Marshal(fields) // strings only: cannot fail
			buf.WriteString(`"errors":`)
			buf.Write(out)
		}
		buf.WriteByte('}')
	}
	buf.WriteString("]}\n")
	writeBytes(c, http.StatusOK, mediaJSON, buf.Bytes())
	return nil
}

// evaluateItem evaluates item i of a batch. It returns the item's ID, if it has a usable one,
// and the encoded result or the item's problems; an error only for a fault of the server.
func evaluateItem(adv *advisor.Advisor, i int, raw json.RawMessage, explain bool) (*string, []byte, []server.FieldError, error) {
	var req batchItemRequest
	if err := decodeStrict(raw, &req); err != nil {
		if he := server.AsError(err); len(he.Fields) > 0 {
			return nil, nil, he.Fields, nil
		}
		item := fmt.Sprintf("items[%d]", i)
		return nil, nil, []server.FieldError{{Field: item, Code: "wrong_type", Message: item + ": want an object holding answers"}}, nil
	}
	if req.ID != nil && len(*req.ID) > maxItemID {
		return nil, nil, []server.FieldError{{Field: "id", Code: "too_long", Message: fmt.Sprintf("id: %d bytes, at most %d", len(*req.ID), maxItemID)}}, nil
	}
	if req.Answers == nil {
		return req.ID, nil, []server.FieldError{errAnswersRequired}, nil
	}
	// Batch items carry no counterfactuals: they cost a few milliseconds each.
	rec, err := adv.Evaluate(req.Answers, advisor.Options{Explain: explain})
	err = server.Suggest(adv.Questionnaire(), req.Answers, err)
	var out []byte
	if err == nil {
		out, err = marshalJSON(rec)
		err = server.Unrepresentable(err)
	}
	if err != nil {
		if he := server.AsError(err); he.Status == http.StatusUnprocessableEntity {
			return req.ID, nil, he.Fields, nil
		}
		return nil, nil, nil, err
	}
	return req.ID, out, nil, nil
}

// contentETag identifies everything served from the loaded questionnaire and catalogue.
func contentETag(adv *advisor.Advisor) string {
	v := adv.Versions()
	return `"` + v.Questionnaire + "." + v.RuleSet + `"`
}

// maxExplainBatch is how many items a batch may have with ?explain=true.
const maxExplainBatch = 10

// maxBatchResponse is how many bytes of results one batch response may carry (a variable only
// so that a test can lower it).
var maxBatchResponse = 4 << 20

// sizeText writes a byte count as MiB or KiB.
func sizeText(n int) string {
	if n >= 1<<20 {
		return strconv.Itoa(n>>20) + " MiB"
	}
	return strconv.Itoa(n>>10) + " KiB"
}
