package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The YAML writer's emitter: JSON in, block-style YAML out, with the keys
// in the order the JSON has them (the SDK's field order, as the AWS CLI
// prints them). Strings are quoted (in JSON's double-quoted form, which
// YAML reads alike) unless they are plainly text, so that no YAML reader
// takes an account id for a number or "no" for false.

// jsonNode is a JSON value with its object keys in order.
type jsonNode struct {
	scalar string // a scalar as YAML writes it; "" for an object or array
	json   string // a scalar as JSON writes it
	isObj  bool
	keys   []string
	vals   []*jsonNode // object values, by keys; array items
}

func parseOrdered(raw []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := parseNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("yaml: trailing data after the JSON value")
	}
	return n, nil
}

func parseNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &jsonNode{isObj: t == '{'}
		for dec.More() {
			if n.isObj {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		_, err := dec.Token() // the closing delimiter
		return n, err
	case string:
		b, err := marshal(t)
		return &jsonNode{scalar: yamlString(t), json: string(b)}, err
	case json.Number:
		return &jsonNode{scalar: t.String(), json: t.String()}, nil
	case bool:
		return &jsonNode{scalar: fmt.Sprint(t), json: fmt.Sprint(t)}, nil
	case nil:
		return &jsonNode{scalar: "null", json: "null"}, nil
	}
	return nil, fmt.Errorf("yaml: unexpected JSON token %v", tok)
}

func (n *jsonNode) isScalar() bool { return n.scalar != "" }
func (n *jsonNode) isEmpty() bool  { return !n.isScalar() && len(n.vals) == 0 }

// emptyText is how an empty object or array is written.
func (n *jsonNode) emptyText() string {
	if n.isObj {
		return "{}"
	}
	return "[]"
}

// writeYAML writes n as a block at indent spaces. first is written before
// the first line in place of its indentation ("- " for a list item).
func writeYAML(b *bytes.Buffer, n *jsonNode, indent int, first string) {
	pad := strings.Repeat(" ", indent)
	lead := func(i int) string {
		if i == 0 && first != "" {
			return first
		}
		return pad
	}
	switch {
	case n.isScalar():
		b.WriteString(lead(0) + n.scalar + "\n")
	case n.isEmpty():
		b.WriteString(lead(0) + n.emptyText() + "\n")
	case n.isObj:
		for i, k := range n.keys {
			v := n.vals[i]
			b.WriteString(lead(i) + yamlString(k) + ":")
			switch {
			case v.isScalar():
				b.WriteString(" " + v.scalar + "\n")
			case v.isEmpty():
				b.WriteString(" " + v.emptyText() + "\n")
			case v.isObj:
				b.WriteString("\n")
				writeYAML(b, v, indent+2, "")
			default: // a list, at the key's indentation
				b.WriteString("\n")
				writeYAML(b, v, indent, "")
			}
		}
	default:
		for i, v := range n.vals {
			item := lead(i) + "- "
			if v.isScalar() || v.isEmpty() || v.isObj {
				writeYAML(b, v, indent+2, item)
				continue
			}
			b.WriteString(item[:len(item)-1] + "\n") // a list in a list
			writeYAML(b, v, indent+2, "")
		}
	}
}

// yamlString is s as a YAML scalar: plain when it is plainly text, else
// double-quoted with JSON's escapes.
func yamlString(s string) string {
	if plainYAML(s) {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// plainYAML reports whether s reads back as the same string unquoted,
// under YAML 1.1 and 1.2 alike: it starts with a letter, '/' or '_' (so it
// is no number, date or indicator), uses a few punctuation marks, has no
// ": " and no leading or trailing space, and is no boolean or null word.
func plainYAML(s string) bool {
	if s == "" || strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || strings.HasSuffix(s, " ") {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 {
			if !letter && r != '/' && r != '_' {
				return false
			}
			continue
		}
		if !letter && !(r >= '0' && r <= '9') && !strings.ContainsRune(" -._/@+=,:()", r) {
			return false
		}
	}
	return true
}
