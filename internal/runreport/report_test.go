package runreport

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a run of two accounts in two regions: ec2 in eu-west-1 waits
// on a strict limit that AWS never enforces, sts in us-east-1 is
// throttled, one account is denied.
func sample() *Summary {
	s := &Summary{WallSeconds: 12.4, Targets: []Target{
		{AccountID: "111122223333", Region: "eu-west-1", Counts: Counts{Calls: 100, Requests: 100,
			CallSeconds: 61, WaitSeconds: 50, AWSSeconds: 10.5}},
		{AccountID: "111122223333", Region: "us-east-1", Counts: Counts{Calls: 20, Requests: 26, Retries: 6,
			Throttles: map[string]int64{"Throttling": 6}, CallSeconds: 9, WaitSeconds: 0.2, AWSSeconds: 2.6}},
		{AccountID: "444455556666", Region: "eu-west-1", Counts: Counts{Calls: 100, Requests: 100,
			CallSeconds: 60, WaitSeconds: 49.5, AWSSeconds: 10.1}},
		{Region: "us-east-1", Counts: Counts{Calls: 2, Requests: 2, Errors: map[string]int64{"AccessDenied": 2},
			CallSeconds: 0.06, AWSSeconds: 0.05}},
	}, Services: []Service{
		{Service: "EC2", Region: "eu-west-1", Counts: Counts{Calls: 200, Requests: 200, CallSeconds: 121, WaitSeconds: 99.5, AWSSeconds: 20.6}},
		{Service: "STS", Region: "us-east-1", Counts: Counts{Calls: 22, Requests: 28, Retries: 6,
			Throttles: map[string]int64{"Throttling": 6}, Errors: map[string]int64{"AccessDenied": 2},
			CallSeconds: 9.06, WaitSeconds: 0.2, AWSSeconds: 2.65}},
	}, Roles: []Role{{AccountID: "111122223333", AssumeRoles: 2, Refreshes: 1}, {AccountID: "444455556666", AssumeRoles: 1}}}
	for i := range s.Targets {
		s.Totals.add(&s.Targets[i].Counts)
	}
	s.Findings = findings(s)
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}

func TestTextReport(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteText(&b, 0); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", b.Bytes())
}

func TestTextReportLimitsTargets(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteText(&b, 2); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "Targets (the 2 slowest of 4):") || strings.Contains(out, "(unknown)") {
		t.Errorf("limited report:\n%s", out)
	}
}

func TestJSONReport(t *testing.T) {
	b, err := json.MarshalIndent(sample(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", append(b, '\n'))
}

func TestFindings(t *testing.T) {
	for name, tc := range map[string]struct {
		svc  Service
		want string // "" for none
	}{
		"waiting, AWS idle": {Service{Service: "EC2", Region: "eu-west-1", Counts: Counts{Calls: 10, Requests: 10, CallSeconds: 10, WaitSeconds: 8.2, AWSSeconds: 1.8}},
			"ec2 in eu-west-1: 82% of the time its calls took was spent waiting on our rate limit (8.2s of 10s), and AWS throttled none of its 10 requests: the limit may be stricter than AWS needs."},
		"waiting and throttled": {Service{Service: "EC2", Region: "eu-west-1", Counts: Counts{Calls: 10, Requests: 12, CallSeconds: 10, WaitSeconds: 5,
			Throttles: map[string]int64{"RequestLimitExceeded": 2}}},
			"ec2 in eu-west-1: 50% of the time its calls took was spent waiting on our rate limit (5s of 10s); AWS throttled 2 of 12 requests."},
		"throttled": {Service{Service: "CloudWatch Logs", Region: "us-east-1", Counts: Counts{Calls: 10, Requests: 20, CallSeconds: 10, AWSSeconds: 2,
			Throttles: map[string]int64{"ThrottlingException": 10}}},
			"cloudwatch logs in us-east-1: AWS throttled 10 of 20 requests (ThrottlingException 10), and retries took 8s: lower our rate limit for it."},
		"failed": {Service{Service: "IAM", Region: "us-east-1", Counts: Counts{Calls: 4, Requests: 4, CallSeconds: 1, AWSSeconds: 1,
			Errors: map[string]int64{"AccessDenied": 3, "NoSuchEntity": 1}}},
			"iam in us-east-1: 4 of 4 calls failed (AccessDenied 3, NoSuchEntity 1)."},
		"fine": {Service{Service: "EC2", Region: "eu-west-1", Counts: Counts{Calls: 10, Requests: 10, CallSeconds: 10, WaitSeconds: 1, AWSSeconds: 9}}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			got := findings(&Summary{Services: []Service{tc.svc}})
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("findings %q, want none", got)
			case tc.want != "" && (len(got) != 1 || got[0] != tc.want):
				t.Errorf("findings %q,\nwant %q", got, tc.want)
			}
		})
	}
}
