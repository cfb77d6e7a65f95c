package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/awsaccount/awsaccount/internal/awstest"
	"github.com/awsaccount/awsaccount/internal/runreport"
)

// reportConfig is one account by its keys in two regions, ca-central-1
// under a strict limit of our own (a request per half second), and a
// role's account in the same two regions without a limit. No other test
// uses these regions: their tables are this test's.
const reportConfig = `
Keys: &keys {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x, region_name: us-east-1}
Report:
 RegionalAccountSet:
  - RegionalAccounts:
     Account: {SessionParameters: *keys}
     RateLimit: {max_count: 1, interval: 0.5, block: True}
     Filter: {Partitions: {aws: {Regions: {include: [ca-central-1]}}}}
  - RegionalAccounts:
     Account: {SessionParameters: *keys}
     Filter: {Partitions: {aws: {Regions: {include: [eu-north-1]}}}}
  - RegionalAccounts:
     Account:
      SessionParameters: *keys
      AssumeRole: {RoleArn: "arn:aws:iam::210000000003:role/report", RoleSessionName: report}
     Filter: {Partitions: {aws: {Regions: {include: [ca-central-1, eu-north-1]}}}}
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The report of a run against moto: listing three tables a page at a time
// through the strict limit makes the keys' account in ca-central-1 wait
// about a second, which the report's finding names. Text on stderr for table
// output, a last {"report"} line for jsonl, a JSON line on stderr for json
// (stdout stays the array), JSON in --report-file; nothing without --report.
func TestCallReport(t *testing.T) {
	cfg := writeConfig(t, reportConfig)
	for _, name := range []string{"report-1", "report-2", "report-3"} {
		r := awsacct(t, nil, "call", "dynamodb", "create_table", "--region", "ca-central-1", "--input", `{"TableName": "`+name+`",
			"KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
			"BillingMode": "PAY_PER_REQUEST"}`)
		if r.code != 0 {
			t.Fatalf("create_table: %s", r.stderr)
		}
	}
	// moto pages DynamoDB's ListTables by Limit.
	list := []string{"call", "dynamodb", "list_tables", "-c", cfg, "--input", `{"Limit": 1}`}
	run := func(t *testing.T, args ...string) result {
		t.Helper()
		r := awsacct(t, nil, append(list, args...)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return r
	}

	t.Run("table", func(t *testing.T) {
		r := run(t, "--report", "-o", "table")
		golden(t, "call-report.table", r.stdout)
		golden(t, "call-report.table.stderr", normalizeReport(r.stderr))
		if !strings.Contains(r.stderr, "dynamodb in ca-central-1: ") || !strings.Contains(r.stderr, "waiting on our rate limit") {
			t.Errorf("no finding on the wait in ca-central-1:\n%s", r.stderr)
		}
	})
	t.Run("jsonl", func(t *testing.T) {
		r := run(t, "--report", "-o", "jsonl")
		golden(t, "call-report.jsonl", normalizeReport(r.stdout))
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		sum := reportOf(t, lines[len(lines)-1])
		checkReport(t, sum)
		if r.stderr != "" {
			t.Errorf("stderr %q", r.stderr)
		}
	})
	t.Run("json", func(t *testing.T) {
		r := run(t, "--report", "-o", "json")
		var records []callRecord
		if err := json.Unmarshal([]byte(r.stdout), &records); err != nil || len(records) != 4 {
			t.Fatalf("stdout is not the array of 4 records (%v):\n%s", err, r.stdout)
		}
		checkReport(t, reportOf(t, strings.TrimSpace(r.stderr)))
	})
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "report.json")
		plain := run(t, "-o", "json")
		if plain.stderr != "" {
			t.Errorf("a run without --report wrote on stderr: %q", plain.stderr)
		}
		r := run(t, "--report-file", path, "-o", "json")
		same := func(s string) string { return durations.ReplaceAllString(s, `"duration_ms": 0`) }
		if r.stderr != "" || same(r.stdout) != same(plain.stdout) {
			t.Errorf("--report-file alone changed the output:\nstdout %s\nstderr %q", r.stdout, r.stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var sum runreport.Summary
		if err := json.Unmarshal(b, &sum); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		checkReport(t, &sum)
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".report.json.*")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
	t.Run("file errors", func(t *testing.T) {
		r := awsacct(t, nil, append(list, "--report-file", filepath.Join(t.TempDir(), "no", "such", "dir", "r.json"))...)
		if r.code != exitError || !strings.Contains(r.stderr, "--report-file") || r.stdout != "" {
			t.Fatalf("unwritable --report-file: exit %d, %q %q", r.code, r.stdout, r.stderr)
		}
		// A run that stops before its targets leaves the file as it was.
		path := filepath.Join(t.TempDir(), "r.json")
		os.WriteFile(path, []byte("old"), 0o600)
		r = awsacct(t, nil, "call", "dynamodb", "list_tables", "-c", "nope.yaml", "--report-file", path)
		if b, _ := os.ReadFile(path); r.code != exitError || string(b) != "old" {
			t.Fatalf("failed run: exit %d, file %q", r.code, b)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".r.json.*")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
}

// checkReport checks the counts of the moto run: 4 targets, the keys'
// account in ca-central-1 paged 3 times through its strict limit.
func checkReport(t *testing.T, sum *runreport.Summary) {
	t.Helper()
	if len(sum.Targets) != 4 || sum.Totals.Calls != 6 || sum.Totals.Requests != 6 || sum.Totals.Throttled() != 0 {
		t.Fatalf("report %+v", sum)
	}
	for _, tg := range sum.Targets {
		if tg.AccountID == "123456789012" && tg.Region == "ca-central-1" {
			// Two waits of about half a second each.
			if tg.Calls != 3 || tg.WaitSeconds < 0.8 || tg.WaitSeconds > 1.5 {
				t.Errorf("strict target: %+v", tg)
			}
		} else if tg.WaitSeconds > 0.1 {
			t.Errorf("%s %s waited %.3fs without a limit", tg.AccountID, tg.Region, tg.WaitSeconds)
		}
	}
	if len(sum.Roles) != 1 || sum.Roles[0].AccountID != "210000000003" || sum.Roles[0].AssumeRoles != 1 {
		t.Errorf("roles %+v", sum.Roles)
	}
}

// reportOf decodes a {"report": ...} line.
func reportOf(t *testing.T, line string) *runreport.Summary {
	t.Helper()
	var v struct {
		Report *runreport.Summary `json:"report"`
	}
	if err := json.Unmarshal([]byte(line), &v); err != nil || v.Report == nil {
		t.Fatalf("not a report line (%v): %s", err, line)
	}
	return v.Report
}

// Through a throttling emulator: AWS (the emulator) throttles the first two
// GetCallerIdentity requests in ap-southeast-2, so its call succeeds on
// its third attempt, and denies every one in eu-west-1. The report counts
// the throttles, retries and errors by code and says what to do.
func TestCallReportThrottled(t *testing.T) {
	var mu sync.Mutex
	seen := 0 // requests to ap-southeast-2
	th := awstest.RunThrottler(t, moto.URL(), func(o *awstest.ThrottlerOptions) {
		o.Buckets = func(r awstest.Request) []awstest.Draw {
			if r.Action != "GetCallerIdentity" || r.Region != "ap-southeast-2" {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			if seen++; seen > 2 {
				return nil
			}
			// An empty bucket that (almost) never refills.
			return []awstest.Draw{{Group: "sts", Limit: awstest.Limit{Rate: 1e-9}}}
		}
	})
	th.Proxy().Inject(func(r awstest.Request) bool { return r.Action == "GetCallerIdentity" && r.Region == "eu-west-1" },
		awstest.Fault{Status: 403, Code: "AccessDenied", Message: "not authorized to perform: sts:GetCallerIdentity"})
	t.Setenv("AWS_ENDPOINT_URL", th.URL())
	cfg := writeConfig(t, `
