package configfile

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/keypath"
)

// decoder fills Go values from resolved nodes, strictly: a key the target
// does not have and a value of the wrong type are errors naming the key path
// and position. Its walk expands aliases; the resolver bounded the tree's
// size so expanded (MaxValues).
type decoder struct {
	f            *File
	allowUnknown bool
	keyPos       pos // of the key whose value is being decoded
}

// yamlUnmarshaler is the interface go-yaml v2 and goccy/go-yaml call; the
// root package's spec types implement it.
type yamlUnmarshaler interface {
	UnmarshalYAML(unmarshal func(any) error) error
}

// validator is implemented by spec types that check themselves.
type validator interface{ Validate() error }

var durationType = reflect.TypeFor[time.Duration]()

func (d *decoder) fail(p pos, path string, k error, format string, args ...any) error {
	return d.f.errorAt(p, path, k, fmt.Sprintf(format, args...))
}

// decode fills rv (settable) from n, at path, then validates it.
func (d *decoder) decode(n *node, path string, rv reflect.Value) error {
	if rv.Kind() == reflect.Pointer {
		if n.kind == nullNode {
			rv.SetZero()
			return nil
		}
		if rv.IsNil() {
			rv.Set(reflect.New(rv.Type().Elem()))
		}
		return d.decode(n, path, rv.Elem())
	}
	if rv.CanAddr() {
		if u, ok := rv.Addr().Interface().(yamlUnmarshaler); ok {
			return d.callUnmarshaler(n, path, rv, u)
		}
	}
	if n.kind == nullNode {
		// A key with no value leaves the target as it was, as PyYAML's None
		// means "not given" to boto3.
		return nil
	}
	if err := d.value(n, path, rv); err != nil {
		return err
	}
	return d.validate(n, path, rv)
}

// value fills rv from n by the Go kind of rv: what the spec types (and
// applications' own sections) are made of.
func (d *decoder) value(n *node, path string, rv reflect.Value) error {
	if rv.Type() == durationType {
		return d.duration(n, path, rv)
	}
	switch rv.Kind() {
	case reflect.String:
		return d.str(n, path, rv)
	case reflect.Bool:
		return d.boolean(n, path, rv)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return d.integer(n, path, rv)
	case reflect.Float32, reflect.Float64:
		return d.float(n, path, rv)
	case reflect.Struct:
		return d.structure(n, path, rv)
	case reflect.Map:
		return d.mapping(n, path, rv)
	case reflect.Slice:
		return d.slice(n, path, rv)
	case reflect.Interface:
		if rv.NumMethod() != 0 {
			break
		}
		v, err := d.plain(n, path)
		if err == nil && v != nil {
			rv.Set(reflect.ValueOf(v))
		}
		return err
	}
	return d.fail(n.pos, path, ErrType, "cannot decode into the Go type %s", rv.Type())
}

func (d *decoder) callUnmarshaler(n *node, path string, rv reflect.Value, u yamlUnmarshaler) error {
	err := u.UnmarshalYAML(func(target any) error {
		tv := reflect.ValueOf(target)
		if tv.Kind() != reflect.Pointer || tv.IsNil() {
			return fmt.Errorf("configfile: unmarshal needs a non-nil pointer, got %T", target)
		}
		return d.decode(n, path, tv.Elem())
	})
	if err != nil {
		var own *Error
		if errors.As(err, &own) {
			return err
		}
		return d.rerooted(n, path, ErrType, err)
	}
	return d.validate(n, path, rv)
}

// validate runs rv's Validate method, if it has one, and re-roots the error
// path under path.
func (d *decoder) validate(n *node, path string, rv reflect.Value) error {
	var v validator
	if rv.CanAddr() {
		v, _ = rv.Addr().Interface().(validator)
	}
	if v == nil && rv.CanInterface() {
		v, _ = rv.Interface().(validator)
	}
	if v == nil || (rv.Kind() == reflect.Pointer && rv.IsNil()) {
		return nil
	}
	if err := v.Validate(); err != nil {
		return d.rerooted(n, path, ErrInvalid, err)
	}
	return nil
}

// rerooted turns an error of a type's own method (Validate, UnmarshalYAML)
// into an *Error at path: see File.fieldError. The key of the value
// being decoded, when there is one, is where a field the file lacks is
// reported.
func (d *decoder) rerooted(n *node, path string, k error, err error) error {
	at := n.pos
	if d.keyPos.line > 0 {
		at = d.keyPos
	}
	return d.f.fieldError(n, path, at, k, err)
}

