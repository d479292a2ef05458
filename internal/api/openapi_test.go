package api_test

import (
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/server"
)

func TestOpenAPIDocument(t *testing.T) {
	e := newAPI(t, server.Config{})
	res := e.call(t, "GET", "/openapi.json", "", "")
	require.Equal(t, http.StatusOK, res.Code)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	file, err := os.ReadFile("openapi.json")
	require.NoError(t, err)
	assert.Equal(t, string(file), res.Body)
	again := e.do(t, req{Method: "GET", Path: "/openapi.json", Header: map[string]string{"If-None-Match": res.Header.Get("ETag")}})
	assert.Equal(t, http.StatusNotModified, again.Code)

	// The served document, as published, is valid OpenAPI 3.1.
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(res.Body))
	require.NoError(t, err)
	assert.Equal(t, "3.1.0", doc.OpenAPI)
	require.NoError(t, doc.Validate(loader.Context))
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			assert.NotEmpty(t, op.OperationID, "%s %s", method, path)
			assert.NotEmpty(t, op.Description, "%s %s", method, path)
		}
	}
}

// TestOpenAPIAnswers checks the questions the document describes against the questionnaire:
// the same IDs, types, options and bounds.
func TestOpenAPIAnswers(t *testing.T) {
	doc, _, err := loadSpec()
	require.NoError(t, err)
	e := newAPI(t, server.Config{})
	q := e.content.Current().Questionnaire()
	kinds := map[questionnaire.Type]string{questionnaire.Single: "string", questionnaire.Multi: "array",
		questionnaire.Integer: "integer", questionnaire.Number: "number", questionnaire.Boolean: "boolean"}
	for _, name := range []string{"Answers", "AnswersInput"} {
		props := doc.Components.Schemas[name].Value.Properties
		require.Len(t, props, len(q.Questions()), name)
		for id, ref := range props {
			t.Run(name+"."+id, func(t *testing.T) {
				qn := q.Question(id)
				require.NotNil(t, qn, "openapi.json describes a question the questionnaire does not have")
				s := ref.Value
				assert.True(t, s.Type.Includes(kinds[qn.Type]), "type %v, want %s", s.Type, kinds[qn.Type])
				assert.Equal(t, name == "AnswersInput", s.Type.Includes("null"), "null clears an answer in requests only")
				var enum []any
				switch qn.Type {
				case questionnaire.Single:
					enum = s.Enum
				case questionnaire.Multi:
					enum = s.Items.Value.Enum
				}
				enum = slices.DeleteFunc(slices.Clone(enum), func(v any) bool { return v == nil })
				var options []any
				for _, o := range qn.Options {
					options = append(options, o.Value)
				}
				assert.Equal(t, options, enum)
				assert.Equal(t, qn.Min, s.Min)
				assert.Equal(t, qn.Max, s.Max)
			})
		}
	}
}
