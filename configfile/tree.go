package configfile

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// kind is the shape of a resolved node.
type kind int

const (
	nullNode kind = iota
	scalarNode
	mapNode
	seqNode
)

func (k kind) String() string {
	switch k {
	case scalarNode:
		return "a scalar"
	case mapNode:
		return "a mapping"
	case seqNode:
		return "a list"
	}
	return "null"
}

// node is a YAML value after aliases, merge keys and repeated keys are
// resolved: the data model PyYAML's safe_load would build, with positions.
// An alias shares the node of its anchor, so the tree is a DAG.
type node struct {
	kind  kind
	pos   pos
	value any    // scalars: string, int64, uint64, float64 or bool
	text  string // scalars: the text as written (unquoted)
	str   bool   // scalars: the YAML type is string
	plain bool   // scalars: written unquoted
	keys  []entry
	items []*node
	size  int // values, counting each alias's anchor again: at most MaxValues
}

// entry is one key of a mapping, in order of first appearance.
type entry struct {
	key   string
	pos   pos // of the key
	value *node
}

type pos struct{ line, col int }

func posOf(tk *token.Token) pos {
	if tk == nil {
		return pos{}
	}
	return pos{tk.Position.Line, tk.Position.Column}
}

// get returns the value of key and its entry's position.
func (n *node) get(key string) (entry, bool) {
	for _, e := range n.keys {
		if e.key == key {
			return e, true
		}
	}
	return entry{}, false
}

// parse parses the rendered text into a resolved tree. name labels errors.
// The text has passed scanYAML, which bounds goccy's work.
func parse(ctx context.Context, name string, src []byte) (root *node, err error) {
	defer func() {
		if p := recover(); p != nil {
			root, err = nil, &Error{File: name, Problem: fmt.Sprintf("YAML parser failed: %v", p), Kind: ErrSyntax}
		}
	}()
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil, syntaxError(name, err)
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			if _, comment := d.Body.(*ast.CommentGroupNode); !comment {
				docs = append(docs, d)
			}
		}
	}
	switch {
	case len(docs) == 0:
		return nil, &Error{File: name, Problem: "the file holds no YAML document", Kind: ErrEmpty}
	case len(docs) > 1:
		return nil, &Error{File: name, Line: posOf(docs[1].Body.GetToken()).line,
			Problem: "expected a single YAML document, found another", Kind: ErrSyntax}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &resolver{ctx: ctx, name: name, anchors: map[string]*anchorDef{}}
	root, err = r.resolve(docs[0].Body)
	if err != nil {
		return nil, err
	}
	if root.kind == nullNode {
		return nil, &Error{File: name, Line: root.pos.line, Problem: "the document is empty (null)", Kind: ErrEmpty}
	}
	return root, nil
}

