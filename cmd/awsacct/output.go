package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// recordWriter prints call records as jsonl (streamed), a JSON array, or a
// table (both at close).
type recordWriter struct {
	w       io.Writer
	format  string
	total   int
	records []*callRecord
}

func newRecordWriter(w io.Writer, format string, total int) *recordWriter {
	return &recordWriter{w: w, format: format, total: total}
}

func (rw *recordWriter) write(r *callRecord) error {
	if rw.format == "jsonl" {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(rw.w, "%s\n", b)
		return err
	}
	rw.records = append(rw.records, r)
	return nil
}

func (rw *recordWriter) close() error {
	switch rw.format {
	case "jsonl":
		return nil
	case "json":
		if rw.records == nil {
			rw.records = []*callRecord{}
		}
		return writeJSON(rw.w, rw.records)
	}
	tw := tabwriter.NewWriter(rw.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tALIAS\tREGION\tPAGES\tRESULT")
	failed := 0
	for _, r := range rw.records {
		result := summarize(r.Result)
		if r.Error != nil {
			failed++
			result = "ERROR " + r.Error.Code + ": " + oneLine(r.Error.Message)
			if r.Error.Hint != "" {
				result += " (hint: " + r.Error.Hint + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.AccountID, r.Alias, r.Region, r.Pages, result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(rw.w, "\n%d targets: %d ok, %d failed\n", len(rw.records), len(rw.records)-failed, failed)
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
