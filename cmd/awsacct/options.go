package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

)

// targetOptions are the flags of every command that acts on targets.
type targetOptions struct {
	configFile  string
	setPath     string
	profile     string
	region      string
	regions     []string
	endpointURL string
	mfaCode     string
	timeout     time.Duration
	shard       shard
	allowEmpty  bool
	concurrency int
	verbose     bool
	debug       bool
	noProgress  bool
}

func (o *targetOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.configFile, "config", "c", "", "config `FILE` (the seed's YAML format)")
	fs.StringVar(&o.setPath, "set", "", "dotted `PATH` of the RegionalAccountSet list in the config (default: the only one)")
	fs.StringVar(&o.profile, "profile", "", "without -c: the shared config `PROFILE` (default AWS_PROFILE)")
	fs.StringVar(&o.region, "region", "", "the `REGION`: without -c, instead of the profile's or AWS_REGION; with -c, narrows the config's targets")
	fs.StringSliceVar(&o.regions, "regions", nil, "`REGIONS` or globs, comma separated (e.g. 'us-*,eu-west-1'): without -c, the targets; with -c, narrows the config's")
	fs.StringVar(&o.endpointURL, "endpoint-url", "", "send every service's requests to `URL` (except those the config's ServiceEndpoints name)")
	fs.StringVar(&o.mfaCode, "mfa-code", "", "the MFA `CODE` for roles that need one (default: ask on the terminal, once per device)")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up on the whole run after `DURATION` (e.g. 90s, 5m); unfinished targets fail with Timeout")
	fs.Var(&o.shard, "shard", "run only shard `K/N` of the targets (by a stable hash of account id and region; 1 <= K <= N)")
	fs.BoolVar(&o.allowEmpty, "allow-empty", false, "accept a run with no targets (default: an error naming what emptied it)")
	fs.IntVar(&o.concurrency, "concurrency", defaultConcurrency, "targets worked on at once")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "debug logs on stderr")
	fs.BoolVar(&o.debug, "debug", false, "-v, and a line per HTTP request and response on stderr (nothing secret)")
	fs.BoolVar(&o.noProgress, "no-progress", false, "no progress line on stderr")
}

func (o *targetOptions) validate() error {
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency %d: want at least 1", o.concurrency)
	}
	if o.profile != "" && o.configFile != "" {
		return errors.New("--profile is for use without -c: a config's accounts name their own (profile_name)")
	}
	if o.timeout < 0 {
		return fmt.Errorf("--timeout %v: want a positive duration", o.timeout)
	}
	if o.mfaCode != "" && !validMFACode(o.mfaCode) {
		return errors.New("--mfa-code: want the 6 digits the MFA device shows")
	}
	if o.endpointURL != "" {
		u, err := url.Parse(o.endpointURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--endpoint-url %q: want an http:// or https:// URL with a host", o.endpointURL)
		}
	}
	return nil
}

// shard is --shard K/N: the targets whose stable hash falls in the K-th of
// N shards. The zero shard is all of them.
type shard struct{ k, n int }

func (s *shard) String() string {
	if s.n == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.k, s.n)
}

func (s *shard) Set(v string) error {
	ks, ns, ok := strings.Cut(v, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return fmt.Errorf("want K/N with 1 <= K <= N, e.g. 2/4")
	}
	s.k, s.n = k, n
	return nil
}

func (s *shard) Type() string { return "K/N" }

// holds reports whether the target (account, region) is in the shard.
// The hash is FNV-1a of "account/region": the same on every machine and
// run, so N workers given 1/N .. N/N cover every target exactly once.
func (s shard) holds(account, region string) bool {
	if s.n <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(account + "/" + region))
	return h.Sum64()%uint64(s.n) == uint64(s.k-1)
}

// narrowing are the --regions and --region entries, which with -c narrow
// the config's targets.
func (o *targetOptions) narrowing() []string {
	entries := slices.Clone(o.regions)
	if o.region != "" && !slices.Contains(entries, o.region) {
		entries = append(entries, o.region)
	}
	return entries
}

// outputOptions choose how a command prints its rows.
type outputOptions struct {
	format     string
	allowed    []string // the formats the command prints
	envDefault string   // AWS_DEFAULT_OUTPUT, the default when set
}

// addFlags adds -o/--output. Its default is AWS_DEFAULT_OUTPUT when set,
// as for the AWS CLI, else table.
func (o *outputOptions) addFlags(fs *pflag.FlagSet, getenv func(string) string, allowed ...string) {
	o.allowed = allowed
	o.envDefault = getenv("AWS_DEFAULT_OUTPUT")
	def := o.envDefault
	if def == "" {
		def = "table"
	}
	fs.StringVarP(&o.format, "output", "o", def, "output `FORMAT`: "+strings.Join(allowed, ", ")+"; AWS_DEFAULT_OUTPUT sets the default")
}

func (o *outputOptions) validate() error {
	if o.format == "yaml-stream" {
		o.format = "yaml" // the AWS CLI's name for what our yaml does: a row at a time
	}
	if slices.Contains(o.allowed, o.format) {
		return nil
	}
	from := "--output"
	if o.format == o.envDefault {
		from = "AWS_DEFAULT_OUTPUT"
	}
	return fmt.Errorf("%s %q: want one of %s", from, o.format, strings.Join(o.allowed, ", "))
}
