package configfile_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount/configfile"
)

var update = flag.Bool("update", false, "rewrite the .err files of testdata/invalid with the errors produced (review the diff!)")

// testData are the template variables of the invalid configs.
var testData = map[string]any{
	"AWS_ACCESS_KEY_ID":     "AKIAIOSFODNN7EXAMPLE",
	"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"AWS_ASSUME_ROLE":       "arn:aws:iam::111122223333:role/test",
}

// Each testdata/invalid/NAME.yaml must fail to load, or to decode its
// RegionalAccountSet (at YourApp.RegionalAccountSet), with an error holding
// every line of NAME.err; a line starting with "!" is text the error must
// NOT hold (a secret).
func TestInvalidConfigs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("only %d invalid configs", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			err := loadAndDecode(file)
			if err == nil {
				t.Fatal("no error")
			}
			var ce *configfile.Error
			if !errors.As(err, &ce) {
				t.Errorf("%T is not a *configfile.Error: %v", err, err)
			}
			t.Log(err)
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			if *update {
				keep := err.Error() + "\n"
				old, _ := os.ReadFile(golden)
				for _, line := range strings.Split(string(old), "\n") {
					if strings.HasPrefix(line, "!") {
						keep += line + "\n"
					}
				}
				if err := os.WriteFile(golden, []byte(keep), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatal(rerr)
			}
			for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
				if strings.HasPrefix(line, "!") {
					if strings.Contains(err.Error(), line[1:]) {
						t.Errorf("error shows %q:\n%v", line[1:], err)
					}
					continue
				}
				if !strings.Contains(err.Error(), line) {
					t.Errorf("error\n\t%v\nlacks\n\t%s", err, line)
				}
			}
			if isSecretCase(name) && strings.Contains(err.Error(), testData["AWS_SECRET_ACCESS_KEY"].(string)) {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

func isSecretCase(name string) bool {
	return strings.Contains(name, "secret") || strings.Contains(name, "token") || strings.Contains(name, "external")
}

func loadAndDecode(file string) error {
	f, err := configfile.Load(file, func(o *configfile.Options) { o.Data = testData })
	if err != nil {
		return err
	}
	_, err = f.RegionalAccountSpecs("YourApp.RegionalAccountSet")
	return err
}
