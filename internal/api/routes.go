// Package api is the consultants' JSON API under /api/v1: stateless evaluation, the
// questionnaire and its flow, the catalogue, stored assessments with revisions, analytics,
// the OpenAPI document (openapi.json, which a test checks every response against) and the
// pages that problem+json type URIs point at. Errors go through the server's one adapter.
package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// handlers holds what the API's handlers share.
type handlers struct {
	srv     *server.Server // the error adapter, rate limits, keys and the shared write path
	cfg     server.Config
	content *advisor.Holder
	store   store.Store
	log     *slog.Logger
	gate    *server.EvalGate // evaluations in flight
	perIP   *server.Limiter  // the per-IP budget, which batch items are charged to
}

// Routes registers the consultants' JSON API under /api/v1 and its OpenAPI document at
// /openapi.json (openapi.json in this folder, which a test checks every response against).
//
// The questionnaire, stateless evaluation, the catalogue and the rule-set status are open and
// limited per client IP. Stored assessments need an API key and are limited per key; a
// request with a missing or wrong key is charged to its IP, so guessing keys is limited too.
func Routes(srv *server.Server, e *gin.Engine) {
	s := &handlers{srv: srv, cfg: srv.Config(), content: srv.Content(), store: srv.Store(), log: srv.Logger(),
		gate: srv.Gate(), perIP: srv.PerIP()}
	perIP := s.perIP
	byIP := s.srv.LimitBy(perIP, server.ClientIP)
	byKey := s.srv.LimitBy(server.NewLimiter(s.cfg.KeyRateLimit).Named("key"), server.KeyID)

	e.GET("/openapi.json", byIP, s.openAPI)
	// The pages that problem+json `type` URIs point at: problems.go.
	e.GET("/problems", s.srv.Handle(s.problems))
	e.GET("/problems/:name", s.srv.Handle(s.problems))

	v1 := e.Group("/api/v1")
	open := v1.Group("", byIP)
	open.GET("/questionnaire", s.srv.Handle(s.apiQuestionnaire))
	open.POST("/evaluate", s.srv.Handle(s.apiEvaluate))
	open.POST("/evaluate/batch", s.idempotent(batchScope), s.srv.Handle(s.apiEvaluateBatch))
	open.POST("/questionnaire/flow", s.srv.Handle(s.apiFlow))
	open.GET("/guides", s.srv.Handle(s.apiGuides))
	open.GET("/architectures", s.srv.Handle(s.apiArchitectures))
	open.GET("/vendors", s.srv.Handle(s.apiVendors))
	open.GET("/ruleset", s.srv.Authenticate(perIP, false), s.srv.Handle(s.apiRuleset))
	v1.GET("/analytics", s.srv.Authenticate(perIP, true), s.srv.RequireEditor, byKey, s.srv.Handle(s.apiAnalytics)) // analytics.go

	a := v1.Group("/assessments", s.srv.Authenticate(perIP, true), byKey)
	a.POST("", s.idempotent(server.KeyID), s.srv.Handle(s.apiCreateAssessment))
	a.GET("", s.srv.Handle(s.apiListAssessments))
	a.GET("/export", s.srv.Handle(s.apiExportAssessments))
	a.GET("/compare", s.srv.Handle(s.apiCompareAssessments))
	a.GET("/:id", s.srv.Handle(s.apiGetAssessment))
	a.PATCH("/:id", s.srv.Handle(s.apiPatchAssessment))
	a.DELETE("/:id", s.srv.Handle(s.apiDeleteAssessment))
	a.GET("/:id/result", s.srv.Handle(s.apiAssessmentResult))
	a.POST("/:id/reevaluate", s.idempotent(server.KeyID), s.srv.Handle(s.apiReevaluate))
	a.GET("/:id/revisions", s.srv.Handle(s.apiRevisions))
	a.GET("/:id/revisions/:n", s.srv.Handle(s.apiRevision))
}
