package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/store"
)

// API keys. A client sends "Authorization: Bearer TOKEN"; the store keeps only the token's
// SHA-256, so a key is found by hashing what was sent. Keys are made with `advisor keys`.

// roleEditor is the role of content editors' keys; the other role is "consultant". Both may
// keep assessments; editors also see the content's reload errors.
const roleEditor = "editor"

// ctxKey is where authenticate leaves the caller's *store.Key in the gin context.
const ctxKey = "server.apikey"

// authRealm names the protection space in WWW-Authenticate (RFC 6750).
const authRealm = `Bearer realm="CIAM Advisor API"`

var (
	errNoKey = &httpError{Status: http.StatusUnauthorized, Title: "API key required",
		Detail: "Send an API key as Authorization: Bearer TOKEN; `advisor keys create` makes one."}
	errBadKeyHeader = &httpError{Status: http.StatusUnauthorized, Title: "API key required",
		Detail: "The Authorization header must be Bearer followed by the token."}
	errBadKey = &httpError{Status: http.StatusUnauthorized, Title: "Invalid API key",
		Detail: "The API key is unknown or has been revoked."}
)

// authenticate finds the key the request carries and stores it in the context. With required
// unset a request without an Authorization header passes as anonymous. A missing or wrong key
// is a 401 with a WWW-Authenticate challenge and is charged to the client's IP in perIP; once
// that budget runs out, further failures get 429 instead, which slows down guessing.
func (s *Server) authenticate(perIP *limiter, required bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		header := c.GetHeader("Authorization")
		if header == "" && !required {
			c.Next()
			return
		}
		k, err := s.lookupKey(c, header)
		if err == nil {
			c.Set(ctxKey, k)
			c.Header("Cache-Control", "no-store") // answers about a client's own data
			c.Next()
			return
		}
		var he *httpError
		if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
			ok, q := perIP.allow(clientIP(c))
			q.write(c.Writer.Header())
			if !ok {
				err = errRateLimited
			} else {
				c.Header("WWW-Authenticate", challenge(he))
			}
		}
		s.writeError(c.Writer, c.Request, err)
		c.Abort()
	}
}

func (s *Server) lookupKey(c *gin.Context, header string) (*store.Key, error) {
	if header == "" {
		return nil, errNoKey
	}
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, errBadKeyHeader
	}
	k, err := s.store.KeyByHash(c.Request.Context(), store.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errBadKey
	}
	return k, err
}

// challenge is the WWW-Authenticate value for a failed authentication (RFC 6750 §3).
func challenge(he *httpError) string {
	switch he {
	case errBadKey:
		return authRealm + `, error="invalid_token", error_description="unknown or revoked key"`
	case errBadKeyHeader:
		return authRealm + `, error="invalid_request", error_description="use Authorization: Bearer TOKEN"`
	}
	return authRealm
}

var errEditorOnly = &httpError{Status: http.StatusForbidden, Title: "Editor key required",
	Detail: "This address is for the service's operators: send an editor's API key (advisor keys create --role editor)."}

// requireEditor lets through only requests authenticated with an editor's key.
func (s *Server) requireEditor(c *gin.Context) {
	if k := apiKey(c); k == nil || k.Role != roleEditor {
		s.writeError(c.Writer, c.Request, errEditorOnly)
		c.Abort()
		return
	}
	c.Next()
}

// apiKey is the authenticated caller's key, or nil for an anonymous request.
func apiKey(c *gin.Context) *store.Key {
	v, _ := c.Get(ctxKey)
	k, _ := v.(*store.Key)
	return k
}

// keyID keys the per-key rate limit.
func keyID(c *gin.Context) string { return apiKey(c).ID }
