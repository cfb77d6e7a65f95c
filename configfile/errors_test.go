package configfile_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/ratelimit"
	"github.com/awsaccount/awsaccount/regions"
)

// requireFieldError checks the one error contract: a bad input is an
// *Error that errors.As finds as an awsaccount.FieldError, naming the same
// path and problem.
func requireFieldError(t *testing.T, err error) *configfile.Error {
	t.Helper()
	var ce *configfile.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%T is not a *configfile.Error: %v", err, err)
	}
	var fe awsaccount.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As finds no awsaccount.FieldError in %v", err)
	}
	if path, problem := fe.Field(); path != ce.Path || problem != ce.Problem {
		t.Errorf("Field() = %q, %q; want %q, %q", path, problem, ce.Path, ce.Problem)
	}
	return ce
}

// Every invalid config fails with a FieldError; a Validate refusal
// (ErrInvalid) keeps the field error of the layer that made it reachable.
func TestInvalidConfigsAreFieldErrors(t *testing.T) {
	isParameterError := func(err error) bool {
		var pe *awsaccount.ParameterError
		return errors.As(err, &pe) && errors.Is(err, awsaccount.ErrInvalidParameter)
	}
	isLimitError := func(err error) bool {
		var le *ratelimit.LimitError
		return errors.As(err, &le) && errors.Is(err, ratelimit.ErrInvalidLimit)
	}
	isFilterError := func(err error) bool {
		var fe *regions.FilterError
		return errors.As(err, &fe)
	}
	causes := map[string]func(error) bool{
		"bad-service-endpoint-url":      isParameterError,
		"duration-seconds-out-of-range": isParameterError,
		"key-without-secret":            isParameterError,
		"malformed-rolearn":             isParameterError,
		"service-endpoint-bad-region":   isParameterError,
		"tags-wrong-shape":              isParameterError,
		"token-code-without-serial":     isParameterError,
		"negative-max-count":            isLimitError,
		"region-limit-negative":         isLimitError,
		"region-limit-no-interval":      isLimitError,
		"unknown-partition":             isFilterError,
		"unknown-region":                isFilterError,
	}
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			err := loadAndDecode(file)
			ce := requireFieldError(t, err)
			cause, ok := causes[name]
			if errors.Is(err, configfile.ErrInvalid) && !ok {
				t.Errorf("an ErrInvalid case without an expected cause: add %s to the table", name)
			}
			if !ok {
				return
			}
			if !cause(err) {
				t.Errorf("the cause is not reached: %#v", ce.Err)
			}
			var inner awsaccount.FieldError
			if !errors.As(ce.Err, &inner) {
				t.Errorf("Err %T is not a FieldError", ce.Err)
			}
		})
	}
}

// The registry's own checks (what decoding does not check) come back
// re-rooted under the set item that failed, located in the file, with the
// registry's *ParameterError reachable.
func TestRegionalAccountSetRegistryErrors(t *testing.T) {
	const text = `Account: &acct
  SessionParameters:
    aws_access_key_id: AKIAIOSFODNN7EXAMPLE
    aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    region_name: us-east-1
YourApp:
  RegionalAccountSet:
    - RegionalAccounts:
        Account: *acct
        Filter: {Partitions: {aws: {Regions: {include: [us-east-1]}}}}
    - RegionalAccounts:
        Account: *acct
        RegionSource: sometimes
`
	f := read(t, text, map[string]any{})
	_, err := f.RegionalAccountSet(context.Background(), "", awsaccount.NewRegistry())
	ce := requireFieldError(t, err)
	if want := "YourApp.RegionalAccountSet[1].RegionalAccounts.RegionSource"; ce.Path != want || ce.Line != 13 || ce.Column != 9 {
		t.Errorf("at %s:%d:%d, want %s:13:9", ce.Path, ce.Line, ce.Column, want)
	}
	if !errors.Is(err, configfile.ErrInvalid) || !errors.Is(err, awsaccount.ErrInvalidParameter) {
		t.Errorf("kinds: %v", err)
	}
	var pe *awsaccount.ParameterError
	if !errors.As(err, &pe) || pe.Path != "RegionSource" {
		t.Errorf("ParameterError %+v", pe)
	}
	if !strings.HasPrefix(err.Error(), "test.yaml:13:9: YourApp.RegionalAccountSet[1].RegionalAccounts.RegionSource: unknown source") {
		t.Errorf("message: %v", err)
	}
}

// The errors of finding a set are field errors too.
func TestSetErrorsAreFieldErrors(t *testing.T) {
	tests := map[string]struct {
		text, path string
		kind       error
	}{
		"no set":          {"D: [1]\n", "", configfile.ErrNoSet},
		"several sets":    {"A: [{RegionalAccounts: {}}]\nB: [{RegionalAccounts: {}}]\n", "", configfile.ErrAmbiguousSet},
		"no such path":    {"A: [{RegionalAccounts: {}}]\n", "B", configfile.ErrNotFound},
		"not a set":       {"A: {RegionalAccounts: {}}\n", "A", configfile.ErrType},
		"unknown key":     {"A: [{RegionalAccounts: {Acount: {}}}]\n", "A", configfile.ErrUnknownKey},
		"bad filter item": {"A: [{RegionalAccounts: {Filter: {Partitions: {aws: {Regions: {include: [nowhere-1]}}}}}}]\n", "", configfile.ErrInvalid},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := read(t, tc.text, map[string]any{})
			_, err := f.RegionalAccountSet(context.Background(), tc.path, awsaccount.NewRegistry())
			requireFieldError(t, err)
			if !errors.Is(err, tc.kind) {
				t.Errorf("got %v, want %v", err, tc.kind)
			}
		})
	}
}
