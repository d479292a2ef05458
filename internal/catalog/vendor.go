package catalog

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// Fact values. Unknown means no source was found, never that the vendor lacks the capability.
// Plan is not written in content: a fact that is "yes" with a plan qualifier shows as "plan"
// in the comparison matrix (available, but only on a higher plan or as a paid add-on).
const (
	Yes     = "yes"
	No      = "no"
	Unknown = "unknown"
	Plan    = "plan"
)

// FactDef describes one fact every vendor profile states.
type FactDef struct {
	Key   string
	Label string
	// Core facts are rows of every comparison matrix, asked for or not.
	Core bool
	// Asks lists the answers that make the fact a row the buyer asked about, as
	// "question:option" (for example "must_haves:mfa").
	Asks []string
}

// Facts are the facts every vendor profile states, in display order. Each constraint and
// each must-have of the questionnaire maps to one of them, so that every choice a buyer makes
// can be checked against a sourced vendor fact.
var Facts = []FactDef{
	{Key: "managed", Label: "Managed service", Core: true},
	{Key: "self_host", Label: "Self-hosting", Core: true, Asks: []string{"constraints:self_host", "constraints:sovereignty"}},
	{Key: "regions", Label: "Data regions", Core: true, Asks: []string{"constraints:data_residency"}},
	{Key: "organizations", Label: "Organizations (tenants)", Core: true, Asks: []string{"must_haves:organizations"}},
	{Key: "saml", Label: "SAML SSO", Core: true, Asks: []string{"must_haves:enterprise_sso"}},
	{Key: "oidc", Label: "OIDC federation"},
	{Key: "scim", Label: "SCIM provisioning", Core: true, Asks: []string{"must_haves:scim"}},
	{Key: "passkeys", Label: "Passkeys", Core: true, Asks: []string{"must_haves:passkeys"}},
	{Key: "mfa", Label: "Multi-factor authentication", Asks: []string{"must_haves:mfa"}},
	{Key: "adaptive_mfa", Label: "Adaptive (risk-based) MFA", Asks: []string{"must_haves:adaptive_mfa"}},
	{Key: "bot_defense", Label: "Bot and brute-force defence", Asks: []string{"must_haves:bot_defense"}},
	{Key: "social_login", Label: "Social login", Asks: []string{"must_haves:social_login"}},
	{Key: "magic_links", Label: "Magic links", Asks: []string{"must_haves:magic_links"}},
	{Key: "sms_otp", Label: "SMS one-time codes", Asks: []string{"must_haves:sms_otp"}},
	{Key: "fga", Label: "Fine-grained authorisation", Asks: []string{"must_haves:fga"}},
	{Key: "agent_auth", Label: "AI agent and MCP auth", Asks: []string{"must_haves:agent_auth"}},
	{Key: "m2m", Label: "Machine-to-machine tokens", Asks: []string{"must_haves:m2m"}},
	{Key: "consent_management", Label: "Consent management", Asks: []string{"must_haves:consent_management"}},
	{Key: "progressive_profiling", Label: "Progressive profiling", Asks: []string{"must_haves:progressive_profiling"}},
	{Key: "identity_verification", Label: "Identity verification", Asks: []string{"must_haves:identity_verification"}},
	{Key: "audit_logs", Label: "Audit log export", Asks: []string{"must_haves:audit_logs"}},
	{Key: "custom_domains", Label: "Custom domains", Asks: []string{"must_haves:custom_domains"}},
	{Key: "hipaa_baa", Label: "HIPAA BAA", Asks: []string{"constraints:hipaa"}},
	{Key: "fedramp", Label: "FedRAMP", Asks: []string{"constraints:fedramp"}},
	{Key: "pci_dss", Label: "PCI DSS attestation", Asks: []string{"constraints:pci_dss"}},
	{Key: "soc2", Label: "SOC 2 report", Core: true, Asks: []string{"constraints:soc2"}},
	{Key: "iso27001", Label: "ISO 27001", Core: true},
	{Key: "gdpr_dpa", Label: "GDPR data processing agreement", Asks: []string{"constraints:gdpr"}},
	{Key: "ccpa", Label: "CCPA terms", Asks: []string{"constraints:ccpa"}},
	{Key: "free_tier", Label: "Free tier"},
}

// FactKeys are the keys of Facts, in display order.
var FactKeys = func() []string {
	keys := make([]string, len(Facts))
	for i, f := range Facts {
		keys[i] = f.Key
	}
	return keys
}()

// factIndex is each fact key's position in Facts.
var factIndex = func() map[string]int {
	m := make(map[string]int, len(Facts))
	for i, f := range Facts {
		m[f.Key] = i
	}
	return m
}()

// FactIndex is the position of fact key in Facts, or -1.
func FactIndex(key string) int {
	if i, ok := factIndex[key]; ok {
		return i
	}
	return -1
}

