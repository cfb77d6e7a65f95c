package configfile

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsaccount/awsaccount"
)

// Sentinels for the kinds of failure; every *Error matches exactly one of
// them with errors.Is.
var (
	// ErrTemplate: the Jinja template could not be parsed or rendered.
	ErrTemplate = errors.New("template error")
	// ErrUndefined: the template uses variables that have no value and no
	// default. The message names every one of them.
	ErrUndefined = errors.New("undefined template variable")
	// ErrSyntax: the rendered text is not valid YAML (indentation, tabs,
	// a missing or duplicate anchor, several documents, ...).
	ErrSyntax = errors.New("YAML syntax error")
	// ErrLimit: the file exceeds one of the package's bounds (MaxSize,
	// MaxDepth, MaxTokens, MaxKeyPairs, MaxValues, MaxTemplateCode,
	// MaxTemplateWork); the message names it.
	ErrLimit = errors.New("config exceeds a limit")
	// ErrEmpty: the file holds no document.
	ErrEmpty = errors.New("empty config file")
	// ErrNotFound: the dotted path names nothing in the file.
	ErrNotFound = errors.New("path not found")
	// ErrUnknownKey: a mapping has a key the target type does not know.
	ErrUnknownKey = errors.New("unknown key")
	// ErrType: a value has the wrong shape or type for its target.
	ErrType = errors.New("wrong type")
	// ErrInvalid: the value decoded but its Validate method (or the
	// Registry) refused it. errors.As reaches the awsaccount.FieldError
	// beneath: an *awsaccount.ParameterError where the root package made
	// it, a *ratelimit.LimitError or *regions.FilterError otherwise.
	ErrInvalid = errors.New("invalid value")
	// ErrNoSet: the file holds no RegionalAccountSet list.
	ErrNoSet = errors.New("no RegionalAccountSet in the file")
	// ErrAmbiguousSet: the file holds several RegionalAccountSet lists and
	// none was named.
	ErrAmbiguousSet = errors.New("several RegionalAccountSets in the file")
)

// Error is a problem in a config file, located by file name, key path and
// position. It never quotes the value of a secret (aws_secret_access_key,
// aws_session_token, ExternalId, TokenCode, WebIdentityToken and the like)
// nor a line of the source.
//
// Line and Column count from 1 in the rendered text, which has the lines of
// the source unless a template substitution added or removed line breaks;
// then Rendered is true and the message says so.
type Error struct {
	File     string // the name given to Read, or the path given to Load
	Path     string // dotted key path, e.g. YourApp.RegionalAccountSet[1].RegionalAccounts.RateLimit.max_count
	Line     int    // 0 when unknown
	Column   int    // 0 when unknown
	Rendered bool   // Line and Column refer to the rendered text, not the source
	Problem  string // what is wrong
	Kind     error  // one of the package's sentinels
	Err      error  // the cause, if any (e.g. *awsaccount.ParameterError)
}

var _ awsaccount.FieldError = (*Error)(nil)

// Field returns Path and Problem: an *Error is one of the field errors that
// awsaccount.FieldError describes, its path rooted at the file's document.
func (e *Error) Field() (path, problem string) { return e.Path, e.Problem }

// Error reads "file:line:col: key.path: problem".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
		if e.Rendered {
			b.WriteString(" (of the rendered text)")
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Unwrap returns the kind and the cause, so that errors.Is matches the
// sentinel and errors.As reaches the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}
