package catalog

import (
	"sort"
	"strings"

	"github.com/ciamadvisor/advisor/internal/diag"
)

// Fact values. Unknown means no source was found, never that the vendor lacks the capability.
const (
	Yes     = "yes"
	No      = "no"
	Unknown = "unknown"
)

// FactKeys are the facts every vendor profile states, in display order.
var FactKeys = []string{"managed", "self_host", "organizations", "saml", "oidc", "scim", "passkeys",
	"hipaa_baa", "fedramp", "regions", "free_tier", "soc2", "iso27001"}

// FactLabels are the human names of FactKeys.
var FactLabels = map[string]string{
	"managed": "Managed service", "self_host": "Self-hosting", "organizations": "Organizations model",
	"saml": "SAML SSO", "oidc": "OIDC SSO", "scim": "SCIM provisioning", "passkeys": "Passkeys",
	"hipaa_baa": "HIPAA BAA", "fedramp": "FedRAMP", "regions": "Data regions", "free_tier": "Free tier",
	"soc2": "SOC 2", "iso27001": "ISO 27001",
}

// Regions are the region codes residency answers and vendor region lists use.
var Regions = []string{"us", "eu", "uk", "ch", "ca", "au", "jp", "in", "br"}

// VendorTypes are the vendor types the guide site uses.
var VendorTypes = map[string]bool{
	"developer-first": true, "b2c-specialist": true, "b2b-specialist": true, "hyperscaler-native": true,
	"mature-managed": true, "enterprise-suite": true, "self-hosted-open-source": true,
}

// PricingModels are the allowed vendor pricing models.
var PricingModels = map[string]bool{
	"per_mau": true, "per_mru": true, "per_connection": true, "per_organization": true,
	"per_user_licence": true, "open_source": true, "usage_based": true, "unknown": true,
}

// Vendor is one vendor profile.
type Vendor struct {
	ID           string          `yaml:"id" json:"id"`
	Name         string          `yaml:"name" json:"name"`
	AlsoKnownAs  string          `yaml:"also_known_as" json:"also_known_as,omitempty"`
	Type         string          `yaml:"type" json:"type"`
	TypeSource   string          `yaml:"type_source" json:"type_source"`
	Summary      string          `yaml:"summary" json:"summary"`
	PricingModel string          `yaml:"pricing_model" json:"pricing_model"`
	Facts        map[string]Fact `yaml:"facts" json:"facts"`
	Traits       []Trait         `yaml:"traits" json:"traits,omitempty"`

	env VendorEnv
}

// Fact is one sourced, dated statement about a vendor.
type Fact struct {
	Value     string   `yaml:"value" json:"value"`
	Regions   []string `yaml:"regions" json:"regions,omitempty"`
	Detail    string   `yaml:"detail" json:"detail,omitempty"`
	Source    string   `yaml:"source" json:"source,omitempty"`
	Reviewed  Date     `yaml:"reviewed" json:"reviewed"`
	Note      string   `yaml:"note" json:"note,omitempty"`
	Secondary bool     `yaml:"secondary" json:"secondary,omitempty"` // only a third party says so
}

// Trait is a qualitative, sourced observation about a vendor that rules can test.
type Trait struct {
	ID       string `yaml:"id" json:"id"`
	Text     string `yaml:"text" json:"text"`
	Source   string `yaml:"source" json:"source"`
	Reviewed Date   `yaml:"reviewed" json:"reviewed"`
}

