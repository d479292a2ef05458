// Package apiclienttest checks that the served OpenAPI document is good enough to generate a
// working client from. Its test generates a Go client from /openapi.json with oapi-codegen
// (pinned in go.mod's tool block), compiles it with a consultant's workflow
// (testdata/workflow.go) and runs that workflow against a live server. The generated code is
// written to a temporary directory and built through a -overlay, so nothing generated is
// committed and the build uses this module's go.mod and go.sum.
package apiclienttest
