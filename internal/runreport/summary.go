package runreport

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// The awsaccount package's meter and instruments, and their attribute
// keys (see the package awsaccount's documentation). TestCollectorSumsAFleet
// runs the real package, so a rename there fails here.
const (
	scope = "github.com/awsaccount/awsaccount"

	metricCallDuration    = "awsaccount.client.call.duration"
	metricCallErrors      = "awsaccount.client.call.errors"
	metricAttempts        = "awsaccount.client.attempts"
	metricAttemptDuration = "awsaccount.client.attempt.duration"
	metricRetries         = "awsaccount.client.retries"
	metricThrottles       = "awsaccount.client.throttles"
	metricWaitDuration    = "awsaccount.ratelimit.wait.duration"
	metricRefusals        = "awsaccount.ratelimit.refusals"
	metricRoleAssumes     = "awsaccount.role.assumes"

	attrAccountID = "account_id"
	attrRegion    = "region"
	attrService   = "service"
	attrErrorCode = "error_code"
	attrRefresh   = "refresh"
)

// Summary is what a run did and where its time went. Its JSON encoding is
// the report's JSON object; durations are in seconds.
type Summary struct {
	// WallSeconds is the time from the Collector's start to the Summary.
	WallSeconds float64 `json:"wall_seconds"`
	Totals      Counts  `json:"totals"`
	// Targets are sorted by account, then region; a target whose account
	// was not known without a call has no AccountID.
	Targets []Target `json:"targets"`
	// Services sum the targets of each service in each region.
	Services []Service `json:"services"`
	// Roles count the credentials retrieved per role account.
	Roles []Role `json:"roles,omitempty"`
	// Findings say, in a sentence each, where the time went and what
	// failed, most costly first.
	Findings []string `json:"findings,omitempty"`
}

// Counts are the sums of a run, a target or a service.
type Counts struct {
	Calls    int64 `json:"calls"`
	Requests int64 `json:"requests"` // attempts sent to AWS
	Retries  int64 `json:"retries"`  // attempts after a call's first
	Refusals int64 `json:"refusals"` // attempts our rate limits refused
	// Throttles and Errors are by error code ("RequestLimitExceeded",
	// "AccessDenied").
	Throttles map[string]int64 `json:"throttles,omitempty"`
	Errors    map[string]int64 `json:"errors,omitempty"`
	// CallSeconds is the time the calls took, end to end; WaitSeconds the
	// part waiting on our rate limits, AWSSeconds the part in AWS (an
	// admitted attempt, from signing to decoding). The rest is the
	// retryer's backoff and the SDK's own work.
	CallSeconds float64 `json:"call_seconds"`
	WaitSeconds float64 `json:"wait_seconds"`
	AWSSeconds  float64 `json:"aws_seconds"`
}

// Target is one account in one region.
type Target struct {
	AccountID string `json:"account_id,omitempty"`
	Region    string `json:"region"`
	Counts
}

// Service is one service (the SDK's service id, "EC2") in one region,
// across accounts.
type Service struct {
	Service string `json:"service"`
	Region  string `json:"region"`
	Counts
}

// Role counts the credentials retrieved by assuming the roles of one
// account: AssumeRoles is every STS call, Refreshes those after a layer's
// first, Failures those that failed.
type Role struct {
	AccountID   string `json:"account_id"`
	AssumeRoles int64  `json:"assume_roles"`
	Refreshes   int64  `json:"refreshes"`
	Failures    int64  `json:"failures"`
}

// Throttled is the sum of Throttles.
func (c *Counts) Throttled() int64 { return sum(c.Throttles) }

// Failed is the sum of Errors.
func (c *Counts) Failed() int64 { return sum(c.Errors) }

