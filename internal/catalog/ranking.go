package catalog

import "github.com/ciamadvisor/advisor/internal/diag"

// Ranking holds the weights of the parts of a vendor's fit that no single rule gives: see
// rules/README.md, "How vendors are ranked".
type Ranking struct {
	// HardWeight is what passing a hard test counts towards fit (a hard test has no weight of
	// its own: failing it knocks the vendor out).
	HardWeight float64 `yaml:"hard_weight" json:"hard_weight"`
	// VendorTypeWeight counts when the vendor's type is one the architecture names.
	VendorTypeWeight float64 `yaml:"vendor_type_weight" json:"vendor_type_weight"`
	// NoMigrationWeight counts for the platform the buyer runs today, when it survives.
	NoMigrationWeight float64 `yaml:"no_migration_weight" json:"no_migration_weight"`
	// CostWeight is the most fit a vendor earns for its three-year cost: the cheapest priced
	// vendor earns all of it, one twice as dear half (a vendor without a public price none).
	CostWeight float64 `yaml:"cost_weight" json:"cost_weight"`
	// SelfHostCheaperPoints are approach points for self-hosting when the team can run it and
	// its three-year cost is below the cheapest viable managed vendor's.
	SelfHostCheaperPoints float64 `yaml:"self_host_cheaper_points" json:"self_host_cheaper_points"`
	// Finalists is how many ranked vendors the shortlist and the comparison hold.
	Finalists int `yaml:"finalists" json:"finalists"`
	// ReadingMinutes and ReadingGuides cap the reading path; the rest is further reading.
	ReadingMinutes int `yaml:"reading_minutes" json:"reading_minutes"`
	ReadingGuides  int `yaml:"reading_guides" json:"reading_guides"`
}

func (r *Ranking) check(file string, errs *diag.List) {
	for name, w := range map[string]float64{"hard_weight": r.HardWeight, "vendor_type_weight": r.VendorTypeWeight,
		"no_migration_weight": r.NoMigrationWeight, "cost_weight": r.CostWeight, "self_host_cheaper_points": r.SelfHostCheaperPoints} {
		if w < 0 {
			errs.Add(file, 0, 0, name, "%s: %g, want 0 or more", name, w)
		}
	}
	if r.Finalists < 1 || r.Finalists > 5 {
		errs.Add(file, 0, 0, "finalists", "finalists: %d, want 1 to 5", r.Finalists)
	}
	if r.ReadingGuides < 1 || r.ReadingMinutes < 10 {
		errs.Add(file, 0, 0, "reading", "reading_guides must be at least 1 and reading_minutes at least 10")
	}
}
