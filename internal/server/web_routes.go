package server

import (
	"fmt"
	"html"
	"net/http"

	"github.com/gin-gonic/gin"
)

// webRoutes registers the buyers' HTML pages.
func (s *Server) webRoutes(e *gin.Engine) {}

// errorPage writes an HTML error page.
func (s *Server) errorPage(w http.ResponseWriter, _ *http.Request, he *httpError) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(he.Status)
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>%s</h1><p>%s</p>", html.EscapeString(he.Title), html.EscapeString(he.Title), html.EscapeString(he.Detail))
}
