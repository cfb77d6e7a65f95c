package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPaginationFlags(t *testing.T) {
	tests := map[string]struct {
		args                       []string
		paginate, noPaginate, fail bool
		maxItems                   int
	}{
		"default":              {args: nil},
		"--paginate":           {args: []string{"--paginate"}, paginate: true},
		"--no-paginate":        {args: []string{"--no-paginate"}, noPaginate: true},
		"--paginate=false":     {args: []string{"--paginate=false"}, noPaginate: true},
		"--max-items":          {args: []string{"--max-items", "7"}, maxItems: 7},
		"both":                 {args: []string{"--paginate", "--no-paginate"}, fail: true},
		"negative --max-items": {args: []string{"--max-items", "-1"}, fail: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, _, _ := testFactory()
			var got *callOptions
			err := parse(t, newCmdCall(f, func(o *callOptions) error { got = o; return nil }), append([]string{"dynamodb", "list_tables"}, tc.args...)...)
			if tc.fail {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.paginate != tc.paginate || got.noPaginate != tc.noPaginate || got.maxItems != tc.maxItems {
				t.Fatalf("parsed paginate=%v no-paginate=%v max-items=%d", got.paginate, got.noPaginate, got.maxItems)
			}
			spec, err := got.prepareCall()
			if err != nil {
				t.Fatal(err)
			}
			if spec.pages != (pageOptions{paginate: !tc.noPaginate, maxItems: tc.maxItems}) {
				t.Fatalf("pages %+v", spec.pages)
			}
		})
	}
}

// Every page by default; --no-paginate makes one request; --max-items
// cuts each result list; a cut result says more_pages, and stderr says so.
func TestPagination(t *testing.T) {
	// moto pages DynamoDB's ListTables by Limit.
	for _, name := range []string{"pager-1", "pager-2", "pager-3"} {
		r := awsacct(t, nil, "call", "dynamodb", "create_table", "-c", demo, "--region", "us-east-1", "--input", `{"TableName": "`+name+`",
			"KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
			"BillingMode": "PAY_PER_REQUEST"}`)
		if r.code != 0 {
			t.Fatalf("create_table: %s%s", r.stdout, r.stderr)
		}
	}
	type rec struct {
		Pages     int
		MorePages bool `json:"more_pages"`
		Result    struct{ TableNames []string }
	}
	list := func(flags ...string) ([]rec, string) {
		t.Helper()
		r := awsacct(t, nil, append([]string{"call", "dynamodb", "list_tables", "-c", demo, "--region", "us-east-1", "--input", `{"Limit": 1}`, "-o", "jsonl"}, flags...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", flags, r.code, r.stderr)
		}
		var out []rec
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var x rec
			if err := json.Unmarshal([]byte(l), &x); err != nil {
				t.Fatal(err)
			}
			out = append(out, x)
		}
		if len(out) != 3 {
			t.Fatalf("%v: %d records, want 3 (one per account)", flags, len(out))
		}
		return out, r.stderr
	}
	recs, stderr := list()
	for _, x := range recs {
		if x.Pages != 3 || len(x.Result.TableNames) != 3 || x.MorePages || stderr != "" {
			t.Fatalf("default: %+v %q", x, stderr)
		}
	}
	recs, stderr = list("--no-paginate")
	for _, x := range recs {
		if x.Pages != 1 || len(x.Result.TableNames) != 1 || !x.MorePages {
			t.Fatalf("--no-paginate: %+v", x)
		}
	}
	if !strings.Contains(stderr, "output cut on 3 of 3 targets (--no-paginate") {
		t.Fatalf("--no-paginate note: %q", stderr)
	}
	recs, stderr = list("--max-items", "2")
	for _, x := range recs {
		if len(x.Result.TableNames) != 2 || !x.MorePages {
			t.Fatalf("--max-items 2: %+v", x)
		}
	}
	if !strings.Contains(stderr, "output cut on 3 of 3 targets (--max-items 2)") {
		t.Fatalf("--max-items note: %q", stderr)
	}
	if recs, stderr = list("--max-items", "3"); recs[0].MorePages || stderr != "" {
		t.Fatalf("--max-items 3 cut nothing: %+v %q", recs[0], stderr)
	}
	r := awsacct(t, nil, "call", "dynamodb", "list_tables", "-c", demo, "--region", "us-east-1", "--max-items", "2", "-o", "jsonl")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	golden(t, "call-dynamodb-max-items.jsonl", r.stdout)
	if r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "--max-items", "2"); r.code != exitError || !strings.Contains(r.stderr, "--max-items: sts GetCallerIdentity has no paginator") {
		t.Fatalf("--max-items without a paginator: %+v", r)
	}
}
