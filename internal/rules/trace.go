package rules

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// inputs returns the values of the variables a rule's condition reads, so that an editor can
// see why it did or did not fire.
func inputs(r *Rule, env map[string]any) map[string]any {
	if len(r.reads) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, n := range r.reads {
		if v, ok := env[n]; ok {
			out[n] = v
		}
	}
	return out
}

// identifiersIn lists the variable names an expression reads.
func identifiersIn(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	names := &identifiers{}
	ast.Walk(&tree.Node, names)
	return names.list
}

type identifiers struct{ list []string }

func (v *identifiers) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok {
		v.list = append(v.list, id.Value)
	}
}
