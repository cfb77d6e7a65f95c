package main

import (
	"context"
	"fmt"
	"text/tabwriter"

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
	opts.output.addFlags(cmd.Flags(), f.getenv, "table", "json")
	return cmd
}

type whoamiJSON struct {
	AccountID string `json:"account_id"`
	Alias     string `json:"alias"`
	ARN       string `json:"arn"`
}

func runWhoami(ctx context.Context, o *whoamiOptions) error {
	c := o.f.newRun(&o.targets)
	defer c.close()
	p, err := c.prepare(ctx)
	if err != nil {
		return err
	}
	if err := p.firstAccountError(); err != nil {
		return err
	}
	var rows []whoamiJSON
	seen := map[string]bool{}
	for _, ra := range p.targets {
		i := p.info(ra)
		if seen[i.arn] {
			continue
		}
		seen[i.arn] = true
		rows = append(rows, whoamiJSON{AccountID: i.id, Alias: i.alias, ARN: i.arn})
	}
	if o.output.format == "json" {
		return writeJSON(o.f.stdout, rows)
	}
	tw := tabwriter.NewWriter(o.f.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tALIAS\tARN")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.AccountID, r.Alias, r.ARN)
	}
	return tw.Flush()
}
