package configfile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nikolalohinski/gonja/v2"
	controlstructures "github.com/nikolalohinski/gonja/v2/builtins/control_structures"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// A config's template is the seed's {{ NAME }}, with what helps to write
// one: filters that do not multiply text, tests, {% if %} and {% raw %}.
// gonja renders it and cannot be interrupted, so its work is bounded before
// it runs: first on the text (scanTemplate), then on the parsed tree
// (templateCheck), which refuses loops, macros, assignments, calls and the
// * operator (string repetition), and reckons the text the expressions may
// build from the sizes of the variables they use.

// scanTemplate bounds the template's code before gonja lexes and parses it
// (the engine's work grows with the code, and with the square of bracket
// nesting): MaxTemplateCode bytes inside tags, MaxDepth of brackets in a tag
// and of {% if %} blocks.
func scanTemplate(name string, src []byte) error {
	code, ifs, line := 0, 0, 1
	limit := func(format string, args ...any) error {
		return &Error{File: name, Line: line, Problem: fmt.Sprintf(format, args...), Kind: ErrLimit}
	}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			line++
		}
		if src[i] != '{' || i+1 == len(src) || !strings.ContainsRune("{%#", rune(src[i+1])) {
			continue
		}
		tagLine, end := line, "}}"
		switch src[i+1] {
		case '%':
			end = "%}"
		case '#':
			end = "#}"
		}
		j, ok := tagEnd(src, i+2, end, &line)
		switch {
		case j < 0:
			line = tagLine
			return limit("brackets nested deeper than MaxDepth (%d) levels in a template tag", MaxDepth)
		case !ok:
			return nil // unterminated: gonja says where
		}
		if code += j - i; code > MaxTemplateCode {
			line = tagLine
			return limit("more than MaxTemplateCode (%d) bytes inside template tags ({{ }}, {%% %%}, {# #})", MaxTemplateCode)
		}
		if end == "%}" {
			switch firstWord(src[i+2 : j-2]) {
			case "if":
				if ifs++; ifs > MaxDepth {
					line = tagLine
					return limit("{%% if %%} blocks nested deeper than MaxDepth (%d) levels", MaxDepth)
				}
			case "endif":
				ifs--
			}
		}
		i = j - 1
	}
	return nil
}

