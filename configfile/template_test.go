package configfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/configfile"
)

// Template errors read cleanly: the filter or construct by name, and its
// line; never the engine's dump of its parse tree (issue 11.10).
func TestTemplateErrors(t *testing.T) {
	tests := map[string]struct {
		text string
		want string
	}{
		"an unknown filter":       {"a: 1\nb: {{ A | nosuch }}\n", `test.yaml:2: unknown filter "nosuch": config files have capitalize, count, d, default,`},
		"an unknown filter, args": {"a: 1\nb: {{ A | nosuch(1, {'k': 'v'}) }}\n", `test.yaml:2: unknown filter "nosuch"`},
		"a filter call that fails": {"a: 1\nb: {{ A | replace }}\n",
			"test.yaml:2: filtered_expression(A): filter 'replace': invalid call to filter 'replace': missing required 1st positional argument 'old'"},
		"too many filter arguments": {"a: {{ A | tojson(indent=100000) }}\n", `test.yaml:1: filter "tojson" takes at most 0 arguments in config files, not 1`},
		"an unknown test":           {"a: 1\n\nb: {{ A is nosuch }}\n", `test.yaml:3: unknown test "nosuch"`},
		"a loop":                    {"{% for x in [1] %}a: {{ x }}{% endfor %}\n", "test.yaml:1: {% for %} is not supported in config files: only {% if %} and {% raw %} are"},
		"a method call":             {"a: {{ A.upper() }}\n", "test.yaml:1: a call (A.upper) is not supported in config files"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := configfile.Read(strings.NewReader(tc.text), "test.yaml", func(o *configfile.Options) { o.Data = map[string]any{"A": "a"} })
			if !errors.Is(err, configfile.ErrTemplate) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant ErrTemplate holding %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "<Token") || strings.Contains(err.Error(), "map[") {
				t.Errorf("engine internals: %v", err)
			}
			requireFieldError(t, err)
		})
	}
}

// What config templates have works: filters, tests, if, raw, comments.
func TestTemplateSubset(t *testing.T) {
	const text = `a: {{ A | default('x') | upper }}
b: {{ B | d('fallback') | replace('fall', 'set') }}
c: {{ A | tojson }}
{% if A is defined and A != 'z' %}d: {{ A ~ '-' ~ (A | length) }}{% elif B %}d: no{% else %}d: never{% endif %}
e: {% raw %}"{{ kept }}"{% endraw %}
{# a comment #}f: {{ 'x' if A else 'y' }}
`
	f := read(t, text, map[string]any{"A": "a"})
	var got map[string]string
	if err := f.Decode("", &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "A", "b": "setback", "c": "a", "d": "a-1", "e": "{{ kept }}", "f": "x"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// Every filter config templates allow is one the engine has.
func TestFilterNamesExist(t *testing.T) {
	for _, name := range []string{"default", "d", "lower", "upper", "capitalize", "title", "trim", "replace", "string",
		"int", "float", "length", "count", "first", "last", "tojson"} {
		text := "a: {{ A | " + name + " }}\n"
		switch name {
		case "replace":
			text = "a: {{ A | replace('a', 'b') }}\n"
		case "default", "d":
			text = "a: {{ A | " + name + "('x') }}\n"
		}
		if _, err := configfile.Read(strings.NewReader(text), "test.yaml", func(o *configfile.Options) { o.Data = map[string]any{"A": "a"} }); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
