package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// targetsOptions are the flags of `awsacct targets`.
type targetsOptions struct {
	f       *factory
	targets targetOptions
	output  outputOptions
}

func newCmdTargets(f *factory, runF func(*targetsOptions) error) *cobra.Command {
	opts := &targetsOptions{f: f}
	cmd := &cobra.Command{
		Use:   "targets",
		Short: "List the resolved (account, region) targets",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.targets.validate(); err != nil {
				return err
			}
			if err := opts.output.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runTargets(cmd.Context(), opts)
		},
	}
	opts.targets.addFlags(cmd.Flags())
	opts.output.addFlags(cmd.Flags(), f.getenv, formats...)
	registerCompletions(f, cmd)
	return cmd
}

// noArgs is the args check of a command that takes none.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr(cmd, "%s takes no arguments, got %q", cmd.Name(), args)
	}
	return nil
}

type rateLimitJSON struct {
	MaxCount int     `json:"max_count"`
	Interval float64 `json:"interval"` // seconds
	Block    bool    `json:"block"`
	// A token bucket's knobs, when the limit is one.
	Burst int     `json:"burst,omitempty"`
	Rate  float64 `json:"rate,omitempty"` // per second
	// text is the limit in words (ratelimit.Limit.String), for the table.
	text string
}

type targetJSON struct {
	AccountID string `json:"account_id"`
	Alias     string `json:"alias"`
	// Source is what the account is entered with, when its id is not
	// known: it could not say who it is (see Error).
	Source    string        `json:"source,omitempty"`
	Region    string        `json:"region"`
	RateLimit rateLimitJSON `json:"rate_limit"`
	// Error is why the account could not say who it is.
	Error *errorJSON `json:"error,omitempty"`
}

func runTargets(ctx context.Context, o *targetsOptions) error {
	ctx, c := o.f.newRun(ctx, &o.targets)
	defer c.close()
	p, err := c.prepare(ctx, true, true)
	if err != nil {
		return err
	}
	out := newRowWriter(o.f.stdout, o.output.format, targetsView)
	failed := 0
	for _, ra := range p.targets {
		l := ra.RateLimit().Limit()
		id := p.info(ra)
		row := targetJSON{AccountID: id.accountID(), Alias: id.alias, Source: id.source(), Region: ra.Region(),
			RateLimit: rateLimitJSON{MaxCount: l.MaxCount, Interval: l.Interval.Seconds(), Block: l.Block,
				Burst: l.Burst, Rate: l.Rate, text: l.String()}}
		if id.err != nil {
			row.Error = errorOf(id.err)
			failed++
		}
		if err := out.write(row); err != nil {
			return err
		}
	}
	if err := out.close(); err != nil {
		return err
	}
	return c.end(ctx, failed)
}

// targetsView shows one target per line: in the table with its limit in
// words, as text with the limit's three values. A target whose account
// could not say who it is shows the error in their place.
var targetsView = view[targetJSON]{
	header: []string{"ACCOUNT", "ALIAS", "REGION", "RATE LIMIT"},
	cells: func(r targetJSON) []string {
		limit := r.RateLimit.text
		if r.Error != nil {
			limit = r.Error.summary()
		}
		return []string{accountCell(r.AccountID, r.Source), r.Alias, r.Region, limit}
	},
	footer: func(rows []targetJSON) string {
		failed := 0
		for _, r := range rows {
			if r.Error != nil {
				failed++
			}
		}
		if failed > 0 {
			return fmt.Sprintf("%d targets, %d failed", len(rows), failed)
		}
		return fmt.Sprintf("%d targets", len(rows))
	},
	text: func(r targetJSON) ([][]string, error) {
		lead := []string{accountCell(r.AccountID, r.Source), r.Alias, r.Region}
		if r.Error != nil {
			return [][]string{append(lead, r.Error.fields()...)}, nil
		}
		l := r.RateLimit
		return [][]string{append(lead, fmt.Sprint(l.MaxCount), fmt.Sprint(l.Interval), textScalar(l.Block))}, nil
	},
}

// accountCell names an account in a table or text column: its id, else
// what it is entered with, in parentheses.
func accountCell(id, source string) string {
	if id == "" && source != "" {
		return "(" + source + ")"
	}
	return id
}