// tagEnd returns the offset after the end of the tag whose code starts at
// i, and whether there is one; -1 when brackets in it nest deeper than
// MaxDepth. Quoted strings are skipped as gonja's lexer skips them; a
// comment has neither.
func tagEnd(src []byte, i int, end string, line *int) (int, bool) {
	depth := 0
	for ; i+1 < len(src); i++ {
		c := src[i]
		switch {
		case c == end[0] && src[i+1] == end[1]:
			return i + 2, true
		case c == '\n':
			*line++
		case end == "#}":
		case c == '"' || c == '\'':
			for i++; i < len(src) && (src[i] != c || src[i-1] == '\\'); i++ {
				if src[i] == '\n' {
					*line++
				}
			}
		case c == '(' || c == '[' || c == '{':
			if depth++; depth > MaxDepth {
				return -1, false
			}
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return len(src), false
}

// firstWord is the statement's name in a {% %} tag's code.
func firstWord(code []byte) string {
	f := strings.Fields(strings.TrimLeft(string(code), "-+"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// filterBounds are the filters of config templates, with the most text
// each can return for an input of in bytes and arguments of args bytes:
// none multiplies its input by more than a constant. The others (center,
// indent, format, wordwrap, batch, join, ...) can build text of any size
// from a short template, and a config has no use for them.
var filterBounds = map[string]func(in int, args []int) int{
	"default": maxOf, "d": maxOf,
	"lower": caseMapped, "upper": caseMapped, "capitalize": caseMapped, "title": caseMapped,
	"trim": same, "string": same, "first": same, "last": same,
	"int": numeric, "float": numeric, "length": numeric, "count": numeric,
	"replace": func(in int, args []int) int {
		if len(args) < 2 {
			return in
		}
		return in + (in+1)*args[1] // every position may take the new text
	},
	"tojson": func(in int, _ []int) int { return 6*in + 2 }, // \u00XX for each byte
}

func maxOf(in int, args []int) int {
	for _, a := range args {
		in = max(in, a)
	}
	return in
}
func caseMapped(in int, _ []int) int { return 2 * in } // a case change may lengthen UTF-8
func same(in int, _ []int) int       { return in }
func numeric(int, []int) int         { return 32 }

// filterArgs are the arguments each filter may take (more are refused, so
// that tojson's indent cannot multiply its output).
var filterArgs = map[string]int{"default": 2, "d": 2, "replace": 3, "int": 2, "float": 1, "trim": 1}

// templateCheck walks a parsed template: it refuses what config templates
// do not support, and reckons the work of rendering it once: the bytes of
// every value its expressions build, from the sizes of the data.
type templateCheck struct {
	name    string
	data    map[string]any
	sizes   map[string]int
	work    int      // bytes, plus an overhead for each node
	missing []string // names used that data lacks: ErrUndefined candidates
	names   []string // names used by the {{ ... }} being checked
	depth   int      // of the expression being checked
}

const nodeOverhead = 64 // what gonja allocates to evaluate a node, roughly

func (c *templateCheck) errAt(tk *tokens.Token, k error, format string, args ...any) error {
	e := &Error{File: c.name, Problem: fmt.Sprintf(format, args...), Kind: k}
	if tk != nil {
		e.Line = tk.Line
	}
	return e
}

func (c *templateCheck) refuse(tk *tokens.Token, format string, args ...any) error {
	return c.errAt(tk, ErrTemplate, format+" is not supported in config files", args...)
}

// account adds the work of a value of size bytes built at tk.
func (c *templateCheck) account(tk *tokens.Token, size int) (int, error) {
	size = min(size, MaxTemplateWork+1)
	c.work += size + nodeOverhead
	if c.work > MaxTemplateWork {
		return 0, c.errAt(tk, ErrLimit,
			"the template's expressions may build more than MaxTemplateWork (%d) bytes of text (reckoned from the sizes of the variables they use)", MaxTemplateWork)
	}
	return size, nil
}

// nodes checks ns, and puts a recordOutput in place of each {{ ... }} so
// that the render records what it substitutes.
func (c *templateCheck) nodes(ns []nodes.Node) error {
	for i, n := range ns {
		c.names = nil
		if err := c.node(n); err != nil {
			return err
		}
		if out, ok := n.(*nodes.Output); ok {
			ns[i] = &nodes.ControlStructureBlock{Location: out.Start, Name: "output",
				ControlStructure: &recordOutput{out: out, ref: refOf(c.names)}}
		}
	}
	return nil
}

func (c *templateCheck) node(n nodes.Node) error {
	switch v := n.(type) {
	case *nodes.Data, *nodes.Comment:
		return nil
	case *nodes.Output:
		for _, e := range []nodes.Expression{v.Condition, v.Expression, v.Alternative} {
			if e != nil {
				if _, err := c.expr(e); err != nil {
					return err
				}
			}
		}
		return nil
	case *nodes.ControlStructureBlock:
		switch cs := v.ControlStructure.(type) {
		case *controlstructures.IfControlStructure:
			for _, e := range cs.Conditions {
				if _, err := c.expr(e); err != nil {
					return err
				}
			}
			for _, w := range cs.Wrappers {
				if err := c.nodes(w.Nodes); err != nil {
					return err
				}
			}
			return nil
		case *controlstructures.RawControlStructure:
			return nil
		}
		return c.errAt(v.Position(), ErrTemplate, "{%% %s %%} is not supported in config files: only {%% if %%} and {%% raw %%} are", v.Name)
	}
	return c.refuse(n.Position(), "the template construct %T", n)
}

// expr returns the most bytes e's value can take, and accounts for the
// work of building it.
func (c *templateCheck) expr(e nodes.Expression) (int, error) {
	// gonja evaluates an expression by recursion, and wraps an error in
	// each level's text: a chain of n attributes or operators (which no
	// bracket bounds) costs n*n to fail.
	if c.depth++; c.depth > MaxDepth {
		return 0, c.errAt(e.Position(), ErrLimit, "a template expression nested deeper than MaxDepth (%d) levels (operators, attributes and brackets)", MaxDepth)
	}
	defer func() { c.depth-- }()
	size, err := c.size(e)
	if err != nil {
		return 0, err
	}
	return c.account(e.Position(), size)
}

func (c *templateCheck) size(e nodes.Expression) (int, error) {
	switch v := e.(type) {
	case *nodes.None, *nodes.Bool, *nodes.Integer, *nodes.Float:
		return 32, nil
	case *nodes.String:
		return len(v.Val), nil
	case *nodes.Name:
		if !slices.Contains(c.names, v.Name.Val) {
			c.names = append(c.names, v.Name.Val)
		}
		return c.nameSize(v.Name.Val), nil
	case *nodes.List:
		return c.collection(v.Val)
	case *nodes.Tuple:
		return c.collection(v.Val)
	case *nodes.Dict:
		var items []nodes.Expression
		for _, p := range v.Pairs {
			items = append(items, p.Key, p.Value)
		}
		return c.collection(items)
	case *nodes.GetAttribute:
		return c.expr(v.Node)
	case *nodes.GetItem:
		return c.operands(v.Node, v.Arg)
	case *nodes.GetSlice:
		return c.operands(v.Node, v.Start, v.End, v.Step)
	case *nodes.Negation:
		_, err := c.expr(v.Term)
		return 8, err
	case *nodes.UnaryExpression:
		return c.expr(v.Term)
	case *nodes.BinaryExpression:
		return c.binary(v)
	case *nodes.FilteredExpression:
		return c.filtered(v)
	case *nodes.TestExpression:
		return c.test(v)
	case *nodes.Call:
		return 0, c.refuse(v.Position(), "a call (%s)", v.Func)
	}
	return 0, c.refuse(e.Position(), "the template expression %T", e)
}

// nameSize is the size of the variable name's value; a name the data lacks
// renders as "" while ErrUndefined's names are collected.
func (c *templateCheck) nameSize(name string) int {
	if n, ok := c.sizes[name]; ok {
		return n
	}
	v, ok := c.data[name]
	n := 0
	switch s := v.(type) {
	case string:
		n = len(s)
	default:
		if ok {
			n = 2*len(fmt.Sprint(s)) + 16 // gonja quotes what fmt does not
		} else if !slices.Contains(c.missing, name) {
			c.missing = append(c.missing, name)
		}
	}
	c.sizes[name] = n
	return n
}

// collection is a list, tuple or dict literal, as it prints: each item
// quoted, and separated.
func (c *templateCheck) collection(items []nodes.Expression) (int, error) {
	total := 2
	for _, it := range items {
		n, err := c.expr(it)
		if err != nil {
			return 0, err
		}
		total += 2*n + 4
	}
	return total, nil
}

// operands accounts for each operand, and returns the first's size (an
// item or a slice of a value is no larger than the value).
func (c *templateCheck) operands(first nodes.Node, rest ...nodes.Node) (int, error) {
	size, err := c.expr(first)
	if err != nil {
		return 0, err
	}
	for _, n := range rest {
		if n == nil {
			continue
		}
		if _, err := c.expr(n); err != nil {
			return 0, err
		}
	}
	return size, nil
}

func (c *templateCheck) binary(v *nodes.BinaryExpression) (int, error) {
	op := v.Operator.Token
	if op.Type == tokens.Multiply {
		return 0, c.refuse(op, "the * operator (it repeats text)")
	}
	l, err := c.expr(v.Left)
	if err != nil {
		return 0, err
	}
	r, err := c.expr(v.Right)
	if err != nil {
		return 0, err
	}
	switch op.Type {
	case tokens.Addition, tokens.Tilde:
		return l + r + 32, nil
	case tokens.And, tokens.Or:
		return max(l, r), nil
	}
	return 32, nil // comparisons, in, and arithmetic: a bool or a number
}

func (c *templateCheck) filtered(v *nodes.FilteredExpression) (int, error) {
	size, err := c.expr(v.Expression)
	if err != nil {
		return 0, err
	}
	for _, f := range v.Filters {
		bound, ok := filterBounds[f.Name]
		if !ok {
			return 0, c.errAt(f.Token, ErrTemplate, "unknown filter %q: config files have %s", f.Name, strings.Join(filterNames(), ", "))
		}
		if n := len(f.Args) + len(f.Kwargs); n > filterArgs[f.Name] {
			return 0, c.errAt(f.Token, ErrTemplate, "filter %q takes at most %d arguments in config files, not %d", f.Name, filterArgs[f.Name], n)
		}
		args := make([]int, 0, len(f.Args)+len(f.Kwargs))
		for _, a := range f.Args {
			n, err := c.expr(a)
			if err != nil {
				return 0, err
			}
			args = append(args, n)
		}
		for _, a := range f.Kwargs {
			n, err := c.expr(a)
			if err != nil {
				return 0, err
			}
			args = append(args, n)
		}
		if size, err = c.account(f.Token, bound(size, args)); err != nil {
			return 0, err
		}
	}
	return size, nil
}

func (c *templateCheck) test(v *nodes.TestExpression) (int, error) {
	if !gonja.DefaultEnvironment.Tests.Exists(v.Test.Name) {
		return 0, c.errAt(v.Test.Token, ErrTemplate, "unknown test %q", v.Test.Name)
	}
	if _, err := c.expr(v.Expression); err != nil {
		return 0, err
	}
	for _, a := range v.Test.Args {
		if _, err := c.expr(a); err != nil {
			return 0, err
		}
	}
	for _, a := range v.Test.Kwargs {
		if _, err := c.expr(a); err != nil {
			return 0, err
		}
	}
	return 8, nil
}

func filterNames() []string { return slices.Sorted(maps.Keys(filterBounds)) }