Throttled:
 RegionalAccountSet:
  - RegionalAccounts:
     Account: {SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: x, region_name: us-east-1}}
     Filter: {Partitions: {aws: {Regions: {include: [us-east-1, eu-west-1, ap-southeast-2]}}}}
`)
	r := awsacct(t, nil, "call", "sts", "get_caller_identity", "-c", cfg, "--report", "-o", "table")
	if r.code != exitTargetsFailed {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	golden(t, "call-report-throttled.table", r.stdout)
	golden(t, "call-report-throttled.table.stderr", normalizeReport(r.stderr))
	var throttled int64
	for _, b := range th.Stats() {
		throttled += b.Throttled
	}
	for _, want := range []string{"3 calls, 5 requests (2 retries), 2 throttled, 1 failed",
		"sts in ap-southeast-2: AWS throttled 2 of 3 requests (Throttling 2)", "sts in eu-west-1: 1 of 1 calls failed (AccessDenied 1)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in the report:\n%s", want, r.stderr)
		}
	}
	if throttled != 2 {
		t.Errorf("the emulator throttled %d, want 2", throttled)
	}
}

var (
	reportDurations = regexp.MustCompile(`\b(\d+h)?(\d+m)?\d+(\.\d+)?(h|m|s|ms|µs|ns)\b`)
	reportPercents  = regexp.MustCompile(`\b\d+%`)
	reportSeconds   = regexp.MustCompile(`"(\w+)_seconds": ?[-+.e0-9]+`)
	spaces          = regexp.MustCompile(`\s{2,}`)
)

// normalizeReport makes a report comparable from run to run: durations
// become 1s, shares 50%, seconds in JSON 0; the text report's table is
// aligned again around them.
func normalizeReport(s string) string {
	s = reportSeconds.ReplaceAllString(s, `"${1}_seconds":0`)
	s = reportDurations.ReplaceAllString(s, "1s")
	s = reportPercents.ReplaceAllString(s, "50%")
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "ACCOUNT ") || !strings.Contains(lines[i], "IN AWS") {
			b.WriteString(lines[i])
			continue
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			tw.Write([]byte(spaces.ReplaceAllString(strings.TrimRight(lines[i], "\n"), "\t") + "\n"))
		}
		tw.Flush()
		if i < len(lines) {
			b.WriteString(lines[i])
		}
	}
	return b.String()
}
