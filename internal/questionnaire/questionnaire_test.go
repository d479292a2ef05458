package questionnaire_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciamadvisor/advisor/internal/questionnaire"
	qfiles "github.com/ciamadvisor/advisor/questionnaire"
)

func shipped(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Load(qfiles.FS, "start-here.yaml", "questionnaire/start-here.yaml")
	require.NoError(t, err)
	return q
}

// The public contract of design.md §4: these IDs, types and option values must not change.
func TestShippedContract(t *testing.T) {
	q := shipped(t)
	want := map[string]string{
		"identity_shape": "single", "channels": "multi", "enterprise_sso": "single", "largest_customer_seats": "integer",
		"identity_is_product": "boolean", "identity_team": "single", "can_operate_infra": "boolean", "current_platform": "single",
		"constraints": "multi", "residency_regions": "multi", "industry": "single", "mau_now": "integer",
		"mau_growth_pct": "number", "registered_users": "integer", "arpu_monthly_usd": "number", "budget_annual_usd": "number",
		"must_haves": "multi", "go_live_weeks": "integer",
	}
	for id, typ := range want {
		qn := q.Question(id)
		if assert.NotNil(t, qn, id) {
			assert.Equal(t, typ, string(qn.Type), id)
		}
	}
	steps := []string{}
	for _, s := range q.Steps {
		steps = append(steps, s.ID)
	}
	assert.Equal(t, []string{"shape", "build", "constraints", "scale", "primitives"}, steps)
	assert.True(t, q.Question("must_haves").HasOption("agent_auth"))
	assert.True(t, q.Question("current_platform").HasOption("azure_ad_b2c"))
	assert.True(t, q.Question("residency_regions").HasOption("br"))
}

