package configfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/configfile"
)

// FuzzLoad feeds arbitrary text to Read and to everything that reads a
// File, without network or files: no panic, and every failure a
// *configfile.Error. CI runs it for a bounded time:
//
//	go test -run '^$' -fuzz FuzzLoad -fuzztime 20s ./configfile/
//
// Its seed corpus is testdata/fuzz/FuzzLoad (the seed's configs and the
// invalid ones) plus the inputs below.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"a: 1\n",
		"a: &x {b: 1}\nc: *x\nd: {<<: *x, e: 2}\n",
		"YourApp:\n RegionalAccountSet:\n  - RegionalAccounts: {Filter: {Partitions: {aws: {Regions: {include: [us-east-1]}}}}}\n",
		"{{ A | default('x') }}: {% if B is defined %}1{% else %}2{% endif %}\n",
		"a: [1, 2\n",
		"\tb: 1\n",
	} {
		f.Add(s)
	}
	data := map[string]any{"A": "a", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_ASSUME_ROLE": "arn:aws:iam::111122223333:role/test"}
	f.Fuzz(func(t *testing.T, text string) {
		file, err := configfile.Read(strings.NewReader(text), "fuzz.yaml", func(o *configfile.Options) { o.Data = data })
		if err != nil {
			var ce *configfile.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Read: %T is not a *configfile.Error: %v", err, err)
			}
			return
		}
		var v any
		if err := file.Decode("", &v); err != nil {
			var ce *configfile.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Decode: %T: %v", err, err)
			}
		}
		for _, p := range file.SetPaths() {
			if _, err := file.RegionalAccountSpecs(p); err != nil {
				var ce *configfile.Error
				if !errors.As(err, &ce) {
					t.Fatalf("RegionalAccountSpecs(%q): %T: %v", p, err, err)
				}
			}
		}
	})
}