// OtherSeconds is the call time neither waiting nor in AWS.
func (c *Counts) OtherSeconds() float64 { return max(0, c.CallSeconds-c.WaitSeconds-c.AWSSeconds) }

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// add adds o to c.
func (c *Counts) add(o *Counts) {
	c.Calls += o.Calls
	c.Requests += o.Requests
	c.Retries += o.Retries
	c.Refusals += o.Refusals
	c.CallSeconds += o.CallSeconds
	c.WaitSeconds += o.WaitSeconds
	c.AWSSeconds += o.AWSSeconds
	c.Throttles = addCodes(c.Throttles, o.Throttles)
	c.Errors = addCodes(c.Errors, o.Errors)
}

func addCodes(dst, src map[string]int64) map[string]int64 {
	for k, v := range src {
		if dst == nil {
			dst = map[string]int64{}
		}
		dst[k] += v
	}
	return dst
}

type targetKey struct{ account, region string }

// updates say what each metric adds to the Counts of a target (and of its
// service): a point's attributes, value and count.
var updates = map[string]func(c *Counts, attrs attribute.Set, v float64, n uint64){
	metricCallDuration: func(c *Counts, _ attribute.Set, v float64, n uint64) {
		c.CallSeconds += v
		c.Calls += int64(n)
	},
	metricWaitDuration:    func(c *Counts, _ attribute.Set, v float64, _ uint64) { c.WaitSeconds += v },
	metricAttemptDuration: func(c *Counts, _ attribute.Set, v float64, _ uint64) { c.AWSSeconds += v },
	metricAttempts:        func(c *Counts, _ attribute.Set, _ float64, n uint64) { c.Requests += int64(n) },
	metricRetries:         func(c *Counts, _ attribute.Set, _ float64, n uint64) { c.Retries += int64(n) },
	metricRefusals:        func(c *Counts, _ attribute.Set, _ float64, n uint64) { c.Refusals += int64(n) },
	metricThrottles: func(c *Counts, a attribute.Set, _ float64, n uint64) {
		c.Throttles = addCodes(c.Throttles, map[string]int64{str(a, attrErrorCode): int64(n)})
	},
	metricCallErrors: func(c *Counts, a attribute.Set, _ float64, n uint64) {
		c.Errors = addCodes(c.Errors, map[string]int64{str(a, attrErrorCode): int64(n)})
	},
}

// sums are the Counts of each target and of each service in a region.
type sums struct {
	targets  map[targetKey]*Counts
	services map[targetKey]*Counts // service in account's place
}

// add visits every point of m, adding it with update to its target's and
// its service's Counts.
func (s *sums) add(m metricdata.Metrics, update func(*Counts, attribute.Set, float64, uint64)) {
	visit := func(attrs attribute.Set, v float64, n uint64) {
		region := str(attrs, attrRegion)
		for _, k := range []struct {
			m   map[targetKey]*Counts
			key targetKey
		}{{s.targets, targetKey{str(attrs, attrAccountID), region}}, {s.services, targetKey{str(attrs, attrService), region}}} {
			if k.m[k.key] == nil {
				k.m[k.key] = &Counts{}
			}
			update(k.m[k.key], attrs, v, n)
		}
	}
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			visit(p.Attributes, float64(p.Value), uint64(p.Value))
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			visit(p.Attributes, p.Sum, p.Count)
		}
	}
}

// summarize sums the awsaccount metrics of rm.
func summarize(rm *metricdata.ResourceMetrics, wall time.Duration) *Summary {
	sum := &sums{targets: map[targetKey]*Counts{}, services: map[targetKey]*Counts{}}
	roles := map[string]*Role{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != scope {
			continue
		}
		for _, m := range sm.Metrics {
			if update, ok := updates[m.Name]; ok {
				sum.add(m, update)
			} else if m.Name == metricRoleAssumes {
				sumRoles(m, roles)
			}
		}
	}
	s := &Summary{WallSeconds: wall.Seconds(), Targets: []Target{}, Services: []Service{}}
	for _, k := range slices.SortedFunc(maps.Keys(sum.targets), compareKeys) {
		s.Targets = append(s.Targets, Target{AccountID: k.account, Region: k.region, Counts: *sum.targets[k]})
		s.Totals.add(sum.targets[k])
	}
	for _, k := range slices.SortedFunc(maps.Keys(sum.services), compareKeys) {
		s.Services = append(s.Services, Service{Service: k.account, Region: k.region, Counts: *sum.services[k]})
	}
	for _, id := range slices.Sorted(maps.Keys(roles)) {
		s.Roles = append(s.Roles, *roles[id])
	}
	s.Findings = findings(s)
	return s
}

