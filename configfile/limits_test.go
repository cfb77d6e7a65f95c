package configfile_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
)

// The goal for any input: done within a second and 100 MiB.
const (
	maxTime  = time.Second
	maxAlloc = 100 << 20
)

// cost is what one call took.
type cost struct {
	elapsed   time.Duration
	allocated uint64 // bytes allocated (TotalAlloc delta)
	inUse     uint64 // heap in use after, above before (HeapInuse delta)
}

func (c cost) String() string {
	return fmt.Sprintf("%v, %.1f MiB allocated, %.1f MiB in use", c.elapsed.Round(time.Millisecond),
		float64(c.allocated)/(1<<20), float64(c.inUse)/(1<<20))
}

// measure runs fn and reports its time and memory.
func measure(fn func()) cost {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	c := cost{elapsed: elapsed, allocated: after.TotalAlloc - before.TotalAlloc}
	if after.HeapInuse > before.HeapInuse {
		c.inUse = after.HeapInuse - before.HeapInuse
	}
	return c
}

// requireBounded fails t when c is over the goal.
func requireBounded(t *testing.T, c cost) {
	t.Helper()
	t.Logf("%s: %v", t.Name(), c)
	if c.elapsed > maxTime*raceSlowdown {
		t.Errorf("took %v, over %v", c.elapsed, maxTime*raceSlowdown)
	}
	if c.allocated > maxAlloc {
		t.Errorf("allocated %d MiB, over %d MiB", c.allocated>>20, maxAlloc>>20)
	}
}

// billionLaughs is nine levels of ten aliases: 10^9 values when expanded.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("l0: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10), ","))
	}
	return b.String()
}

