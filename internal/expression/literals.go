package expression

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Literal is a string literal an expression compares with a variable: `industry == "x"`,
// `"x" in constraints`, `identity_shape in ["a", "b"]`, `hasAny(must_haves, ["x"])`,
// `any(must_haves, # == "x")`, `vendor.id == "x"`. A literal that is not one of the
// variable's values makes the comparison constantly false, which silently changes advice, so
// content checks compare them with the questionnaire's options and the catalogue's IDs.
type Literal struct {
	Var    string // the variable compared: a question ID, or "vendor.<field>"
	Value  string
	Line   int // position of the literal in the YAML file
	Column int
}

// Literals returns the literals src compares with variables, positioned in the YAML file
// whose source is fileSrc. An expression that does not parse gives none (Compile reports it).
func Literals(src Source, fileSrc []byte) []Literal {
	tree, err := parser.Parse(src.Text)
	if err != nil {
		return nil
	}
	w := &literalWalker{src: src, fileSrc: fileSrc, runes: []rune(src.Text)}
	w.walk(tree.Node, "")
	return w.out
}

type literalWalker struct {
	src     Source
	fileSrc []byte
	runes   []rune
	out     []Literal
}

// variable names the variable n stands for: an identifier, vendor.<field>, or # inside a
// predicate over the list variable pointer.
func variable(n ast.Node, pointer string) string {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value
	case *ast.PointerNode:
		if x.Name == "" {
			return pointer
		}
	case *ast.MemberNode:
		id, ok := x.Node.(*ast.IdentifierNode)
		prop, isStr := x.Property.(*ast.StringNode)
		if ok && isStr && id.Value == "vendor" {
			return "vendor." + prop.Value
		}
	}
	return ""
}

func (w *literalWalker) add(v string, n ast.Node) {
	s, ok := n.(*ast.StringNode)
	if !ok || v == "" {
		return
	}
	// From is a character offset into the expression.
	line, col := 1, 0
	for i := 0; i < s.Location().From && i < len(w.runes); i++ {
		if w.runes[i] == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	l, c := w.src.position(line, col, w.fileSrc)
	w.out = append(w.out, Literal{Var: v, Value: s.Value, Line: l, Column: c})
}

func (w *literalWalker) addAll(v string, n ast.Node) {
	if arr, ok := n.(*ast.ArrayNode); ok {
		for _, e := range arr.Nodes {
			w.add(v, e)
		}
		return
	}
	w.add(v, n)
}

func (w *literalWalker) walk(n ast.Node, pointer string) {
	switch x := n.(type) {
	case nil:
		return
	case *ast.BinaryNode:
		switch x.Operator {
		case "==", "!=":
			w.add(variable(x.Left, pointer), x.Right)
			w.add(variable(x.Right, pointer), x.Left)
		case "in", "not in":
			// "x" in list, or single in ["a", "b"].
			w.add(variable(x.Right, pointer), x.Left)
			w.addAll(variable(x.Left, pointer), x.Right)
		}
		w.walk(x.Left, pointer)
		w.walk(x.Right, pointer)
	case *ast.UnaryNode:
		w.walk(x.Node, pointer)
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok && (id.Value == "hasAny" || id.Value == "hasAll") && len(x.Arguments) == 2 {
			w.addAll(variable(x.Arguments[0], pointer), x.Arguments[1])
		}
		w.walk(x.Callee, pointer)
		for _, a := range x.Arguments {
			w.walk(a, pointer)
		}
	case *ast.BuiltinNode:
		inner := pointer
		if len(x.Arguments) > 0 {
			inner = variable(x.Arguments[0], pointer)
		}
		for i, a := range x.Arguments {
			if i == 0 {
				w.walk(a, pointer)
			} else {
				w.walk(a, inner)
			}
		}
	case *ast.PredicateNode:
		w.walk(x.Node, pointer)
	case *ast.ConditionalNode:
		w.walk(x.Cond, pointer)
		w.walk(x.Exp1, pointer)
		w.walk(x.Exp2, pointer)
	case *ast.ArrayNode:
		for _, e := range x.Nodes {
			w.walk(e, pointer)
		}
	case *ast.MemberNode:
		w.walk(x.Node, pointer)
	case *ast.ChainNode:
		w.walk(x.Node, pointer)
	case *ast.VariableDeclaratorNode:
		w.walk(x.Value, pointer)
		w.walk(x.Expr, pointer)
	case *ast.SequenceNode:
		for _, e := range x.Nodes {
			w.walk(e, pointer)
		}
	}
}
