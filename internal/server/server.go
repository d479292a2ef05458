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
}

// New builds the server and its routes. The same constructor serves production and tests.
func New(cfg Config, content *advisor.Holder, st store.Store, log *slog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, content: content, store: st, log: log, started: time.Now()}
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
	e.GET("/metrics", s.metricsPage)
	s.webRoutes(e)
	s.apiRoutes(e)
	s.engine = e
	return s
}

// Handler returns the server's HTTP handler. Cross-origin state-changing requests from
// browsers are refused with 403 before they reach any route (CSRF protection).
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errCrossOrigin)
	}))
	return cop.Handler(s.engine)
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
