package configfile_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/ratelimit"
)

func read(t *testing.T, text string, data map[string]any) *configfile.File {
	t.Helper()
	f, err := configfile.Read(strings.NewReader(text), "test.yaml", func(o *configfile.Options) { o.Data = data })
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAnchorsAliasesMergeAndRepeatedKeys(t *testing.T) {
	const text = `
base: &base
  max_count: 1
  interval: 2
  block: false
over: &over
  interval: 3
RateLimit: &first
  max_count: 5
  interval: 4
RateLimit: &second
  <<: [*over, *base]
  max_count: 7
uses:
  first: *first
  second: *second
  last: {<<: *base, block: true}
`
	f := read(t, text, nil)
	tests := map[string]struct {
		path string
		want ratelimit.Spec
	}{
		"the last repeated key wins":                         {"RateLimit", spec(7, 3*time.Second, false)},
		"an anchor on an earlier repeated key stays usable":  {"uses.first", spec(5, 4*time.Second, false)},
		"merge: own keys win, then the first merged mapping": {"uses.second", spec(7, 3*time.Second, false)},
		"merge of one alias in a flow mapping":               {"uses.last", spec(1, 2*time.Second, true)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got ratelimit.Spec
			if err := f.Decode(tc.path, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestRateLimitBlocks: a RateLimit block that is present must limit or
// say unlimited: true; a missing interval is reported at the block.
func TestRateLimitBlocks(t *testing.T) {
	f := read(t, "off:\n  unlimited: true\nforgot:\n  max_count: 10\n  block: true\n", nil)
	var off ratelimit.Spec
	if err := f.Decode("off", &off); err != nil || !off.Unlimited || !off.Limit.Unlimited() {
		t.Errorf("Decode(off) = %+v, %v; want unlimited", off, err)
	}
	var forgot ratelimit.Spec
	err := f.Decode("forgot", &forgot)
	var ce *configfile.Error
	if !errors.As(err, &ce) || !errors.Is(err, configfile.ErrInvalid) || ce.Path != "forgot.interval" || ce.Line != 4 {
		t.Fatalf("Decode(forgot) = %v, want ErrInvalid at forgot.interval, line 4", err)
	}
	if !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("Decode(forgot) = %v, want it to match ratelimit.ErrInvalidLimit", err)
	}
}

func spec(n int, interval time.Duration, block bool) ratelimit.Spec {
	var s ratelimit.Spec
	s.MaxCount, s.Interval, s.Block = n, interval, block
	return s
}

func TestInterval(t *testing.T) {
	tests := map[string]time.Duration{
		"1":       time.Second,
		"1.0":     time.Second,
		"0.5":     500 * time.Millisecond,
		`"500ms"`: 500 * time.Millisecond,
		"2m":      2 * time.Minute,
		`"1.5"`:   1500 * time.Millisecond,
		"0":       0,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			var got struct {
				Interval time.Duration `yaml:"interval"`
			}
			if err := read(t, "interval: "+in+"\n", nil).Decode("", &got); err != nil {
				t.Fatal(err)
			}
			if got.Interval != want {
				t.Errorf("got %v, want %v", got.Interval, want)
			}
		})
	}
}

// An application's own section decodes into its own types, strictly.
func TestDecodeAppSection(t *testing.T) {
	const text = `
YourApp:
  Name: inventory
  Workers: 4
  Timeout: 1.5
  Services: [ec2, sqs]
  Labels: {team: infra}
  Extra:
    anything: [1, two]
`
	type app struct {
		Name     string            `yaml:"Name"`
		Workers  int               `yaml:"Workers"`
		Timeout  time.Duration     `yaml:"Timeout"`
		Services []string          `yaml:"Services"`
		Labels   map[string]string `yaml:"Labels"`
		Extra    map[string]any    `yaml:"Extra"`
	}
	f := read(t, text, nil)
	var got app
	if err := f.Decode("YourApp", &got); err != nil {
		t.Fatal(err)
	}
	want := app{Name: "inventory", Workers: 4, Timeout: 1500 * time.Millisecond, Services: []string{"ec2", "sqs"},
		Labels: map[string]string{"team": "infra"}, Extra: map[string]any{"anything": []any{1, "two"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	var svc string
	if err := f.Decode("YourApp.Services[1]", &svc); err != nil || svc != "sqs" {
		t.Errorf("Services[1] = %q, %v", svc, err)
	}

	var narrow struct {
		Name string `yaml:"Name"`
	}
	err := f.Decode("YourApp", &narrow)
	if !errors.Is(err, configfile.ErrUnknownKey) || !strings.Contains(err.Error(), "test.yaml:4:3: YourApp.Workers: unknown key") {
		t.Errorf("strict decode: %v", err)
	}
	lenient, err := configfile.Read(strings.NewReader(text), "test.yaml", func(o *configfile.Options) {
		o.Data, o.AllowUnknownKeys = map[string]any{}, true
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := lenient.Decode("YourApp", &narrow); err != nil || narrow.Name != "inventory" {
		t.Errorf("AllowUnknownKeys: %q, %v", narrow.Name, err)
	}

	err = f.Decode("YourApp.Nope", &narrow)
	if !errors.Is(err, configfile.ErrNotFound) || !strings.Contains(err.Error(), "YourApp.Nope: no such key") {
		t.Errorf("missing path: %v", err)
	}
	if err := f.Decode("YourApp", narrow); err == nil {
		t.Error("Decode into a non-pointer succeeded")
	}
}

func TestTemplate(t *testing.T) {
	const text = "a: {{ A }}\nb: {{ B | default('fallback') }}\nc: {{ C | upper }}\n{% if D is defined %}d: {{ D }}{% endif %}\n"
	f := read(t, text, map[string]any{"A": "1", "C": "x"})
	var got map[string]string
	if err := f.Decode("", &got); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "1", "b": "fallback", "c": "X"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	_, err := configfile.Read(strings.NewReader("a: {{ A }}\nb: {{ B }}\nc: {{ A }}{{ C }}\n"), "t.yaml",
		func(o *configfile.Options) { o.Data = map[string]any{} })
	if !errors.Is(err, configfile.ErrUndefined) {
		t.Fatalf("got %v, want ErrUndefined", err)
	}
	for _, want := range []string{"t.yaml:1: ", "A (line 1)", "B (line 2)", "C (line 3)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
}

// The environment is the default template data.
func TestEnvironmentData(t *testing.T) {
	t.Setenv("CONFIGFILE_TEST_VALUE", "from-env")
	f, err := configfile.Read(strings.NewReader("v: {{ CONFIGFILE_TEST_VALUE }}\n"), "env.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := f.Decode("", &got); err != nil || got["v"] != "from-env" {
		t.Errorf("got %v, %v", got, err)
	}
	env := configfile.Environ([]string{"A=1", "B=x=y", "C"})
	if want := map[string]any{"A": "1", "B": "x=y", "C": ""}; !reflect.DeepEqual(env, want) {
		t.Errorf("Environ = %v, want %v", env, want)
	}
}

// A substitution holding line breaks shifts the lines after it; positions
// then refer to the rendered text, and the error says so.
func TestMultilineSubstitution(t *testing.T) {
	f := read(t, "a: {{ A }}\nRateLimit:\n  max_count: x\n", map[string]any{"A": "|\n  one\n  two"})
	var got struct {
		A         string         `yaml:"a"`
		RateLimit ratelimit.Spec `yaml:"RateLimit"`
	}
	err := f.Decode("", &got)
	var ce *configfile.Error
	if !errors.As(err, &ce) || !ce.Rendered || ce.Line != 5 {
		t.Fatalf("got %#v", err)
	}
	if !strings.Contains(err.Error(), "test.yaml:5:14 (of the rendered text): RateLimit.max_count") {
		t.Errorf("message: %v", err)
	}
}

func TestSetPaths(t *testing.T) {
	const one = "A:\n  - RegionalAccounts: {}\n"
	const two = one + "B:\n  C:\n    - RegionalAccounts: {}\n    - RegionalAccounts: {}\nD: [1, 2]\n"
	if got := read(t, two, nil).SetPaths(); !reflect.DeepEqual(got, []string{"A", "B.C"}) {
		t.Errorf("SetPaths = %v", got)
	}
	_, err := read(t, two, nil).RegionalAccountSpecs("")
	if !errors.Is(err, configfile.ErrAmbiguousSet) || !strings.Contains(err.Error(), "A, B.C") {
		t.Errorf("ambiguous: %v", err)
	}
	_, err = read(t, "D: [1]\n", nil).RegionalAccountSpecs("")
	if !errors.Is(err, configfile.ErrNoSet) {
		t.Errorf("none: %v", err)
	}
	specs, err := read(t, one, nil).RegionalAccountSpecs("")
	if err != nil || len(specs) != 1 {
		t.Errorf("one: %v, %v", specs, err)
	}
}

// Errors never print secrets, whatever the way they are printed.
func TestErrorsHideSecrets(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	texts := map[string]string{
		"list":   "SessionParameters:\n  aws_secret_access_key: [{{ S }}]\n",
		"map":    "SessionParameters:\n  aws_session_token: {x: {{ S }}}\n",
		"syntax": "SessionParameters:\n  aws_secret_access_key: \"{{ S }}\n",
		"flow":   "SessionParameters: {aws_secret_access_key: {{ S }}, : }\n",
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			f, err := configfile.Read(strings.NewReader(text), "s.yaml", func(o *configfile.Options) { o.Data = map[string]any{"S": secret} })
			if err == nil {
				var v struct {
					SessionParameters awsaccount.SessionParameters `yaml:"SessionParameters"`
				}
				err = f.Decode("", &v)
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(s, secret) || strings.Contains(s, "EXAMPLEKEY") {
					t.Errorf("secret shown: %s", s)
				}
			}
		})
	}
}

// Decode fills what configs are made of; other Go types are refused by
// name, not half-filled.
func TestDecodeUnsupportedTypes(t *testing.T) {
	f := read(t, "n: 1\nl: [1, 2]\n", nil)
	tests := map[string]struct {
		path   string
		target any
	}{
		"unsigned":            {"n", new(uint)},
		"array":               {"l", new([2]int)},
		"non-empty interface": {"n", new(fmt.Stringer)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := f.Decode(tc.path, tc.target)
			if !errors.Is(err, configfile.ErrType) || !strings.Contains(err.Error(), "cannot decode into the Go type") {
				t.Errorf("got %v", err)
			}
		})
	}
}
