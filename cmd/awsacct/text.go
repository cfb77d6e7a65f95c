package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// awsText renders a JSON value as the AWS CLI's text output does
// (awscli/text.py), one []string of tab-separated fields per line:
//
//   - an object is one line of its scalar values, by sorted key, led by
//     its key in upper case when it is nested; its objects and lists
//     follow, each under its own key;
//   - a list of objects is one line per object, with the scalar keys of
//     all of them (a missing one is empty), so the columns line up;
//   - a list of scalars is one line of them, or, nested, one line per
//     value led by the key in upper case.
//
// Scalars print as Python prints them: True, False, None.
func awsText(raw json.RawMessage) ([][]string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if len(raw) > 0 {
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	}
	var t textLines
	t.value(v, "", nil)
	return t, nil
}

type textLines [][]string

func (t *textLines) add(fields []string) { *t = append(*t, fields) }

// value writes item under identifier ("" at the top); scalarKeys are the
// columns of a list of objects item belongs to.
func (t *textLines) value(item any, identifier string, scalarKeys []string) {
	switch x := item.(type) {
	case map[string]any:
		t.object(x, identifier, scalarKeys)
	case []any:
		t.list(x, identifier)
	default:
		t.add([]string{textScalar(x)})
	}
}

func (t *textLines) list(items []any, identifier string) {
	if len(items) == 0 {
		return
	}
	switch {
	case slices.ContainsFunc(items, isObject):
		keys := allScalarKeys(items)
		for _, el := range items {
			t.value(el, identifier, keys)
		}
	case slices.ContainsFunc(items, isList):
		var scalars, others []any
		for _, el := range items {
			if isObject(el) || isList(el) {
				others = append(others, el)
			} else {
				scalars = append(scalars, el)
			}
		}
		if len(scalars) > 0 {
			t.scalarList(scalars, identifier)
		}
		for _, el := range others {
			t.value(el, identifier, nil)
		}
	default:
		t.scalarList(items, identifier)
	}
}

func (t *textLines) scalarList(items []any, identifier string) {
	if identifier != "" {
		for _, it := range items {
			t.add([]string{strings.ToUpper(identifier), textScalar(it)})
		}
		return
	}
	fields := make([]string, len(items))
	for i, it := range items {
		fields[i] = textScalar(it)
	}
	t.add(fields)
}

func (t *textLines) object(m map[string]any, identifier string, scalarKeys []string) {
	var scalars []string
	var nested []string // keys of objects and lists, sorted
	if scalarKeys == nil {
		for _, k := range sortedKeys(m) {
			if v := m[k]; isObject(v) || isList(v) {
				nested = append(nested, k)
			} else {
				scalars = append(scalars, textScalar(v))
			}
		}
	} else {
		for _, k := range scalarKeys {
			v, ok := m[k]
			if !ok {
				scalars = append(scalars, "")
				continue
			}
			scalars = append(scalars, textScalar(v))
		}
		for _, k := range sortedKeys(m) {
			if !slices.Contains(scalarKeys, k) {
				nested = append(nested, k)
			}
		}
	}
	if len(scalars) > 0 {
		if identifier != "" {
			scalars = append([]string{strings.ToUpper(identifier)}, scalars...)
		}
		t.add(scalars)
	}
	for _, k := range nested {
		t.value(m[k], k, nil)
	}
}

// allScalarKeys are the keys with a scalar value in any of the objects,
// sorted.
func allScalarKeys(items []any) []string {
	var keys []string
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			for k, v := range m {
				if !isObject(v) && !isList(v) && !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	slices.Sort(keys)
	return keys
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }
func isList(v any) bool   { _, ok := v.([]any); return ok }

// textScalar prints a scalar as the AWS CLI (Python's str) does.
func textScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	case json.Number:
		return x.String()
	}
	// An object or list where a column wanted a scalar: compact JSON.
	b, _ := json.Marshal(v)
	return string(b)
}
