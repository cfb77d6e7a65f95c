package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// whoamiOptions are the flags of `awsacct whoami`.
type whoamiOptions struct {
	f       *factory
	targets targetOptions
	output  outputOptions
}

func newCmdWhoami(f *factory, runF func(*whoamiOptions) error) *cobra.Command {
	opts := &whoamiOptions{f: f}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show who the credentials are in each account",
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
			return runWhoami(cmd.Context(), opts)
		},
	}
	opts.targets.addFlags(cmd.Flags())
	opts.output.addFlags(cmd.Flags(), f.getenv, formats...)
	registerCompletions(f, cmd)
	return cmd
}

type whoamiJSON struct {
	AccountID string `json:"account_id"`
	Alias     string `json:"alias"`
	// Source is what the account is entered with, when its id is not
	// known: it could not say who it is (see Error).
	Source string `json:"source,omitempty"`
	ARN    string `json:"arn"`
	// Error is why the account could not say who it is.
	Error *errorJSON `json:"error,omitempty"`
}

func runWhoami(ctx context.Context, o *whoamiOptions) error {
	ctx, c := o.f.newRun(ctx, &o.targets)
	defer c.close()
	p, err := c.prepare(ctx)
	if err != nil {
		return err
	}
	out := newRowWriter(o.f.stdout, o.output.format, whoamiView)
	// One row per principal; one per account that could not say who it
	// is.
	seen := map[any]bool{}
	failed := 0
	for _, ra := range p.targets {
		i := p.info(ra)
		var key any = i.arn
		if i.err != nil {
			key = ra.Account()
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		row := whoamiJSON{AccountID: i.accountID(), Alias: i.alias, Source: i.source(), ARN: i.arn}
		if i.err != nil {
			row.Error = errorOf(i.err)
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

// whoamiView shows one principal per line; an account that could not say
// who it is shows the error in place of the ARN.
var whoamiView = view[whoamiJSON]{
	header: []string{"ACCOUNT", "ALIAS", "ARN"},
	cells: func(r whoamiJSON) []string {
		arn := r.ARN
		if r.Error != nil {
			arn = r.Error.summary()
		}
		return []string{accountCell(r.AccountID, r.Source), r.Alias, arn}
	},
	footer: func(rows []whoamiJSON) string {
		failed := 0
		for _, r := range rows {
			if r.Error != nil {
				failed++
			}
		}
		if failed == 0 {
			return ""
		}
		return fmt.Sprintf("%d accounts, %d failed", len(rows), failed)
	},
	text: func(r whoamiJSON) ([][]string, error) {
		lead := []string{accountCell(r.AccountID, r.Source), r.Alias}
		if r.Error != nil {
			return [][]string{append(lead, r.Error.fields()...)}, nil
		}
		return [][]string{append(lead, r.ARN)}, nil
	},
}