func TestValidate(t *testing.T) {
	q := shipped(t)
	tests := []struct {
		name     string
		json     string
		want     questionnaire.Answers
		notices  []string
		problems []string
	}{
		{
			name: "minimal valid",
			json: `{"identity_shape":"b2c","identity_is_product":false,"mau_now":1000}`,
			want: questionnaire.Answers{"identity_shape": "b2c", "identity_is_product": false, "mau_now": 1000},
		},
		{
			name: "multi answers are deduplicated into option order",
			json: `{"identity_shape":"b2b","identity_is_product":true,"mau_now":0,"must_haves":["scim","passkeys","scim"]}`,
			want: questionnaire.Answers{"identity_shape": "b2b", "identity_is_product": true, "mau_now": 0, "must_haves": []string{"passkeys", "scim"}},
		},
		{
			name:    "hidden question answered is dropped with a notice",
			json:    `{"identity_shape":"b2c","identity_is_product":false,"mau_now":5,"largest_customer_seats":10}`,
			want:    questionnaire.Answers{"identity_shape": "b2c", "identity_is_product": false, "mau_now": 5},
			notices: []string{`largest_customer_seats: answer ignored because the question is not asked for these answers (asked when identity_shape in ["b2b", "b2b2c"])`},
		},
		{
			name: "null means unanswered",
			json: `{"identity_shape":"b2c","identity_is_product":false,"mau_now":5,"industry":null}`,
			want: questionnaire.Answers{"identity_shape": "b2c", "identity_is_product": false, "mau_now": 5},
		},
		{
			name: "every problem is listed by question ID",
			json: `{"identity_shape":"enterprise","mau_now":-1,"mau_growth_pct":"fast","channels":"web","go_live_weeks":2.5,"colour":"blue"}`,
			problems: []string{
				`colour: no such question in questionnaire "start-here"`,
				`identity_shape: got "enterprise", want one of "b2c", "b2b", "b2b2c"`,
				`channels: got "web", want a list of values from "web", "mobile", "api", "agents"`,
				`identity_is_product: an answer is required (true or false)`,
				`mau_now: got -1, want a whole number ≥ 0`,
				`mau_growth_pct: got "fast", want a number from -100 to 1000`,
				`go_live_weeks: got 2.5, want a whole number ≥ 1`,
			},
		},
		{
			name:     "unknown option inside a list",
			json:     `{"identity_shape":"b2b","identity_is_product":false,"mau_now":1,"constraints":["gdpr","itar"]}`,
			problems: []string{`constraints: got "itar", want a list of values from "data_residency", "sovereignty", "self_host", "fedramp", "hipaa", "pci_dss", "soc2", "gdpr", "ccpa"`},
		},
		{
			name:     "not an object",
			json:     `[1,2]`,
			problems: []string{`answers must be a JSON object keyed by question ID: json: cannot unmarshal array into Go value of type map[string]interface {}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notices, err := q.ParseJSON([]byte(tt.json))
			if tt.problems != nil {
				var ve *questionnaire.ValidationError
				require.ErrorAs(t, err, &ve)
				msgs := []string{}
				for _, p := range ve.Problems {
					msgs = append(msgs, p.Message)
				}
				assert.Equal(t, tt.problems, msgs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			msgs := []string(nil)
			for _, n := range notices {
				msgs = append(msgs, n.Message)
			}
			assert.Equal(t, tt.notices, msgs)
		})
	}
}

func TestFromForm(t *testing.T) {
	q := shipped(t)
	raw, problems := q.FromForm(map[string][]string{
		"identity_shape":      {"b2b"},
		"identity_is_product": {"false"},
		"mau_now":             {"40,000"},
		"mau_growth_pct":      {""},
		"channels":            {"web", "api", "web"},
	}, "")
	require.Empty(t, problems)
	a, _, err := q.Validate(raw)
	require.NoError(t, err)
	assert.Equal(t, 40000, a["mau_now"])
	assert.Equal(t, []string{"web", "api"}, a["channels"], "duplicates collapse, as in JSON")
	_, answered := a["mau_growth_pct"]
	assert.False(t, answered, "an empty text field is unanswered")

	raw, problems = q.FromForm(map[string][]string{"identity_shape": {"b2c"}, "identity_is_product": {"maybe"}, "mau_now": {"lots"}}, "")
	assert.Equal(t, []questionnaire.Problem{
		{Question: "identity_is_product", Code: "wrong_type", Message: `identity_is_product: got "maybe", want true or false`},
		{Question: "mau_now", Code: "wrong_type", Message: `mau_now: got "lots", want a whole number ≥ 0: Enter the number in digits, for example 40000 or 40k.`,
			Detail: "Enter the number in digits, for example 40000 or 40k."},
	}, problems)
	assert.NotContains(t, raw, "mau_now", "an unreadable field is left out, so that merging keeps what was saved")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"duplicate question", `
id: x
title: X
steps:
  - id: s
    title: S
    questions:
      - {id: a, type: boolean, label: A}
      - {id: a, type: boolean, label: A}
`, "q.yaml:8:14: a: question ID \"a\" is used twice (first at line 7, column 14)\n |       - {id: a, type: boolean, label: A}\n | .............^"},
		{"unknown type and missing options", `
id: x
title: X
steps:
  - id: s
    title: S
    questions:
      - {id: a, type: text, label: A}
      - {id: b, type: single, label: B}
`, "q.yaml:7:23: a: unknown type \"text\" (want single, multi, integer, number or boolean)\n |       - {id: a, type: text, label: A}\n | ......................^\n" +
			"q.yaml:8:23: b: a single question needs options\n |       - {id: b, type: single, label: B}\n | ......................^"},
		{"condition reads an unknown question", `
id: x
title: X
steps:
  - id: s
    title: S
    questions:
      - id: a
        type: boolean
        label: A
        when: shape == "b2b"
`, "q.yaml:10:15: a: condition: unknown name shape\n |         when: shape == \"b2b\"\n | ..............^"},
		{"unknown key", `
id: x
title: X
steps:
  - id: s
    title: S
    colour: red
`, "q.yaml:6:5: unknown key \"colour\" (allowed here: guide, id, intro, questions, title)\n |     colour: red\n | ....^"},
		{"misspelt key", `
id: x
title: X
steps:
  - id: s
    titel: S
`, "q.yaml:5:5: unknown key \"titel\"; did you mean \"title\"? (allowed here: guide, id, intro, questions, title)\n |     titel: S\n | ....^"},
		{"empty label", `
id: x
title: X
steps:
  - id: s
    title: S
    questions:
      - id: a
        type: boolean
`, "q.yaml:7:13: a: question has no label\n |       - id: a\n | ............^"},
		{"syntax error deep in the file", `
id: x
title: X
steps:
  - id: s
    title: S
    questions:
      - id: a
        type: boolean
        label: [Ä, B
      - id: b
`, "q.yaml:10:11: did not find expected ',' or ']' (while parsing a flow sequence that began at line 9, column 16)\n |       - id: b\n | ..........^"},
		{"caret after wide characters", `
id: x
title: X
steps:
  - id: s
    title: S
    questions:
      - {id: a, type: boolean, label: 名前, when: nope}
`, "q.yaml:7:49: a: condition: unknown name nope\n |       - {id: a, type: boolean, label: 名前, when: nope}\n | " + strings.Repeat(".", 50) + "^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := questionnaire.Parse([]byte(strings.TrimPrefix(tt.yaml, "\n")), "q.yaml")
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// FuzzParseJSON checks that no input makes validation panic, and that accepted answers
// validate again to the same result.
func FuzzParseJSON(f *testing.F) {
	q := shipped(f)
	for _, s := range []string{
		`{"identity_shape":"b2b","identity_is_product":true,"mau_now":1,"largest_customer_seats":5000,"enterprise_sso":"now"}`,
		`{"constraints":["data_residency"],"residency_regions":["eu","ch"],"mau_now":1e3}`,
		`{"mau_now":1e400}`, `null`, `[]`, `{"channels":[1,null,"web"]}`, `{"mau_growth_pct":-100}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, _, err := q.ParseJSON(data)
		if err != nil {
			var ve *questionnaire.ValidationError
			require.ErrorAs(t, err, &ve)
			return
		}
		raw := map[string]any{}
		for k, v := range a {
			raw[k] = v
		}
		again, _, err := q.Validate(raw)
		require.NoError(t, err)
		assert.Equal(t, a, again)
	})
}