// VendorEnv is what a vendor rule's expression sees as `vendor`. Capability fields hold
// "yes", "no" or "unknown".
type VendorEnv struct {
	ID            string   `expr:"id"`
	Name          string   `expr:"name"`
	Type          string   `expr:"type"`
	PricingModel  string   `expr:"pricing_model"`
	Managed       string   `expr:"managed"`
	SelfHost      string   `expr:"self_host"`
	Organizations string   `expr:"organizations"`
	SAML          string   `expr:"saml"`
	OIDC          string   `expr:"oidc"`
	SCIM          string   `expr:"scim"`
	Passkeys      string   `expr:"passkeys"`
	HIPAABAA      string   `expr:"hipaa_baa"`
	FedRAMP       string   `expr:"fedramp"`
	Regions       string   `expr:"regions"`     // whether the region list is known
	RegionList    []string `expr:"region_list"` // regions a customer can choose, when known
	FreeTier      string   `expr:"free_tier"`
	SOC2          string   `expr:"soc2"`
	ISO27001      string   `expr:"iso27001"`
	Traits        []string `expr:"traits"`
}

// Env returns the vendor as rule expressions see it. It is a pointer so that putting it in an
// expression environment does not copy or allocate.
func (v *Vendor) Env() *VendorEnv { return &v.env }

func (v *Vendor) buildEnv() {
	f := func(k string) string { return v.Facts[k].Value }
	traits := make([]string, len(v.Traits))
	for i, t := range v.Traits {
		traits[i] = t.ID
	}
	v.env = VendorEnv{
		ID: v.ID, Name: v.Name, Type: v.Type, PricingModel: v.PricingModel,
		Managed: f("managed"), SelfHost: f("self_host"), Organizations: f("organizations"),
		SAML: f("saml"), OIDC: f("oidc"), SCIM: f("scim"), Passkeys: f("passkeys"),
		HIPAABAA: f("hipaa_baa"), FedRAMP: f("fedramp"), Regions: f("regions"),
		RegionList: append([]string{}, v.Facts["regions"].Regions...),
		FreeTier:   f("free_tier"), SOC2: f("soc2"), ISO27001: f("iso27001"), Traits: traits,
	}
}

func (c *Catalog) checkVendors(file string, errs *diag.List) {
	seen := map[string]bool{}
	for _, v := range c.Vendors {
		if v.ID == "" || seen[v.ID] {
			errs.Add(file, 0, 0, v.ID, "vendor ID is empty or used twice")
		}
		seen[v.ID] = true
		if v.Name == "" {
			errs.Add(file, 0, 0, v.ID, "vendor has no name")
		}
		if !VendorTypes[v.Type] {
			errs.Add(file, 0, 0, v.ID, "type %q: want one of %s", v.Type, typeList())
		}
		if !PricingModels[v.PricingModel] {
			errs.Add(file, 0, 0, v.ID, "pricing_model %q is not one of the known models", v.PricingModel)
		}
		for _, k := range FactKeys {
			if _, ok := v.Facts[k]; !ok {
				errs.Add(file, 0, 0, v.ID, "fact %q is missing (write value: unknown if nobody has checked it)", k)
			}
		}
		for k, f := range v.Facts {
			if FactLabels[k] == "" {
				errs.Add(file, 0, 0, v.ID, "unknown fact %q (want one of %s)", k, strings.Join(FactKeys, ", "))
				continue
			}
			switch f.Value {
			case Yes, No:
				if f.Source == "" || f.Reviewed.IsZero() {
					errs.Add(file, 0, 0, v.ID, "fact %s is %q but has no source or reviewed date; a fact nobody checked is unknown", k, f.Value)
				}
			case Unknown:
			default:
				errs.Add(file, 0, 0, v.ID, "fact %s: value %q, want yes, no or unknown", k, f.Value)
			}
			for _, r := range f.Regions {
				if !contains(Regions, r) {
					errs.Add(file, 0, 0, v.ID, "fact %s: region %q, want one of %s", k, r, strings.Join(Regions, ", "))
				}
			}
		}
		for _, t := range v.Traits {
			if t.ID == "" || t.Source == "" || t.Reviewed.IsZero() {
				errs.Add(file, 0, 0, v.ID, "trait %q needs id, source and reviewed", t.ID)
			}
		}
		v.buildEnv()
	}
}

func typeList() string {
	ts := make([]string, 0, len(VendorTypes))
	for t := range VendorTypes {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return strings.Join(ts, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
