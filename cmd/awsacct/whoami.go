package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

// whoamiCommand shows who the CLI is in each account.
type whoamiCommand struct{}

func newWhoamiCommand() *whoamiCommand { return &whoamiCommand{} }

func (*whoamiCommand) name() string          { return "whoami" }
func (*whoamiCommand) flags(*flag.FlagSet)   {}
func (*whoamiCommand) args(p []string) error { return noArgs("whoami", p) }

type whoamiJSON struct {
	AccountID string `json:"account_id"`
	Alias     string `json:"alias"`
	ARN       string `json:"arn"`
}

func (*whoamiCommand) run(ctx context.Context, c *cli) error {
	if err := c.common.checkOutput("table", "json"); err != nil {
		return err
	}
	set, err := c.targets(ctx)
	if err != nil {
		return err
	}
	targets := set.Targets()
	info := accountInfos(ctx, targets)
	if err := firstAccountError(info); err != nil {
		return err
	}
	var rows []whoamiJSON
	seen := map[string]bool{}
	for _, ra := range targets {
		i := info[ra.Account()]
		if seen[i.arn] {
			continue
		}
		seen[i.arn] = true
		rows = append(rows, whoamiJSON{AccountID: i.id, Alias: i.alias, ARN: i.arn})
	}
	if c.common.output == "json" {
		return writeJSON(c.stdout, rows)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tALIAS\tARN")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.AccountID, r.Alias, r.ARN)
	}
	return tw.Flush()
}
