package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/advisor"
	"github.com/ciamadvisor/advisor/internal/scenario"
	rfiles "github.com/ciamadvisor/advisor/rules"
)

// The API encodes with goccy/go-json, which must write what encoding/json writes (with HTML
// escaping off, as the API sends it): the bytes of every scenario's recommendation, plain,
// explained and with counterfactuals, are compared.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	h, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(t, err)
	n := 0
	for _, answers := range scenarioAnswers(t) {
		for _, opt := range []advisor.Options{{}, {Explain: true}, {Counterfactuals: true}} {
			if opt.Counterfactuals && n%8 != 0 { // a few millisecond each: a sample is enough
				continue
			}
			rec, err := h.Current().Evaluate(answers, opt)
			require.NoError(t, err)
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			require.NoError(t, enc.Encode(rec))
			got, err := marshalJSON(rec)
			require.NoError(t, err)
			require.Equal(t, want.String(), string(got)+"\n", "answers %v, %+v", answers, opt)
		}
		n++
	}
	require.Positive(t, n)
}

// writeJSON leaves <, > and & as they are: the body is application/json, sent with nosniff.
func TestWriteJSONNoHTMLEscape(t *testing.T) {
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	require.NoError(t, writeJSON(c, http.StatusOK, map[string]string{"note": "<b>Okta & Auth0</b>"}))
	assert.Equal(t, "{\"note\":\"<b>Okta & Auth0</b>\"}\n", w.Body.String())
	assert.Equal(t, "31", w.Header().Get("Content-Length"))
	assert.Equal(t, mediaJSON, w.Header().Get("Content-Type"))
}

// scenarioAnswers is the answers of every valid scenario, as the API decodes them.
func scenarioAnswers(t testing.TB) []map[string]any {
	list, err := scenario.Load(rfiles.FS)
	require.NoError(t, err)
	var out []map[string]any
	for _, s := range list {
		if len(s.Expect.Invalid) > 0 {
			continue
		}
		raw, err := json.Marshal(s.Answers)
		require.NoError(t, err)
		var answers map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&answers))
		out = append(out, answers)
	}
	return out
}

// BenchmarkEncode is the encoding part of BenchmarkEvaluateHandler: the scenarios'
// recommendations (no counterfactuals) encoded as the API does, and with encoding/json.
func BenchmarkEncode(b *testing.B) {
	h, err := advisor.NewHolder(advisor.Embedded())
	require.NoError(b, err)
	var recs []*advisor.Recommendation
	for _, answers := range scenarioAnswers(b) {
		rec, err := h.Current().Evaluate(answers, advisor.Options{})
		require.NoError(b, err)
		recs = append(recs, rec)
	}
	for _, enc := range []struct {
		name string
		fn   func(*bytes.Buffer, any) error
	}{
		{"api", func(buf *bytes.Buffer, v any) error {
			return gojson.NewEncoder(buf).EncodeWithOption(v, gojson.DisableHTMLEscape())
		}},
		{"api-html-escaped", func(buf *bytes.Buffer, v any) error { return gojson.NewEncoder(buf).Encode(v) }},
		{"encoding-json", func(buf *bytes.Buffer, v any) error { return json.NewEncoder(buf).Encode(v) }},
	} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			i := 0
			for b.Loop() {
				buf.Reset()
				if err := enc.fn(&buf, recs[i%len(recs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
