// Package server is the HTTP face of the advisor: the buyers' web questionnaire (HTML, works
// without JavaScript) and the consultants' JSON API under /api/v1, in one gin engine.
//
// Handlers return errors; one adapter (see errors.go) turns them into a status, a log line
// and either an HTML error page or an application/problem+json body. Domain packages never
// see gin or net/http.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Config holds the server's settings.
type Config struct {
	RateLimit    float64 // requests per second per client IP on POSTs and open API endpoints; 0 turns it off
	KeyRateLimit float64 // requests per second per API key; 0 turns it off
	MaxBodyBytes int64   // largest request body accepted
	// TrustedProxies are the load balancers whose X-Forwarded-For names the client; with
	// none, the connection's address is the client, so a client cannot pick its own rate
	// limit bucket by sending the header.
	TrustedProxies []string
	// MaxEvaluations caps the evaluations running at once across the server (0: one per CPU;
	// below 0: no cap); a request that waits longer than EvaluationWait (0: 100 ms) for a
	// slot gets 503 with Retry-After.
	MaxEvaluations int
	EvaluationWait time.Duration
}

// Server serves the web pages and the API.
type Server struct {
	cfg     Config
	content *advisor.Holder
	store   store.Store
	log     *slog.Logger
	started time.Time
	engine  *gin.Engine
	web     *webUI // parsed templates and hashed static assets
	metrics metrics
	gate    *evalGate // evaluations in flight
	perIP   *limiter  // the open API's per-IP budget, which batch items are charged to
}

// New builds the server and its routes. The same constructor serves production and tests.
func New(cfg Config, content *advisor.Holder, st store.Store, log *slog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, content: content, store: st, log: log, started: time.Now(),
		gate: newEvalGate(cfg.MaxEvaluations, cfg.EvaluationWait), perIP: newLimiter(cfg.RateLimit)}
	e := gin.New()
	e.HandleMethodNotAllowed = true
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		// Validated by the CLI before the server is built; an invalid entry trusts nobody.
		_ = e.SetTrustedProxies(nil)
	}
	e.Use(
		s.recoverPanics(),
		s.logRequests(),
		securityHeaders(),
		limitBody(cfg.MaxBodyBytes),
	)
	e.NoRoute(s.handle(func(*gin.Context) error { return errNotFound }))
	e.NoMethod(s.handle(func(*gin.Context) error { return errMethod }))
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.handle(s.readyz))
	// Metrics say how busy the service is and whether its content reloads: for operators,
	// so an editor key here, or a listener of their own (MetricsHandler, --metrics-addr).
	e.GET("/metrics", s.authenticate(s.perIP, true), s.requireEditor, s.metricsPage)
	e.GET("/schemas/:name", s.handle(s.schemaFile)) // content-file JSON Schemas, for editors' plug-ins: schemas.go
	s.webRoutes(e)
	s.apiRoutes(e)
	s.engine = e
	return s
}

// Handler returns the server's HTTP handler. Cross-origin state-changing requests from
// browsers are refused with 403 before they reach any route (CSRF protection). HEAD is served
// for every GET route (RFC 9110 §9.3.2): the GET handler runs and its body is dropped, so the
// headers, Content-Length included, are the ones a GET gets.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errCrossOrigin)
	}))
	h := compress(cop.Handler(s.engine)) // gzip for text bodies above 1 KB: compress.go
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			get := *r
			get.Method = http.MethodGet
			h.ServeHTTP(headWriter{w}, &get)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// headWriter drops the body of a response to HEAD.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(b []byte) (int, error)       { return len(b), nil }
func (w headWriter) WriteString(s string) (int, error) { return len(s), nil }

// MetricsHandler serves /metrics without a key, for a listener of its own that only operators
// can reach (serve --metrics-addr); on the main address /metrics needs an editor key.
func (s *Server) MetricsHandler() http.Handler {
	e := gin.New()
	e.GET("/metrics", s.metricsPage)
	return e
}

func (s *Server) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "ok\n")
}

func (s *Server) readyz(c *gin.Context) error {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		s.log.Error("readiness: store ping failed", "err", err)
		return &httpError{Status: http.StatusServiceUnavailable, Title: "Not ready", Detail: "The database is not reachable."}
	}
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "ready\n")
	return nil
}
