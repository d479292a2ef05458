package rules

import "github.com/expr-lang/expr/vm"

// RunBare runs the rule set's compiled programs over env with nothing around them: no result
// assembly, no cost projection, no vendor bookkeeping. It is the baseline the engine's overhead
// is measured against.
func RunBare(rs *RuleSet, env map[string]any) {
	var m vm.VM
	for _, d := range rs.Derived {
		v, _ := m.Run(d.prog, env)
		env[d.ID] = v
	}
	for _, r := range rs.Rules {
		if r.when != nil {
			if v, _ := m.Run(r.when, env); v != true {
				continue
			}
		}
		if r.Vendors != nil {
			for _, v := range rs.Catalog.Vendors {
				env["vendor"] = v.Env()
				_, _ = m.Run(r.Vendors.prog, env)
			}
		}
	}
}
