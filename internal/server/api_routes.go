package server

import "github.com/gin-gonic/gin"

// apiRoutes registers the consultants' JSON API under /api/v1 and its OpenAPI document at
// /openapi.json (openapi.json in this folder, which a test checks every response against).
//
// The questionnaire, stateless evaluation, the catalogue and the rule-set status are open and
// limited per client IP. Stored assessments need an API key and are limited per key; a
// request with a missing or wrong key is charged to its IP, so guessing keys is limited too.
func (s *Server) apiRoutes(e *gin.Engine) {
	perIP := s.perIP
	byIP := s.limitBy(perIP, clientIP)
	byKey := s.limitBy(newLimiter(s.cfg.KeyRateLimit).named("key"), keyID)

	e.GET("/openapi.json", byIP, s.openAPI)
	// The pages that problem+json `type` URIs point at: problems.go.
	e.GET("/problems", s.handle(s.problems))
	e.GET("/problems/:name", s.handle(s.problems))

	v1 := e.Group("/api/v1")
	open := v1.Group("", byIP)
	open.GET("/questionnaire", s.handle(s.apiQuestionnaire))
	open.POST("/evaluate", s.handle(s.apiEvaluate))
	open.POST("/evaluate/batch", s.idempotent(batchScope), s.handle(s.apiEvaluateBatch))
	open.POST("/questionnaire/flow", s.handle(s.apiFlow))
	open.GET("/guides", s.handle(s.apiGuides))
	open.GET("/architectures", s.handle(s.apiArchitectures))
	open.GET("/vendors", s.handle(s.apiVendors))
	open.GET("/ruleset", s.authenticate(perIP, false), s.handle(s.apiRuleset))
	v1.GET("/analytics", s.authenticate(perIP, true), s.requireEditor, byKey, s.handle(s.apiAnalytics)) // api_analytics.go

	a := v1.Group("/assessments", s.authenticate(perIP, true), byKey)
	a.POST("", s.idempotent(keyID), s.handle(s.apiCreateAssessment))
	a.GET("", s.handle(s.apiListAssessments))
	a.GET("/export", s.handle(s.apiExportAssessments))
	a.GET("/compare", s.handle(s.apiCompareAssessments))
	a.GET("/:id", s.handle(s.apiGetAssessment))
	a.PATCH("/:id", s.handle(s.apiPatchAssessment))
	a.DELETE("/:id", s.handle(s.apiDeleteAssessment))
	a.GET("/:id/result", s.handle(s.apiAssessmentResult))
	a.POST("/:id/reevaluate", s.idempotent(keyID), s.handle(s.apiReevaluate))
	a.GET("/:id/revisions", s.handle(s.apiRevisions))
	a.GET("/:id/revisions/:n", s.handle(s.apiRevision))
}
