package configfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
)

// Options tune Load and Read.
type Options struct {
	// Data are the template's variables. Nil (the default) means the
	// process environment: Environ(os.Environ()).
	Data map[string]any
	// AllowUnknownKeys makes Decode skip keys its target type does not
	// have, instead of failing. Default false: a misspelt key is an error.
	AllowUnknownKeys bool
}

// File is a loaded config: rendered, parsed, with its anchors, aliases,
// merge keys and repeated keys resolved. Decode and RegionalAccountSet take
// values out of it.
//
// A File is immutable and safe for concurrent use by multiple goroutines.
type File struct {
	name     string
	root     *node
	rendered bool   // the rendering changed the line count: positions are of the rendered text
	hider    *hider // of what {{ ... }} put in the rendered text: errors hide it
	opts     Options
}

// Load reads the config file at path: see Read. It is
// LoadContext(context.Background(), path, optFns...).
func Load(path string, optFns ...func(*Options)) (*File, error) {
	return LoadContext(context.Background(), path, optFns...)
}

// LoadContext reads the config file at path: see ReadContext.
func LoadContext(ctx context.Context, path string, optFns ...func(*Options)) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("configfile: %w", err)
	}
	defer f.Close()
	return ReadContext(ctx, f, path, optFns...)
}

// Read reads a config from r: see ReadContext. It is
// ReadContext(context.Background(), r, name, optFns...).
func Read(r io.Reader, name string, optFns ...func(*Options)) (*File, error) {
	return ReadContext(context.Background(), r, name, optFns...)
}

// ReadContext reads a config from r. name labels its errors (a file name).
// The text is rendered as a Jinja template with Options.Data, then parsed
// as a single YAML document, within the package's bounds (MaxSize and the
// constants beside it), whose excess is an ErrLimit.
//
// ReadContext gives up when ctx is done, in each phase (rendering, the
// checks of the rendered text, resolving the document), with an error that
// wraps ctx's (errors.Is(err, context.Canceled)). The YAML parser itself
// cannot be interrupted; the bounds keep it to a fraction of a second.
func ReadContext(ctx context.Context, r io.Reader, name string, optFns ...func(*Options)) (*File, error) {
	var opts Options
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.Data == nil {
		opts.Data = Environ(os.Environ())
	}
	src, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("configfile: read %s: %w", name, err)
	}
	if len(src) > MaxSize {
		return nil, &Error{File: name, Problem: fmt.Sprintf("larger than MaxSize (%d bytes)", MaxSize), Kind: ErrLimit}
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, &Error{File: name, Problem: "the file is empty", Kind: ErrEmpty}
	}
	f, err := read(ctx, name, src, opts)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil, fmt.Errorf("configfile: read %s: %w", name, err)
	}
	return f, err
}

func read(ctx context.Context, name string, src []byte, opts Options) (*File, error) {
	out, subs, err := render(ctx, name, src, opts.Data)
	if err != nil {
		return nil, err
	}
	placeSpans(out, subs)
	f := &File{name: name, opts: opts, hider: newHider(subs), rendered: bytes.Count(out, []byte("\n")) != bytes.Count(src, []byte("\n"))}
	mark := func(err error) error {
		if e, ok := err.(*Error); ok {
			e.Rendered = e.Rendered || f.rendered && e.Line > 0
			f.hider.scrub(e)
		}
		return err
	}
	if err := scanYAML(ctx, name, out, subs); err != nil {
		return nil, mark(err)
	}
	root, err := parse(ctx, name, out)
	if err != nil {
		return nil, mark(err)
	}
	f.root = root
	return f, nil
}

// Environ returns an environment, in the "NAME=value" form of os.Environ,
// as template data: each variable as a string. Read uses
// Environ(os.Environ()) when Options.Data is nil; a program that keeps its
// own environment (a CLI under test) passes that.
func Environ(env []string) map[string]any {
	m := make(map[string]any, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// Name is the name the file was read under.
func (f *File) Name() string { return f.name }

// errorAt is the error at p of the rendered text, with the text of
// substitutions hidden.
func (f *File) errorAt(p pos, path string, k error, problem string) *Error {
	return f.hider.scrub(&Error{File: f.name, Path: path, Line: p.line, Column: p.col, Rendered: f.rendered && p.line > 0,
		Problem: problem, Kind: k})
}

// find returns the node at path.
func (f *File) find(path string) (*node, error) {
	steps, err := parsePath(path)
	if err != nil {
		return nil, f.errorAt(pos{}, path, ErrNotFound, err.Error())
	}
	n, at := f.root, ""
	for _, s := range steps {
		switch {
		case s.key != "":
			if n.kind != mapNode {
				return nil, f.errorAt(n.pos, at, ErrNotFound, fmt.Sprintf("is %s, so it has no key %q", n.kind, s.key))
			}
			e, ok := n.get(s.key)
			if !ok {
				keys := make([]string, len(n.keys))
				for i, e := range n.keys {
					keys[i] = e.key
				}
				return nil, f.errorAt(n.pos, joinPath(at, s.key), ErrNotFound, fmt.Sprintf("no such key (keys here: %s)", strings.Join(keys, ", ")))
			}
			n, at = e.value, joinPath(at, s.key)
		default:
			if n.kind != seqNode {
				return nil, f.errorAt(n.pos, at, ErrNotFound, fmt.Sprintf("is %s, so it has no item [%d]", n.kind, s.index))
			}
			if s.index >= len(n.items) {
				return nil, f.errorAt(n.pos, indexPath(at, s.index), ErrNotFound, fmt.Sprintf("no such item: the list has %d", len(n.items)))
			}
			n, at = n.items[s.index], indexPath(at, s.index)
		}
	}
	return n, nil
}

// Decode stores the value at path (dotted keys and [index]es, such as
// "YourApp.RegionalAccountSet[1].RegionalAccounts"; "" for the whole
// document) in the value v points to.
//
// Decoding is strict: a key that v's type does not have (unless
// Options.AllowUnknownKeys) and a value of the wrong type are errors. After
// each value is decoded, its Validate method, if it has one, is run. Every
// error is an *Error naming the full key path and the line and column of
// the key.
//
// v may hold strings, bools, ints, floats, durations, structs, maps with
// string keys, slices, pointers and any. Struct fields are named by their
// yaml tags (",inline" embeds); types with an UnmarshalYAML(func(any) error)
// error method decode themselves. A
// time.Duration takes seconds (1, 0.5) or a Go duration string ("500ms").
// A string takes any scalar as written. A key with no value (null) leaves
// its target unchanged.
func (f *File) Decode(path string, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("configfile: Decode needs a non-nil pointer, got %T", v)
	}
	n, err := f.find(path)
	if err != nil {
		return err
	}
	d := &decoder{f: f, allowUnknown: f.opts.AllowUnknownKeys}
	return d.decode(n, path, rv.Elem())
}
