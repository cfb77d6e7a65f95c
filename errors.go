package awsaccount

import (
	"errors"
	"fmt"
)

// ErrInvalidParameter is matched (errors.Is) by every *ParameterError: input
// that was refused before any network call.
var ErrInvalidParameter = errors.New("invalid parameter")

// ParameterError reports a bad value in a spec, named by its YAML key path
// (for example "AssumeRole.DurationSeconds"). It never quotes a secret value.
type ParameterError struct {
	Path    string // YAML key path of the offending field
	Problem string // what is wrong with it
}

func (e *ParameterError) Error() string { return e.Path + ": " + e.Problem }

// Is reports whether target is ErrInvalidParameter.
func (e *ParameterError) Is(target error) bool { return target == ErrInvalidParameter }

func fieldErr(path, problem string) error { return &ParameterError{Path: path, Problem: problem} }

// prefixed re-roots the path of a ParameterError under prefix.
func prefixed(prefix string, err error) error {
	var pe *ParameterError
	if errors.As(err, &pe) {
		return &ParameterError{Path: prefix + "." + pe.Path, Problem: pe.Problem}
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
