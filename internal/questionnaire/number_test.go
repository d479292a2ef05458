package questionnaire_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
)

// TestParseNumberText is the grammar of typed numbers: what people type is read or refused
// with the reason, and whatever is read is valid JSON that Validate then judges.
func TestParseNumberText(t *testing.T) {
	q := shipped(t)
	const (
		digitsOnly = "Enter the number in digits, for example 40000 or 40k."
		threes     = "Group the digits in threes, for example 1,000,000."
	)
	tests := []struct {
		question, text string
		want           string // the normalised number, or
		detail         string // why it was refused
	}{
		{"mau_now", "40000", "40000", ""},
		{"mau_now", "40,000", "40000", ""},
		{"mau_now", "40 000", "40000", ""},
		{"mau_now", "40\u00a0000", "40000", ""},
		{"mau_now", "40\u202f000", "40000", ""},
		{"mau_now", "40'000", "40000", ""},
		{"mau_now", "40_000", "40000", ""},
		{"mau_now", "40.000", "40000", ""},
		{"mau_now", "1.000.000", "1000000", ""},
		{"mau_now", "1,000,000", "1000000", ""},
		{"mau_now", "1,234.0", "1234", ""},
		{"mau_now", "1.234,0", "1234", ""},
		{"mau_now", "40k", "40000", ""},
		{"mau_now", "40K", "40000", ""},
		{"mau_now", "40 k", "40000", ""},
		{"mau_now", "1.2M", "1200000", ""},
		{"mau_now", "2.5m", "2500000", ""},
		{"mau_now", "2 million", "2000000", ""},
		{"mau_now", "1.5bn", "1500000000", ""},
		{"mau_now", "1,200k", "1200000", ""},
		{"mau_now", "1.2E+06", "1200000", ""},
		{"mau_now", "012", "12", ""},
		{"mau_now", "00012", "12", ""},
		{"mau_now", "+5", "5", ""},
		{"mau_now", "5.", "5", ""},
		{"mau_now", "0", "0", ""},
		{"mau_now", "-0", "0", ""},
		{"mau_now", "000", "0", ""},
		{"mau_now", "1.5", "1.5", ""}, // read; Validate says it is not whole
		{"mau_now", "1234.567", "1234.567", ""},
		{"mau_now", "12345678901234567890123", "12345678901234567890123", ""}, // read; Validate states the limit
		{"mau_growth_pct", ".5", "0.5", ""},
		{"mau_growth_pct", "-.5", "-0.5", ""},
		{"mau_growth_pct", "−20", "-20", ""},
		{"mau_growth_pct", "01.5", "1.5", ""},
		{"mau_growth_pct", "50%", "50", ""},
		{"mau_growth_pct", "0.125", "0.125", ""},
		{"mau_growth_pct", "12.5", "12.5", ""},
		{"mau_growth_pct", "1,5", "", "Write decimals with a dot (12.5) and group thousands in threes (40,000)."},
		{"mau_growth_pct", "12.500", "", `"12.500" could mean 12.5 or 12500: write it without the dot, or with a comma (12,500), or with fewer decimals.`},
		{"budget_annual_usd", "$250,000", "250000", ""},
		{"budget_annual_usd", "$1.5M", "1500000", ""},
		{"budget_annual_usd", "1,234.56", "1234.56", ""},
		{"budget_annual_usd", "1.234,56", "1234.56", ""},
		{"arpu_monthly_usd", "1.000,000.5", "", "Use one decimal point at most, for example 1,234.5."},
		{"arpu_monthly_usd", "1,000 000.5", "1000000.5", ""},
		{"mau_now", "50%", "", digitsOnly},
		{"mau_now", "0x1p4", "", digitsOnly},
		{"mau_now", "0x10", "", digitsOnly},
		{"mau_now", "1e999999", "", digitsOnly},
		{"mau_now", "Inf", "", digitsOnly},
		{"mau_now", "NaN", "", digitsOnly},
		{"mau_now", "lots", "", digitsOnly},
		{"mau_now", ".", "", digitsOnly},
		{"mau_now", "-", "", digitsOnly},
		{"mau_now", "k", "", digitsOnly},
		{"mau_now", "4,0000", "", "Write decimals with a dot (12.5) and group thousands in threes (40,000)."},
		{"mau_now", "4,0000,000", "", threes},
		{"mau_now", "1,00,000", "", threes},
		{"mau_now", "1.2.3", "", threes},
		{"mau_now", "1,2,3.5", "", threes},
		{"mau_now", "1,5", "", "Write decimals with a dot (12.5) and group thousands in threes (40,000)."},
		{"mau_now", "1.000.5", "", threes},
		{"mau_now", "1.5.000", "", threes},
		{"mau_now", "1,234.5,6", "", "Use one decimal point at most, for example 1,234.5."},
		{"mau_now", "1.5 000", "", "Group digits only before the decimal point."},
		{"mau_now", "12345678901234567890123456789012345678901", "", "This is too long for a number; use at most 40 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.question+" "+tt.text, func(t *testing.T) {
			qn := q.Question(tt.question)
			got, p := qn.ParseNumberText(tt.text)
			if tt.detail != "" {
				require.NotNil(t, p, "refused, got %q", got)
				assert.Equal(t, tt.detail, p.Detail)
				assert.Equal(t, "wrong_type", p.Code)
				return
			}
			require.Nil(t, p)
			assert.Equal(t, json.Number(tt.want), got)
			var v any
			assert.NoError(t, json.Unmarshal([]byte(got), &v), "valid JSON")
		})
	}
}

