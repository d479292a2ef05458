// Package server is what every HTTP route of the advisor shares: the gin engine and its one
// middleware list, the one error adapter, rate limits, API keys, the evaluation gate, metrics,
// compression and the one write path for stored assessments. The buyers' pages (internal/pages)
// and the consultants' JSON API (internal/api) mount their routes on it; internal/app puts the
// three together.
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

// Server is the shared core that the pages and the API mount on.
type Server struct {
	cfg     Config
	content *advisor.Holder
	store   store.Store
	log     *slog.Logger
	started time.Time
	engine  *gin.Engine
	page    ErrorPage // renders HTML error pages; a plain page when nil
	metrics metrics
	gate    *EvalGate // evaluations in flight
	perIP   *Limiter  // the open API's per-IP budget, which batch items are charged to
}

// Mount registers one part of the site on the engine: the pages or the API.
type Mount func(s *Server, e *gin.Engine)

// ErrorPage writes the HTML page for a user-facing error; an error back makes the server fall
// back to a plain page.
type ErrorPage func(w http.ResponseWriter, e *Error) error

// New builds the server with its own routes (health, metrics, schemas) and then mounts, in
// order. internal/app calls it with the pages and the API, for production and tests alike.
func New(cfg Config, content *advisor.Holder, st store.Store, log *slog.Logger, mounts ...Mount) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, content: content, store: st, log: log, started: time.Now(),
		gate: newEvalGate(cfg.MaxEvaluations, cfg.EvaluationWait), perIP: NewLimiter(cfg.RateLimit)}
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
	e.NoRoute(s.Handle(func(*gin.Context) error { return ErrNotFound }))
	e.NoMethod(s.Handle(func(*gin.Context) error { return errMethod }))
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.Handle(s.readyz))
	// Metrics say how busy the service is and whether its content reloads: for operators,
	// so an editor key here, or a listener of their own (MetricsHandler, --metrics-addr).
	e.GET("/metrics", s.Authenticate(s.perIP, true), s.RequireEditor, s.metricsPage)
	e.GET("/schemas/:name", s.Handle(s.schemaFile)) // content-file JSON Schemas, for editors' plug-ins: schemas.go
	for _, m := range mounts {
		m(s, e)
	}
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
		s.WriteError(w, r, errCrossOrigin)
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
		return &Error{Status: http.StatusServiceUnavailable, Title: "Not ready", Detail: "The database is not reachable."}
	}
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "ready\n")
	return nil
}

// SetErrorPage makes page the renderer of HTML error pages; a mount calls it.
func (s *Server) SetErrorPage(page ErrorPage) { s.page = page }

// Config returns the server's settings.
func (s *Server) Config() Config { return s.cfg }

// Content returns the holder of the current content.
func (s *Server) Content() *advisor.Holder { return s.content }

// Store returns the persistence the server writes to.
func (s *Server) Store() store.Store { return s.store }

// Logger returns the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// PerIP returns the open API's per-IP budget, which batch items and failed keys are charged to.
func (s *Server) PerIP() *Limiter { return s.perIP }

// Gate returns the semaphore over evaluations in flight.
func (s *Server) Gate() *EvalGate { return s.gate }

// Routes lists the registered routes.
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }
