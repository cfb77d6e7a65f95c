package configfile_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
)

// FuzzLoad feeds arbitrary text to Read and to everything that reads a
// File, without network or files, and asserts for each input: no panic;
// every failure a *configfile.Error and an awsaccount.FieldError; and the
// whole done within a time and a memory bound (issue 11: no input may run
// for long or eat memory). CI runs it for a bounded time:
//
//	go test -run '^$' -fuzz '^FuzzLoad$' -fuzztime 20s ./configfile/
//
// Its seed corpus is testdata/fuzz/FuzzLoad (the seed's configs and the
// invalid ones) plus the inputs below: nesting, aliases and templates at
// and past the bounds.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"a: 1\n",
		"a: &x {b: 1}\nc: *x\nd: {<<: *x, e: 2}\n",
		"YourApp:\n RegionalAccountSet:\n  - RegionalAccounts: {Filter: {Partitions: {aws: {Regions: {include: [us-east-1]}}}}}\n",
		"a: [1, 2\n",
		"\tb: 1\n",
		// Nesting.
		strings.Repeat("[", 99) + strings.Repeat("]", 99),
		strings.Repeat("[", 400),
		strings.Repeat("{a: ", 120) + strings.Repeat("}", 120),
		strings.Repeat("- ", 101) + "x\n",
		nestedMappings(30),
		"a:\n- b\n- c:\n   - d: |\n      text\n  e: >-\n   folded\n",
		"? complex\n: key\n'quoted': \"dq\\\"\"\n",
		// Aliases and merge keys.
		billionLaughs(),
		"a: &a [x, y]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n",
		"a: &a {k: 1}\nb: {<<: [*a, *a], k: 2}\nc: *b\n",
		"a: *a\n",
		"a: &a [*a]\n",
		// Templates.
		"{{ A | default('x') }}: {% if B is defined %}1{% else %}2{% endif %}\n",
		"a: {{ A | upper | replace('A', 'bb') | tojson }}\n",
		"a: {{ UNDEFINED }}\nb: {{ ALSO }}\n",
		"{% for i in \"x\"*100000000 %}a{% endfor %}",
		"a: {{ 'x' * 1000000 }}\n",
		"a: {{ A | nosuch }}\n",
		"a: {{ (((((((A))))))) ~ A }}\n{# comment #}\n{% raw %}{{ x }}{% endraw %}\n",
		"a: {{ A\n",
		"---\na: 1\n---\nb: 2\n",
	} {
		f.Add(s)
	}
	data := map[string]any{"A": "a", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_ASSUME_ROLE": "arn:aws:iam::111122223333:role/test"}
	f.Fuzz(func(t *testing.T, text string) {
		c := measureLoad(t, text, data)
		// Generous against the goal (1 s, 100 MiB): fuzz workers share the
		// machine. Time is noisy there (a descheduled worker), so a slow
		// input is tried again before it fails; memory is not.
		limit := 2 * maxTime * raceSlowdown
		if c.elapsed > limit {
			if c = measureLoad(t, text, data); c.elapsed > limit {
				t.Errorf("took %v, twice over %v", c.elapsed, limit)
			}
		}
		if c.allocated > maxAlloc {
			t.Errorf("allocated %d MiB, over %d MiB", c.allocated>>20, maxAlloc>>20)
		}
	})
}

// measureLoad is loadEverything's time and allocation: measure without
// its garbage collection, which would slow fuzzing down.
func measureLoad(t *testing.T, text string, data map[string]any) cost {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	loadEverything(t, text, data)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return cost{elapsed: elapsed, allocated: after.TotalAlloc - before.TotalAlloc}
}

// loadEverything reads text and takes everything out of it that needs no
// network.
func loadEverything(t *testing.T, text string, data map[string]any) {
	file, err := configfile.Read(strings.NewReader(text), "fuzz.yaml", func(o *configfile.Options) { o.Data = data })
	if err != nil {
		requireContract(t, "Read", err)
		return
	}
	var v any
	if err := file.Decode("", &v); err != nil {
		requireContract(t, "Decode", err)
	}
	for _, p := range file.SetPaths() {
		if _, err := file.RegionalAccountSpecs(p); err != nil {
			requireContract(t, "RegionalAccountSpecs("+p+")", err)
		}
	}
}

func requireContract(t *testing.T, op string, err error) {
	t.Helper()
	var ce *configfile.Error
	var fe awsaccount.FieldError
	if !errors.As(err, &ce) || !errors.As(err, &fe) {
		t.Fatalf("%s: %T is not a *configfile.Error and FieldError: %v", op, err, err)
	}
}
