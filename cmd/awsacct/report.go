package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/awsaccount/awsaccount/internal/runreport"
)

// The run report of `awsacct call`: where the run's time went, from the
// root package's metrics (internal/runreport).
//
// It is off unless asked for: measuring costs a little on every request,
// and stderr stays as the AWS CLI keeps it. With --report it goes where
// the output format leaves room for it:
//
//	-o table, text, yaml  the text report on stderr, after the records
//	-o jsonl              one last line on stdout: {"report": {...}}
//	-o json               one line on stderr: {"report": {...}}; stdout
//	                      stays the plain array of records
//
// --report-file FILE writes the report's JSON object (the same {...},
// indented, without the "report" wrapper) to FILE, whatever the format,
// and alone changes nothing else. The file is replaced at the end of the
// run, and only then; a run that stops before its targets leaves no
// report and an existing FILE as it was.

// reportOptions are the report's flags.
type reportOptions struct {
	enabled bool   // --report
	file    string // --report-file

	tmp *os.File // the file's replacement, made before the run (open)
}

func (r *reportOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&r.enabled, "report", false, "at the end, report where the time went (on stderr; with -o jsonl, a last {\"report\": ...} line)")
	fs.StringVar(&r.file, "report-file", "", "write the report as JSON to `FILE` (alone, changes nothing else)")
}

// wanted reports whether the run collects its metrics for a report.
func (r *reportOptions) wanted() bool { return r.enabled || r.file != "" }

// open makes --report-file's replacement beside it, so that a path that
// cannot be written fails the command before any request.
func (r *reportOptions) open() error {
	if r.file == "" {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.file), "."+filepath.Base(r.file)+".*")
	if err != nil {
		return fmt.Errorf("--report-file: %w", err)
	}
	r.tmp = tmp
	return nil
}

// discard removes the replacement of a run that wrote no report.
func (r *reportOptions) discard() {
	if r.tmp != nil {
		r.tmp.Close()
		os.Remove(r.tmp.Name())
		r.tmp = nil
	}
}

// write puts the report of tel where format and the flags say.
func (r *reportOptions) write(ctx context.Context, tel *telemetry, format string, stdout, stderr io.Writer) error {
	if !r.wanted() {
		return nil
	}
	sum, err := tel.summary(ctx)
	if err != nil || sum == nil {
		return errors.Join(errors.New("run report: no metrics"), err)
	}
	if r.enabled {
		if err := writeReport(sum, format, stdout, stderr); err != nil {
			return err
		}
	}
	if r.tmp != nil {
		return r.replaceFile(sum)
	}
	return nil
}

// writeReport is --report's output.
func writeReport(sum *runreport.Summary, format string, stdout, stderr io.Writer) error {
	switch format {
	case "jsonl":
		return writeReportLine(stdout, sum)
	case "json":
		return writeReportLine(stderr, sum)
	}
	if _, err := io.WriteString(stderr, "\n"); err != nil {
		return err
	}
	return sum.WriteText(stderr, reportTargets)
}

// writeReportLine writes {"report": sum} on one line.
func writeReportLine(w io.Writer, sum *runreport.Summary) error {
	b, err := marshal(struct {
		Report *runreport.Summary `json:"report"`
	}{sum})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// replaceFile writes sum to the replacement and puts it in the file's
// place.
func (r *reportOptions) replaceFile(sum *runreport.Summary) error {
	tmp := r.tmp
	r.tmp = nil
	enc := json.NewEncoder(tmp)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := errors.Join(enc.Encode(sum), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), r.file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("--report-file: %w", err)
	}
	return nil
}
