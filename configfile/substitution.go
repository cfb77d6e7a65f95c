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
		w.subs = append(w.subs, substitution{start: start, end: end, value: string(w.buf.Bytes()[start:end]),
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

// longValue is the length from which a substitution's text is hidden in
// any message; shorter ones only in a message about their own line, where
// a "1" or a "true" is not mistaken for part of the message's own words.
const longValue = 8

// A hider replaces, in messages, the text of substitutions by their refs.
// It is made once per File, for the long texts; an error adds the texts
// of the substitutions on its own line.
type hider struct {
	subs []substitution    // in the order of the text
	long map[byte][]needle // by first byte, longest first
}

type needle struct {
	text string
	sub  *substitution
}

func newHider(subs []substitution) *hider {
	h := &hider{subs: subs, long: map[byte][]needle{}}
	seen := map[string]bool{}
	for i := range subs {
		s := &subs[i]
		if len(strings.TrimSpace(s.value)) < longValue {
			continue
		}
		for _, text := range texts(s.value, false) {
			if !seen[text] {
				seen[text] = true
				h.long[text[0]] = append(h.long[text[0]], needle{text, s})
			}
		}
	}
	for _, ns := range h.long {
		slices.SortStableFunc(ns, func(a, b needle) int { return cmp.Compare(len(b.text), len(a.text)) })
	}
	return h
}

// texts are the forms in which a message may show value: as it is,
// trimmed, escaped as strconv.Quote escapes it, and (words too) each word
// of four bytes or more stripped of YAML's indicators and quotes (a message
// names the alias *S3cr3t as S3cr3t).
func texts(value string, words bool) []string {
	out := []string{value, strings.TrimSpace(value)}
	if q := strconv.Quote(value); q[1:len(q)-1] != value {
		out = append(out, q[1:len(q)-1])
	}
	if words {
		for _, w := range strings.FieldsFunc(value, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\n' || r == '\r' || strings.ContainsRune(",[]{}", r)
		}) {
			if w = strings.Trim(w, `*&!'"|>?:#-`); len(w) >= 4 {
				out = append(out, w)
			}
		}
	}
	return slices.DeleteFunc(out, func(t string) bool { return t == "" })
}

// onLine returns the needles of the substitutions on the rendered line,
// longest first.
func (h *hider) onLine(line int) []needle {
	var out []needle
	if line <= 0 {
		return nil
	}
	first, _ := slices.BinarySearchFunc(h.subs, line, func(s substitution, l int) int { return cmp.Compare(s.lastLine, l) })
	for i := first; i < len(h.subs) && h.subs[i].firstLine <= line; i++ {
		for _, text := range texts(h.subs[i].value, true) {
			out = append(out, needle{text, &h.subs[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b needle) int { return cmp.Compare(len(b.text), len(a.text)) })
	return out
}

// hide returns msg with every needle replaced by its ref, and marks the
// substitutions it hid. A needle must not be part of a longer word of the
// message (a "12345" in "123456789012"), unless its substitution was glued
// to a word in the rendered text, where the message may quote it so.
func (h *hider) hide(msg string, here []needle, hidden map[*substitution]bool) string {
	var b strings.Builder
	for i := 0; i < len(msg); {
		n, ok := match(msg, i, here)
		if m, okLong := match(msg, i, h.long[msg[i]]); okLong && (!ok || len(m.text) > len(n.text)) {
			n, ok = m, true
		}
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

// match returns the first of needles (the longest) found whole at msg[i:].
func match(msg string, i int, needles []needle) (needle, bool) {
	for _, n := range needles {
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
func (h *hider) scrub(e *Error) *Error {
	if h == nil || len(h.subs) == 0 {
		return e
	}
	here := h.onLine(e.Line)
	hidden := map[*substitution]bool{}
	e.Path = h.hide(e.Path, here, hidden)
	e.Problem = h.hide(e.Problem, here, hidden)
	if len(hidden) == 0 {
		return e
	}
	var refs []string
	for s := range hidden {
		refs = append(refs, fmt.Sprintf("%s at line %d", s.ref, s.line))
	}
	slices.Sort(refs)
	refs = slices.Compact(refs)
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