func sumRoles(m metricdata.Metrics, roles map[string]*Role) {
	d, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		return
	}
	for _, p := range d.DataPoints {
		id := str(p.Attributes, attrAccountID)
		r := roles[id]
		if r == nil {
			r = &Role{AccountID: id}
			roles[id] = r
		}
		r.AssumeRoles += p.Value
		if v, ok := p.Attributes.Value(attrRefresh); ok && v.AsBool() {
			r.Refreshes += p.Value
		}
		if p.Attributes.HasValue(attrErrorCode) {
			r.Failures += p.Value
		}
	}
}

func compareKeys(a, b targetKey) int {
	return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
}

func str(s attribute.Set, k attribute.Key) string {
	v, _ := s.Value(k)
	return v.AsString()
}

// Thresholds of the findings.
const (
	// The share of call time spent waiting, and of requests throttled,
	// below which nothing is said.
	minWaitShare     = 0.25
	minThrottleShare = 0.05
	maxFindings      = 10
)

// findings says where the time went, per service in a region: long waits
// on our limit (and whether AWS would have allowed more), heavy
// throttling, failures. Most costly first.
func findings(s *Summary) []string {
	type finding struct {
		cost float64
		text string
	}
	var fs []finding
	for _, sv := range s.Services {
		name := strings.ToLower(sv.Service) + " in " + sv.Region
		if sv.CallSeconds > 0 && sv.WaitSeconds/sv.CallSeconds >= minWaitShare {
			text := fmt.Sprintf("%s: %s of the time its calls took was spent waiting on our rate limit (%s of %s)",
				name, percent(sv.WaitSeconds, sv.CallSeconds), seconds(sv.WaitSeconds), seconds(sv.CallSeconds))
			if t := sv.Throttled(); t == 0 {
				text += fmt.Sprintf(", and AWS throttled none of its %d requests: the limit may be stricter than AWS needs.", sv.Requests)
			} else {
				text += fmt.Sprintf("; AWS throttled %d of %d requests.", t, sv.Requests)
			}
			fs = append(fs, finding{sv.WaitSeconds, text})
		} else if t := sv.Throttled(); sv.Requests > 0 && float64(t)/float64(sv.Requests) >= minThrottleShare {
			fs = append(fs, finding{sv.OtherSeconds(), fmt.Sprintf(
				"%s: AWS throttled %d of %d requests (%s), and retries took %s: lower our rate limit for it.",
				name, t, sv.Requests, codes(sv.Throttles), seconds(sv.OtherSeconds()))})
		}
		if f := sv.Failed(); f > 0 {
			fs = append(fs, finding{-float64(f), fmt.Sprintf("%s: %d of %d calls failed (%s).", name, f, sv.Calls, codes(sv.Errors))})
		}
	}
	slices.SortStableFunc(fs, func(a, b finding) int { return cmp.Compare(b.cost, a.cost) })
	out := make([]string, 0, min(len(fs), maxFindings))
	for _, f := range fs[:min(len(fs), maxFindings)] {
		out = append(out, f.text)
	}
	return out
}

// codes lists counts by code, most frequent first: "Throttling 12,
// RequestLimitExceeded 3".
func codes(m map[string]int64) string {
	keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func percent(part, whole float64) string {
	if whole <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*part/whole)
}

// seconds prints a duration in seconds the way time.Duration does, to
// a tenth of a second past one second.
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}
