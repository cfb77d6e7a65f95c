package awsapi

import (
	"reflect"
	"strings"
)

// mergePage folds one page (an SDK output struct) into dst, a struct of the
// same type: slices are appended, maps merged key by key (slice values
// appended), pointer fields take the page's value unless the page left them
// nil, and other fields take the page's value.
func mergePage(dst, page reflect.Value) {
	t := dst.Type()
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			continue
		}
		d, p := dst.Field(i), page.Field(i)
		switch d.Kind() {
		case reflect.Slice:
			switch {
			case p.IsNil():
			case d.IsNil():
				d.Set(p)
			default:
				d.Set(reflect.AppendSlice(d, p))
			}
		case reflect.Map:
			if p.IsNil() {
				continue
			}
			if d.IsNil() {
				d.Set(reflect.MakeMapWithSize(d.Type(), p.Len()))
			}
			iter := p.MapRange()
			for iter.Next() {
				k, v := iter.Key(), iter.Value()
				if old := d.MapIndex(k); old.IsValid() && v.Kind() == reflect.Slice {
					v = reflect.AppendSlice(old, v)
				}
				d.SetMapIndex(k, v)
			}
		case reflect.Pointer, reflect.Interface:
			if !p.IsNil() {
				d.Set(p)
			}
		default:
			// Non-pointer fields (IsTruncated bool) are always present:
			// the last page's value is the answer.
			d.Set(p)
		}
	}
}

// fallbackTokens are next-page token fields cleared in every merged output,
// beside those the generator found in the paginator.
var fallbackTokens = []string{"NextToken", "NextMarker", "NextContinuationToken", "NextPageToken"}

// clearTokens zeroes the next-page token fields of a merged output: the
// paths the paginator reads (e.g. "Marker", "EngineDefaults.Marker") and
// the usual names, so a merged result does not look like a partial one.
func clearTokens(out reflect.Value, paths []string) {
	for _, p := range paths {
		clearPath(out, strings.Split(p, "."))
	}
	for _, name := range fallbackTokens {
		clearPath(out, []string{name})
	}
}

func clearPath(v reflect.Value, path []string) {
	for i, name := range path {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return
		}
		f := v.FieldByName(name)
		if !f.IsValid() || !f.CanSet() {
			return
		}
		if i == len(path)-1 {
			f.SetZero()
			return
		}
		v = f
	}
}
