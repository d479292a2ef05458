package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on the POSTs that create or
// compute: POST /assessments, POST /assessments/{id}/reevaluate and POST /evaluate/batch. A
// retry with the same key and the same request gets the first response again, with
// Idempotent-Replayed: true, and does nothing else; the same key with another request is a
// 422; a retry while the first still runs is a 409. Keys are remembered in the database, so
// every instance sharing it sees them, for idempotencyTTL.

const (
	idempotencyTTL = 24 * time.Hour
	// abandonedAfter is when a claim whose request never finished (its process died) may be
	// taken over by a retry.
	abandonedAfter = time.Minute
	maxKeyLength   = 255
)

var (
	errKeyReused = &server.Error{Status: http.StatusUnprocessableEntity, Type: "/problems/idempotency-key-reused", Title: "Idempotency key reused",
		Detail: "This Idempotency-Key was used with a different request; use a new key for a new request."}
	errKeyInFlight = &server.Error{Status: http.StatusConflict, Type: "/problems/idempotency-key-in-flight", Title: "Request in progress",
		Detail: "The first request with this Idempotency-Key is still running; retry after the time in the Retry-After header."}
	errBadKey400 = server.BadRequest("Idempotency-Key: send 1 to 255 visible ASCII characters, such as a UUID.",
		server.FieldError{Field: "Idempotency-Key", Code: "invalid", Message: "Idempotency-Key: want 1 to 255 visible ASCII characters"})
)

// idempotent serves a retried request from the stored response. scopeOf names whose keys the
// request's key is among (the API key, or for open endpoints the credentials or address).
func (s *handlers) idempotent(scopeOf func(*gin.Context) string) gin.HandlerFunc {
	var lastPurge atomic.Int64
	return func(c *gin.Context) {
		key, ok := c.Request.Header["Idempotency-Key"]
		if !ok {
			c.Next()
			return
		}
		if len(key) != 1 || !visibleASCII(key[0]) {
			s.abort(c, errBadKey400)
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				s.abort(c, err)
			} else {
				s.abort(c, server.BadRequest("The request body could not be read to its end."))
			}
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		for _, part := range []string{c.Request.Method, c.Request.URL.RequestURI(), c.GetHeader("Content-Type"), c.GetHeader("If-Match")} {
			h.Write([]byte(part))
			h.Write([]byte{0})
		}
		h.Write(body)
		scope := scopeOf(c)
		ctx := context.WithoutCancel(c.Request.Context()) // what is claimed is settled even if the client leaves
		now := time.Now()
		stored, err := s.store.ReserveKey(ctx, scope, key[0], h.Sum(nil), now.Add(-idempotencyTTL), now.Add(-abandonedAfter))
		switch {
		case errors.Is(err, store.ErrKeyReused):
			s.abort(c, errKeyReused)
			return
		case errors.Is(err, store.ErrKeyInFlight):
			c.Header("Retry-After", "1")
			s.abort(c, errKeyInFlight)
			return
		case err != nil:
			s.abort(c, err)
			return
		case stored != nil:
			for k, v := range stored.Header {
				c.Header(k, v)
			}
			c.Header("Idempotent-Replayed", "true")
			writeBytes(c, stored.Status, stored.Header["Content-Type"], stored.Body)
			c.Abort()
			return
		}
		rec := &recordingWriter{ResponseWriter: c.Writer}
		c.Writer = rec
		c.Next()
		status := rec.Status()
		if status >= 500 || status == http.StatusTooManyRequests {
			// Not an answer to the request: the retry should run it.
			if err := s.store.ReleaseKey(ctx, scope, key[0]); err != nil {
				s.log.Error("idempotency: release", "err", err)
			}
		} else {
			hdr := map[string]string{}
			for _, name := range []string{"Content-Type", "Location", "ETag"} {
				if v := rec.Header().Get(name); v != "" {
					hdr[name] = v
				}
			}
			if err := s.store.CompleteKey(ctx, scope, key[0], store.StoredResponse{Status: status, Header: hdr, Body: rec.body.Bytes()}); err != nil {
				s.log.Error("idempotency: complete", "err", err)
			}
		}
		if last := lastPurge.Load(); now.Unix()-last > 3600 && lastPurge.CompareAndSwap(last, now.Unix()) {
			if _, err := s.store.PurgeKeys(ctx, now.Add(-idempotencyTTL)); err != nil {
				s.log.Error("idempotency: purge", "err", err)
			}
		}
	}
}

// abort writes err as the response and stops the handler chain.
func (s *handlers) abort(c *gin.Context, err error) {
	s.srv.WriteError(c.Writer, c.Request, err)
	c.Abort()
}

// recordingWriter keeps a copy of the body it writes.
type recordingWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// visibleASCII reports whether s is 1 to maxKeyLength visible ASCII characters.
func visibleASCII(s string) bool {
	if len(s) == 0 || len(s) > maxKeyLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// batchScope is whose keys a batch's Idempotency-Key is among: the credentials sent, or
// without any the client's address (batches are open).
func batchScope(c *gin.Context) string {
	if auth := c.GetHeader("Authorization"); auth != "" {
		sum := sha256.Sum256([]byte(auth))
		return "auth:" + hex.EncodeToString(sum[:12])
	}
	return "ip:" + server.ClientIP(c)
}
