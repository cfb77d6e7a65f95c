package regions

import (
	"errors"
	"fmt"
	"path"
)

// Sentinels for errors.Is. The errors this package returns wrap one of them
// in a *NameError or *PatternError, and inside a Filter in a *FilterError
// that says where.
var (
	// ErrUnknownPartition reports a partition name not in the tables.
	ErrUnknownPartition = errors.New("unknown partition")
	// ErrUnknownService reports a service name boto3 does not know.
	ErrUnknownService = errors.New("unknown service")
	// ErrUnknownRegion reports a region name the partition does not have.
	ErrUnknownRegion = errors.New("unknown region")
	// ErrBadPattern reports a malformed glob; it is path.ErrBadPattern.
	ErrBadPattern = path.ErrBadPattern
	// ErrNoMatch reports a well-formed glob that matches no name of its
	// partition.
	ErrNoMatch = errors.New("pattern matches nothing")
)

// NameError reports a partition, service or region name the tables do not
// know. Errors.Is matches it against its Kind.
type NameError struct {
	Kind      error  // ErrUnknownPartition, ErrUnknownService or ErrUnknownRegion
	Name      string // the name as given
	Partition string // for a region: the partition it was looked up in
	// Hint, when not empty, is a likely correction ("did you mean us-east-1?")
	// or the reason the name is refused.
	Hint string
}

// Error reports the kind, the name, its partition and the hint.
func (e *NameError) Error() string {
	s := fmt.Sprintf("%v %q", e.Kind, e.Name)
	if e.Partition != "" {
		s += " in partition " + e.Partition
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Unwrap returns e.Kind.
func (e *NameError) Unwrap() error { return e.Kind }

// PatternError reports a glob in a RegionFilter that is malformed (Err is
// ErrBadPattern) or matches no name of its partition (Err is ErrNoMatch).
type PatternError struct {
	Pattern   string
	Partition string // "" when every partition was searched
	Err       error
	// Hint, when not empty, says where the pattern would match.
	Hint string
}

// Error reports the pattern and what is wrong with it.
func (e *PatternError) Error() string {
	if errors.Is(e.Err, ErrNoMatch) {
		where := "in any partition"
		if e.Partition != "" {
			where = "in partition " + e.Partition
		}
		s := fmt.Sprintf("pattern %q matches nothing %s", e.Pattern, where)
		if e.Hint != "" {
			s += " (" + e.Hint + ")"
		}
		return s
	}
	return fmt.Sprintf("bad pattern %q: %v", e.Pattern, e.Err)
}

// Unwrap returns e.Err.
func (e *PatternError) Unwrap() error { return e.Err }

// FilterError locates an error in a Filter. Path names the key as the
// filter's YAML spells it, e.g. "Partitions.aws.Regions.include[1]".
type FilterError struct {
	Path string
	Err  error
}

// Error is "path: problem".
func (e *FilterError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns e.Err.
func (e *FilterError) Unwrap() error { return e.Err }

// Field returns Path and the message of Err: a FilterError is one of the
// field errors that awsaccount.FieldError describes.
func (e *FilterError) Field() (path, problem string) { return e.Path, e.Err.Error() }
