package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/api"
	"github.com/ciamadvisor/advisor/internal/pages/pagestest"
	"github.com/ciamadvisor/advisor/internal/server"
)

// batchOf is a batch request of n copies of one scenario's answers.
func batchOf(t testing.TB, n int) string {
	item := `{"answers": ` + pagestest.AnswersJSON(t, "b2b-sso-now") + `}`
	return `{"items": [` + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + `]}`
}

// TestBatchExplainIsLimited: explain made one request of 100 items answer 4 MB; it is now
// refused on batches of more than 10 items, saying so.
func TestBatchExplainIsLimited(t *testing.T) {
	e := newAPI(t, server.Config{})
	res := e.call(t, "POST", "/api/v1/evaluate/batch?explain=true", batchOf(t, 11), "")
	require.Equal(t, http.StatusUnprocessableEntity, res.Code, res.Body)
	assert.JSONEq(t, `{"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
		"detail": "Some fields of the request do not fit; each problem is listed by field.", "instance": "/api/v1/evaluate/batch",
		"errors": [{"field": "explain", "code": "too_many", "message": "explain: allowed on batches of at most 10 items, got 11; send larger batches without explain=true"}]}`, res.Body)

	res = e.serve2(req{Method: "POST", Path: "/api/v1/evaluate/batch?explain=true", Body: batchOf(t, 10)})
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	var out struct {
		Items []struct {
			Result struct {
				Trace           []json.RawMessage `json:"trace"`
				Counterfactuals []json.RawMessage `json:"counterfactuals"`
			} `json:"result"`
		} `json:"items"`
	}
	res.decode(t, &out)
	require.Len(t, out.Items, 10)
	assert.NotEmpty(t, out.Items[9].Result.Trace, "explain works up to the limit")
	assert.Empty(t, out.Items[0].Result.Counterfactuals, "batch items never compute counterfactuals")
}

// TestBatchItemsCountAgainstTheRateLimit: a batch of n items costs n requests of the caller's
// per-IP budget, so one client cannot evaluate 100 times its limit per request.
func TestBatchItemsCountAgainstTheRateLimit(t *testing.T) {
	e := newAPI(t, server.Config{RateLimit: 5}) // burst 10
	first := e.serve2(req{Method: "POST", Path: "/api/v1/evaluate/batch", Body: batchOf(t, 10)})
	require.Equal(t, http.StatusOK, first.Code, first.Body)

	res := e.call(t, "POST", "/api/v1/evaluate/batch", batchOf(t, 2), "")
	require.Equal(t, http.StatusTooManyRequests, res.Code, "the first batch spent the budget: %s", res.Body)
	assert.NotEmpty(t, res.Header.Get("Retry-After"))

	// A batch larger than the burst is allowed on a full bucket but leaves it in debt: the next
	// request waits for the whole batch to be paid for.
	e = newAPI(t, server.Config{RateLimit: 5})
	res = e.serve2(req{Method: "POST", Path: "/api/v1/evaluate/batch", Body: batchOf(t, 30)})
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	res = e.serve2(req{Method: "GET", Path: "/api/v1/questionnaire"})
	require.Equal(t, http.StatusTooManyRequests, res.Code)
	// 30 items at 5 per second, 10 of them from the burst: 20 tokens of debt and one for this
	// request, 4.2 s, less the time the batch took to evaluate.
	wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, wait, 2)
	assert.LessOrEqual(t, wait, 5)
}

// TestEvaluationsInFlightAreCapped: with every evaluation slot taken, an evaluation waits up
// to EvaluationWait and is then shed with 503 and Retry-After; POST /evaluate (which computes
// counterfactuals by default) and a batch each take a slot.
func TestEvaluationsInFlightAreCapped(t *testing.T) {
	e := newAPI(t, server.Config{MaxEvaluations: 1, EvaluationWait: 20 * time.Millisecond})
	body := `{"answers": ` + pagestest.AnswersJSON(t, "b2b-sso-now") + `}`

	// Hold the only slot with a long batch while other requests arrive.
	var wg sync.WaitGroup
	var batch response
	started := make(chan struct{})
	deadline := time.Now().Add(10 * time.Second)
	wg.Go(func() {
		close(started)
		for time.Now().Before(deadline) { // shed itself if a probe held the slot: try again
			if _, batch = e.serve(req{Method: "POST", Path: "/api/v1/evaluate/batch", Body: batchOf(t, 100)}); batch.Code != http.StatusServiceUnavailable {
				return
			}
		}
	})
	<-started
	var shed response
	for time.Now().Before(deadline) {
		var hr *http.Request
		hr, shed = e.serve(req{Method: "POST", Path: "/api/v1/evaluate?counterfactuals=false", Body: body})
		if shed.Code == http.StatusServiceUnavailable {
			checkAgainstSpec(t, hr, shed)
			break
		}
		time.Sleep(5 * time.Millisecond) // leave the slot free long enough for the batch to take it
	}
	wg.Wait()
	require.Equal(t, http.StatusOK, batch.Code, batch.Body)
	require.Equal(t, http.StatusServiceUnavailable, shed.Code, "no request was shed while the batch held the slot")
	assert.Equal(t, "1", shed.Header.Get("Retry-After"))
	assert.JSONEq(t, `{"type": "about:blank", "title": "Busy", "status": 503, "instance": "/api/v1/evaluate",
		"detail": "The server is evaluating as many requests as it can; retry after the time in the Retry-After header."}`, shed.Body)

	// Free again: served.
	res := e.serve2(req{Method: "POST", Path: "/api/v1/evaluate?counterfactuals=false", Body: body})
	assert.Equal(t, http.StatusOK, res.Code, res.Body)
}

// TestBatchResponseIsBounded: a batch response never grows past its limit; items beyond it are
// left out with an error each (exercised with a lowered limit).
func TestBatchResponseIsBounded(t *testing.T) {
	defer api.SetMaxBatchResponse(100 << 10)()
	e := newAPI(t, server.Config{})
	res := e.serve2(req{Method: "POST", Path: "/api/v1/evaluate/batch", Body: batchOf(t, 40)})
	require.Equal(t, http.StatusOK, res.Code, res.Body)
	assert.LessOrEqual(t, len(res.Body), 100<<10+40*300, "results up to the limit, then short errors")
	var out struct {
		Items []struct {
			Result json.RawMessage `json:"result"`
			Errors []struct{ Field, Code, Message string }
		} `json:"items"`
	}
	res.decode(t, &out)
	require.Len(t, out.Items, 40)
	require.NotNil(t, out.Items[0].Result)
	last := out.Items[39]
	require.Len(t, last.Errors, 1)
	assert.Equal(t, "response_too_large", last.Errors[0].Code)
	assert.Equal(t, "items[39]: left out: the response reached its limit of 100 KiB; send this item and the ones after it in another request", last.Errors[0].Message)
}
