package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// The AWS CLI's text rendering (awscli/text.py), case by case.
func TestAWSText(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"scalar":                 {`"x"`, "x\n"},
		"null and bools":         {`{"b": true, "a": null, "c": false}`, "None\tTrue\tFalse\n"},
		"numbers as written":     {`{"n": 1, "f": 1.5}`, "1.5\t1\n"},
		"bare scalar list":       {`["a", "b", 3]`, "a\tb\t3\n"},
		"nested scalar list":     {`{"Names": ["a", "b"]}`, "NAMES\ta\nNAMES\tb\n"},
		"scalars then nested":    {`{"Z": 1, "A": "x", "Tags": [{"Key": "k", "Value": "v"}]}`, "x\t1\nTAGS\tk\tv\n"},
		"list of objects lines":  {`{"Vpcs": [{"VpcId": "vpc-1", "IsDefault": true}, {"VpcId": "vpc-2", "IsDefault": false}]}`, "VPCS\tTrue\tvpc-1\nVPCS\tFalse\tvpc-2\n"},
		"missing keys are empty": {`[{"foo": "a", "bar": "b"}, {"foo": "c"}]`, "b\ta\n\tc\n"},
		"deep":                   {`{"Reservations": [{"Id": "r-1", "Instances": [{"Id": "i-1", "State": {"Name": "running"}}]}]}`, "RESERVATIONS\tr-1\nINSTANCES\ti-1\nSTATE\trunning\n"},
		"empty list":             {`{"Vpcs": []}`, ""},
		"list of lists":          {`[["a", "b"], ["c"]]`, "a\tb\nc\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			lines, err := awsText(json.RawMessage(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, l := range lines {
				b.WriteString(strings.Join(l, "\t") + "\n")
			}
			if b.String() != tc.want {
				t.Fatalf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

// YAML keeps the JSON's key order and quotes every string a YAML reader
// would take for something else.
func TestYAML(t *testing.T) {
	in := `{"account_id": "123456789012", "region": "us-east-1", "n": 5, "ok": true, "none": null,
		"Strings": ["yes", "No", "1e3", "2024-01-01", "a: b", "#c", "-d", "", "trailing ", "arn:aws:iam::1:role/x", "two words", "line\nbreak"],
		"Empty": [], "Obj": {}, "List": [{"B": 1, "A": [1, [2, 3]]}]}`
	want := `account_id: "123456789012"
region: us-east-1
"n": 5
ok: true
none: null
Strings:
- "yes"
- "No"
- "1e3"
- "2024-01-01"
- "a: b"
- "#c"
- "-d"
- ""
- "trailing "
- arn:aws:iam::1:role/x
- two words
- "line\nbreak"
Empty: []
Obj: {}
List:
- B: 1
  A:
  - 1
  -
    - 2
    - 3
`
	n, err := parseOrdered([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeYAML(&b, n, 0, "")
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// Every format of every command, on the demo's targets.
func TestFormats(t *testing.T) {
	for _, cmd := range []string{"targets", "whoami"} {
		for _, format := range []string{"jsonl", "text", "yaml"} {
			t.Run(cmd+"."+format, func(t *testing.T) {
				r := awsacct(t, nil, cmd, "-c", demo, "-o", format)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				golden(t, cmd+"."+format, r.stdout)
			})
		}
	}
	for _, format := range []string{"text", "yaml"} {
		t.Run("call-sts."+format, func(t *testing.T) {
			r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", demo, "-o", format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, "call-sts."+format, r.stdout)
		})
		t.Run("call-ec2."+format, func(t *testing.T) {
			r := awsacct(t, nil, "call", "ec2", "describe_vpcs", "-c", demo, "--region", "us-east-1", "--input", `{"Filters": [{"Name": "is-default", "Values": ["true"]}]}`, "-o", format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, "call-ec2."+format, r.stdout)
		})
	}
	// An empty list of rows is still the format's empty list.
	for format, want := range map[string]string{"json": "[]\n", "yaml": "[]\n", "jsonl": "", "text": ""} {
		var b bytes.Buffer
		w := newRowWriter(&b, format, whoamiView)
		if err := w.close(); err != nil || b.String() != want {
			t.Errorf("%s, no rows: %q %v, want %q", format, b.String(), err, want)
		}
	}
}