// TestNumberAnswers: the checks every number passes, from JSON or a form.
func TestNumberAnswers(t *testing.T) {
	q := shipped(t)
	base := `"identity_shape": "b2c", "identity_is_product": false`
	tests := []struct {
		name, answer string
		want         any    // the typed mau_now or mau_growth_pct, or
		problem      string // the problem's message
		detail       string
	}{
		{"whole", `"mau_now": 40000`, 40000, "", ""},
		{"whole written as a decimal", `"mau_now": 40000.0`, 40000, "", ""},
		{"exponent", `"mau_now": 4e4`, 40000, "", ""},
		{"fraction", `"mau_now": 1.5`, nil, "mau_now: got 1.5, want a whole number ≥ 0", "Enter a whole number, without decimals."},
		{"the limit", `"mau_now": 9007199254740991`, 9007199254740991, "", ""},
		{"beyond the limit", `"mau_now": 9007199254740993`, nil,
			"mau_now: got 9007199254740993, want a whole number ≥ 0, and no larger than 9007199254740991 in size",
			"Enter a number no larger than 9,007,199,254,740,991."},
		{"int64 max", `"mau_now": 9223372036854775807`, nil,
			"mau_now: got 9223372036854775807, want a whole number ≥ 0, and no larger than 9007199254740991 in size",
			"Enter a number no larger than 9,007,199,254,740,991."},
		{"23 digits", `"mau_now": 12345678901234567890123`, nil,
			"mau_now: got 12345678901234567890123, want a whole number ≥ 0, and no larger than 9007199254740991 in size",
			"Enter a number no larger than 9,007,199,254,740,991."},
		{"beyond float64", `"mau_now": 1e400`, nil,
			"mau_now: got 1e400, want a whole number ≥ 0, and no larger than 9007199254740991 in size",
			"Enter a number no larger than 9,007,199,254,740,991."},
		{"above the question's max", `"mau_growth_pct": 1e300`, nil, "mau_growth_pct: got 1e300, want a number from -100 to 1000", ""},
		{"negative", `"mau_now": -1`, nil, "mau_now: got -1, want a whole number ≥ 0", ""},
		{"budget beyond the limit", `"budget_annual_usd": 1e16`, nil,
			"budget_annual_usd: got 1e16, want a number ≥ 0, and no larger than 9007199254740991 in size",
			"Enter a number no larger than 9,007,199,254,740,991."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := questionnaire.DecodeJSON([]byte(`{` + base + `, ` + tt.answer + `}`))
			require.NoError(t, err)
			c, err := q.Check(raw, 0)
			require.NoError(t, err)
			id := "mau_now"
			for k := range raw {
				if k != "identity_shape" && k != "identity_is_product" {
					id = k
				}
			}
			if tt.problem == "" {
				assert.Empty(t, c.Problems)
				assert.Equal(t, tt.want, c.Answers[id])
				return
			}
			require.Len(t, c.Problems, 1)
			assert.Equal(t, tt.problem, c.Problems[0].Message)
			assert.Equal(t, tt.detail, c.Problems[0].Detail)
			assert.NotContains(t, c.Answers, id)
		})
	}

	t.Run("a json.Number outside JSON's grammar is refused, not stored", func(t *testing.T) {
		for _, n := range []string{"012", "+5", ".5", "5.", "-.5", "0x1p4", "Inf", "1_000"} {
			c, err := q.Check(map[string]any{"mau_growth_pct": json.Number(n)}, 0)
			require.NoError(t, err)
			require.Len(t, c.Problems, 1, n)
			assert.Equal(t, "wrong_type", c.Problems[0].Code, n)
		}
	})
}

func TestCheck(t *testing.T) {
	q := shipped(t)
	raw := map[string]any{
		"identity_shape":         "b2c",
		"largest_customer_seats": json.Number("5000"), // hidden for B2C
		"channels":               []any{"web", "web", "mobile"},
		"mau_now":                "lots",
		"retired_question":       true,
	}
	c, err := q.Check(raw, 2)
	require.NoError(t, err)
	assert.Equal(t, questionnaire.Answers{"identity_shape": "b2c", "channels": []string{"web", "mobile"}}, c.Answers,
		"valid answers so far; hidden and invalid ones left out")
	codes := map[string]string{}
	for _, p := range c.Problems {
		codes[p.Question] = p.Code
	}
	assert.Equal(t, map[string]string{"retired_question": "unknown_question", "identity_is_product": "required", "mau_now": "wrong_type"}, codes)
	assert.Equal(t, "retired_question", c.Problems[0].Question, "unknown questions first")
	require.Len(t, c.Notices, 1)
	assert.Equal(t, "largest_customer_seats", c.Notices[0].Question)
	assert.Equal(t, map[string]any{"identity_shape": "b2c", "largest_customer_seats": 5000, "channels": []string{"web", "mobile"},
		"mau_now": "lots", "retired_question": true}, c.Values, "normal forms to store; what is invalid as given")

	merged := questionnaire.Merge(map[string]any{"a": 1, "b": 2}, map[string]any{"b": nil, "c": 3})
	assert.Equal(t, map[string]any{"a": 1, "c": 3}, merged)
}

func TestImplausible(t *testing.T) {
	q := shipped(t)
	mau := q.Question("mau_now")
	require.NotNil(t, mau.Confirm, "mau_now asks to confirm huge user counts")
	assert.False(t, mau.Implausible(1_000_000_000))
	assert.True(t, mau.Implausible(1_000_000_001))
	growth := q.Question("mau_growth_pct")
	require.NotNil(t, growth.Confirm)
	assert.False(t, growth.Implausible(300.0))
	assert.True(t, growth.Implausible(300.5))
	assert.False(t, q.Question("identity_shape").Implausible("b2c"))
}
