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

// RoleEditor is the role of content editors' keys; the other role is "consultant". Both may
// keep assessments; editors also see the content's reload errors.
const RoleEditor = "editor"

// ctxKey is where authenticate leaves the caller's *store.Key in the gin context.
const ctxKey = "server.apikey"

// authRealm names the protection space in WWW-Authenticate (RFC 6750).
const authRealm = `Bearer realm="CIAM Advisor API"`

var (
	errNoKey = &Error{Status: http.StatusUnauthorized, Title: "API key required",
		Detail: "Send an API key as Authorization: Bearer TOKEN; `advisor keys create` makes one."}
	errBadKeyHeader = &Error{Status: http.StatusUnauthorized, Title: "API key required",
		Detail: "The Authorization header must be Bearer followed by the token."}
	errBadKey = &Error{Status: http.StatusUnauthorized, Title: "Invalid API key",
		Detail: "The API key is unknown or has been revoked."}
)

// Authenticate finds the key the request carries and stores it in the context. With required
// unset a request without an Authorization header passes as anonymous. A missing or wrong key
// is a 401 with a WWW-Authenticate challenge and is charged to the client's IP in perIP; once
// that budget runs out, further failures get 429 instead, which slows down guessing.
func (s *Server) Authenticate(perIP *Limiter, required bool) gin.HandlerFunc {
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
		var he *Error
		if errors.As(err, &he) && he.Status == http.StatusUnauthorized {
			ok, q := perIP.Allow(ClientIP(c))
			q.Write(c.Writer.Header())
			if !ok {
				err = ErrRateLimited
			} else {
				c.Header("WWW-Authenticate", challenge(he))
			}
		}
		s.WriteError(c.Writer, c.Request, err)
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
func challenge(he *Error) string {
	switch he {
	case errBadKey:
		return authRealm + `, error="invalid_token", error_description="unknown or revoked key"`
	case errBadKeyHeader:
		return authRealm + `, error="invalid_request", error_description="use Authorization: Bearer TOKEN"`
	}
	return authRealm
}

var errEditorOnly = &Error{Status: http.StatusForbidden, Title: "Editor key required",
	Detail: "This address is for the service's operators: send an editor's API key (advisor keys create --role editor)."}

// RequireEditor lets through only requests authenticated with an editor's key.
func (s *Server) RequireEditor(c *gin.Context) {
	if k := APIKey(c); k == nil || k.Role != RoleEditor {
		s.WriteError(c.Writer, c.Request, errEditorOnly)
		c.Abort()
		return
	}
	c.Next()
}

// APIKey is the authenticated caller's key, or nil for an anonymous request.
func APIKey(c *gin.Context) *store.Key {
	v, _ := c.Get(ctxKey)
	k, _ := v.(*store.Key)
	return k
}

// KeyID keys the per-key rate limit.
func KeyID(c *gin.Context) string { return APIKey(c).ID }