func syntaxError(name string, err error) error {
	e := &Error{File: name, Problem: err.Error(), Kind: ErrSyntax}
	var ye yaml.Error
	if errors.As(err, &ye) {
		// GetMessage, not Error: Error quotes the source, and the source
		// may hold a secret.
		e.Problem = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	if strings.Contains(e.Problem, "'\t'") || strings.Contains(e.Problem, `"\t"`) {
		e.Problem = "a tab character: YAML indents with spaces only"
	}
	if strings.Contains(e.Problem, "not allowed in this context") {
		// goccy's words for a key indented under a key that already has a
		// value (the seed's published example, line 7).
		e.Problem += " (check the indentation: this line is indented deeper than the key above it, which already has a value)"
	}
	return e
}

type anchorDef struct {
	node *node // nil while the anchor's own value is being resolved
	pos  pos
}

// resolver builds nodes from goccy's AST in document order, as PyYAML's
// composer does: an alias must follow its anchor, an anchor name is defined
// once, the last of repeated keys wins, and merge keys give way to the
// mapping's own keys.
//
// It counts what it builds: each node's size (its values, each alias's
// anchor counted again) and the entries merge keys bring, so that no later
// walk of the tree, which expands aliases, goes past MaxValues.
type resolver struct {
	ctx     context.Context
	name    string
	anchors map[string]*anchorDef
	depth   int
	nodes   int // built, for cancellation checks
	merged  int // entries brought by merge keys
}

func (r *resolver) errAt(p pos, format string, args ...any) error {
	return &Error{File: r.name, Line: p.line, Column: p.col, Problem: fmt.Sprintf(format, args...), Kind: ErrSyntax}
}

func (r *resolver) limitAt(p pos, format string, args ...any) error {
	return &Error{File: r.name, Line: p.line, Column: p.col, Problem: fmt.Sprintf(format, args...), Kind: ErrLimit}
}

// grow adds n's size to the collection out; at is where the value that
// crosses MaxValues is (an alias, most likely).
func (r *resolver) grow(out, n *node, at pos) error {
	out.size += n.size
	if out.size > MaxValues {
		return r.limitAt(at, "the document holds more than MaxValues (%d) values, counting each alias's anchor again", MaxValues)
	}
	return nil
}

// resolve builds the node of n. scanYAML has bounded the nesting on the
// text; this guards the recursion all the same, loosely, since anchors,
// tags and scalars add levels of the AST that are not collections.
func (r *resolver) resolve(n ast.Node) (*node, error) {
	r.depth++
	defer func() { r.depth-- }()
	p := posOf(n.GetToken())
	if r.depth > 3*MaxDepth {
		return nil, r.limitAt(p, "nesting deeper than MaxDepth (%d) levels", MaxDepth)
	}
	if r.nodes++; r.nodes%4096 == 0 {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
	}
	if s, ok := scalar(n, p); ok {
		return s, nil
	}
	switch v := n.(type) {
	case *ast.TagNode:
		return r.tagged(v)
	case *ast.AnchorNode:
		return r.anchor(v, p)
	case *ast.AliasNode:
		return r.alias(v, p)
	case *ast.MappingNode:
		m, err := r.mapping(v.Values, p)
		if err == nil && v.IsFlowStyle && v.Start != nil {
			m.pos = posOf(v.Start) // the '{'
		}
		return m, err
	case *ast.MappingValueNode:
		return r.mapping([]*ast.MappingValueNode{v}, posOf(v.Key.GetToken()))
	case *ast.SequenceNode:
		return r.sequence(v, p)
	case *ast.CommentGroupNode, *ast.CommentNode:
		return &node{kind: nullNode, pos: p, size: 1}, nil
	}
	return nil, r.errAt(p, "unsupported YAML construct %s", n.Type())
}

// scalar returns the node of a null or scalar n.
func scalar(n ast.Node, p pos) (*node, bool) {
	switch v := n.(type) {
	case *ast.NullNode:
		return &node{kind: nullNode, pos: p, size: 1}, true
	case *ast.StringNode:
		plain := v.Token == nil || (v.Token.Type != token.SingleQuoteType && v.Token.Type != token.DoubleQuoteType)
		return &node{kind: scalarNode, pos: p, value: v.Value, text: v.Value, str: true, plain: plain, size: 1}, true
	case *ast.LiteralNode:
		s := ""
		if v.Value != nil {
			s = v.Value.Value
		}
		return &node{kind: scalarNode, pos: p, value: s, text: s, str: true, size: 1}, true
	case *ast.IntegerNode:
		return &node{kind: scalarNode, pos: p, value: v.Value, text: v.Token.Value, size: 1}, true
	case *ast.FloatNode:
		return &node{kind: scalarNode, pos: p, value: v.Value, text: v.Token.Value, size: 1}, true
	case *ast.InfinityNode:
		return &node{kind: scalarNode, pos: p, value: v.Value, text: v.Token.Value, size: 1}, true
	case *ast.NanNode:
		return &node{kind: scalarNode, pos: p, value: math.NaN(), text: v.Token.Value, size: 1}, true
	case *ast.BoolNode:
		return &node{kind: scalarNode, pos: p, value: v.Value, text: v.Token.Value, size: 1}, true
	}
	return nil, false
}

// anchor defines the anchor of v, once, and resolves its value.
func (r *resolver) anchor(v *ast.AnchorNode, p pos) (*node, error) {
	name := v.Name.GetToken().Value
	if old, ok := r.anchors[name]; ok {
		return nil, r.errAt(p, "anchor &%s is defined twice (first at line %d)", name, old.pos.line)
	}
	def := &anchorDef{pos: p}
	r.anchors[name] = def
	val, err := r.resolveValue(v.Value, p)
	if err != nil {
		return nil, err
	}
	def.node = val
	return val, nil
}

// alias returns the node of the anchor v names: an anchor defined before
// it, and not one v is inside of.
func (r *resolver) alias(v *ast.AliasNode, p pos) (*node, error) {
	name := v.Value.GetToken().Value
	def, ok := r.anchors[name]
	switch {
	case !ok:
		return nil, r.errAt(p, "alias *%s refers to no anchor defined before it", name)
	case def.node == nil:
		return nil, r.errAt(p, "alias *%s is inside its own anchor: recursive data is not supported", name)
	}
	return def.node, nil
}

func (r *resolver) sequence(v *ast.SequenceNode, p pos) (*node, error) {
	out := &node{kind: seqNode, pos: p, items: make([]*node, 0, len(v.Values)), size: 1}
	for _, item := range v.Values {
		c, err := r.resolveValue(item, p)
		if err != nil {
			return nil, err
		}
		if err := r.grow(out, c, posOf(item.GetToken())); err != nil {
			return nil, err
		}
		out.items = append(out.items, c)
	}
	return out, nil
}

// resolveValue resolves n, which may be absent (a key with no value).
func (r *resolver) resolveValue(n ast.Node, at pos) (*node, error) {
	if n == nil {
		return &node{kind: nullNode, pos: at, size: 1}, nil
	}
	return r.resolve(n)
}

// tagged accepts the standard tags, as PyYAML's safe_load does.
func (r *resolver) tagged(v *ast.TagNode) (*node, error) {
	p := posOf(v.Start)
	tag := v.Start.Value
	val, err := r.resolveValue(v.Value, p)
	if err != nil {
		return nil, err
	}
	switch tag {
	case "!!str", "tag:yaml.org,2002:str":
		if val.kind != scalarNode {
			if val.kind == nullNode {
				return &node{kind: scalarNode, pos: p, value: "", str: true, size: 1}, nil
			}
			return nil, r.errAt(p, "!!str on %s", val.kind)
		}
		c := *val
		c.value, c.str, c.plain = c.text, true, false
		return &c, nil
	case "!!map", "!!omap", "tag:yaml.org,2002:map":
		if val.kind != mapNode {
			return nil, r.errAt(p, "!!map on %s", val.kind)
		}
	case "!!seq", "tag:yaml.org,2002:seq":
		if val.kind != seqNode {
			return nil, r.errAt(p, "!!seq on %s", val.kind)
		}
	case "!!int", "!!float", "!!bool", "!!null", "!!binary", "!!timestamp":
		// The scalar's own type already says as much; strict decoding
		// checks it against the target.
	default:
		return nil, r.errAt(p, "unsupported tag %s", tag)
	}
	return val, nil
}

func (r *resolver) mapping(values []*ast.MappingValueNode, p pos) (*node, error) {
	out := &node{kind: mapNode, pos: p}
	var merged []entry
	index := map[string]int{}
	set := func(e entry) {
		if i, ok := index[e.key]; ok {
			out.keys[i] = e // the last of repeated keys wins, as in PyYAML
			return
		}
		index[e.key] = len(out.keys)
		out.keys = append(out.keys, e)
	}
	for i, mv := range values {
		if i == 0 {
			out.pos = posOf(mv.Key.GetToken())
		}
		kp := posOf(mv.Key.GetToken())
		if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
			m, err := r.mergeSources(mv.Value, kp)
			if err != nil {
				return nil, err
			}
			merged = append(merged, m...)
			continue
		}
		key, err := r.keyText(mv.Key)
		if err != nil {
			return nil, err
		}
		val, err := r.resolveValue(mv.Value, kp)
		if err != nil {
			return nil, err
		}
		set(entry{key: key, pos: kp, value: val})
	}
	if len(merged) > 0 {
		// Merged keys come first and give way to the mapping's own keys;
		// of several merged mappings, the first that has a key wins.
		own := out.keys
		out.keys, index = nil, map[string]int{}
		for _, e := range merged {
			if _, ok := index[e.key]; !ok {
				set(e)
			}
		}
		for _, e := range own {
			set(e)
		}
	}
	out.size = 1
	for _, e := range out.keys {
		if err := r.grow(out, e.value, e.pos); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mergeSources returns the entries a merge key brings: a mapping, or a list
// of mappings.
func (r *resolver) mergeSources(v ast.Node, at pos) ([]entry, error) {
	val, err := r.resolveValue(v, at)
	if err != nil {
		return nil, err
	}
	switch val.kind {
	case mapNode:
		return val.keys, r.merge(len(val.keys), at)
	case seqNode:
		var out []entry
		for _, item := range val.items {
			if item.kind != mapNode {
				return nil, r.errAt(item.pos, "a merge key (<<) takes a mapping or a list of mappings, not a list holding %s", item.kind)
			}
			if err := r.merge(len(item.keys), item.pos); err != nil {
				return nil, err
			}
			out = append(out, item.keys...)
		}
		return out, nil
	}
	return nil, r.errAt(at, "a merge key (<<) takes a mapping or a list of mappings, not %s", val.kind)
}

// merge counts n entries brought by a merge key at at.
func (r *resolver) merge(n int, at pos) error {
	r.merged += n
	if r.merged > MaxValues {
		return r.limitAt(at, "merge keys (<<) bring more than MaxValues (%d) entries", MaxValues)
	}
	return nil
}

// keyText returns a mapping key as a string; keys must be scalars.
func (r *resolver) keyText(k ast.MapKeyNode) (string, error) {
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	val, err := r.resolveValue(n, posOf(k.GetToken()))
	if err != nil {
		return "", err
	}
	switch val.kind {
	case scalarNode:
		return val.text, nil
	case nullNode:
		return "", nil
	}
	return "", r.errAt(val.pos, "a mapping key must be a scalar, not %s", val.kind)
}