// FactLabels are the human names of FactKeys.
var FactLabels = func() map[string]string {
	m := make(map[string]string, len(Facts))
	for _, f := range Facts {
		m[f.Key] = f.Label
	}
	return m
}()

// Regions are the region codes residency answers and vendor region lists use.
var Regions = []string{"us", "eu", "uk", "ch", "ca", "au", "jp", "in", "br"}

// VendorTypes are the vendor types the guide site uses, with the words a buyer reads.
var VendorTypes = map[string]string{
	"developer-first":         "Developer-first platform",
	"b2c-specialist":          "Consumer (B2C) specialist",
	"b2b-specialist":          "B2B SSO specialist",
	"hyperscaler-native":      "Cloud provider's own service",
	"mature-managed":          "Mature managed platform",
	"enterprise-suite":        "Enterprise identity suite",
	"self-hosted-open-source": "Open source, self-hosted",
}

// PricingModels are the allowed vendor pricing models, with the words a buyer reads.
var PricingModels = map[string]string{
	"per_mau": "Per monthly active user", "per_mru": "Per monthly retained user",
	"per_connection": "Per enterprise connection", "per_organization": "Per customer organisation",
	"per_user_licence": "Per user licence", "open_source": "Open source, no licence fee",
	"usage_based": "Usage-based", "unknown": "Not published",
}

// Vendor is one vendor profile, read from rules/catalog/vendors/<id>.yaml.
type Vendor struct {
	ID           string          `yaml:"id" json:"id"`
	Name         string          `yaml:"name" json:"name"`
	AlsoKnownAs  string          `yaml:"also_known_as" json:"also_known_as,omitempty"`
	Type         string          `yaml:"type" json:"type"`
	TypeSource   string          `yaml:"type_source" json:"type_source"`
	Summary      string          `yaml:"summary" json:"summary"`
	PricingModel string          `yaml:"pricing_model" json:"pricing_model"`
	Pricing      *Pricing        `yaml:"pricing" json:"pricing,omitempty"`
	CloudPricing *Pricing        `yaml:"cloud_pricing" json:"cloud_pricing,omitempty"`
	Platform     string          `yaml:"current_platform" json:"current_platform,omitempty"` // the current_platform answer meaning "we run this today"
	Facts        map[string]Fact `yaml:"facts" json:"facts"`
	Traits       []Trait         `yaml:"traits" json:"traits,omitempty"`
	File         string          `yaml:"-" json:"-"`

	env   VendorEnv
	facts []Fact // Facts in the order of the package's Facts list, for lookups on hot paths
}

// FactAt is the vendor's fact at position i of Facts (see FactIndex).
func (v *Vendor) FactAt(i int) *Fact { return &v.facts[i] }

// TypeLabel is the vendor type in a buyer's words.
func (v *Vendor) TypeLabel() string { return VendorTypes[v.Type] }

// Fact is one sourced, dated statement about a vendor.
type Fact struct {
	Value     string   `yaml:"value" json:"value"`
	Plan      string   `yaml:"plan" json:"plan,omitempty"` // the plan or add-on a "yes" needs
	Regions   []string `yaml:"regions" json:"regions,omitempty"`
	Detail    string   `yaml:"detail" json:"detail,omitempty"`
	Source    string   `yaml:"source" json:"source,omitempty"`
	Reviewed  Date     `yaml:"reviewed" json:"reviewed"`
	Note      string   `yaml:"note" json:"note,omitempty"`
	Secondary bool     `yaml:"secondary" json:"secondary,omitempty"` // only a third party says so
}

// Shown is the value a comparison shows: yes, no, unknown, or plan for a yes that needs a
// higher plan or an add-on.
func (f Fact) Shown() string {
	if f.Value == Yes && f.Plan != "" {
		return Plan
	}
	if f.Value == "" {
		return Unknown
	}
	return f.Value
}

// Trait is a qualitative, sourced observation about a vendor that rules can test.
type Trait struct {
	ID       string `yaml:"id" json:"id"`
	Text     string `yaml:"text" json:"text"`
	Source   string `yaml:"source" json:"source"`
	Reviewed Date   `yaml:"reviewed" json:"reviewed"`
}

