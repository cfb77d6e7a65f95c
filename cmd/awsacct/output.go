package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// formats are the output formats of every command.
var formats = []string{"json", "jsonl", "table", "text", "yaml"}

// view says how a command's rows look in the table and text formats; json,
// jsonl and yaml print each row's JSON.
type view[R any] struct {
	header []string
	cells  func(R) []string
	// footer is the table's closing line, after a blank one; nil or ""
	// for none.
	footer func(rows []R) string
	// text gives a row's lines of tab-separated fields.
	text func(R) ([][]string, error)
}

// rowWriter prints one command's rows in one format. Rows come in target
// order; jsonl, yaml and text print each at once, json and table (which
// aligns its columns) at close.
type rowWriter[R any] interface {
	write(R) error
	close() error
}

func newRowWriter[R any](w io.Writer, format string, v view[R]) rowWriter[R] {
	switch format {
	case "json":
		return &jsonWriter[R]{w: w}
	case "jsonl":
		return &jsonlWriter[R]{w: w}
	case "yaml":
		return &yamlWriter[R]{w: w}
	case "text":
		return &textWriter[R]{w: w, v: v}
	}
	return &tableWriter[R]{w: w, v: v}
}

// marshal is json.Marshal without HTML escapes: AWS documents (policies,
// user data) keep their '<', '>' and '&'.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// jsonWriter prints a JSON array of the rows, indented.
type jsonWriter[R any] struct {
	w    io.Writer
	rows []R
}

func (j *jsonWriter[R]) write(r R) error { j.rows = append(j.rows, r); return nil }

func (j *jsonWriter[R]) close() error {
	rows := j.rows
	if rows == nil {
		rows = []R{}
	}
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rows)
}

// jsonlWriter prints one JSON object per line.
type jsonlWriter[R any] struct{ w io.Writer }

func (j *jsonlWriter[R]) write(r R) error {
	b, err := marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(j.w, "%s\n", b)
	return err
}

func (j *jsonlWriter[R]) close() error { return nil }

// yamlWriter prints a YAML list of the rows, keys in the rows' order.
type yamlWriter[R any] struct {
	w    io.Writer
	rows int
}

func (y *yamlWriter[R]) write(r R) error {
	b, err := marshal(r)
	if err != nil {
		return err
	}
	n, err := parseOrdered(b)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	writeYAML(&out, &jsonNode{vals: []*jsonNode{n}}, 0, "")
	y.rows++
	_, err = y.w.Write(out.Bytes())
	return err
}

func (y *yamlWriter[R]) close() error {
	if y.rows == 0 {
		_, err := io.WriteString(y.w, "[]\n")
		return err
	}
	return nil
}

// textWriter prints the rows' text lines, fields tab-separated, no header:
// for grep, cut and awk.
type textWriter[R any] struct {
	w io.Writer
	v view[R]
}

func (t *textWriter[R]) write(r R) error {
	lines, err := t.v.text(r)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, fields := range lines {
		b.WriteString(strings.Join(fields, "\t"))
		b.WriteByte('\n')
	}
	_, err = io.WriteString(t.w, b.String())
	return err
}

func (t *textWriter[R]) close() error { return nil }

// tableWriter prints aligned columns under a header, then the footer.
type tableWriter[R any] struct {
	w    io.Writer
	v    view[R]
	rows []R
}

func (t *tableWriter[R]) write(r R) error { t.rows = append(t.rows, r); return nil }

func (t *tableWriter[R]) close() error {
	tw := tabwriter.NewWriter(t.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.v.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(t.v.cells(r), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if t.v.footer == nil {
		return nil
	}
	footer := t.v.footer(t.rows)
	if footer == "" {
		return nil
	}
	_, err := fmt.Fprintf(t.w, "\n%s\n", footer)
	return err
}

// summarize shows a result in a line: list fields by their length, scalar
// fields by value. A result that is not an object (as --query may make
// it) is shown by value, or by length for a list.
func summarize(raw json.RawMessage) string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return "ok"
	}
	m, ok := v.(map[string]any)
	if !ok {
		return summarizeValue(v)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		switch v := m[k].(type) {
		case []any:
			parts = append(parts, fmt.Sprintf("%s: %d%s", k, len(v), nestedCounts(v)))
		case string:
			parts = append(parts, k+": "+truncate(v, 60))
		case float64, bool:
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
	}
	if len(parts) == 0 {
		return "ok"
	}
	return strings.Join(parts, ", ")
}

func summarizeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case []any:
		return fmt.Sprintf("[%d]%s", len(v), nestedCounts(v))
	case string:
		return truncate(v, 60)
	}
	return fmt.Sprint(v)
}

// nestedCounts sums the lists inside a list of objects, e.g. the Instances
// of DescribeInstances' Reservations: " (Instances: 6)".
func nestedCounts(items []any) string {
	sums := map[string]int{}
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			for k, v := range m {
				if l, ok := v.([]any); ok {
					sums[k] += len(l)
				}
			}
		}
	}
	keys := make([]string, 0, len(sums))
	for k, n := range sums {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, sums[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

func oneLine(s string) string { return truncate(strings.Join(strings.Fields(s), " "), 160) }
