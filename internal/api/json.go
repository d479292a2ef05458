package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"

	"github.com/ciamadvisor/advisor/internal/server"
)

// Reading request bodies and writing JSON responses for the API. Every mistake in a request
// body becomes a 4xx problem that names the position or the field: a client's error is never
// a 500.

// mediaJSON is the media type of API request and response bodies.
const mediaJSON = "application/json"

// decodeBody reads the request body into v, a pointer to a request struct. The body must be
// one JSON object of v's fields, sent as application/json (or one of also); numbers are kept
// as json.Number so answers are validated exactly as questionnaire.DecodeJSON would. A
// request without a body leaves v untouched when allowEmpty is set and is a 400 otherwise.
func decodeBody(c *gin.Context, v any, allowEmpty bool, also ...string) error {
	var body []byte
	if c.Request.ContentLength != 0 {
		if err := requireJSON(c.Request, also...); err != nil {
			return err
		}
		var err error
		if body, err = io.ReadAll(c.Request.Body); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return err // 413
			}
			return server.BadRequest("The request body could not be read to its end.")
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if allowEmpty {
			return nil
		}
		return server.BadRequest("The request body is empty; send a JSON object.")
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(data, err, v)
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		end += len(data[end:]) - len(bytes.TrimLeft(data[end:], " \t\r\n"))
		line, col := position(data, end+1)
		return server.BadRequest(fmt.Sprintf("Malformed JSON at line %d, column %d: unexpected data after the JSON object.", line, col))
	}
	return nil
}

// errUnsupportedMedia is the 415 for a body that is not JSON.
func errUnsupportedMedia(got string, want []string) error {
	detail := fmt.Sprintf("Send the request body with Content-Type: %s, not %s.", strings.Join(want, " or "), got)
	if got == "" {
		detail = fmt.Sprintf("Send the request body with Content-Type: %s; the request has none.", strings.Join(want, " or "))
	}
	return &server.Error{Status: http.StatusUnsupportedMediaType, Title: "Unsupported media type", Detail: detail}
}

// requireJSON accepts application/json (or one of also) in UTF-8, the only encoding JSON has.
func requireJSON(r *http.Request, also ...string) error {
	ct := r.Header.Get("Content-Type")
	if ct == mediaJSON {
		return nil
	}
	want := append([]string{mediaJSON}, also...)
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !slices.Contains(want, mt) {
		return errUnsupportedMedia(ct, want)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return errUnsupportedMedia(ct, want)
	}
	return nil
}

// jsonError turns a decoding error into a 400 naming where the body went wrong.
func jsonError(data []byte, err error, v any) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		line, col := position(data, int(se.Offset))
		return server.BadRequest(fmt.Sprintf("Malformed JSON at line %d, column %d: %s.", line, col, se.Error()))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := position(data, len(data)+1)
		return server.BadRequest(fmt.Sprintf("Malformed JSON at line %d, column %d: the body ends before the JSON value does.", line, col))
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return server.BadRequest(fmt.Sprintf("The request body must be a JSON object, not %s.", jsonKindOf(te.Value)))
		}
		msg := fmt.Sprintf("%s: got %s, want %s", te.Field, jsonKindOf(te.Value), jsonKind(te.Type))
		return server.BadRequest("A field of the request has the wrong type.", server.FieldError{Field: te.Field, Code: "wrong_type", Message: msg})
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		msg := fmt.Sprintf("%s: unknown field; this request takes %s", name, strings.Join(fieldNames(v), ", "))
		return server.BadRequest("The request has a field this endpoint does not take.", server.FieldError{Field: name, Code: "unknown_field", Message: msg})
	}
	return server.BadRequest("Malformed JSON: " + err.Error() + ".")
}

// position returns the 1-based line and column of the byte before offset, where encoding/json
// reports an error.
func position(data []byte, offset int) (line, col int) {
	offset = min(max(offset-1, 0), len(data))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte{'\n'})
	return line, offset - bytes.LastIndexByte(before, '\n')
}

// jsonKindOf names the JSON value kind encoding/json reports in UnmarshalTypeError.Value.
func jsonKindOf(value string) string {
	switch value {
	case "object", "array", "string":
		return "a JSON " + value
	case "bool":
		return "a JSON boolean"
	}
	return "a JSON number" // "number", or "number 1e999" for one out of range
}

// jsonKind names the JSON kind a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

// fieldNames lists the JSON field names of the struct v points to.
func fieldNames(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// bufPool recycles response buffers: a recommendation is about 25 KB of JSON.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v as the JSON response body with a Content-Length. Nothing is written when
// v cannot be encoded, so the caller's error becomes a clean problem response.
func writeJSON(c *gin.Context, status int, v any) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	// goccy/go-json writes what encoding/json writes, about twice as fast on the large
	// recommendation; responses are most of the API's serving cost. Without escaping <, > and &
	// as \u003c, \u003e and \u0026: that guards JSON pasted into an HTML page, but these bodies
	// are application/json sent with X-Content-Type-Options: nosniff (securityHeaders), so no
	// browser renders them as HTML, and every JSON parser reads both forms alike. Scanning each
	// string for the three characters was about 15% of encoding a recommendation.
	if err := gojson.NewEncoder(buf).EncodeWithOption(v, gojson.DisableHTMLEscape()); err != nil {
		return server.Unrepresentable(err)
	}
	writeBytes(c, status, mediaJSON, buf.Bytes())
	return nil
}

// marshalJSON encodes v as writeJSON does, without the final newline, for a part of a body.
func marshalJSON(v any) ([]byte, error) {
	return gojson.MarshalWithOption(v, gojson.DisableHTMLEscape())
}

// writeBytes writes a complete response body.
func writeBytes(c *gin.Context, status int, contentType string, body []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Writer.WriteHeader(status)
	_, _ = c.Writer.Write(body)
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // let the rare huge one go
		b.Reset()
		bufPool.Put(b)
	}
}

// Query parameters.

// boolQuery reads an optional true/false query parameter.
func boolQuery(c *gin.Context, name string) (bool, error) {
	return boolQueryDefault(c, name, false)
}

// boolQueryDefault reads a true/false query parameter, def when absent.
func boolQueryDefault(c *gin.Context, name string, def bool) (bool, error) {
	s, ok := c.GetQuery(name)
	if !ok || s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, badQuery(name, fmt.Sprintf("%s: got %q, want true or false", name, s))
	}
	return b, nil
}

// badQuery is a 400 naming a query parameter.
func badQuery(name, msg string) error {
	return server.BadRequest("A query parameter has a value this endpoint does not accept.", server.FieldError{Field: name, Code: "invalid", Message: msg})
}

// Conditional requests. Content served from the loaded questionnaire and catalogue only
// changes on a reload, so its versions make a strong validator.

// notModified sets the ETag and reports, after writing a 304, whether the client's copy is
// current.
func notModified(c *gin.Context, etag string) bool {
	c.Header("ETag", etag)
	c.Header("Cache-Control", "no-cache")
	inm := c.GetHeader("If-None-Match")
	if inm == "" {
		return false
	}
	for tag := range strings.SplitSeq(inm, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			c.Status(http.StatusNotModified)
			return true
		}
	}
	return false
}
