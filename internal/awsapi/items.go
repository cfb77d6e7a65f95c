package awsapi

import (
	"reflect"
	"strings"
)

// itemList is the path of a paginated output's main list: the list
// [CallOptions.MaxItems] counts, as the AWS CLI counts its paginator's
// first result key.
type itemList struct {
	path []string // field names from the output struct: "EngineDefaults", "Parameters"
}

// mainLists names the main list of the paginated outputs that have several
// lists or a nested one, where the output's type does not say which: the
// first result_key of the operation in botocore's paginators-1.json, which
// the AWS CLI counts for --max-items (TestMainListsMatchBotocore checks
// them). Every other paginated output has exactly one slice field, its main
// list (an output that also has a map field, like DynamoDB BatchGetItem's,
// has none). Keys are Operation.String().
var mainLists = map[string]string{
	"CloudWatch DescribeAlarms":                  "MetricAlarms",
	"CloudWatch GetMetricData":                   "MetricDataResults",
	"CloudWatch ListMetrics":                     "Metrics",
	"CloudWatch Logs FilterLogEvents":            "Events",
	"DynamoDB Query":                             "Items",
	"DynamoDB Scan":                              "Items",
	"IAM GetAccountAuthorizationDetails":         "UserDetailList",
	"IAM ListEntitiesForPolicy":                  "PolicyGroups",
	"RDS DescribeEngineDefaultClusterParameters": "EngineDefaults.Parameters",
	"RDS DescribeEngineDefaultParameters":        "EngineDefaults.Parameters",
	"S3 ListMultipartUploads":                    "Uploads",
	"S3 ListObjectVersions":                      "Versions",
	"S3 ListObjectsV2":                           "Contents",
	"Secrets Manager BatchGetSecretValue":        "SecretValues",
}

// findItemList returns the main list of op's output type out, or nil when
// there is none (DynamoDB BatchGetItem's output holds maps; RDS
// DownloadDBLogFilePortion's a string).
func findItemList(op string, out reflect.Type) *itemList {
	if p, ok := mainLists[op]; ok {
		return &itemList{path: strings.Split(p, ".")}
	}
	var found *itemList
	for i := range out.NumField() {
		f := out.Field(i)
		isList := f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() != reflect.Uint8
		if !f.IsExported() || !isList && f.Type.Kind() != reflect.Map {
			continue
		}
		if found != nil || !isList {
			return nil // several collections and no entry in mainLists
		}
		found = &itemList{path: []string{f.Name}}
	}
	return found
}

// slice returns the list in out, a pointer to an output struct; an invalid
// Value when a struct on the way is nil.
func (l *itemList) slice(out reflect.Value) reflect.Value {
	v := out
	for _, name := range l.path {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
		v = v.FieldByName(name)
	}
	return v
}

// len returns the number of items in out.
func (l *itemList) len(out reflect.Value) int {
	if s := l.slice(out); s.IsValid() {
		return s.Len()
	}
	return 0
}

// cut shortens the list in out to n items when n is positive and the list
// is longer, and reports whether it did.
func (l *itemList) cut(out reflect.Value, n int) bool {
	if l == nil || n <= 0 {
		return false
	}
	s := l.slice(out)
	if !s.IsValid() || s.Len() <= n {
		return false
	}
	s.Set(s.Slice(0, n))
	return true
}

// ItemList returns the dotted path of the output field that
// [CallOptions.MaxItems] counts ("Reservations", "EngineDefaults.Parameters"),
// or "" when the operation has no paginator or its output no main list.
func (o Operation) ItemList() string {
	if o.items == nil {
		return ""
	}
	return strings.Join(o.items.path, ".")
}
