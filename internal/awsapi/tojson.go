package awsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aws/smithy-go/middleware"
)

var (
	metadataType  = reflect.TypeFor[middleware.Metadata]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

// ToJSON marshals an SDK value (typically [Result.Output]) to compact JSON
// keyed by the SDK's Go field names, in declaration order, for output. It
// leaves out what is noise rather than data:
//
//   - ResultMetadata (middleware.Metadata) and unexported fields, such as the
//     noSmithyDocumentSerde marker every SDK struct embeds;
//   - struct fields that are nil pointers, slices, maps or interfaces (fields
//     the response did not carry), and non-pointer fields holding their zero
//     value (false, 0, "": the SDK uses non-pointer fields only where zero
//     means unset, notably enums).
//
// Empty but non-nil slices and maps, and pointers to zero values, are kept:
// the response carried them. Timestamps are RFC 3339, blobs base64. A union
// member (an interface holding, say, types.AttributeValueMemberS{Value: "x"})
// is written as {"S":"x"}, boto3's shape. Map keys are sorted. HTML
// characters are not escaped.
func ToJSON(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	e := encoder{buf: &b}
	if err := e.value(reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return json.RawMessage(b.Bytes()), nil
}

type encoder struct {
	buf *bytes.Buffer
}

func (e *encoder) value(v reflect.Value) error {
	if !v.IsValid() {
		e.buf.WriteString("null")
		return nil
	}
	t := v.Type()
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && t.Implements(marshalerType) {
		return e.marshal(v.Interface())
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		if v.IsNil() {
			e.buf.WriteString("null")
			return nil
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		return e.value(v.Elem())
	case reflect.Interface:
		return e.union(v.Elem())
	case reflect.Struct:
		return e.object(v)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return e.marshal(v.Bytes())
		}
		return e.array(v)
	case reflect.Array:
		return e.array(v)
	case reflect.Map:
		return e.mapObject(v)
	case reflect.String:
		writeString(e.buf, v.String())
	case reflect.Bool:
		e.buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf.Write(strconv.AppendInt(e.buf.AvailableBuffer(), v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.buf.Write(strconv.AppendUint(e.buf.AvailableBuffer(), v.Uint(), 10))
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return fmt.Errorf("awsapi: cannot write %s as JSON", t)
	default:
		return e.marshal(v.Interface())
	}
	return nil
}

// array writes a slice or array (not nil) as a JSON array.
func (e *encoder) array(v reflect.Value) error {
	e.buf.WriteByte('[')
	for i := range v.Len() {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		if err := e.value(v.Index(i)); err != nil {
			return err
		}
	}
	e.buf.WriteByte(']')
	return nil
}

// mapObject writes a map (not nil) as a JSON object with sorted keys.
func (e *encoder) mapObject(v reflect.Value) error {
	keys := v.MapKeys()
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = fmt.Sprint(k.Interface())
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return names[order[i]] < names[order[j]] })
	e.buf.WriteByte('{')
	for n, i := range order {
		if n > 0 {
			e.buf.WriteByte(',')
		}
		writeString(e.buf, names[i])
		e.buf.WriteByte(':')
		if err := e.value(v.MapIndex(keys[i])); err != nil {
			return err
		}
	}
	e.buf.WriteByte('}')
	return nil
}

func (e *encoder) object(v reflect.Value) error {
	e.buf.WriteByte('{')
	first := true
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if omit(fv) {
			continue
		}
		if !first {
			e.buf.WriteByte(',')
		}
		first = false
		e.buf.WriteString(f.key)
		if err := e.value(fv); err != nil {
			return fmt.Errorf("%s.%s: %w", v.Type().Name(), f.name, err)
		}
	}
	e.buf.WriteByte('}')
	return nil
}

// field is a struct field ToJSON writes.
type field struct {
	index int
	name  string
	key   string // `"Name":`
}

// fieldCache maps a struct type to its []field, as encoding/json caches its
// encoders: SDK structs have up to a hundred fields, and walking them with
// reflect on every value dominated the cost.
var fieldCache sync.Map

func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var fields []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous || f.Type == metadataType {
			continue
		}
		key, _ := json.Marshal(f.Name)
		fields = append(fields, field{index: i, name: f.Name, key: string(key) + ":"})
	}
	f, _ := fieldCache.LoadOrStore(t, fields)
	return f.([]field)
}

// union writes a union member (types.XxxMemberYyy{Value: v}) as {"Yyy": v};
// any other value as itself.
func (e *encoder) union(v reflect.Value) error {
	s := v
	for s.Kind() == reflect.Pointer && !s.IsNil() {
		s = s.Elem()
	}
	if s.Kind() == reflect.Struct {
		if _, member, ok := strings.Cut(s.Type().Name(), "Member"); ok && member != "" {
			if val := s.FieldByName("Value"); val.IsValid() {
				e.buf.WriteByte('{')
				writeString(e.buf, member)
				e.buf.WriteByte(':')
				if err := e.value(val); err != nil {
					return err
				}
				e.buf.WriteByte('}')
				return nil
			}
		}
	}
	return e.value(v)
}

func omit(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.Struct, reflect.Array:
		return false
	default:
		return v.IsZero()
	}
}

func (e *encoder) marshal(x any) error {
	enc := json.NewEncoder(e.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return err
	}
	// Encode ends each value with a newline.
	e.buf.Truncate(e.buf.Len() - 1)
	return nil
}

// writeString writes s as a JSON string as encoding/json does with HTML
// escaping off: it is most of what SDK outputs hold.
func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
