package awsapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// DecodeInput decodes JSON into a new *<Name>Input of the operation, e.g.
// *ec2.DescribeInstancesInput. Keys are the SDK's Go field names
// ("InstanceIds", "MaxResults"), matched exactly, as the AWS CLI matches
// its input JSON: a key that differs from a field only in case
// ("maxresults") is refused with the field's spelling suggested, rather
// than accepted as encoding/json would. Enum fields take their string
// values, timestamps RFC 3339 strings, blobs base64. Empty data or "null"
// is the zero input. DecodeInput checks the JSON against the input type
// only; [Operation.Validate] checks required fields.
//
// Every error is an [*InputError] (matching [ErrInvalidInput]): an unknown
// field, at any depth, names its path ("Filters[0].Nmae") and the valid
// field names there, or for a case-only mismatch the right spelling; a
// value of the wrong type names the field and the type wanted. Union-typed
// members (Go interfaces such as DynamoDB's types.AttributeValue) cannot be
// decoded from JSON.
func (o Operation) DecodeInput(data []byte) (any, error) {
	in := reflect.New(o.in)
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return in.Interface(), nil
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return nil, &InputError{Operation: o.String(), Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &InputError{Operation: o.String(), Reason: "data after the JSON value"}
	}
	if bad := unknownField(tree, o.in, "", camelCaseAPI[o.Service.Name]); bad != nil {
		return nil, bad.inputError(o.String())
	}
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in.Interface()); err != nil {
		e := &InputError{Operation: o.String(), Err: err}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			e.Path = te.Field
			e.Reason = fmt.Sprintf("cannot use JSON %s as %s", te.Value, te.Type)
		}
		return nil, e
	}
	return in.Interface(), nil
}

var unmarshalerTypes = []reflect.Type{
	reflect.TypeFor[json.Unmarshaler](),
	reflect.TypeFor[encoding.TextUnmarshaler](),
}

// badField is a JSON key that names no field of the input type exactly.
type badField struct {
	path  string   // "Filters[1].Nmae"
	valid []string // the field names valid there
	want  string   // for a key that differs from a field only in case: the field's name
}

func (f *badField) inputError(op string) *InputError {
	if f.want != "" {
		return &InputError{Operation: op, Path: f.path, Suggest: []string{f.want},
			Reason: "unknown field (field names are case-sensitive)"}
	}
	key := f.path[strings.LastIndexAny(f.path, ".]")+1:]
	return &InputError{Operation: op, Path: f.path, Valid: f.valid,
		Suggest: suggest(key, f.valid, 3), Reason: "unknown field"}
}

// unknownField walks the decoded JSON tree beside the Go type it will be
// decoded into and returns the first key (in sorted order, at any depth)
// that names no field exactly, or nil. Type mismatches are left to
// encoding/json.
func unknownField(tree any, t reflect.Type, path string, camel bool) *badField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, u := range unmarshalerTypes {
		if t.Implements(u) || reflect.PointerTo(t).Implements(u) {
			return nil
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, _ := tree.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			f, exact := fieldFor(t, k, camel)
			switch {
			case f == nil:
				return &badField{path: join(path, k), valid: fieldNames(t)}
			case !exact:
				return &badField{path: join(path, k), want: f.Name}
			}
			if bad := unknownField(obj[k], f.Type, join(path, f.Name), camel); bad != nil {
				return bad
			}
		}
	case reflect.Slice, reflect.Array:
		arr, _ := tree.([]any)
		for i, v := range arr {
			if bad := unknownField(v, t.Elem(), path+"["+strconv.Itoa(i)+"]", camel); bad != nil {
				return bad
			}
		}
	case reflect.Map:
		obj, _ := tree.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if bad := unknownField(obj[k], t.Elem(), path+"["+strconv.Quote(k)+"]", camel); bad != nil {
				return bad
			}
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldFor finds the field named key (the SDK's name, or, with camel, the
// API's camelCase spelling of it) and reports whether the name matched exactly; failing that, the field encoding/json would decode key into (one
// equal under case folding), with exact false. It returns nil when no field
// matches. SDK types carry no json tags.
func fieldFor(t reflect.Type, key string, camel bool) (f *reflect.StructField, exact bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Anonymous || sf.Tag.Get("json") == "-" {
			continue
		}
		if sf.Name == key || (camel && apiSpelling(sf.Name) == key) {
			return &sf, true
		}
		if f == nil && strings.EqualFold(sf.Name, key) {
			f = &sf
		}
	}
	return f, false
}

// camelCaseAPI are the services whose API models (and so the AWS CLI's
// JSON input) spell members in camelCase: for them "logGroupName" is as
// exact as the SDK's LogGroupName. Elsewhere the API spells members as the
// SDK does, and any other case is refused.
var camelCaseAPI = map[string]bool{"logs": true, "ecs": true, "eks": true}

// apiSpelling is a field's name as a camelCase API spells it.
func apiSpelling(name string) string {
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return name
	}
	return string(name[0]+'a'-'A') + name[1:]
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && !f.Anonymous && f.Tag.Get("json") != "-" {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	return names
}