// fieldError turns err, returned for the value n at path, into an *Error of
// kind k. An awsaccount.FieldError names its field relative to the value
// checked: that path is joined under path and located below n (at when the
// file does not have it). Any other error is placed at n, its message
// hidden when path names a secret.
func (f *File) fieldError(n *node, path string, at pos, k error, err error) *Error {
	var fe awsaccount.FieldError
	if !errors.As(err, &fe) {
		e := f.errorAt(n.pos, path, k, problemOf(path, err))
		e.Err = err
		return e
	}
	rel, problem := fe.Field()
	if more := keypath.CountFieldErrors(err) - 1; more > 0 {
		problem += fmt.Sprintf(" (and %d more problems)", more)
	}
	if p, ok := lookupRel(n, rel); ok {
		at = p
	}
	e := f.errorAt(at, joinPath(path, rel), k, problem)
	e.Err = err
	return e
}

// problemOf is err's message, unless path ends in a secret key: then a
// message that cannot quote the value.
func problemOf(path string, err error) string {
	if isSecret(path) {
		return "is not valid (the value is secret and not shown)"
	}
	return err.Error()
}

// secretKeys are keys whose values never appear in an error.
var secretKeys = []string{
	"aws_secret_access_key", "aws_session_token", "externalid", "tokencode", "webidentitytoken",
	"samlassertion", "password", "secret", "token",
}

func isSecret(path string) bool {
	key := strings.ToLower(lastKey(path))
	key = strings.NewReplacer("-", "", "_", "").Replace(key)
	for _, s := range secretKeys {
		if strings.Contains(key, strings.NewReplacer("-", "", "_", "").Replace(s)) {
			return true
		}
	}
	return false
}

// describe is how an error shows a scalar: quoted, or hidden for secrets.
func describe(n *node, path string) string {
	if isSecret(path) {
		return "a secret value (not shown)"
	}
	switch {
	case n.kind != scalarNode:
		return n.kind.String()
	case n.str:
		return strconv.Quote(n.text)
	}
	return n.text
}

func (d *decoder) str(n *node, path string, rv reflect.Value) error {
	if n.kind != scalarNode {
		return d.fail(n.pos, path, ErrType, "must be a string, not %s", n.kind)
	}
	// Any scalar is taken as written: an all-digit key id or account
	// number keeps its leading zeros.
	rv.SetString(n.text)
	return nil
}

func (d *decoder) boolean(n *node, path string, rv reflect.Value) error {
	if b, ok := n.value.(bool); ok && n.kind == scalarNode {
		rv.SetBool(b)
		return nil
	}
	if n.kind == scalarNode && n.plain {
		// YAML 1.1 booleans, which PyYAML reads.
		switch strings.ToLower(n.text) {
		case "yes", "on", "y":
			rv.SetBool(true)
			return nil
		case "no", "off", "n":
			rv.SetBool(false)
			return nil
		}
	}
	return d.fail(n.pos, path, ErrType, "must be true or false, not %s", describe(n, path))
}

func (d *decoder) integer(n *node, path string, rv reflect.Value) error {
	var i int64
	ok := false
	switch v := n.value.(type) {
	case int64:
		i, ok = v, true
	case uint64:
		if v <= math.MaxInt64 {
			i, ok = int64(v), true
		}
	case float64:
		if v == math.Trunc(v) && v >= math.MinInt64 && v < math.MaxInt64 {
			i, ok = int64(v), true
		}
	}
	if n.kind != scalarNode || n.str || !ok {
		return d.fail(n.pos, path, ErrType, "must be an integer, not %s", describe(n, path))
	}
	if rv.OverflowInt(i) {
		return d.fail(n.pos, path, ErrType, "%s is out of range for %s", describe(n, path), rv.Type())
	}
	rv.SetInt(i)
	return nil
}

func (d *decoder) float(n *node, path string, rv reflect.Value) error {
	f, ok := number(n)
	if !ok {
		return d.fail(n.pos, path, ErrType, "must be a number, not %s", describe(n, path))
	}
	if rv.OverflowFloat(f) {
		return d.fail(n.pos, path, ErrType, "%s is out of range for %s", describe(n, path), rv.Type())
	}
	rv.SetFloat(f)
	return nil
}

