package otelsmithy

import (
	"fmt"

	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel/attribute"
)

// attributeOf turns one smithy property into an attribute. Keys are strings
// in every property the SDK sets; another key is named by its %v. Values
// of the types an attribute holds are kept as they are, others become
// their %v.
func attributeOf(k, v any) (attribute.KeyValue, bool) {
	key, ok := k.(string)
	if !ok {
		key = fmt.Sprint(k)
	}
	if key == "" {
		return attribute.KeyValue{}, false
	}
	switch v := v.(type) {
	case nil:
		return attribute.KeyValue{}, false
	case string:
		return attribute.String(key, v), true
	case bool:
		return attribute.Bool(key, v), true
	case int:
		return attribute.Int(key, v), true
	case int64:
		return attribute.Int64(key, v), true
	case int32:
		return attribute.Int64(key, int64(v)), true
	case float64:
		return attribute.Float64(key, v), true
	case []string:
		return attribute.StringSlice(key, v), true
	case []bool:
		return attribute.BoolSlice(key, v), true
	case []int:
		return attribute.IntSlice(key, v), true
	case []int64:
		return attribute.Int64Slice(key, v), true
	case []float64:
		return attribute.Float64Slice(key, v), true
	case fmt.Stringer:
		return attribute.String(key, v.String()), true
	}
	return attribute.String(key, fmt.Sprint(v)), true
}

// attributes turns properties into attributes.
func attributes(p *smithy.Properties) []attribute.KeyValue {
	vals := p.Values()
	if len(vals) == 0 {
		return nil
	}
	kvs := make([]attribute.KeyValue, 0, len(vals))
	for k, v := range vals {
		if kv, ok := attributeOf(k, v); ok {
			kvs = append(kvs, kv)
		}
	}
	return kvs
}
