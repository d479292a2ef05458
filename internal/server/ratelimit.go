package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// limiter is a set of token buckets, one per key (a client IP or an API key ID). Buckets idle
// for longer than a few minutes are dropped, so memory stays bounded by recent clients.
type limiter struct {
	rps   rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter allows rps requests per second per key with bursts of twice that (at least 10).
// A nil limiter (rps 0) allows everything.
func newLimiter(rps float64) *limiter {
	if rps <= 0 {
		return nil
	}
	return &limiter{rps: rate.Limit(rps), burst: max(10, int(2*rps)), buckets: map[string]*bucket{}, swept: time.Now()}
}

// allow reports whether key may make a request now; when not, it also returns the seconds to
// wait, for Retry-After.
func (l *limiter) allow(key string) (bool, string) { return l.charge(key, 1, 0) }

// charge takes n more tokens for a request that has already paid paid of them, as a batch of
// evaluations costs one per item. It needs the tokens to be there now, up to what a full bucket
// holds (the burst, less what was paid), and takes all n: a charge beyond the burst leaves the
// bucket in debt, so the caller's next request waits until the whole batch has been paid for at
// the steady rate.
func (l *limiter) charge(key string, n, paid int) (bool, string) {
	if l == nil || n <= 0 {
		return true, ""
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
	first := max(1, min(n, l.burst-paid))
	r := b.lim.ReserveN(now, first)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, strconv.Itoa(int(math.Ceil(d.Seconds())))
	}
	for rest := n - first; rest > 0; rest -= l.burst {
		b.lim.ReserveN(now, min(rest, l.burst)) // not cancelled: the debt later requests wait for
	}
	return true, ""
}

// limitBy refuses requests over l's rate for the key that keyOf picks, with 429 and Retry-After.
func (s *Server) limitBy(l *limiter, keyOf func(*gin.Context) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ok, wait := l.allow(keyOf(c)); !ok {
			c.Header("Retry-After", wait)
			s.writeError(c.Writer, c.Request, errRateLimited)
			c.Abort()
			return
		}
		c.Next()
	}
}

// clientIP keys limits by the client's address.
func clientIP(c *gin.Context) string { return c.ClientIP() }