func nestedMappings(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

// Each input that once ran for seconds or minutes (issue 11.2), and each
// bound besides, fails fast with ErrLimit (or ErrTemplate, for what config
// templates do not support) naming the bound and the place.
func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 200_000)
	tests := map[string]struct {
		text string
		data map[string]any
		kind error
		want string // in the message
	}{
		// Ran 43 minutes, deaf to SIGINT.
		"400 KB of nested [": {text: strings.Repeat("[", 400_000), kind: configfile.ErrLimit,
			want: "test.yaml:1:101: nesting deeper than MaxDepth (100) levels"},
		// Took 28-47 s before the old depth error.
		"100,000 nested lists": {text: strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), kind: configfile.ErrLimit,
			want: "test.yaml:1:101: nesting deeper than MaxDepth"},
		"100,000 nested flow mappings": {text: strings.Repeat("{a: ", 100_000) + strings.Repeat("}", 100_000), kind: configfile.ErrLimit,
			want: "test.yaml:1:401: nesting deeper than MaxDepth"},
		"100,000 nested block sequences": {text: strings.Repeat("- ", 100_000) + "x\n", kind: configfile.ErrLimit,
			want: "test.yaml:1:201: nesting deeper than MaxDepth"},
		"nested block mappings": {text: nestedMappings(150), kind: configfile.ErrLimit,
			want: "test.yaml:101:101: nesting deeper than MaxDepth"},
		// Ran 188 s.
		"a Jinja loop over a repeated string": {text: `{% for i in "x"*100000000 %}a{% endfor %}`, kind: configfile.ErrTemplate,
			want: "test.yaml:1: {% for %} is not supported in config files"},
		"string repetition": {text: `a: {{ "x"*100000000 }}`, kind: configfile.ErrTemplate,
			want: "test.yaml:1: the * operator (it repeats text) is not supported"},
		"an assignment": {text: "{% set a = 'x' %}b: {{ a }}", kind: configfile.ErrTemplate,
			want: "{% set %} is not supported"},
		"a macro": {text: "{% macro m() %}x{% endmacro %}", kind: configfile.ErrTemplate,
			want: "{% macro %} is not supported"},
		"a call": {text: "a: {{ A.ljust(100000000) }}", data: map[string]any{"A": "x"}, kind: configfile.ErrTemplate,
			want: "a call"},
		"a padding filter": {text: "a: {{ A | center(100000000) }}", data: map[string]any{"A": "x"}, kind: configfile.ErrTemplate,
			want: `unknown filter "center"`},
		"concatenated variables": {text: "a: {{ B" + strings.Repeat(" ~ B", 90) + " }}", data: map[string]any{"B": big}, kind: configfile.ErrLimit,
			want: "test.yaml:1: the template's expressions may build more than MaxTemplateWork"},
		"a multiplying replace": {text: "a: {{ B | replace('x', B) }}", data: map[string]any{"B": big}, kind: configfile.ErrLimit,
			want: "MaxTemplateWork"},
		"rendered text too large": {text: strings.Repeat("{{ B }}\n", 6), data: map[string]any{"B": big}, kind: configfile.ErrLimit,
			want: "the rendered text is larger than MaxSize"},
		"template code": {text: "a: {{ A" + strings.Repeat(" ~ A", 20_000) + " }}", data: map[string]any{"A": ""}, kind: configfile.ErrLimit,
			want: "test.yaml:1: more than MaxTemplateCode"},
		"brackets in a tag": {text: "a: {{ " + strings.Repeat("(", 10_000) + "A" + strings.Repeat(")", 10_000) + " }}", kind: configfile.ErrLimit,
			want: "test.yaml:1: brackets nested deeper than MaxDepth"},
		// Hung: gonja's error for a chain of 30,000 attributes wraps each
		// level's text, n*n bytes.
		"an attribute chain": {text: "a: {{ A" + strings.Repeat(".b", 30_000) + " }}", kind: configfile.ErrLimit,
			want: "test.yaml:1: a template expression nested deeper than MaxDepth (100) levels"},
		"an operator chain": {text: "a: {{ 2" + strings.Repeat("**2", 15_000) + " }}", kind: configfile.ErrLimit,
			want: "a template expression nested deeper than MaxDepth"},
		"nested ifs": {text: strings.Repeat("{% if A %}", 1000) + strings.Repeat("{% endif %}", 1000), kind: configfile.ErrLimit,
			want: "{% if %} blocks nested deeper than MaxDepth"},
		// Took 7.5 s, then said "no list of {RegionalAccounts: ...}".
		"a billion laughs": {text: billionLaughs(), kind: configfile.ErrLimit,
			want: "test.yaml:6:"},
		"merge keys": {text: "a: &a {" + strings.Repeat("k: 1, ", 1) + "}\nb: &b [" + strings.Repeat("*a, ", 300) + "*a]\n" +
			"c:\n" + strings.Repeat("  - <<: *b\n", 400), kind: configfile.ErrLimit,
			want: "merge keys (<<) bring more than MaxValues (100000) entries"},
		"too large": {text: strings.Repeat("# comment\n", configfile.MaxSize/10+1), kind: configfile.ErrLimit,
			want: "test.yaml: larger than MaxSize (1048576 bytes)"},
		"too many tokens": {text: "[" + strings.Repeat("1,", 60_000) + "1]", kind: configfile.ErrLimit,
			want: "test.yaml:1:50001: more than MaxTokens (50000) YAML tokens"},
		"a long block mapping": {text: keys(3000), kind: configfile.ErrLimit,
			want: "test.yaml:2001:1: block mappings too long: this is key 2001 of the mapping at line 1"},
		// The scan itself must stay linear: a property (&a, !tag) at the
		// end of a line once sent its key lookout to the end of the text.
		"anchors on every line": {text: strings.Repeat("- &a\n", 200_000), kind: configfile.ErrLimit,
			want: "test.yaml:25001:1: more than MaxTokens"},
		"tags on every line": {text: strings.Repeat("- !!str\n", 100_000), kind: configfile.ErrLimit,
			want: "test.yaml:25001:1: more than MaxTokens"},
		"directives": {text: strings.Repeat("%YAML 1.1\n", 100_000) + "---\na: 1\n", kind: configfile.ErrLimit,
			want: "more than MaxTokens"},
		"document end markers": {text: "a: 1\n" + strings.Repeat("...\n", 100_000), kind: configfile.ErrLimit,
			want: "more than MaxTokens"},
		"many documents": {text: strings.Repeat("---\na: 1\n", 50_000), kind: configfile.ErrSyntax,
			want: "test.yaml:3:1: expected a single YAML document, found another"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			data := tc.data
			if data == nil {
				data = map[string]any{"A": "a"}
			}
			var err error
			c := measure(func() {
				var f *configfile.File
				f, err = configfile.Read(strings.NewReader(tc.text), "test.yaml", func(o *configfile.Options) { o.Data = data })
				if err == nil {
					_, err = f.RegionalAccountSpecs("")
				}
			})
			requireBounded(t, c)
			if !errors.Is(err, tc.kind) || !strings.Contains(fmt.Sprint(err), tc.want) {
				t.Errorf("got %v\nwant %v holding %q", err, tc.kind, tc.want)
			}
			requireFieldError(t, err)
		})
	}
}

// numbered is n lines of format, each given its number twice.
func numbered(n int, format string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format+"\n", i, i)
	}
	return b.String()
}

func keys(n int) string { return numbered(n, "k%d: %d") }

