package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/app"
	"github.com/ciamadvisor/advisor/internal/server"
	"github.com/ciamadvisor/advisor/internal/store"
)

// apiEnv is a server built by app.New, as in production, over a fresh SQLite database.
// Every response its do method receives is checked against openapi.json.
type apiEnv struct {
	handler http.Handler
	store   store.Store
	content *advisor.Holder
}

// newAPI starts a server with cfg over the embedded content (rate limits off unless cfg sets
// them).
func newAPI(t testing.TB, cfg server.Config) *apiEnv {
	t.Helper()
	content, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	return newAPIWith(t, cfg, content, filepath.Join(t.TempDir(), "advisor.db"))
}

func newAPIWith(t testing.TB, cfg server.Config, content *advisor.Holder, dsn string) *apiEnv {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	srv := app.New(cfg, content, st, slog.New(slog.DiscardHandler))
	return &apiEnv{handler: srv.Handler(), store: st, content: content}
}

// key creates an API key directly in the store and returns its token.
func (e *apiEnv) key(t testing.TB, name, role string) string {
	t.Helper()
	token, hash := store.NewToken()
	require.NoError(t, e.store.CreateKey(context.Background(), &store.Key{Name: name, Role: role, Hash: hash}))
	return token
}

// keyID returns the ID of the key named name, the owner of the assessments it creates.
func (e *apiEnv) keyID(t testing.TB, name string) string {
	t.Helper()
	keys, err := e.store.ListKeys(context.Background())
	require.NoError(t, err)
	for _, k := range keys {
		if k.Name == name {
			return k.ID
		}
	}
	t.Fatalf("no key named %s", name)
	return ""
}

// response is what a request got back.
type response struct {
	Code   int
	Header http.Header
	Body   string
}

// decode unmarshals the body into v.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(r.Body), v), "body: %s", r.Body)
}

// req describes a request; Body is sent as application/json unless Header sets a
// Content-Type (an empty one sends none). A request that succeeds must match openapi.json
// too, unless it is Lenient: accepted by the server although the document does not promise so.
type req struct {
	Method, Path, Body string
	Token              string
	Header             map[string]string
	Lenient            bool
}

// do serves r through the real handler and checks the response against openapi.json.
func (e *apiEnv) do(t testing.TB, r req) response {
	t.Helper()
	hr, res := e.serve(r)
	checkAgainstSpec(t, hr, res)
	if res.Code < 300 && !r.Lenient {
		checkRequest(t, r, hr.Header)
	}
	return res
}

// serve serves r through the real handler.
func (e *apiEnv) serve(r req) (*http.Request, response) {
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	hr := httptest.NewRequest(r.Method, r.Path, body)
	if r.Body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, hr)
	return hr, response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}

// call is a shorthand for a JSON request.
func (e *apiEnv) call(t testing.TB, method, path, body, token string) response {
	t.Helper()
	return e.do(t, req{Method: method, Path: path, Body: body, Token: token})
}

// The OpenAPI document, loaded once, made strict for the tests: every object schema that
// lists properties and says nothing of others refuses others, so a field the server sends
// but the document does not describe fails the test. The published document leaves them open
// so that adding a field does not break clients.
var (
	specOnce   sync.Once
	specRouter routers.Router
	specDoc    *openapi3.T
	specErr    error
)

func loadSpec() (*openapi3.T, routers.Router, error) {
	specOnce.Do(func() {
		for _, media := range []string{"text/markdown", "text/csv", "application/x-ndjson", "text/html"} {
			openapi3filter.RegisterBodyDecoder(media, openapi3filter.PlainBodyDecoder)
		}
		var raw any
		src, err := os.ReadFile("openapi.json")
		if err != nil {
			specErr = err
			return
		}
		if specErr = json.Unmarshal(src, &raw); specErr != nil {
			return
		}
		closeObjects(raw)
		strict, _ := json.Marshal(raw)
		loader := openapi3.NewLoader()
		if specDoc, specErr = loader.LoadFromData(strict); specErr != nil {
			return
		}
		if specErr = specDoc.Validate(loader.Context); specErr != nil {
			return
		}
		// The servers name where a deployment listens; tests match paths on any host.
		specDoc.Servers = nil
		specRouter, specErr = legacy.NewRouter(specDoc)
	})
	return specDoc, specRouter, specErr
}

// closeObjects adds "additionalProperties": false to every schema with properties that does
// not say.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].(map[string]any); ok {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, x := range v {
			closeObjects(x)
		}
	case []any:
		for _, x := range v {
			closeObjects(x)
		}
	}
}

// checkAgainstSpec fails the test when the response does not match the document: an
// undocumented status, header or body shape. Requests to no documented operation may only
// get the router's 404 or 405, as a problem.
func checkAgainstSpec(t testing.TB, r *http.Request, res response) {
	t.Helper()
	doc, router, err := loadSpec()
	require.NoError(t, err, "openapi.json")
	route, params, err := router.FindRoute(r)
	if err != nil {
		var re *routers.RouteError
		require.True(t, errors.As(err, &re), "finding route: %v", err)
		require.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, res.Code,
			"%s %s is not in openapi.json but answered %d", r.Method, r.URL.Path, res.Code)
		var body any
		require.NoError(t, json.Unmarshal([]byte(res.Body), &body))
		require.NoError(t, doc.Components.Schemas["Problem"].Value.VisitJSON(body, openapi3.EnableJSONSchema2020()))
		return
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts},
		Status:                 res.Code,
		Header:                 res.Header,
		Options:                opts,
	}
	in.SetBodyBytes([]byte(res.Body))
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), in),
		"%s %s answered %d, which openapi.json does not describe; body: %.500s", r.Method, r.URL.Path, res.Code, res.Body)
}

// checkRequest fails the test when a request the server accepted does not match the document.
func checkRequest(t testing.TB, r req, header http.Header) {
	t.Helper()
	_, router, err := loadSpec()
	require.NoError(t, err, "openapi.json")
	hr := httptest.NewRequest(r.Method, r.Path, strings.NewReader(r.Body))
	hr.Header = header.Clone()
	route, params, err := router.FindRoute(hr)
	require.NoError(t, err)
	in := &openapi3filter.RequestValidationInput{Request: hr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	require.NoError(t, openapi3filter.ValidateRequest(context.Background(), in),
		"%s %s was accepted but does not match openapi.json; body: %.500s", r.Method, r.Path, r.Body)
}