// VendorEnv is what a vendor rule's expression sees as `vendor`. Capability fields hold
// "yes", "no" or "unknown"; each field's expr tag is a key of Facts.
type VendorEnv struct {
	ID           string   `expr:"id"`
	Name         string   `expr:"name"`
	Type         string   `expr:"type"`
	PricingModel string   `expr:"pricing_model"`
	RegionList   []string `expr:"region_list"` // regions a customer can choose, when known
	Traits       []string `expr:"traits"`

	Managed              string `expr:"managed"`
	SelfHost             string `expr:"self_host"`
	Regions              string `expr:"regions"` // whether the region list is known
	Organizations        string `expr:"organizations"`
	SAML                 string `expr:"saml"`
	OIDC                 string `expr:"oidc"`
	SCIM                 string `expr:"scim"`
	Passkeys             string `expr:"passkeys"`
	MFA                  string `expr:"mfa"`
	AdaptiveMFA          string `expr:"adaptive_mfa"`
	BotDefense           string `expr:"bot_defense"`
	SocialLogin          string `expr:"social_login"`
	MagicLinks           string `expr:"magic_links"`
	SMSOTP               string `expr:"sms_otp"`
	FGA                  string `expr:"fga"`
	AgentAuth            string `expr:"agent_auth"`
	M2M                  string `expr:"m2m"`
	ConsentManagement    string `expr:"consent_management"`
	ProgressiveProfiling string `expr:"progressive_profiling"`
	IdentityVerification string `expr:"identity_verification"`
	AuditLogs            string `expr:"audit_logs"`
	CustomDomains        string `expr:"custom_domains"`
	HIPAABAA             string `expr:"hipaa_baa"`
	FedRAMP              string `expr:"fedramp"`
	PCIDSS               string `expr:"pci_dss"`
	SOC2                 string `expr:"soc2"`
	ISO27001             string `expr:"iso27001"`
	GDPRDPA              string `expr:"gdpr_dpa"`
	CCPA                 string `expr:"ccpa"`
	FreeTier             string `expr:"free_tier"`
}

// envField maps a fact key to the index of its VendorEnv field; init checks that every fact
// has one, so a fact added to Facts without a field fails every test at once.
var envField = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeOf(VendorEnv{})
	for i := range t.NumField() {
		if f := t.Field(i); f.Type.Kind() == reflect.String {
			m[f.Tag.Get("expr")] = i
		}
	}
	for _, f := range Facts {
		if _, ok := m[f.Key]; !ok {
			panic("catalog: fact " + f.Key + " has no VendorEnv field")
		}
	}
	return m
}()

// Env returns the vendor as rule expressions see it. It is a pointer so that putting it in an
// expression environment does not copy or allocate.
func (v *Vendor) Env() *VendorEnv { return &v.env }

func (v *Vendor) buildEnv() {
	traits := make([]string, len(v.Traits))
	for i, t := range v.Traits {
		traits[i] = t.ID
	}
	v.env = VendorEnv{ID: v.ID, Name: v.Name, Type: v.Type, PricingModel: v.PricingModel,
		RegionList: append([]string{}, v.Facts["regions"].Regions...), Traits: traits}
	ev := reflect.ValueOf(&v.env).Elem()
	v.facts = make([]Fact, len(Facts))
	for i, f := range Facts {
		v.facts[i] = v.Facts[f.Key]
		ev.Field(envField[f.Key]).SetString(v.facts[i].Value)
	}
}

func (c *Catalog) checkVendors(errs *diag.List) {
	seen := map[string]bool{}
	for _, v := range c.Vendors {
		file := v.File
		add := func(format string, args ...any) { errs.Add(file, 0, 0, v.ID, format, args...) }
		if v.ID == "" || seen[v.ID] {
			add("vendor ID is empty or used twice")
		}
		seen[v.ID] = true
		if v.Name == "" {
			add("vendor has no name")
		}
		if VendorTypes[v.Type] == "" {
			add("type %q: want one of %s", v.Type, keyList(VendorTypes))
		}
		if PricingModels[v.PricingModel] == "" {
			add("pricing_model %q: want one of %s", v.PricingModel, keyList(PricingModels))
		}
		for _, k := range FactKeys {
			if _, ok := v.Facts[k]; !ok {
				add("fact %q is missing (write value: unknown if nobody has checked it)", k)
			}
		}
		for k, f := range v.Facts {
			if FactLabels[k] == "" {
				add("unknown fact %q (want one of %s)", k, strings.Join(FactKeys, ", "))
				continue
			}
			switch f.Value {
			case Yes, No:
				if f.Source == "" || f.Reviewed.IsZero() {
					add("fact %s is %q but has no source or reviewed date; a fact nobody checked is unknown", k, f.Value)
				}
			case Unknown:
			default:
				add("fact %s: value %q, want yes, no or unknown", k, f.Value)
			}
			if f.Plan != "" && f.Value != Yes {
				add("fact %s: plan %q only qualifies a yes", k, f.Plan)
			}
			for _, r := range f.Regions {
				if !contains(Regions, r) {
					add("fact %s: region %q, want one of %s", k, r, strings.Join(Regions, ", "))
				}
			}
		}
		for _, t := range v.Traits {
			if t.ID == "" || t.Source == "" || t.Reviewed.IsZero() {
				add("trait %q needs id, source and reviewed", t.ID)
			}
		}
		for name, p := range map[string]*Pricing{"pricing": v.Pricing, "cloud_pricing": v.CloudPricing} {
			if p != nil {
				for _, msg := range p.check() {
					add("%s: %s", name, msg)
				}
			}
		}
		v.buildEnv()
	}
}

func keyList[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sourceless reports a problem for a figure without provenance.
func sourceless(what string) string {
	return fmt.Sprintf("%s needs source and as_of: a price nobody can check is unknown", what)
}
