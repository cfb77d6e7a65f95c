// Command fleetbench measures a fleet run of the awsacct CLI behind a proxy
// that adds latency to every request, as real AWS does (30-150 ms): N
// accounts, each entered by AssumeRole, × R regions, one
// `awsacct call sts get_caller_identity` over all of them. It prints, per
// run, the wall time, the latency floor, the AssumeRole count, the TCP
// connections the CLI opened, the requests, and the CLI's peak RSS.
//
// Two backends stand behind the proxy: moto (the emulator every test uses;
// a single Python process that answers a few hundred requests a second, so
// a run of thousands of targets is bound by it, not by the CLI), and a
// minimal STS of our own that answers at once, which shows the CLI against
// a backend as fast as AWS. Latency is the proxy's, never a sleep in the
// code under test.
//
//	go run ./internal/fleetbench -accounts 50,200 -regions 17 -latency 50ms
//	go run ./internal/fleetbench -baseline /tmp/awsacct-old   # before/after in one run
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/awsaccount/awsaccount/internal/awstest"
)

// classicRegions are the 17 regions every account has enabled.
var classicRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

func main() {
	accounts := flag.String("accounts", "50,200", "account counts, comma separated")
	nRegions := flag.Int("regions", 17, "regions per account (at most 17)")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency the proxy adds to every request")
	backends := flag.String("backends", "sts,moto", "backends behind the proxy: sts (ours, instant), moto")
	baseline := flag.String("baseline", "", "an older awsacct binary to run beside this tree's")
	extra := flag.String("args", "", "extra awsacct arguments, e.g. '--concurrency 8'")
	flag.Parse()
	if err := run(*accounts, min(*nRegions, len(classicRegions)), *latency, *backends, *baseline, *extra); err != nil {
		fmt.Fprintln(os.Stderr, "fleetbench:", err)
		os.Exit(1)
	}
}

func run(accountList string, nRegions int, latency time.Duration, backendList, baseline, extra string) error {
	work, err := os.MkdirTemp("", "fleetbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "awsacct")
	build := exec.Command("go", "build", "-o", bin, "./cmd/awsacct")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build awsacct: %w", err)
	}
	bins := []string{bin}
	if baseline != "" {
		bins = append(bins, baseline)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "backend\tbinary\taccounts\ttargets\twall\tfloor\twall/latency\tAssumeRole\tTCP conns\trequests\tfailed\tpeak RSS\t\n")
	for _, backend := range strings.Split(backendList, ",") {
		target, maxUpstream, stop, err := startBackend(backend)
		if err != nil {
			return err
		}
		for _, s := range strings.Split(accountList, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("-accounts %q: %w", s, err)
			}
			cfg := filepath.Join(work, fmt.Sprintf("fleet-%d.yaml", n))
			if err := writeConfig(cfg, n, classicRegions[:nRegions]); err != nil {
				return err
			}
			for i, b := range bins {
				res, err := measure(b, cfg, target, maxUpstream, latency, extra)
				if err != nil {
					stop()
					return err
				}
				name := "this tree"
				if i > 0 {
					name = "baseline"
				}
				targets := n * nRegions
				floor := latency * time.Duration(2+(targets+255)/256) // AssumeRole + rounds of 256 + process start
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2fs\t%.2fs\t%.0f\t%d\t%d\t%d\t%d\t%d MiB\t\n", backend, name, n, targets,
					res.wall.Seconds(), floor.Seconds(), float64(res.wall)/float64(latency),
					res.assumeRoles, res.conns, res.requests, res.failed, res.maxRSS>>20)
				tw.Flush()
			}
		}
		stop()
	}
	return tw.Flush()
}

type result struct {
	wall                         time.Duration
	assumeRoles, conns, requests int64
	lines, failed                int
	maxRSS                       int64
}

// measure runs one fleet call through a fresh latency proxy in front of
// target.
func measure(bin, cfg, target string, maxUpstream int, latency time.Duration, extra string) (result, error) {
	proxy, err := awstest.StartProxy(target, func(o *awstest.ProxyOptions) {
		o.Latency = latency
		o.Record = false
		o.MaxUpstreamConns = maxUpstream
	})
	if err != nil {
		return result{}, err
	}
	defer proxy.Close()
	args := append([]string{"call", "sts", "get_caller_identity", "-c", cfg, "-o", "jsonl", "--no-progress"}, strings.Fields(extra)...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cleanEnv(), "AWS_ENDPOINT_URL="+proxy.URL(), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return result{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	var res result
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		res.lines++
		if strings.Contains(sc.Text(), `"error":`) {
			res.failed++
		}
	}
	err = cmd.Wait()
	res.wall = time.Since(start)
	if err != nil && res.failed == 0 {
		return res, fmt.Errorf("%s: %w", bin, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.maxRSS = ru.Maxrss << 10 // KiB on Linux
	}
	st := proxy.Stats()
	res.assumeRoles, res.conns, res.requests = st.AssumeRoles, st.Conns, st.Requests
	return res, nil
}

// cleanEnv is the environment without AWS settings that would steer the
// CLI elsewhere; AWS_CA_BUNDLE stays, as on machines that set it.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") && k != "AWS_CA_BUNDLE" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func writeConfig(path string, accounts int, regions []string) error {
	var b strings.Builder
	b.WriteString("Fleet:\n  RegionalAccountSet:\n")
	for i := range accounts {
		fmt.Fprintf(&b, `    - RegionalAccounts:
        Account:
          SessionParameters: {aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: not-a-secret, region_name: us-east-1}
          AssumeRole: {RoleArn: "arn:aws:iam::%012d:role/fleet", RoleSessionName: fleet}
        RateLimit: {max_count: 100, interval: 1, block: true}
        Filter: {Partitions: {aws: {Regions: {include: [%s]}}}}
`, 100000000000+i, strings.Join(regions, ", "))
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// startBackend starts what stands behind the proxy, and says how many
// connections the proxy may open to it (moto closes each after one
// response and has a short accept backlog).
func startBackend(name string) (url string, maxUpstream int, stop func(), err error) {
	switch name {
	case "moto":
		m, err := awstest.StartMoto()
		if err != nil {
			return "", 0, nil, err
		}
		return m.URL(), awstest.DefaultMaxUpstreamConns, m.Close, nil
	case "sts":
		srv := httptest.NewServer(http.HandlerFunc(fastSTS))
		return srv.URL, 0, srv.Close, nil
	}
	return "", 0, nil, fmt.Errorf("unknown backend %q (want sts or moto)", name)
}

var issued atomic.Int64

// fastSTS answers AssumeRole and GetCallerIdentity at once, in the role's
// account: the key id it issues carries the account id.
func fastSTS(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	form := string(body)
	w.Header().Set("Content-Type", "text/xml")
	switch {
	case strings.Contains(form, "Action=AssumeRole"):
		account := "123456789012"
		if i := strings.Index(form, "arn%3Aaws%3Aiam%3A%3A"); i >= 0 && len(form) >= i+33 {
			account = form[i+21 : i+33]
		}
		n := issued.Add(1)
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIA%s%04d</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/fleet/fleet</Arn><AssumedRoleId>AROAFLEET:fleet</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			account, n%10000, time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05Z"), account)
	default:
		account := "123456789012"
		auth := r.Header.Get("Authorization")
		if _, rest, ok := strings.Cut(auth, "Credential=ASIA"); ok && len(rest) >= 12 {
			account = rest[:12]
		}
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:sts::%s:assumed-role/fleet/fleet</Arn><UserId>AROAFLEET:fleet</UserId><Account>%s</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, account, account)
	}
}
