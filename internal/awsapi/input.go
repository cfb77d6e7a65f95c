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
// ("InstanceIds", "MaxResults"), matched as encoding/json does: exactly,
// else ignoring case, so boto3's spelling of the same names works. Enum
// fields take their string values, timestamps RFC 3339 strings, blobs
// base64. Empty data or "null" is the zero input.
//
// Every error is an [*InputError] (matching [ErrInvalidInput]): an unknown
// field, at any depth, names its path ("Filters[0].Nmae") and the valid
// field names there; a value of the wrong type names the field and the
// type wanted. Union-typed members (Go interfaces such as DynamoDB's
// types.AttributeValue) cannot be decoded from JSON.
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
	if path, valid := unknownField(tree, o.in, ""); path != "" {
		e := &InputError{Operation: o.String(), Path: path, Valid: valid, Reason: "unknown field"}
		e.Suggest = suggest(path[strings.LastIndexAny(path, ".]")+1:], valid, 3)
		return nil, e
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

// unknownField walks the decoded JSON tree beside the Go type it will be
// decoded into and returns the path of the first key that matches no field,
// with the valid field names there. Type mismatches are left to
// encoding/json.
func unknownField(tree any, t reflect.Type, path string) (string, []string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, u := range unmarshalerTypes {
		if t.Implements(u) || reflect.PointerTo(t).Implements(u) {
			return "", nil
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := tree.(map[string]any)
		if !ok {
			return "", nil
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			f, ok := fieldFor(t, k)
			if !ok {
				return join(path, k), fieldNames(t)
			}
			if p, valid := unknownField(obj[k], f.Type, join(path, f.Name)); p != "" {
				return p, valid
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := tree.([]any)
		if !ok {
			return "", nil
		}
		for i, v := range arr {
			if p, valid := unknownField(v, t.Elem(), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p, valid
			}
		}
	case reflect.Map:
		obj, ok := tree.(map[string]any)
		if !ok {
			return "", nil
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if p, valid := unknownField(obj[k], t.Elem(), path+"["+strconv.Quote(k)+"]"); p != "" {
				return p, valid
			}
		}
	}
	return "", nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldFor finds the field encoding/json would decode key into: the exact
// name first, then one equal under case folding. SDK types carry no json
// tags.
func fieldFor(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous || f.Tag.Get("json") == "-" {
			continue
		}
		if f.Name == key {
			return f, true
		}
		if !found && strings.EqualFold(f.Name, key) {
			folded, found = f, true
		}
	}
	return folded, found
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
