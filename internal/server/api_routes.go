package server

import "github.com/gin-gonic/gin"

// apiRoutes registers the JSON API under /api/v1.
func (s *Server) apiRoutes(e *gin.Engine) {}
