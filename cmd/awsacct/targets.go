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
}

type targetJSON struct {
	AccountID string        `json:"account_id"`
	Alias     string        `json:"alias"`
	Region    string        `json:"region"`
	RateLimit rateLimitJSON `json:"rate_limit"`
}

func runTargets(ctx context.Context, o *targetsOptions) error {
	ctx, c := o.f.newRun(ctx, &o.targets)
	defer c.close()
	p, err := c.prepare(ctx)
	if err != nil {
		return err
	}
	if err := p.firstAccountError(); err != nil {
		return err
	}
	out := newRowWriter(o.f.stdout, o.output.format, targetsView)
	for _, ra := range p.targets {
		l := ra.RateLimit().Limit()
		id := p.info(ra)
		row := targetJSON{AccountID: id.id, Alias: id.alias, Region: ra.Region(),
			RateLimit: rateLimitJSON{MaxCount: l.MaxCount, Interval: l.Interval.Seconds(), Block: l.Block}}
		if err := out.write(row); err != nil {
			return err
		}
	}
	return out.close()
}

// targetsView shows one target per line: in the table with its limit in
// words, as text with the limit's three values.
var targetsView = view[targetJSON]{
	header: []string{"ACCOUNT", "ALIAS", "REGION", "RATE LIMIT"},
	cells: func(r targetJSON) []string {
		return []string{r.AccountID, r.Alias, r.Region, limitText(r.RateLimit)}
	},
	footer: func(rows []targetJSON) string { return fmt.Sprintf("%d targets", len(rows)) },
	text: func(r targetJSON) ([][]string, error) {
		l := r.RateLimit
		return [][]string{{r.AccountID, r.Alias, r.Region, fmt.Sprint(l.MaxCount), fmt.Sprint(l.Interval), textScalar(l.Block)}}, nil
	},
}

func limitText(l rateLimitJSON) string {
	if l.MaxCount <= 0 || l.Interval <= 0 {
		return "unlimited"
	}
	mode := "fail fast"
	if l.Block {
		mode = "block"
	}
	return fmt.Sprintf("%d per %gs, %s", l.MaxCount, l.Interval, mode)
}