func number(n *node) (float64, bool) {
	if n.kind != scalarNode || n.str {
		return 0, false
	}
	switch v := n.value.(type) {
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// duration reads seconds (1, 0.5), as the seed's interval is, or a Go
// duration string ("500ms", "1m30s").
func (d *decoder) duration(n *node, path string, rv reflect.Value) error {
	bad := func() error {
		return d.fail(n.pos, path, ErrType,
			`must be a duration: seconds (1, 0.5) or a Go duration string ("500ms", "2m"), not %s`, describe(n, path))
	}
	if n.kind != scalarNode {
		return bad()
	}
	var secs float64
	if f, ok := number(n); ok {
		secs = f
	} else if s, ok := n.value.(string); ok {
		if dur, err := time.ParseDuration(strings.TrimSpace(s)); err == nil {
			rv.SetInt(int64(dur))
			return nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return bad()
		}
		secs = f
	} else {
		return bad()
	}
	ns := secs * float64(time.Second)
	if math.IsNaN(ns) || ns >= math.MaxInt64 || ns <= math.MinInt64 {
		return d.fail(n.pos, path, ErrType, "%s seconds is out of range for a duration", describe(n, path))
	}
	rv.SetInt(int64(math.Round(ns)))
	return nil
}

func (d *decoder) structure(n *node, path string, rv reflect.Value) error {
	if n.kind != mapNode {
		return d.fail(n.pos, path, ErrType, "must be a mapping (key: value), not %s", n.kind)
	}
	fields := fieldsOf(rv.Type())
	for _, e := range n.keys {
		fi, ok := fields.byKey[e.key]
		if !ok {
			if d.allowUnknown {
				continue
			}
			return d.fail(e.pos, joinPath(path, e.key), ErrUnknownKey,
				"unknown key (known keys: %s)", strings.Join(fields.keys, ", "))
		}
		fv, err := fieldByIndex(rv, fi)
		if err != nil {
			return d.fail(e.pos, joinPath(path, e.key), ErrType, "%v", err)
		}
		saved := d.keyPos
		d.keyPos = e.pos
		err = d.decode(e.value, joinPath(path, e.key), fv)
		d.keyPos = saved
		if err != nil {
			return err
		}
	}
	return nil
}

// fieldByIndex is reflect.Value.FieldByIndex, allocating nil embedded
// pointers on the way.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, fmt.Errorf("cannot set an unexported embedded field of %s", v.Type())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

func (d *decoder) mapping(n *node, path string, rv reflect.Value) error {
	if n.kind != mapNode {
		return d.fail(n.pos, path, ErrType, "must be a mapping (key: value), not %s", n.kind)
	}
	kt := rv.Type().Key()
	if kt.Kind() != reflect.String {
		return d.fail(n.pos, path, ErrType, "cannot decode into the Go type %s: keys must be strings", rv.Type())
	}
	if rv.IsNil() {
		rv.Set(reflect.MakeMapWithSize(rv.Type(), len(n.keys)))
	}
	for _, e := range n.keys {
		ev := reflect.New(rv.Type().Elem()).Elem()
		if old := rv.MapIndex(reflect.ValueOf(e.key).Convert(kt)); old.IsValid() {
			ev.Set(old)
		}
		saved := d.keyPos
		d.keyPos = e.pos
		err := d.decode(e.value, joinPath(path, e.key), ev)
		d.keyPos = saved
		if err != nil {
			return err
		}
		rv.SetMapIndex(reflect.ValueOf(e.key).Convert(kt), ev)
	}
	return nil
}

func (d *decoder) slice(n *node, path string, rv reflect.Value) error {
	if n.kind != seqNode {
		return d.fail(n.pos, path, ErrType, "must be a list, not %s", n.kind)
	}
	out := reflect.MakeSlice(rv.Type(), len(n.items), len(n.items))
	saved := d.keyPos
	defer func() { d.keyPos = saved }()
	for i, item := range n.items {
		d.keyPos = item.pos
		if err := d.decode(item, indexPath(path, i), out.Index(i)); err != nil {
			return err
		}
	}
	rv.Set(out)
	return nil
}

// plain builds the untyped value of n: map[string]any, []any, string, int,
// uint64, float64, bool or nil, as PyYAML would.
func (d *decoder) plain(n *node, path string) (any, error) {
	switch n.kind {
	case scalarNode:
		switch v := n.value.(type) {
		case int64:
			if v >= math.MinInt && v <= math.MaxInt {
				return int(v), nil
			}
		case uint64:
			if v <= math.MaxInt {
				return int(v), nil
			}
		}
		return n.value, nil
	case mapNode:
		m := make(map[string]any, len(n.keys))
		for _, e := range n.keys {
			v, err := d.plain(e.value, joinPath(path, e.key))
			if err != nil {
				return nil, err
			}
			m[e.key] = v
		}
		return m, nil
	case seqNode:
		s := make([]any, len(n.items))
		for i, item := range n.items {
			v, err := d.plain(item, indexPath(path, i))
			if err != nil {
				return nil, err
			}
			s[i] = v
		}
		return s, nil
	}
	return nil, nil
}

// structFields is the YAML view of a struct type.
type structFields struct {
	byKey map[string][]int // key → field index path (through inline fields)
	keys  []string         // sorted, for messages
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byKey: map[string][]int{}}
	collectFields(t, nil, f, 0)
	for k := range f.byKey {
		f.keys = append(f.keys, k)
	}
	slices.Sort(f.keys)
	fieldCache.Store(t, f)
	return f
}

func collectFields(t reflect.Type, index []int, f *structFields, depth int) {
	if depth > 10 {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(slices.Clone(index), i)
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		inline := strings.Contains(","+opts+",", ",inline,") || (sf.Anonymous && name == "" && ft.Kind() == reflect.Struct)
		if inline && ft.Kind() == reflect.Struct {
			collectFields(ft, idx, f, depth+1)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name) // goccy/go-yaml's default
		}
		if _, dup := f.byKey[name]; !dup || len(idx) <= len(f.byKey[name]) {
			f.byKey[name] = idx
		}
	}
}
