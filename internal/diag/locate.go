package diag

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Locate gives a line and column to every diagnostic that has none, by finding in its file
// the item the diagnostic belongs to (the mapping whose id, slug or name is the diagnostic's
// Rule) and, inside that item, the key or value the message names. read returns a file's
// source by its diagnostic name (false when it cannot). Diagnostics about a file that cannot
// be read, or about no item in particular, keep what they have.
func Locate(l List, read func(file string) ([]byte, bool)) {
	trees := map[string]*yaml.Node{}
	sources := map[string][]byte{}
	for i := range l {
		d := &l[i]
		if d.Line > 0 && d.Column > 0 && d.Snippet != "" {
			continue
		}
		root, ok := trees[d.File]
		if !ok {
			src, readable := read(d.File)
			if readable {
				var doc yaml.Node
				if yaml.Unmarshal(src, &doc) == nil && len(doc.Content) > 0 {
					root = doc.Content[0]
				}
			}
			trees[d.File], sources[d.File] = root, src
		}
		if root == nil && (d.Line == 0 || sources[d.File] == nil) {
			continue
		}
		if d.Line > 0 && d.Column > 0 {
			// Positioned already: only the snippet is missing.
		} else if d.Line > 0 {
			// A line without a column: point at the first non-blank character.
			d.Column = firstColumn(sources[d.File], d.Line)
		} else if n := find(root, d.Rule, d.Message); n != nil {
			d.Line, d.Column = n.Line, n.Column
		} else {
			continue
		}
		if d.Snippet == "" {
			d.Snippet = Snippet(sources[d.File], d.Line, d.Column)
		}
	}
}

// Position returns the line and column of the node at path in src: keys of mappings and
// indexes of sequences, as strings or ints. A path ending in a key with a scalar value gives
// the value's position, else the key's. A path that does not exist gives the deepest node
// found on the way; 0, 0 when src does not parse.
func Position(src []byte, path ...any) (line, col int) {
	line, col, _ = Find(src, path...)
	return line, col
}

// Find is Position that also reports whether the whole path exists.
func Find(src []byte, path ...any) (line, col int, ok bool) {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return 0, 0, false
	}
	n := doc.Content[0]
	line, col = n.Line, n.Column
	for _, p := range path {
		var next *yaml.Node
		switch k := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == k {
						line, col = n.Content[i].Line, n.Content[i].Column
						next = n.Content[i+1]
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && k >= 0 && k < len(n.Content) {
				next = n.Content[k]
				line, col = next.Line, next.Column
			}
		}
		if next == nil {
			return line, col, false
		}
		n = next
	}
	if n.Kind == yaml.ScalarNode && n.Value != "" {
		return n.Line, n.Column, true
	}
	return line, col, true
}

// ItemKey returns the position of key inside the mapping whose id (or slug or name) is id,
// anywhere in src, or of the id itself when the mapping lacks key; 0, 0 when there is no
// such mapping.
func ItemKey(src []byte, id, key string) (line, col int) {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return 0, 0
	}
	item, idNode := findItem(doc.Content[0], id)
	if item == nil {
		return 0, 0
	}
	if k := keyIn(item, key); k != nil {
		return k.Line, k.Column
	}
	return idNode.Line, idNode.Column
}

var quoted = regexp.MustCompile(`"([^"]*)"|\b([a-z][a-z0-9_]*)\b`)

// find returns the node a diagnostic is about: inside the item named rule (or the whole file
// when rule names none), the first key, then value, that a quoted string or a word of the
// message names; else the item's ID.
func find(root *yaml.Node, rule, msg string) *yaml.Node {
	scope, idNode := root, (*yaml.Node)(nil)
	if rule != "" {
		if item, id := findItem(root, rule); item != nil {
			scope, idNode = item, id
		}
	}
	var words []string
	for _, m := range quoted.FindAllStringSubmatch(msg, -1) {
		words = append(words, m[1]+m[2])
	}
	if strings.Contains(msg, " dated ") {
		// Freshness: the date of the named thing.
		words = append(words, "reviewed", "updated", "as_of")
	}
	for _, w := range words {
		if w == "" || w == rule {
			continue
		}
		if k, v := deepKey(scope, w); k != nil {
			// A date under the named key is more precise still.
			if strings.Contains(msg, " dated ") {
				for _, dk := range []string{"reviewed", "updated", "as_of"} {
					if d := valueOf(v, dk); d != nil {
						return d
					}
				}
			}
			return k
		}
	}
	for _, w := range words {
		if w == "" || w == rule {
			continue
		}
		if v := deepValue(scope, w); v != nil {
			return v
		}
	}
	if idNode != nil {
		return idNode
	}
	if rule != "" {
		if k, _ := deepKey(root, rule); k != nil {
			return k
		}
	}
	return nil
}

var idKeys = []string{"id", "slug", "name"}

// findItem finds the mapping whose id, slug or name is id, depth first, and the node of that
// value.
func findItem(n *yaml.Node, id string) (item, idNode *yaml.Node) {
	if id == "" || n == nil {
		return nil, nil
	}
	if n.Kind == yaml.MappingNode {
		for _, k := range idKeys {
			if v := valueOf(n, k); v != nil && v.Kind == yaml.ScalarNode && v.Value == id {
				return n, v
			}
		}
	}
	for _, c := range n.Content {
		if item, idNode := findItem(c, id); item != nil {
			return item, idNode
		}
	}
	return nil, nil
}

func keyIn(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// deepKey finds a mapping key named key and its value, breadth first so that the shallowest
// wins.
func deepKey(n *yaml.Node, key string) (k, v *yaml.Node) {
	queue := []*yaml.Node{n}
	for len(queue) > 0 {
		n, queue = queue[0], queue[1:]
		if k := keyIn(n, key); k != nil {
			return k, valueOf(n, key)
		}
		queue = append(queue, n.Content...)
	}
	return nil, nil
}

// deepValue finds a scalar value (not a key) equal to value, breadth first.
func deepValue(n *yaml.Node, value string) *yaml.Node {
	queue := []*yaml.Node{n}
	for len(queue) > 0 {
		n, queue = queue[0], queue[1:]
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				continue
			}
			if c.Kind == yaml.ScalarNode && c.Value == value {
				return c
			}
		}
		queue = append(queue, n.Content...)
	}
	return nil
}

func firstColumn(src []byte, line int) int {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	text := lines[line-1]
	return len([]rune(text)) - len([]rune(strings.TrimLeft(text, " \t"))) + 1
}