// What stays within the bounds loads, also fast: the most of each that a
// config may hold.
func TestWithinLimits(t *testing.T) {
	var laughs strings.Builder // about 8 * 10^4 values
	laughs.WriteString("l0: &l0 [a, b, c, d, e, f, g]\n")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&laughs, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10), ","))
	}
	deepItem := strings.ReplaceAll(nestedMappings(configfile.MaxDepth-1), "\n", "\n  ") + "\n- "
	tests := map[string]string{
		"nesting at MaxDepth":        strings.Repeat("[", configfile.MaxDepth) + strings.Repeat("]", configfile.MaxDepth),
		"block nesting":              nestedMappings(configfile.MaxDepth),
		"a long block mapping":       keys(2000),
		"tokens short of the bound":  "[" + strings.Repeat("1,", configfile.MaxTokens/2-2) + "1]",
		"aliases short of the bound": laughs.String(),
		"a large template":           "a: " + strings.Repeat("{{ A }}", configfile.MaxTemplateCode/8) + "\n",
		// The parser's work grows with depth times tokens: the most of both.
		"deep block lists, many": strings.Repeat(strings.Repeat("- ", configfile.MaxDepth-1)+"x\n", configfile.MaxTokens/configfile.MaxDepth-1),
		"deep flow lists, many": "- " + strings.Repeat(strings.Repeat("[", configfile.MaxDepth-1)+strings.Repeat("]", configfile.MaxDepth-1)+"\n- ",
			configfile.MaxTokens/(2*configfile.MaxDepth)-1) + "x\n",
		"deep block mappings, many":        "- " + strings.Repeat(deepItem, (configfile.MaxSize-10)/len(deepItem)) + "x\n",
		"text near MaxTemplateWork":        "a: {{ B" + strings.Repeat(" ~ B", 40) + " }}\n",
		"undefined variables, many passes": "a: {{ B }}\n" + undefinedNames(99),
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			c := measure(func() {
				var f *configfile.File
				f, err = configfile.Read(strings.NewReader(text), "test.yaml", func(o *configfile.Options) {
					o.Data = map[string]any{"A": "a", "B": strings.Repeat("b", 10_000)}
				})
				if err == nil {
					var v any
					err = f.Decode("", &v)
					f.SetPaths()
				}
			})
			if err != nil && !(errors.Is(err, configfile.ErrUndefined) && strings.Contains(name, "undefined")) {
				t.Fatal(err)
			}
			requireBounded(t, c)
		})
	}
}

func undefinedNames(n int) string { return numbered(n, "u%d: {{ U%d }}") }

// countdown is a context that is done after its Err has been asked n
// times: it stops ReadContext at each of its checks in turn.
type countdown struct {
	context.Context
	n int
}

func (c *countdown) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// ReadContext gives up at any of its checks when the context is done, in
// every phase, with an error that wraps the context's.
func TestReadContextCancel(t *testing.T) {
	text := "a: {{ A }}\nb:\n" + strings.Repeat("  - [1, 2, 3]\n", 5_000) + "c: &c {x: 1}\nd: *c\n"
	checks := 0
	for n := 0; ; n++ {
		ctx := &countdown{Context: context.Background(), n: n}
		_, err := configfile.ReadContext(ctx, strings.NewReader(text), "test.yaml", func(o *configfile.Options) {
			o.Data = map[string]any{"A": "a"}
		})
		if err == nil {
			checks = n
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped after %d checks: %v, not context.Canceled", n, err)
		}
		if n > 10_000 {
			t.Fatal("never done")
		}
	}
	if checks < 5 {
		t.Errorf("only %d cancellation checks", checks)
	}
	t.Logf("%d cancellation checks", checks)
}

// Errors hide substituted text by looking for it in their messages: with
// many substitutions, and many errors made and dropped on the way (a
// ServiceEndpoint tries a URL, then a map), decoding stays fast.
func TestManySubstitutionsAndErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("SessionParameters:\n  ServiceEndpoints:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "    svc%d: {us-east-1: 'https://{{ HOST }}'}\n", i)
	}
	b.WriteString("Other:\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "  - {{ HOST }}-%d\n", i)
	}
	var err error
	c := measure(func() {
		var f *configfile.File
		f, err = configfile.Read(strings.NewReader(b.String()), "test.yaml", func(o *configfile.Options) {
			o.Data = map[string]any{"HOST": "vpce-0123456789.example.test"}
		})
		if err == nil {
			var v struct {
				SessionParameters awsaccount.SessionParameters `yaml:"SessionParameters"`
			}
			err = f.Decode("", &v)
		}
	})
	if !errors.Is(err, configfile.ErrUnknownKey) || !strings.Contains(err.Error(), "Other: unknown key") {
		t.Errorf("got %v", err)
	}
	requireBounded(t, c)
}
