package runreport

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report for people: the run's totals, the findings,
// and a table of the targets, at most maxTargets of them (the ones whose
// calls took longest; all when maxTargets <= 0).
func (s *Summary) WriteText(w io.Writer, maxTargets int) error {
	ew := &errWriter{w: w}
	t := &s.Totals
	refused := ""
	if t.Refusals > 0 {
		refused = fmt.Sprintf(", %d refused by our rate limits", t.Refusals)
	}
	ew.printf("Run: %s wall; %s, %s (%s), %d throttled%s, %d failed.\n",
		seconds(s.WallSeconds), plural(t.Calls, "call"), plural(t.Requests, "request"), plural(t.Retries, "retry", "retries"),
		t.Throttled(), refused, t.Failed())
	if t.CallSeconds > 0 {
		ew.printf("Time in calls: %s: waiting on our rate limits %s (%s), in AWS %s (%s), backoff and other %s (%s).\n",
			seconds(t.CallSeconds), seconds(t.WaitSeconds), percent(t.WaitSeconds, t.CallSeconds),
			seconds(t.AWSSeconds), percent(t.AWSSeconds, t.CallSeconds),
			seconds(t.OtherSeconds()), percent(t.OtherSeconds(), t.CallSeconds))
	}
	if len(s.Roles) > 0 {
		var assumes, refreshes, failures int64
		for _, r := range s.Roles {
			assumes, refreshes, failures = assumes+r.AssumeRoles, refreshes+r.Refreshes, failures+r.Failures
		}
		ew.printf("AssumeRole: %s for %s (refreshes %d, failed %d).\n",
			plural(assumes, "call"), plural(int64(len(s.Roles)), "account"), refreshes, failures)
	}
	if len(s.Findings) > 0 {
		ew.printf("\nWhere the time went:\n")
		for _, f := range s.Findings {
			ew.printf("  %s\n", f)
		}
	}
	if len(s.Targets) == 0 {
		return ew.err
	}
	shown := slices.Clone(s.Targets)
	if maxTargets > 0 && len(shown) > maxTargets {
		slices.SortStableFunc(shown, func(a, b Target) int { return cmp.Compare(b.CallSeconds, a.CallSeconds) })
		shown = shown[:maxTargets]
		ew.printf("\nTargets (the %d slowest of %d):\n", maxTargets, len(s.Targets))
	} else {
		ew.printf("\nTargets:\n")
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tCALLS\tREQUESTS\tRETRIES\tTHROTTLED\tWAIT\tIN AWS\tOTHER\tERRORS")
	for _, tg := range shown {
		account := tg.AccountID
		if account == "" {
			account = "(unknown)"
		}
		errs := "-"
		if len(tg.Errors) > 0 {
			errs = strings.ReplaceAll(codes(tg.Errors), " ", ":")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", account, tg.Region, tg.Calls, tg.Requests, tg.Retries,
			tg.Throttled(), seconds(tg.WaitSeconds), seconds(tg.AWSSeconds), seconds(tg.OtherSeconds()), errs)
	}
	if err := tw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	return ew.err
}

// plural is "1 call", "2 calls"; forms[0] is the plural when it is not
// the singular and an s.
func plural(n int64, singular string, forms ...string) string {
	if n == 1 {
		return "1 " + singular
	}
	if len(forms) > 0 {
		return fmt.Sprintf("%d %s", n, forms[0])
	}
	return fmt.Sprintf("%d %ss", n, singular)
}

// errWriter keeps the first error of a series of writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
