// Package schema generates JSON Schemas (draft 2020-12) for the content files editors write:
// the questionnaire, rule files, catalogue files and scenarios. The schemas are derived from
// the Go types the loaders decode into (their yaml tags), so a field added in Go appears in
// the schema without anyone writing it twice; value lists the Go side holds (fact values,
// fact keys, vendor types, pricing models, regions, severities, question types) become enums.
//
// Every object is closed (additionalProperties: false), as the loaders are: an editor's text
// editor flags a misspelt key as the loader would. IDs defined by content (architectures,
// approaches, vendors, guides, questions) are not enumerated: they change with the content,
// and `advisor validate` checks them with a "did you mean".
//
// Only keywords that mean the same in draft-07 are used ($defs is reached by JSON pointer), so
// editors whose YAML plug-in predates 2020-12 read the schemas too.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/ciamadvisor/advisor/internal/catalog"
	"github.com/ciamadvisor/advisor/internal/expression"
	"github.com/ciamadvisor/advisor/internal/questionnaire"
	"github.com/ciamadvisor/advisor/internal/rules"
	"github.com/ciamadvisor/advisor/internal/scenario"
)

// Draft is the JSON Schema dialect of every generated schema.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Schema is one JSON Schema object: only the keywords the generator writes.
type Schema struct {
	Draft                string             `json:"$schema,omitempty"`
	ID                   string             `json:"$id,omitempty"`
	Ref                  string             `json:"$ref,omitempty"`
	Title                string             `json:"title,omitempty"`
	Description          string             `json:"description,omitempty"`
	Type                 any                `json:"type,omitempty"` // a name, or a list of names
	Format               string             `json:"format,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	PropertyNames        *Schema            `json:"propertyNames,omitempty"`
	AdditionalProperties any                `json:"additionalProperties,omitempty"` // false or a schema
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	Defs                 map[string]*Schema `json:"$defs,omitempty"`
}

// File is one kind of content file and the Go type it decodes into.
type File struct {
	Name        string // schema name: the file is Name + ".json"
	Title       string
	Description string
	Pattern     string // the content files it describes, relative to the repository root (path.Match)
	typ         reflect.Type
}

// The file-level shapes the loaders decode into with local types.
type (
	ruleFile struct {
		Derived []*rules.Derived `yaml:"derived"`
		Rules   []*rules.Rule    `yaml:"rules"`
	}
	guidesFile struct {
		BaseURL  string           `yaml:"base_url"`
		Source   string           `yaml:"source"`
		Reviewed catalog.Date     `yaml:"reviewed"`
		Guides   []*catalog.Guide `yaml:"guides"`
	}
	architecturesFile struct {
		Architectures []*catalog.Architecture `yaml:"architectures"`
		Approaches    []*catalog.Approach     `yaml:"approaches"`
	}
	playbooksFile struct {
		Playbooks []*catalog.Playbook `yaml:"playbooks"`
	}
)

// Files are the content files with a schema, in the order of rules/README.md.
var Files = []File{
	{"questionnaire", "Questionnaire", "The questionnaire: steps of questions, with options, bounds and conditions.", "questionnaire/*.yaml", reflect.TypeFor[questionnaire.Questionnaire]()},
	{"rules", "Rule file", "Derived values and rules, evaluated in file-name order.", "rules/*.yaml", reflect.TypeFor[ruleFile]()},
	{"guides", "Guide catalogue", "The guides the reading path draws from.", "rules/catalog/guides.yaml", reflect.TypeFor[guidesFile]()},
	{"architectures", "Architectures and approaches", "The reference architectures and the approaches (buy, self-host, build).", "rules/catalog/architectures.yaml", reflect.TypeFor[architecturesFile]()},
	{"vendor", "Vendor profile", "One vendor: every fact yes, no or unknown with its source and review date, and its public price list.", "rules/catalog/vendors/*.yaml", reflect.TypeFor[catalog.Vendor]()},
	{"playbooks", "Playbooks", "Playbooks with phases, day budgets and the approaches they fit.", "rules/catalog/playbooks.yaml", reflect.TypeFor[playbooksFile]()},
	{"cost", "Cost model", "Self-hosting and build cost curves, migration cost and the generic price bands.", "rules/catalog/cost.yaml", reflect.TypeFor[catalog.CostModel]()},
	{"ranking", "Ranking weights", "The weights of ranking that no single rule holds, and the reading-path budget.", "rules/catalog/ranking.yaml", reflect.TypeFor[catalog.Ranking]()},
	{"scenario", "Scenario", "A persona: answers and what the advice must contain (see rules/README.md, Scenario expectations).", "rules/tests/*.yaml", reflect.TypeFor[scenario.Scenario]()},
}

// Lookup returns the file kind with the schema name, or false.
func Lookup(name string) (File, bool) {
	for _, f := range Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// ForPath returns the file kind of a content file given by its path from the repository root
// (questionnaire/start-here.yaml, rules/catalog/vendors/auth0.yaml …), or false.
func ForPath(p string) (File, bool) {
	for _, f := range Files {
		if ok, _ := path.Match(f.Pattern, p); ok {
			return f, true
		}
	}
	return File{}, false
}

// Dir is where the committed copies of the schemas live, relative to the repository root.
const Dir = "docs/schemas"

// Header is the first line of a content file at p (relative to the repository root): the
// modeline by which the YAML language server (VS Code, and other editors that embed it) finds
// the file's schema, as a path relative to the file.
func (f File) Header(p string) string {
	up := strings.Repeat("../", strings.Count(p, "/"))
	return "# yaml-language-server: $schema=" + up + Dir + "/" + f.Name + ".json"
}

// Generate returns the file kind's schema.
func (f File) Generate() *Schema {
	g := &gen{defs: map[string]*Schema{}, names: map[reflect.Type]string{}}
	root := g.object(f.typ)
	root.Draft = Draft
	root.ID = "https://ciam-advisor.invalid/schemas/" + f.Name + ".json"
	root.Title, root.Description = f.Title, f.Description
	if len(g.defs) > 0 {
		root.Defs = g.defs
	}
	return root
}

// JSON returns the file kind's schema as indented JSON ending in a newline: the bytes
// `advisor schema` writes, the server serves and docs/schemas holds.
func (f File) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f.Generate()); err != nil {
		panic(fmt.Sprintf("schema %s: %v", f.Name, err)) // only plain values: cannot fail
	}
	return buf.Bytes()
}

type gen struct {
	defs  map[string]*Schema
	names map[reflect.Type]string
}

var (
	dateType   = reflect.TypeFor[catalog.Date]()
	sourceType = reflect.TypeFor[expression.Source]()
	qtypeType  = reflect.TypeFor[questionnaire.Type]()
)

// of returns the schema of a value of type t: a $ref for named structs, inline otherwise.
func (g *gen) of(t reflect.Type) *Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case dateType:
		return &Schema{Type: "string", Format: "date", Pattern: `^\d{4}-\d{2}-\d{2}$`, Description: "A date written YYYY-MM-DD."}
	case sourceType:
		// The loader takes any scalar (when: true is a condition too).
		return &Schema{Type: []string{"string", "boolean", "number"}, Description: "An expr expression (see rules/README.md, Variables)."}
	case qtypeType:
		return &Schema{Type: "string", Enum: []string{string(questionnaire.Single), string(questionnaire.Multi),
			string(questionnaire.Integer), string(questionnaire.Number), string(questionnaire.Boolean)}}
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice:
		return &Schema{Type: "array", Items: g.of(t.Elem())}
	case reflect.Array:
		n := t.Len()
		return &Schema{Type: "array", Items: g.of(t.Elem()), MinItems: &n, MaxItems: &n}
	case reflect.Map:
		s := &Schema{Type: "object"}
		if e := t.Elem(); e.Kind() != reflect.Interface {
			s.AdditionalProperties = g.of(e)
		}
		return s
	case reflect.Struct:
		name, ok := g.names[t]
		if !ok {
			name = t.Name()
			if _, taken := g.defs[name]; taken || name == "" {
				name = path.Base(t.PkgPath()) + "." + t.Name()
			}
			g.names[t] = name
			g.defs[name] = &Schema{} // reserve the name before recursing
			g.defs[name] = g.object(t)
		}
		return &Schema{Ref: "#/$defs/" + name}
	}
	return &Schema{} // any value (an answer in a scenario)
}

// object returns the closed object schema of struct t, from its yaml tags.
func (g *gen) object(t reflect.Type) *Schema {
	s := &Schema{Type: "object", Properties: map[string]*Schema{}, AdditionalProperties: false}
	g.fields(t, s)
	key := typeKey(t)
	if req := required[key]; len(req) > 0 {
		s.Required = req
	}
	if d := descriptions[key]; d != "" {
		s.Description = d
	}
	return s
}

// fields adds t's fields to s, as the YAML decoder sees them: tag names, "-" skipped, inline
// structs merged, untagged exported fields lowercased.
func (g *gen) fields(t reflect.Type, s *Schema) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			g.fields(f.Type, s)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		key := typeKey(t) + "." + name
		p := g.of(f.Type)
		if fix := overrides[key]; fix != nil {
			p = fix(p)
		}
		if d := descriptions[key]; d != "" && p.Ref == "" {
			p.Description = d
		} else if d != "" {
			p = &Schema{Description: d, Ref: p.Ref} // a $ref with siblings: allowed since 2019-09, read by draft-07 tools as the $ref
		}
		s.Properties[name] = p
	}
}

func typeKey(t reflect.Type) string { return path.Base(t.PkgPath()) + "." + t.Name() }

func enum(values []string) func(*Schema) *Schema {
	return func(s *Schema) *Schema {
		if s.Type == "array" {
			s.Items = &Schema{Type: "string", Enum: values}
			return s
		}
		return &Schema{Type: "string", Enum: values}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// factValues are the values an editor writes; catalog.Plan is derived, never written.
var factValues = []string{catalog.Yes, catalog.No, catalog.Unknown}

// overrides narrow a field's generated schema with the value lists the Go side holds, keyed
// by package.Type.yamlkey.
var overrides = map[string]func(*Schema) *Schema{
	"catalog.Vendor.type":               enum(keys(catalog.VendorTypes)),
	"catalog.Vendor.pricing_model":      enum(keys(catalog.PricingModels)),
	"catalog.Architecture.vendor_types": enum(keys(catalog.VendorTypes)),
	"catalog.Fact.value":                enum(factValues),
	"catalog.Fact.regions":              enum(catalog.Regions),
	"catalog.Pricing.status":            enum([]string{catalog.ListPrice, catalog.QuoteOnly, catalog.OpenSource, catalog.Unknown}),
	"rules.WarningEffect.severity":      enum(rules.Severities),
	"catalog.Architecture.capabilities": factKeyed(false),
	"catalog.Vendor.facts":              factKeyed(true),
	"questionnaire.Question.options":    func(s *Schema) *Schema { one := 1; s.MinItems = &one; return s },
	"catalog.Playbook.approaches":       func(s *Schema) *Schema { one := 1; s.MinItems = &one; return s },
	"catalog.Playbook.phases":           func(s *Schema) *Schema { one := 1; s.MinItems = &one; return s },
	"catalog.Ranking.finalists":         func(s *Schema) *Schema { one := 1.0; s.Minimum = &one; return s },
	"catalog.Guide.minutes":             func(s *Schema) *Schema { one := 1.0; s.Minimum = &one; return s },
	"catalog.Phase.days":                func(s *Schema) *Schema { one := 1.0; s.Minimum = &one; return s },
}

// factKeyed makes a map keyed by vendor fact: closed over catalog.FactKeys, every key present
// when all is set (a vendor profile states every fact, unknown when unchecked).
func factKeyed(all bool) func(*Schema) *Schema {
	return func(s *Schema) *Schema {
		out := &Schema{Type: "object", Properties: map[string]*Schema{}, AdditionalProperties: false}
		for _, k := range catalog.FactKeys {
			out.Properties[k] = s.AdditionalProperties.(*Schema)
		}
		if all {
			out.Required = slices.Clone(catalog.FactKeys)
		}
		return out
	}
}

// required lists the keys the loaders' checks insist on, by package.Type.
var required = map[string][]string{
	"questionnaire.Questionnaire": {"id", "title", "steps"},
	"questionnaire.Step":          {"id", "title", "questions"},
	"questionnaire.Question":      {"id", "type", "label"},
	"questionnaire.Option":        {"value", "label"},
	"rules.Derived":               {"id", "type", "expr"},
	"rules.Rule":                  {"id", "because"},
	"rules.GuideEffect":           {"slug"},
	"rules.WarningEffect":         {"id", "severity", "text"},
	"rules.VendorEffect":          {"test"},
	"catalog.Guide":               {"slug", "title", "minutes", "updated", "purpose"},
	"catalog.Architecture":        {"id", "source", "reviewed"},
	"catalog.Approach":            {"id", "source", "reviewed"},
	"catalog.Playbook":            {"id", "url", "updated", "phases", "approaches"},
	"catalog.Phase":               {"name", "days"},
	"catalog.Vendor":              {"id", "name", "type", "pricing_model", "facts"},
	"catalog.Fact":                {"value"},
	"catalog.Trait":               {"id", "source", "reviewed"},
	"catalog.Pricing":             {"status"},
	"catalog.AddOn":               {"for", "usd_monthly", "per"},
	"catalog.Ranking":             {"finalists", "reading_minutes", "reading_guides"},
	"scenario.Scenario":           {"name", "answers"},
	"schema.guidesFile":           {"base_url", "guides"},
}

// descriptions are the hover texts of the most edited keys, by package.Type or
// package.Type.yamlkey; rules/README.md has the full story.
var descriptions = map[string]string{
	"rules.Rule":                      "A rule: when its condition holds it fires, and each effect applies. See rules/README.md, A rule.",
	"rules.Rule.id":                   "Unique across all rule files; named in every reason the rule produces.",
	"rules.Rule.when":                 "Condition over the answers (expr); omit for always.",
	"rules.Rule.because":              "The sentence a buyer reads when the rule fires.",
	"rules.Rule.architecture":         "Points for architectures, by ID from catalog/architectures.yaml.",
	"rules.Rule.approach":             "Points for approaches, by ID from catalog/architectures.yaml.",
	"rules.Rule.playbooks":            "Playbook IDs from catalog/playbooks.yaml.",
	"rules.Rule.for_approach":         "Only under these approaches do the warnings, playbooks and next steps apply.",
	"rules.Rule.cost_weight":          "Added to ranking.yaml's cost_weight when the rule fires.",
	"rules.VendorEffect":              "A test run for every vendor: hard knocks out on no; soft (with weight) ranks.",
	"rules.VendorEffect.test":         `Expression over vendor returning "yes", "no" or "unknown".`,
	"rules.VendorEffect.hard":         "A no knocks the vendor out, with fail as the reason.",
	"rules.VendorEffect.pass":         "Shown on the vendor when the test says yes.",
	"rules.VendorEffect.fail":         "Knockout reason (hard) or concern (soft) when the test says no.",
	"rules.VendorEffect.unsure":       "The check shown when the test says unknown.",
	"rules.VendorEffect.fact":         "The vendor fact the test is about, when the test is not just vendor.<fact>.",
	"rules.GuideEffect.priority":      "70-95 for a guide specific to an answer, 30-65 for background.",
	"catalog.Fact":                    "A sourced, dated statement; unknown when nobody has checked.",
	"catalog.Fact.plan":               "The plan or add-on a yes needs.",
	"catalog.Fact.secondary":          "Only a third party states it.",
	"catalog.Vendor.current_platform": "The current_platform answer that means the buyer runs this vendor today.",
	"catalog.Pricing.quote_above":     "Above this many units the list stops and the generic band stands in.",
	"scenario.Expect":                 "What the advice must (and must not) contain; every key is optional. See rules/README.md, Scenario expectations.",
	"scenario.Scenario.answers":       "Answers keyed by question ID, as the API takes them.",
}
