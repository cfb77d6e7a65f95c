package configfile_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/ratelimit"
)

// readOrDecode reads text with data and decodes it into v; it returns the
// first error.
func readOrDecode(text string, data map[string]any, v any) error {
	f, err := configfile.Read(strings.NewReader(text), "s.yaml", func(o *configfile.Options) { o.Data = data })
	if err != nil {
		return err
	}
	return f.Decode("", v)
}

// An error about text that a substitution produced shows the variable and
// the line of its {{ }}, never the text (issue 11.6).
func TestErrorsHideSubstitutedText(t *testing.T) {
	type limits struct {
		RateLimit ratelimit.Spec `yaml:"RateLimit"`
	}
	type role struct {
		AssumeRole awsaccount.AssumeRoleParameters `yaml:"AssumeRole"`
	}
	tests := map[string]struct {
		text   string
		data   map[string]any
		target any
		kind   error
		want   []string // in the message
		hidden string   // not in the message
	}{
		"an alias from a variable": {
			text: "a: 1\nalias: {{ SECRET }}\n", data: map[string]any{"SECRET": "*S3cr3tAlias"},
			kind:   configfile.ErrSyntax,
			want:   []string{"s.yaml:2:8: alias {{ SECRET }} refers to no anchor", "{{ SECRET }} at line 2"},
			hidden: "S3cr3tAlias",
		},
		"an alias name from a variable": {
			text: "alias: *{{ SECRET }}\n", data: map[string]any{"SECRET": "S3cr3tAlias"},
			kind: configfile.ErrSyntax, want: []string{"alias *{{ SECRET }} refers"}, hidden: "S3cr3tAlias",
		},
		"an anchor defined twice": {
			text: "a: &{{ S }} 1\nb: &{{ S }} 2\n", data: map[string]any{"S": "S3cr3tAnchor"},
			kind: configfile.ErrSyntax, want: []string{"anchor &{{ S }} is defined twice"}, hidden: "S3cr3tAnchor",
		},
		"a value of the wrong type": {
			text: "RateLimit:\n  max_count: {{ N }}\n", data: map[string]any{"N": "tenfold"}, target: new(limits),
			kind: configfile.ErrType, want: []string{`RateLimit.max_count: must be an integer, not "{{ N }}"`}, hidden: "tenfold",
		},
		"a value a Validate refuses": {
			text: "AssumeRole:\n  RoleArn: {{ ROLE }}\n", data: map[string]any{"ROLE": "arn:aws:iam::1:role/x"}, target: new(role),
			kind: configfile.ErrInvalid, want: []string{`AssumeRole.RoleArn: "{{ ROLE }}" is not an IAM role ARN`}, hidden: "iam::1:role",
		},
		"part of a value": {
			text: "AssumeRole:\n  RoleArn: arn:aws:iam::{{ ACCOUNT }}:role/x\n", data: map[string]any{"ACCOUNT": "98765"}, target: new(role),
			kind: configfile.ErrInvalid, want: []string{`"arn:aws:iam::{{ ACCOUNT }}:role/x" is not an IAM role ARN`, "(want arn:aws:iam::123456789012:role"}, hidden: "98765",
		},
		"a key from a variable": {
			text: "RateLimit:\n  {{ K }}: 1\n", data: map[string]any{"K": "s3cretkey"}, target: new(limits),
			kind: configfile.ErrUnknownKey, want: []string{"RateLimit.{{ K }}: unknown key"}, hidden: "s3cretkey",
		},
		// A short value elsewhere is not taken for part of a message.
		"a short value on another line": {
			text: "n: {{ N }}\nRateLimit:\n  max_count: -1\n", data: map[string]any{"N": "1"}, target: new(struct {
				N         int            `yaml:"n"`
				RateLimit ratelimit.Spec `yaml:"RateLimit"`
			}),
			kind: configfile.ErrInvalid, want: []string{"RateLimit.max_count: must be at least 1, got -1"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			target := tc.target
			if target == nil {
				target = new(any)
			}
			err := readOrDecode(tc.text, tc.data, target)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			requireFieldError(t, err)
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if tc.hidden != "" && strings.Contains(s, tc.hidden) {
					t.Errorf("shows %q: %s", tc.hidden, s)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
		})
	}
}

// A substituted value holding " #" would be cut at the '#' by YAML's
// comment rule: that is an error, and | tojson takes any value whole.
func TestSubstitutedComment(t *testing.T) {
	const value = `p4ss #word: 'single' "double" \ <&> * [x] {y}`
	_, err := configfile.Read(strings.NewReader("key: {{ PASS }}\n"), "s.yaml",
		func(o *configfile.Options) { o.Data = map[string]any{"PASS": value} })
	if !errors.Is(err, configfile.ErrSyntax) || !strings.Contains(err.Error(), "s.yaml:1:11: the text substituted by {{ PASS }} holds a ' #'") ||
		!strings.Contains(err.Error(), "{{ PASS | tojson }}") {
		t.Errorf("got %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "word") {
		t.Errorf("shows the value: %v", err)
	}

	var got map[string]string
	if err := readOrDecode("key: {{ PASS | tojson }}\n", map[string]any{"PASS": value}, &got); err != nil {
		t.Fatal(err)
	}
	if got["key"] != value {
		t.Errorf("tojson: got %q, want %q", got["key"], value)
	}

	// A '#' that YAML does not read as a comment is left alone.
	for _, text := range []string{"key: {{ V }}\n", "key: '{{ V }}'\n", "key: |\n  {{ V }}\n"} {
		if err := readOrDecode(text, map[string]any{"V": "a#b"}, new(any)); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
	if err := readOrDecode("key: \"{{ V }}\"\n", map[string]any{"V": "a #b"}, new(any)); err != nil {
		t.Errorf("quoted: %v", err)
	}
}

// An error about the whole file leaves short substituted texts alone, and
// hides long ones.
func TestWholeFileErrorsHideLongSubstitutions(t *testing.T) {
	f := read(t, "a: {{ SHORT }}\n{{ LONG }}: [1]\n", map[string]any{"SHORT": "list", "LONG": "Secret-Key-Name"})
	_, err := f.RegionalAccountSpecs("")
	if !errors.Is(err, configfile.ErrNoSet) || err.Error() != "test.yaml: no list of {RegionalAccounts: ...} or {Organization: ...} items in the file" {
		t.Errorf("got %v", err)
	}
	err = f.Decode("Secret-Key-Name.x", new(any))
	if !errors.Is(err, configfile.ErrNotFound) || strings.Contains(err.Error(), "Secret-Key") || !strings.Contains(err.Error(), "{{ LONG }}") {
		t.Errorf("got %v", err)
	}
}
