package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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
// finds one.
const maxUndefined = 100

var (
	undefinedName = regexp.MustCompile(`Unable to evaluate name "([^"]*)"`)
	renderLine    = regexp.MustCompile(`at line (\d+)`)
	parseLine     = regexp.MustCompile(`[Ll]ine:? ?(\d+)`)
)

// templateName is the name of the template inside the loader.
const templateName = "config"

// render runs src through Jinja with data. An undefined variable without a
// default is an error; every such name is found (one render pass per name,
// each giving the previous ones a placeholder) and reported together.
func render(name string, src []byte, data map[string]any) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &Error{File: name, Problem: fmt.Sprintf("template engine failed: %v", p), Kind: ErrTemplate}
		}
	}()
	if !bytes.Contains(src, []byte("{")) {
		return src, nil // nothing for Jinja to do; skip its cost
	}
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
	ctx := make(map[string]any, len(data))
	for k, v := range data {
		ctx[k] = v
	}
	type undef struct {
		name string
		line int
	}
	var missing []undef
	for range maxUndefined {
		var buf bytes.Buffer
		err := tpl.Execute(&buf, exec.NewContext(ctx))
		if err == nil {
			if len(missing) > 0 {
				break
			}
			return buf.Bytes(), nil
		}
		m := undefinedName.FindStringSubmatch(err.Error())
		if m == nil {
			if len(missing) > 0 {
				break // report the undefined names; they may cause this
			}
			e := &Error{File: name, Problem: cleanGonja(err.Error()), Kind: ErrTemplate}
			if l := renderLine.FindStringSubmatch(err.Error()); l != nil {
				e.Line, _ = strconv.Atoi(l[1])
			}
			return nil, e
		}
		u := undef{name: m[1]}
		if l := renderLine.FindStringSubmatch(err.Error()); l != nil {
			u.line, _ = strconv.Atoi(l[1])
		}
		if _, seen := ctx[u.name]; seen {
			break // the placeholder did not help; do not loop
		}
		missing = append(missing, u)
		ctx[u.name] = ""
	}
	if len(missing) == 0 {
		return nil, &Error{File: name, Problem: "template did not render", Kind: ErrTemplate}
	}
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
	return nil, &Error{
		File: name, Line: missing[0].line,
		Problem: fmt.Sprintf("undefined template %s %s (set them, or give a default: {{ NAME | default('value') }})", word, strings.Join(parts, ", ")),
		Kind:    ErrUndefined,
	}
}

// environment is Jinja's filters, tests and control structures, without the
// global functions (range, lipsum, cycler, ...): a config file needs none,
// and range can make a short file render for ever.
func environment() *exec.Environment {
	return &exec.Environment{
		Context:           exec.EmptyContext(),
		Filters:           gonja.DefaultEnvironment.Filters,
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
	return msg
}

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
