package configfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
)

// maxUndefined bounds the passes that look for undefined names: each pass
// finds one. passWork bounds the work of all passes together.
const (
	maxUndefined = 100
	passWork     = 64 << 20
)

var (
	undefinedName = regexp.MustCompile(`Unable to evaluate name "([^"]*)"`)
	renderLine    = regexp.MustCompile(`at line (\d+)`)
	parseLine     = regexp.MustCompile(`[Ll]ine:? ?(\d+)`)
)

// templateName is the name of the template inside the loader.
const templateName = "config"

// render runs src through Jinja with data, within the package's bounds
// (scanTemplate, templateCheck, and a writer that stops at MaxSize or when
// ctx is done), and returns the text with the substitutions in it. An
// undefined variable without a default is an error; every such name is
// found and reported together.
func render(ctx context.Context, name string, src []byte, data map[string]any) (out []byte, subs []substitution, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, subs, err = nil, nil, &Error{File: name, Problem: fmt.Sprintf("template engine failed: %v", p), Kind: ErrTemplate}
		}
	}()
	if !hasTags(src) {
		return src, nil, nil // nothing for Jinja to do; skip its cost
	}
	if err := scanTemplate(name, src); err != nil {
		return nil, nil, err
	}
	tpl, err := parseTemplate(name, src)
	if err != nil {
		return nil, nil, err
	}
	check := &templateCheck{name: name, data: data, sizes: map[string]int{}}
	if err := check.nodes(tpl.Root().Nodes); err != nil {
		return nil, nil, err
	}
	passes := min(maxUndefined, len(check.missing)+1, max(1, passWork/(check.work+len(src)+1)))
	return execute(ctx, name, tpl, data, passes)
}

// hasTags reports whether src holds a template tag.
func hasTags(src []byte) bool {
	return bytes.Contains(src, []byte("{{")) || bytes.Contains(src, []byte("{%")) || bytes.Contains(src, []byte("{#"))
}

func parseTemplate(name string, src []byte) (*exec.Template, error) {
	cfg := config.New()
	cfg.StrictUndefined = true
	cfg.KeepTrailingNewline = true
	tpl, err := exec.NewTemplate(templateName, cfg, &onlyLoader{src: src}, environment())
	if err != nil {
		e := &Error{File: name, Problem: cleanGonja(err.Error()), Kind: ErrTemplate}
		if m := parseLine.FindStringSubmatch(err.Error()); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > 0 {
				e.Line = n
			}
		}
		return nil, e
	}
	return tpl, nil
}

// undef is a variable the template uses without a value or a default.
type undef struct {
	name string
	line int
}

// execute renders tpl with data. A render that stops at an undefined name
// is run again with "" for it, up to passes times, to find them all.
func execute(ctx context.Context, name string, tpl *exec.Template, data map[string]any, passes int) ([]byte, []substitution, error) {
	vars := make(map[string]any, len(data))
	maps.Copy(vars, data)
	var missing []undef
	for range passes {
		w := &boundedWriter{ctx: ctx}
		err := tpl.Execute(w, exec.NewContext(vars))
		if err == nil {
			if len(missing) > 0 {
				break
			}
			return w.buf.Bytes(), w.subs, nil
		}
		if err := w.stopped(name); err != nil {
			return nil, nil, err
		}
		m := undefinedName.FindStringSubmatch(err.Error())
		if m == nil {
			if len(missing) > 0 {
				break // report the undefined names; they may cause this
			}
			return nil, nil, renderError(name, err)
		}
		u := undef{name: m[1]}
		if l := renderLine.FindStringSubmatch(err.Error()); l != nil {
			u.line, _ = strconv.Atoi(l[1])
		}
		if _, seen := vars[u.name]; seen {
			break // the placeholder did not help; do not loop
		}
		missing = append(missing, u)
		vars[u.name] = ""
	}
	if len(missing) == 0 {
		return nil, nil, &Error{File: name, Problem: "template did not render", Kind: ErrTemplate}
	}
	return nil, nil, undefinedError(name, missing)
}

func renderError(name string, err error) error {
	e := &Error{File: name, Problem: cleanGonja(err.Error()), Kind: ErrTemplate}
	if l := renderLine.FindStringSubmatch(err.Error()); l != nil {
		e.Line, _ = strconv.Atoi(l[1])
	}
	return e
}

func undefinedError(name string, missing []undef) error {
	slices.SortStableFunc(missing, func(a, b undef) int { return a.line - b.line })
	parts := make([]string, len(missing))
	for i, u := range missing {
		parts[i] = u.name
		if u.line > 0 {
			parts[i] += " (line " + strconv.Itoa(u.line) + ")"
		}
	}
	word := "variable"
	if len(missing) > 1 {
		word = "variables"
	}
	return &Error{
		File: name, Line: missing[0].line,
		Problem: fmt.Sprintf("undefined template %s %s (set them, or give a default: {{ NAME | default('value') }})", word, strings.Join(parts, ", ")),
		Kind:    ErrUndefined,
	}
}

