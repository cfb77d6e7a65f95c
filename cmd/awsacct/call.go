package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/awsaccount/awsaccount"
	"github.com/awsaccount/awsaccount/internal/awsapi"
)

// callCommand runs one operation on every target.
type callCommand struct {
	service, operation string
	input              string
	paginate           bool
	concurrency        int

	op        awsapi.Operation
	inputJSON []byte
}

func newCallCommand() *callCommand { return &callCommand{} }

func (*callCommand) name() string { return "call" }

func (cmd *callCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&cmd.input, "input", "", "operation input as `JSON`, or @file")
	fs.BoolVar(&cmd.paginate, "paginate", false, "follow the SDK paginator and merge the pages")
	fs.IntVar(&cmd.concurrency, "concurrency", defaultConcurrency, "targets worked on at once")
}

func (cmd *callCommand) args(p []string) error {
	if len(p) != 2 {
		return fmt.Errorf("call takes SERVICE OPERATION, got %d arguments", len(p))
	}
	cmd.service, cmd.operation = p[0], p[1]
	return nil
}

// prepare resolves the operation and checks the input before any request.
func (cmd *callCommand) prepare() error {
	if cmd.concurrency < 1 {
		return fmt.Errorf("--concurrency %d: want at least 1", cmd.concurrency)
	}
	svc, err := awsapi.LookupService(cmd.service)
	if err != nil {
		return err
	}
	if cmd.op, err = svc.Operation(cmd.operation); err != nil {
		return err
	}
	if cmd.paginate && !cmd.op.Paginated() {
		return fmt.Errorf("--paginate: %s %s has no paginator", svc.Name, cmd.op.Name)
	}
	cmd.inputJSON = []byte("{}")
	if cmd.input != "" {
		cmd.inputJSON = []byte(cmd.input)
		if name, ok := strings.CutPrefix(cmd.input, "@"); ok {
			if cmd.inputJSON, err = os.ReadFile(name); err != nil {
				return fmt.Errorf("--input: %w", err)
			}
		}
	}
	if _, err := cmd.op.DecodeInput(cmd.inputJSON); err != nil {
		return fmt.Errorf("--input: %w", err)
	}
	return nil
}

// callRecord is one target's line of output.
type callRecord struct {
	AccountID  string          `json:"account_id"`
	Alias      string          `json:"alias"`
	Region     string          `json:"region"`
	Service    string          `json:"service"`
	Operation  string          `json:"operation"`
	Pages      int             `json:"pages"`
	DurationMS int64           `json:"duration_ms"`
	Result     json.RawMessage `json:"result,omitempty"`
	Error      *errorJSON      `json:"error,omitempty"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

type callValue struct {
	output json.RawMessage
	pages  int
}

func (cmd *callCommand) run(ctx context.Context, c *cli) error {
	if err := c.common.checkOutput("table", "json", "jsonl"); err != nil {
		return err
	}
	if err := cmd.prepare(); err != nil {
		return err
	}
	set, err := c.targets(ctx)
	if err != nil {
		return err
	}
	targets := set.Targets()
	info := accountInfos(ctx, targets)

	out := newRecordWriter(c.stdout, c.common.output, len(targets))
	prog := newProgress(c.stderr, len(targets), !c.common.noProgress && c.isTerminal(c.stderr))
	defer prog.stop()

	// ForEach yields in target order as soon as every earlier target is
	// done: jsonl streams; json and table print at the end.
	var failed int
	var writeErr error
	results := awsaccount.ForEach(ctx, set, func(ctx context.Context, ra *awsaccount.RegionalAccount) (callValue, error) {
		return cmd.callOne(ctx, ra)
	}, func(o *awsaccount.ForEachOptions) {
		o.Concurrency = cmd.concurrency
		o.OnResult = func(_, done, _ int, err error) { prog.update(done, err != nil) }
	})
	for _, r := range results {
		if r.Err != nil && r.Err == ctx.Err() {
			continue // never started: interrupted
		}
		if r.Err != nil {
			failed++
		}
		if writeErr == nil {
			writeErr = out.write(cmd.record(r.Target, info, r.Value, r.Duration, r.Err))
		}
	}
	prog.stop()
	if writeErr != nil {
		return writeErr
	}
	if err := out.close(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if failed > 0 {
		return errTargetsFailed
	}
	return nil
}

func (cmd *callCommand) callOne(ctx context.Context, ra *awsaccount.RegionalAccount) (v callValue, err error) {
	// A bug in one target's call must not take the others down with a
	// panic: it becomes that target's error.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error calling %s (please report it): %v", cmd.op, p)
		}
	}()
	input, err := cmd.op.DecodeInput(cmd.inputJSON)
	if err != nil {
		return callValue{}, err
	}
	cfg := ra.Config()
	// CloudWatch's Query protocol works everywhere (moto does not speak the
	// SDK's default CBOR); path-style S3 addressing is what custom
	// endpoints (emulators, some VPC endpoints) need.
	opts := []func(any){awsapi.UseQueryProtocol}
	if cfg.BaseEndpoint != nil {
		opts = append(opts, awsapi.UsePathStyle)
	}
	client := cmd.op.Service.NewClient(cfg, opts...)
	res, err := cmd.op.CallWith(ctx, client, input, cmd.paginate)
	if err != nil {
		return callValue{pages: res.Pages}, err
	}
	raw, err := awsapi.ToJSON(res.Output)
	return callValue{output: raw, pages: res.Pages}, err
}

func (cmd *callCommand) record(ra *awsaccount.RegionalAccount, info map[*awsaccount.Account]accountInfo, v callValue, d time.Duration, err error) *callRecord {
	id := info[ra.Account()]
	rec := &callRecord{
		AccountID: id.id, Alias: id.alias, Region: ra.Region(),
		Service: cmd.op.Service.Name, Operation: cmd.op.Name,
		Pages: v.pages, DurationMS: d.Milliseconds(), Result: v.output,
	}
	if err != nil {
		rec.Result = nil
		rec.Error = errorOf(err)
	}
	return rec
}

// errorOf turns a target's error into its JSON object: the API error code
// and message, and our hint.
func errorOf(err error) *errorJSON {
	e := &errorJSON{Code: "Error", Message: err.Error()}
	var ce *awsaccount.CallError
	if errors.As(err, &ce) {
		e.Hint = ce.Hint
		if ce.Code != "" {
			e.Code = ce.Code
		}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
	} else if ce != nil {
		e.Message = ce.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Code = "Timeout"
	}
	return e
}
