package configfile

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// A substitution is the text one {{ ... }} put in the rendered text. An
// error about the rendered text must not print it (issue 11.6: a variable
// may hold a secret, and YAML reads `alias: {{ SECRET }}` with SECRET
// "*S3cr3t" as an alias named S3cr3t): errors show the expression's
// variables instead, and the line of the {{.
type substitution struct {
	start, end int    // offsets in the rendered text
	value      string // the text, to find it in messages
	ref        string // "{{ NAME }}", as messages show it
	line       int    // of the {{ in the source

	firstLine, lastLine int  // of the text, in the rendered text
	glued               bool // the rendered text has a letter or digit right before or after it
}

// recordOutput renders a {{ ... }} as gonja does, and records the text it
// wrote as a substitution. templateCheck puts it in the tree in place of
// each *nodes.Output: gonja executes a ControlStructure with the renderer,
// whose writer is the render's boundedWriter.
type recordOutput struct {
	out *nodes.Output
	ref string
}

var _ exec.ControlStructure = (*recordOutput)(nil)

func (o *recordOutput) Position() *tokens.Token { return o.out.Start }
func (o *recordOutput) String() string          { return "output" } // in gonja's messages: cleanGonja drops it

func (o *recordOutput) Execute(r *exec.Renderer, _ *nodes.ControlStructureBlock) error {
	w, ok := r.Output.(*boundedWriter)
	if !ok {
		_, err := r.Visit(o.out)
		return err
	}
	start := w.buf.Len()
	if _, err := r.Visit(o.out); err != nil {
		return err
	}
	if end := w.buf.Len(); end > start {
		w.subs = append(w.subs, substitution{start: start, end: end, value: w.buf.String()[start:end],
			ref: o.ref, line: o.out.Start.Line})
	}
	return nil
}

// refOf is how a message shows a {{ }} that uses names.
func refOf(names []string) string {
	if len(names) == 0 {
		return "{{ ... }}"
	}
	return "{{ " + strings.Join(names, ", ") + " }}"
}

// hider replaces, in messages, the text of substitutions by their refs.
type hider struct {
	needles []needle // longest first
}

type needle struct {
	text string
	sub  *substitution
}

// longValue is the length from which a substitution's text is hidden in
// any message; shorter ones only in a message about their own line, where
// a "1" or a "true" is not mistaken for part of the message's own words.
const longValue = 8

// hiderFor collects what an error at the rendered line (0: no line) must
// not show: the text of each substitution on that line, and each word of it
// stripped of YAML's indicators and quotes (a message may name the alias
// *S3cr3t as S3cr3t, or quote a string with escapes); the text of long
// substitutions elsewhere.
func hiderFor(subs []substitution, line int) *hider {
	h := &hider{}
	seen := map[string]bool{}
	add := func(text string, s *substitution) {
		if text != "" && !seen[text] {
			seen[text] = true
			h.needles = append(h.needles, needle{text, s})
		}
	}
	// Those on the line first: of equal texts, the one the error is about
	// is named.
	order := make([]*substitution, 0, len(subs))
	for i := range subs {
		if s := &subs[i]; s.firstLine <= line && line <= s.lastLine {
			order = append(order, s)
		}
	}
	for i := range subs {
		if s := &subs[i]; !(s.firstLine <= line && line <= s.lastLine) {
			order = append(order, s)
		}
	}
	for _, s := range order {
		here := line == 0 || s.firstLine <= line && line <= s.lastLine
		if !here && len(strings.TrimSpace(s.value)) < longValue {
			continue
		}
		add(s.value, s)
		add(strings.TrimSpace(s.value), s)
		if q := strconv.Quote(s.value); q[1:len(q)-1] != s.value {
			add(q[1:len(q)-1], s)
		}
		if !here {
			continue
		}
		for _, w := range strings.FieldsFunc(s.value, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r' || strings.ContainsRune(",[]{}", r)
		}) {
			if w = strings.Trim(w, `*&!'"|>?:#-`); len(w) >= 4 {
				add(w, s)
			}
		}
	}
	slices.SortStableFunc(h.needles, func(a, b needle) int { return cmp.Compare(len(b.text), len(a.text)) })
	return h
}

// hide returns msg with every needle replaced by its ref, and the
// substitutions it hid. A needle must not be part of a longer word of the
// message (a "12345" in "123456789012"), unless its substitution was glued
// to a word in the rendered text, where the message may quote it so.
func (h *hider) hide(msg string, hidden map[*substitution]bool) string {
	if len(h.needles) == 0 {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		n, ok := h.match(msg, i)
		if !ok {
			b.WriteByte(msg[i])
			i++
			continue
		}
		b.WriteString(n.sub.ref)
		hidden[n.sub] = true
		i += len(n.text)
	}
	return b.String()
}

func (h *hider) match(msg string, i int) (needle, bool) {
	for _, n := range h.needles {
		if !strings.HasPrefix(msg[i:], n.text) {
			continue
		}
		if !n.sub.glued && (i > 0 && isWordByte(msg[i-1]) || i+len(n.text) < len(msg) && isWordByte(msg[i+len(n.text)])) {
			continue
		}
		return n, true
	}
	return needle{}, false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// scrub hides substituted text in e's path and problem, and says where
// what it hid came from.
func scrub(e *Error, subs []substitution) *Error {
	h := hiderFor(subs, e.Line)
	if len(h.needles) == 0 {
		return e
	}
	hidden := map[*substitution]bool{}
	e.Path = h.hide(e.Path, hidden)
	e.Problem = h.hide(e.Problem, hidden)
	if len(hidden) == 0 {
		return e
	}
	var refs []string
	for s := range hidden {
		refs = append(refs, fmt.Sprintf("%s at line %d", s.ref, s.line))
	}
	slices.Sort(refs)
	e.Problem += " (not showing the text substituted by " + strings.Join(refs, ", ") + ")"
	return e
}

// placeSpans sets the rendered lines of each substitution in out, and
// whether it is glued to a word.
func placeSpans(out []byte, subs []substitution) {
	line, at := 1, 0
	for i := range subs {
		s := &subs[i]
		line += bytes.Count(out[at:s.start], []byte("\n"))
		s.firstLine = line
		s.lastLine = line + bytes.Count(out[s.start:s.end], []byte("\n"))
		s.glued = s.start > 0 && isWordByte(out[s.start-1]) || s.end < len(out) && isWordByte(out[s.end])
		at = s.start
	}
}
