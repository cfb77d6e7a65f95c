package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awsapi"
	"github.com/awsaccount/awsaccount/regions"
)

// callOptions are the flags and arguments of `awsacct call`.
type callOptions struct {
	f       *factory
	targets targetOptions
	output  outputOptions
	report  reportOptions

	service, operation string
	input              string // --input or --cli-input-json
	inputFlag          string // which of the two gave it
	paginate           bool   // --paginate given: the operation must have a paginator
	noPaginate         bool
	maxItems           int
	query              string
	allRegions         bool // --all-regions: a global service's operation in every region too

	compiled *query // --query, compiled by validate
}

func newCmdCall(f *factory, runF func(*callOptions) error) *cobra.Command {
	opts := &callOptions{f: f}
	var paginate bool // the --paginate flag; opts.paginate says it was given
	cmd := &cobra.Command{
		Use:   "call SERVICE OPERATION",
		Short: "Run one API operation on every target",
		Example: `  awsacct call ec2 describe-instances -c config.yaml -o table
  awsacct call iam list-users -c config.yaml --region us-east-1 --input '{"MaxItems": 50}'`,
		ValidArgsFunction: completeCall,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErr(cmd, "call takes SERVICE OPERATION, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.service, opts.operation = args[0], args[1]
			// Paginating is the default; --paginate said explicitly asks
			// for a paginator the operation must have.
			if cmd.Flags().Changed("paginate") {
				opts.paginate = paginate
				opts.noPaginate = opts.noPaginate || !paginate
			}
			if opts.paginate && opts.noPaginate {
				return usageErr(cmd, "--paginate and --no-paginate: give one")
			}
			switch in, cli := cmd.Flags().Changed("input"), cmd.Flags().Changed("cli-input-json"); {
			case in && cli:
				return usageErr(cmd, "--input and --cli-input-json are one flag by two names: give one")
			case cli:
				opts.inputFlag = "--cli-input-json"
			default:
				opts.inputFlag = "--input"
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runCall(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	opts.targets.addFlags(fs)
	opts.output.addFlags(fs, f.getenv, formats...)
	opts.report.addFlags(fs)
	registerCompletions(f, cmd)
	fs.StringVar(&opts.input, "input", "", "operation input: `JSON`, @FILE or file://PATH")
	fs.StringVar(&opts.input, "cli-input-json", "", "the same as --input, by the AWS CLI's name")
	fs.BoolVar(&paginate, "paginate", true, "follow the SDK paginator and merge the pages (the default)")
	fs.BoolVar(&opts.noPaginate, "no-paginate", false, "make one request per target: the first page only")
	fs.IntVar(&opts.maxItems, "max-items", 0, "print at most `N` items of each target's result list")
	fs.StringVar(&opts.query, "query", "", "JMESPath `EXPR` applied to each target's result, as the AWS CLI applies it")
	fs.BoolVar(&opts.allRegions, "all-regions", false, "run an operation of a global service (iam, organizations, s3 list_buckets) in every region, not once per account")
	return cmd
}

func (o *callOptions) validate() error {
	if err := o.targets.validate(); err != nil {
		return err
	}
	if err := o.output.validate(); err != nil {
		return err
	}
	if o.maxItems < 0 {
		return fmt.Errorf("--max-items %d: want at least 1", o.maxItems)
	}
	var err error
	o.compiled, err = compileQuery(o.query)
	return err
}

// callSpec is the operation and input every target runs, checked before
// any request.
type callSpec struct {
	debug     bool // --debug: note the time each request spends in the limiter
	op        awsapi.Operation
	inputJSON []byte
	pages     pageOptions
	query     *query // nil: the whole result
}

// prepareCall resolves the operation and checks the input.
func (o *callOptions) prepareCall() (*callSpec, error) {
	svc, err := awsapi.LookupService(o.service)
	if err != nil {
		return nil, err
	}
	spec := &callSpec{debug: o.targets.debug, query: o.compiled, pages: pageOptions{paginate: !o.noPaginate, maxItems: o.maxItems}}
	if spec.op, err = svc.Operation(o.operation); err != nil {
		return nil, err
	}
	if !spec.op.Paginated() {
		switch {
		case o.paginate:
			return nil, fmt.Errorf("--paginate: %s %s has no paginator", svc.Name, spec.op.Name)
		case o.maxItems > 0:
			return nil, fmt.Errorf("--max-items: %s %s has no paginator", svc.Name, spec.op.Name)
		}
	}
	if o.maxItems > 0 && spec.op.ItemList() == "" {
		return nil, fmt.Errorf("--max-items: %s %s has no list of items to count", svc.Name, spec.op.Name)
	}
	if spec.inputJSON, err = readInput(o.input); err != nil {
		return nil, fmt.Errorf("%s: %w", o.inputFlag, err)
	}
	if err := checkInput(spec.op, spec.inputJSON); err != nil {
		return nil, fmt.Errorf("%s: %w", o.inputFlag, err)
	}
	return spec, nil
}

// readInput is the input flag's JSON: given inline, or read from a file
// named as @FILE or, as the AWS CLI names it, file://PATH. No input is {}.
func readInput(v string) ([]byte, error) {
	name, ok := strings.CutPrefix(v, "@")
	if !ok {
		name, ok = strings.CutPrefix(v, "file://")
	}
	switch {
	case ok:
		return os.ReadFile(name)
	case strings.TrimSpace(v) == "":
		return []byte("{}"), nil
	}
	return []byte(v), nil
}

// checkInput refuses, before any request, an input the operation cannot
// take: JSON that does not fit the input type, a field name in another
// case than the API's, a required field missing (the SDK's own check).
func checkInput(op awsapi.Operation, data []byte) error {
	in, err := op.DecodeInput(data)
	if err != nil {
		return err
	}
	return op.Validate(in)
}

// callRecord is one target's line of output.
type callRecord struct {
	AccountID string `json:"account_id"`
	Alias     string `json:"alias"`
	// Source is what the account is entered with, when its id is not
	// known: it could not say who it is (see Error).
	Source     string `json:"source,omitempty"`
	Region     string `json:"region"`
	Service    string `json:"service"`
	Operation  string `json:"operation"`
	Pages      int    `json:"pages"`
	DurationMS int64  `json:"duration_ms"`
	// MorePages says the result was cut (--max-items, --no-paginate):
	// more items or pages exist.
	MorePages bool            `json:"more_pages,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *errorJSON      `json:"error,omitempty"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

type callValue struct {
	output json.RawMessage
	pages  int
	more   bool        // the output was cut: more items or pages exist
	info   accountInfo // who the target's account is
}

func runCall(ctx context.Context, o *callOptions) error {
	spec, err := o.prepareCall()
	if err != nil {
		return err
	}
	if err := o.report.open(); err != nil {
		return err
	}
	defer o.report.discard()
	ctx, c := o.f.newRun(ctx, &o.targets)
	defer c.close()
	c.report = o.report.wanted()
	p, err := c.prepare(ctx, false, false)
	if err != nil {
		return err
	}

	targets, global := callTargets(spec.op, p.targets, o.allRegions)
	out := newRowWriter(o.f.stdout, o.output.format, callView)
	// --debug writes lines on stderr that a progress line would cut.
	prog := newProgress(o.f.stderr, len(targets), !o.targets.noProgress && !o.targets.debug && o.f.isTerminal(o.f.stderr))
	defer prog.stop()

	// Results come in target order as soon as every earlier target is
	// done: jsonl streams; json and table print at the end.
	var failed, cut int
	var writeErr error
	call := func(ctx context.Context, ra *awsaccount.RegionalAccount) (callValue, error) {
		// Who the account is: asked by its first target, here in the
		// fan-out, once (the others wait for that answer).
		info := p.book.lookup(ctx, ra)
		if info.err != nil {
			// The account could not say who it is: its targets fail
			// with that cause, without a request each.
			return callValue{info: info}, info.err.Err
		}
		v, err := spec.callOne(ctx, ra)
		v.info = info
		return v, err
	}
	for r := range forEachTarget(ctx, p.set, targets, o.targets.concurrency, prog.update, call) {
		if r.notStarted {
			if c.interrupted() {
				continue // interrupted before its turn: not printed
			}
			r.err = asCallError(errNotStarted(o.targets.timeout), r.target)
		}
		if r.err != nil {
			failed++
		} else if r.value.more {
			cut++
		}
		if writeErr == nil {
			info := r.value.info
			if r.notStarted {
				info = p.info(r.target)
			}
			rec := spec.record(r.target, info, r.value, r.duration, r.err)
			if region, ok := global[r.target]; ok {
				rec.Region = region
			}
			writeErr = out.write(rec)
		}
	}
	prog.stop()
	if writeErr != nil {
		return writeErr
	}
	if err := out.close(); err != nil {
		return err
	}
	if cut > 0 {
		fmt.Fprintf(o.f.stderr, "awsacct: %s\n", spec.pages.cutNote(cut, len(targets)))
	}
	// Interrupted or out of time, the report says where the time went.
	if err := o.report.write(ctx, c.tel, o.output.format, o.f.stdout, o.f.stderr); err != nil {
		return err
	}
	return c.end(ctx, failed)
}

// callTargets are the targets an operation runs on: every one, except
// for an operation whose answer is the same in every region of an account
// (a global service's: iam, organizations; and s3 list_buckets), which
// runs once per account, on the account's first target, unless
// allRegions. global maps each such target to the region its call is made
// in, for its record (the global endpoint's signing region, e.g.
// us-east-1 for IAM in aws).
func callTargets(op awsapi.Operation, targets []*awsaccount.RegionalAccount, allRegions bool) ([]*awsaccount.RegionalAccount, map[*awsaccount.RegionalAccount]string) {
	if allRegions {
		return targets, nil
	}
	var out []*awsaccount.RegionalAccount
	global := map[*awsaccount.RegionalAccount]string{}
	seen := map[*awsaccount.Account]bool{}
	for _, ra := range targets {
		partition, _ := regions.PartitionOf(ra.Region())
		pl, err := op.Placement(partition)
		if err != nil || !pl.PerAccount {
			out = append(out, ra)
			continue
		}
		if seen[ra.Account()] {
			continue
		}
		seen[ra.Account()] = true
		out = append(out, ra)
		global[ra] = cmp.Or(pl.Region, ra.Region())
	}
	return out, global
}

// errNotStarted is the error of a target --timeout left no time for.
func errNotStarted(timeout time.Duration) error {
	return fmt.Errorf("not started: the run's --timeout %v passed first: %w", timeout, context.DeadlineExceeded)
}

func (s *callSpec) callOne(ctx context.Context, ra *awsaccount.RegionalAccount) (v callValue, err error) {
	// A bug in one target's call must not take the others down with a
	// panic: it becomes that target's error.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error calling %s (please report it): %v", s.op, p)
		}
	}()
	input, err := s.op.DecodeInput(s.inputJSON)
	if err != nil {
		return callValue{}, err
	}
	cfg := ra.Config()
	// CloudWatch's Query protocol works everywhere (moto does not speak the
	// SDK's default CBOR); path-style S3 addressing is what custom
	// endpoints (emulators, some VPC endpoints) need. The SDK's own metrics
	// are not the run's (see ourMetricsOnly).
	opts := []func(any){awsapi.UseQueryProtocol, noSDKMetrics}
	if cfg.BaseEndpoint != nil {
		opts = append(opts, awsapi.UsePathStyle)
	}
	if s.debug {
		opts = append(opts, stampLimiterWait)
	}
	client := s.op.Service.NewClient(cfg, opts...)
	raw, pages, more, err := callPages(ctx, s.op, client, input, s.pages)
	if err != nil {
		return callValue{pages: pages}, err
	}
	if s.query != nil {
		raw, err = s.query.apply(raw)
	}
	return callValue{output: raw, pages: pages, more: more}, err
}

func (s *callSpec) record(ra *awsaccount.RegionalAccount, id accountInfo, v callValue, d time.Duration, err error) *callRecord {
	rec := &callRecord{
		AccountID: id.accountID(), Alias: id.alias, Source: id.source(), Region: ra.Region(),
		Service: s.op.Service.Name, Operation: s.op.Name,
		Pages: v.pages, DurationMS: d.Milliseconds(), Result: v.output, MorePages: v.more,
	}
	if err != nil {
		rec.Result, rec.MorePages = nil, false
		rec.Error = errorOf(err)
	}
	return rec
}

// callView shows call records in a table (a summary of each result) and
// as text (each result as the AWS CLI's text output, every line led by the
// account and region).
var callView = view[*callRecord]{
	header: []string{"ACCOUNT", "ALIAS", "REGION", "PAGES", "RESULT"},
	cells: func(r *callRecord) []string {
		result := summarize(r.Result)
		if r.MorePages {
			result += " (more pages exist)"
		}
		if r.Error != nil {
			result = r.Error.summary()
		}
		return []string{accountCell(r.AccountID, r.Source), r.Alias, r.Region, fmt.Sprint(r.Pages), result}
	},
	footer: func(rows []*callRecord) string {
		failed := 0
		for _, r := range rows {
			if r.Error != nil {
				failed++
			}
		}
		return fmt.Sprintf("%d targets: %d ok, %d failed", len(rows), len(rows)-failed, failed)
	},
	text: func(r *callRecord) ([][]string, error) {
		lead := []string{accountCell(r.AccountID, r.Source), r.Region}
		if r.Error != nil {
			return [][]string{append(lead, r.Error.fields()...)}, nil
		}
		lines, err := awsText(r.Result)
		for i, l := range lines {
			lines[i] = append(slices.Clip(lead), l...)
		}
		return lines, err
	},
}

// summary is the error in a table cell.
func (e *errorJSON) summary() string {
	s := "ERROR " + e.Code + ": " + oneLine(e.Message)
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

// fields are the error's text fields: ERROR, the code, the message on one
// line, the hint.
func (e *errorJSON) fields() []string {
	return []string{"ERROR", e.Code, strings.Join(strings.Fields(e.Message), " "), e.Hint}
}

// errorOf turns a target's error into its JSON object: the API error code
// and message, and our hint. Failures with no API error get botocore's
// names: EndpointConnectionError (naming the URL) and Timeout.
func errorOf(err error) *errorJSON {
	e := &errorJSON{Code: "Error", Message: err.Error()}
	var ce *awsaccount.CallError
	if errors.As(err, &ce) {
		e.Hint = ce.Hint
		if ce.Code != "" {
			e.Code = ce.Code
		}
		e.Message = ce.Err.Error()
	}
	var api smithy.APIError
	var ue *url.Error
	switch {
	case errors.As(err, &api):
		e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
	case errors.As(err, new(*queryError)):
		e.Code = "QueryError"
	case errors.Is(err, context.DeadlineExceeded):
		e.Code = "Timeout"
	case errors.As(err, &ue) && !ue.Timeout():
		e.Code = "EndpointConnectionError"
		e.Message = fmt.Sprintf("could not connect to the endpoint URL %q: %v", ue.URL, ue.Err)
	}
	return e
}
