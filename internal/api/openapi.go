package api

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the OpenAPI 3.1 description of the API. It is written by hand and kept honest
// by the tests, which check every response they receive against it and every route against
// its paths.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPIETag identifies this build's document.
var openAPIETag = func() string {
	sum := sha256.Sum256(openAPIDoc)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

func (s *handlers) openAPI(c *gin.Context) {
	if notModified(c, openAPIETag) {
		return
	}
	writeBytes(c, http.StatusOK, mediaJSON, openAPIDoc)
}
