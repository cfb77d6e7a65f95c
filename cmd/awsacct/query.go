package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmespath-community/go-jmespath"
	"github.com/jmespath-community/go-jmespath/pkg/functions"
	"github.com/jmespath-community/go-jmespath/pkg/parsing"
)

// query is a compiled --query: a JMESPath expression applied to each
// target's result, as the AWS CLI applies it to a response. It is safe for
// concurrent use by multiple goroutines.
type query struct {
	expr string
	jp   jmespath.JMESPath
}

// compileQuery compiles expr; "" is no query (nil). A syntax error or an
// unknown function is refused here, before any request, with where it is.
func compileQuery(expr string) (*query, error) {
	if expr == "" {
		return nil, nil
	}
	ast, err := jmespath.NewParser().Parse(expr)
	if err != nil {
		var se jmespath.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("--query: %v:\n  %s", err, strings.ReplaceAll(se.HighlightLocation(), "\n", "\n  "))
		}
		return nil, fmt.Errorf("--query: %w", err)
	}
	// Functions are looked up as they run, which may be never for a
	// target whose data does not reach them: check their names now.
	if name, ok := unknownFunction(ast); ok {
		return nil, fmt.Errorf("--query %q: unknown function %s()", expr, name)
	}
	jp, err := jmespath.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("--query: %w", err)
	}
	return &query{expr: expr, jp: jp}, nil
}

// unknownFunction finds the first function the expression calls that
// JMESPath does not have.
func unknownFunction(n parsing.ASTNode) (string, bool) {
	if n.NodeType == parsing.ASTFunctionExpression {
		name, _ := n.Value.(string)
		if !slices.ContainsFunc(functions.GetDefaultFunctions(), func(f functions.FunctionEntry) bool { return f.Name == name }) {
			return name, true
		}
	}
	for _, c := range n.Children {
		if name, ok := unknownFunction(c); ok {
			return name, true
		}
	}
	return "", false
}

// apply evaluates the query on one result. The result's objects come out
// with their keys sorted (JMESPath works on unordered maps).
func (q *query) apply(raw json.RawMessage) (json.RawMessage, error) {
	var data any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &data); err != nil {
			return nil, err
		}
	}
	v, err := q.jp.Search(data)
	if err != nil {
		return nil, &queryError{expr: q.expr, err: err}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, &queryError{expr: q.expr, err: err}
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// queryError is a query that failed on one target's data (a function
// given the wrong type, for one).
type queryError struct {
	expr string
	err  error
}

func (e *queryError) Error() string { return fmt.Sprintf("--query %q: %v", e.expr, e.err) }
func (e *queryError) Unwrap() error { return e.err }
