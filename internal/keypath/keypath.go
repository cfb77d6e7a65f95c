// Package keypath joins the YAML key paths that field errors carry
// ("YourApp.RegionalAccountSet[1].RegionalAccounts.RateLimit.max_count") and
// counts the field errors in an error's tree: one spelling for the root
// package, which roots a spec's errors under its YAML block, and for
// configfile, which roots them under their place in a file.
package keypath

import "strings"

// Join joins a child path under parent: "a" and "b" give "a.b", "a" and
// "[1].b" give "a[1].b"; an empty side gives the other.
func Join(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}

// fieldError is awsaccount.FieldError's method, which this package cannot
// import.
type fieldError interface {
	Field() (path, problem string)
}

// CountFieldErrors counts the errors with a Field method in err's tree (a
// Validate may join several: regions.Filter.Validate reports every bad
// pattern). An error with a Field method counts once, whatever it wraps.
func CountFieldErrors(err error) int {
	if _, ok := err.(fieldError); ok {
		return 1
	}
	n := 0
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			n += CountFieldErrors(e)
		}
	case interface{ Unwrap() error }:
		n = CountFieldErrors(u.Unwrap())
	}
	return n
}