// boundedWriter holds the rendered text: at most MaxSize bytes, and no more
// once ctx is done. gonja writes each piece of text and each expression's
// value as it goes, so a render stops at the first piece past the bound.
type boundedWriter struct {
	ctx  context.Context
	buf  bytes.Buffer
	full bool
	err  error          // ctx's, when it stopped the render
	subs []substitution // recorded by recordOutput
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		w.err = err
		return 0, err
	}
	if w.buf.Len()+len(p) > MaxSize {
		w.full = true
		return 0, errFull
	}
	return w.buf.Write(p)
}

var errFull = errors.New("rendered text too large")

// stopped is the error of a render the writer stopped, if it did.
func (w *boundedWriter) stopped(name string) error {
	switch {
	case w.err != nil:
		return w.err
	case w.full:
		return &Error{File: name, Line: bytes.Count(w.buf.Bytes(), []byte("\n")) + 1, Rendered: true,
			Problem: fmt.Sprintf("the rendered text is larger than MaxSize (%d bytes)", MaxSize), Kind: ErrLimit}
	}
	return nil
}

// environment is Jinja's tests and control structures, the filters of
// filterBounds, and none of the global functions (range, lipsum, cycler,
// ...): a config file needs none, and range can make a short file render
// for ever. The control structures are all there so that templateCheck can
// name the one it refuses; it refuses the other filters before they run,
// and they are not here either.
func environment() *exec.Environment {
	filters := make(map[string]exec.FilterFunction, len(filterBounds))
	for name := range filterBounds {
		if fn, ok := gonja.DefaultEnvironment.Filters.Get(name); ok {
			filters[name] = fn
		}
	}
	return &exec.Environment{
		Context:           exec.EmptyContext(),
		Filters:           exec.NewFilterSet(filters),
		Tests:             gonja.DefaultEnvironment.Tests,
		ControlStructures: gonja.DefaultEnvironment.ControlStructures,
		Methods:           gonja.DefaultEnvironment.Methods,
	}
}

// cleanGonja drops the engine's internal template name from its messages.
func cleanGonja(msg string) string {
	// A parse error quotes the whole template, which may hold a secret.
	if strings.HasPrefix(msg, "failed to parse template '") {
		if i := strings.LastIndex(msg, "': "); i >= 0 {
			msg = "failed to parse template: " + msg[i+3:]
		}
	}
	msg = strings.ReplaceAll(msg, "'"+templateName+"'", "")
	msg = strings.ReplaceAll(msg, "failed to parse template : ", "")
	msg = strings.ReplaceAll(msg, "unable to execute template: ", "")
	msg = dumpedToken(msg)
	// The layers of a render error: the line is the Error's, the
	// expression is the template's own text.
	msg = renderLayers.ReplaceAllString(msg, "")
	return strings.ReplaceAll(msg, "unable to evaluate filter ", "filter ")
}

var renderLayers = regexp.MustCompile(`(Unable to execute controlStructure at line \d+: output: |Unable to render expression at line \d+: )`)

// dumpedToken replaces gonja's dump of a filter call in its messages
// (&{<Token[Name] Val='nosuch' Pos=10 Line=1 Col=11> nosuch [] map[]}) by the
// quoted name.
func dumpedToken(msg string) string {
	for {
		i := strings.Index(msg, "&{<Token[")
		if i < 0 {
			return msg
		}
		depth, end := 0, len(msg)
		for j := i + 1; j < len(msg); j++ {
			if msg[j] == '{' {
				depth++
			} else if msg[j] == '}' {
				if depth--; depth == 0 {
					end = j + 1
					break
				}
			}
		}
		name := "?"
		if m := tokenVal.FindStringSubmatch(msg[i:end]); m != nil {
			name = m[1]
		}
		msg = msg[:i] + "'" + name + "'" + msg[end:]
	}
}

var tokenVal = regexp.MustCompile(`Val='([^']*)'`)

// onlyLoader serves the config's own text and nothing else: include,
// import and extends cannot read files.
type onlyLoader struct{ src []byte }

var errNoInclude = errors.New("include, import and extends are not supported in config files")

func (l *onlyLoader) Read(path string) (io.Reader, error) {
	if path != templateName {
		return nil, errNoInclude
	}
	return bytes.NewReader(l.src), nil
}

func (l *onlyLoader) Resolve(path string) (string, error) {
	if path != templateName {
		return "", errNoInclude
	}
	return path, nil
}

func (l *onlyLoader) Inherit(string) (loaders.Loader, error) { return nil, errNoInclude }
