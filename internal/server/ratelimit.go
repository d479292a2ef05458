package server

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// Limiter is a set of token buckets, one per key (a client IP or an API key ID). Buckets idle
// for longer than a few minutes are dropped, so memory stays bounded by recent clients.
type Limiter struct {
	policy string // the quota's name in the RateLimit-Policy and RateLimit fields
	rps    rate.Limit
	burst  int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows rps requests per second per key with bursts of twice that (at least 10).
// A nil limiter (rps 0) allows everything. Its quota is named "ip" until named otherwise:
// most limiters here are per client IP.
func NewLimiter(rps float64) *Limiter {
	if rps <= 0 {
		return nil
	}
	return &Limiter{policy: "ip", rps: rate.Limit(rps), burst: max(10, int(2*rps)), buckets: map[string]*bucket{}, swept: time.Now()}
}

// Named sets the name the limiter's quota goes by in the RateLimit headers.
func (l *Limiter) Named(policy string) *Limiter {
	if l != nil {
		l.policy = policy
	}
	return l
}

// Quota is what a limiter tells a client about its budget after a request, in the fields of
// the IETF draft draft-ietf-httpapi-ratelimit-headers: the policy (q requests a window of w
// seconds, the bucket's size and how long it takes to fill), what remains (r) and the seconds
// until the bucket is full again (t); for a refused request, retry is the seconds to wait,
// which t then equals. The zero Quota (no limiter) writes nothing.
type Quota struct {
	policy           string
	limit, window    int
	remaining, reset int
	retry            int
}

// Write sets RateLimit-Policy and RateLimit, and Retry-After when the request was refused.
func (q Quota) Write(h http.Header) {
	if q.policy == "" {
		return
	}
	name := strconv.Quote(q.policy)
	h.Set("RateLimit-Policy", name+";q="+strconv.Itoa(q.limit)+";w="+strconv.Itoa(q.window))
	h.Set("RateLimit", name+";r="+strconv.Itoa(q.remaining)+";t="+strconv.Itoa(q.reset))
	if q.retry > 0 {
		h.Set("Retry-After", strconv.Itoa(q.retry))
	}
}

// seconds rounds d up to whole seconds.
func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// Allow reports whether key may make a request now, and the quota to tell the client (with
// the seconds to wait when it may not).
func (l *Limiter) Allow(key string) (bool, Quota) { return l.Charge(key, 1, 0) }

// Charge takes n more tokens for a request that has already paid paid of them, as a batch of
// evaluations costs one per item. It needs the tokens to be there now, up to what a full bucket
// holds (the burst, less what was paid), and takes all n: a Charge beyond the burst leaves the
// bucket in debt, so the caller's next request waits until the whole batch has been paid for at
// the steady rate.
func (l *Limiter) Charge(key string, n, paid int) (bool, Quota) {
	if l == nil {
		return true, Quota{}
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 5*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.rps, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	if n <= 0 {
		return true, l.quota(b, now, 0)
	}
	first := max(1, min(n, l.burst-paid))
	r := b.lim.ReserveN(now, first)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, l.quota(b, now, max(1, seconds(d)))
	}
	for rest := n - first; rest > 0; rest -= l.burst {
		b.lim.ReserveN(now, min(rest, l.burst)) // not cancelled: the debt later requests wait for
	}
	return true, l.quota(b, now, 0)
}

// quota describes b's state at now; retry is the seconds a refused request must wait.
func (l *Limiter) quota(b *bucket, now time.Time, retry int) Quota {
	tokens := b.lim.TokensAt(now)
	q := Quota{policy: l.policy, limit: l.burst, window: seconds(time.Duration(float64(l.burst) / float64(l.rps) * float64(time.Second))),
		remaining: max(0, int(math.Floor(tokens))), retry: retry}
	if missing := float64(l.burst) - tokens; missing > 0 {
		q.reset = seconds(time.Duration(missing / float64(l.rps) * float64(time.Second)))
	}
	if retry > 0 {
		q.remaining, q.reset = 0, retry
	}
	return q
}

// LimitBy refuses requests over l's rate for the key that keyOf picks, with 429 and Retry-After.
// Every response it lets through or refuses carries the RateLimit-Policy and RateLimit fields,
// so a client can pace itself before it is refused.
func (s *Server) LimitBy(l *Limiter, keyOf func(*gin.Context) string) gin.HandlerFunc {
	if l == nil { // the limit is off: nothing to count and no fields to send
		return func(c *gin.Context) { c.Next() }
	}
	return func(c *gin.Context) {
		ok, q := l.Allow(keyOf(c))
		q.Write(c.Writer.Header())
		if !ok {
			s.WriteError(c.Writer, c.Request, ErrRateLimited)
			c.Abort()
			return
		}
		c.Next()
	}
}

// ClientIP keys limits by the client's address.
func ClientIP(c *gin.Context) string { return c.ClientIP() }
