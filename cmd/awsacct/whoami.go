package main

import (
	"context"

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
	ARN       string `json:"arn"`
}

func runWhoami(ctx context.Context, o *whoamiOptions) error {
	ctx, c := o.f.newRun(ctx, &o.targets)
	defer c.close()
	p, err := c.prepare(ctx)
	if err != nil {
		return err
	}
	if err := p.firstAccountError(); err != nil {
		return err
	}
	out := newRowWriter(o.f.stdout, o.output.format, whoamiView)
	seen := map[string]bool{}
	for _, ra := range p.targets {
		i := p.info(ra)
		if seen[i.arn] {
			continue
		}
		seen[i.arn] = true
		if err := out.write(whoamiJSON{AccountID: i.id, Alias: i.alias, ARN: i.arn}); err != nil {
			return err
		}
	}
	return out.close()
}

// whoamiView shows one principal per line.
var whoamiView = view[whoamiJSON]{
	header: []string{"ACCOUNT", "ALIAS", "ARN"},
	cells:  func(r whoamiJSON) []string { return []string{r.AccountID, r.Alias, r.ARN} },
	text: func(r whoamiJSON) ([][]string, error) {
		return [][]string{{r.AccountID, r.Alias, r.ARN}}, nil
	},
}
