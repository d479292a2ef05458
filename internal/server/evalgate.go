package server

import (
	"net/http"
	"runtime"
	"time"

	"github.com/ciamadvisor/advisor/internal/advisor"
)

// Bounded work per request. An evaluation costs tens of microseconds, with counterfactuals a
// few milliseconds, and a batch up to a hundred evaluations; left unbounded, a few clients
// sending batches inside their rate limits kept every core busy and grew the heap by hundreds
// of megabytes. So:
//   - every evaluation, from the API or the web pages, runs under a server-wide cap on
//     evaluations in flight (Config.MaxEvaluations); a request that finds no free slot within
//     Config.EvaluationWait is shed with 503 and Retry-After instead of queueing without end;
//   - a batch holds one slot while it runs, its items are charged to the caller's rate limit
//     one by one, explain is refused on batches of more than a few items, and its response
//     stops growing at a size limit (internal/api, evaluate.go).
//
// errBusy sheds a request when every evaluation slot stays taken.
var errBusy = &Error{Status: http.StatusServiceUnavailable, Title: "Busy",
	Detail: "The server is evaluating as many requests as it can; retry after the time in the Retry-After header."}

// EvalGate is a counting semaphore over evaluations in flight.
type EvalGate struct {
	slots chan struct{}
	wait  time.Duration
}

// newEvalGate allows n evaluations at once (one per CPU, at least 2, when n is 0; no cap when
// n < 0), waiting up to wait for a slot. Evaluation is pure CPU work, so more slots than CPUs
// only make every request, /healthz included, wait for the scheduler: with 4 per CPU a batch
// flood with rate limits off took /healthz to a 106 ms p99, with one per CPU to 43 ms.
func newEvalGate(n int, wait time.Duration) *EvalGate {
	switch {
	case n < 0:
		return nil
	case n == 0:
		n = max(2, runtime.GOMAXPROCS(0))
	}
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	return &EvalGate{slots: make(chan struct{}, n), wait: wait}
}

// Acquire takes a slot, waiting up to the gate's wait, and returns the function that gives it
// back; errBusy when none came free.
func (g *EvalGate) Acquire() (release func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.release, nil
	case <-t.C:
		return nil, errBusy
	}
}

func (g *EvalGate) release() { <-g.slots }

// Evaluate is the one way the server evaluates answers: under the gate.
func (s *Server) Evaluate(adv *advisor.Advisor, raw map[string]any, opt advisor.Options) (*advisor.Recommendation, error) {
	release, err := s.gate.Acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	return adv.Evaluate(raw, opt)
}
