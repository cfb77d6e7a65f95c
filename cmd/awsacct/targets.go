package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"text/tabwriter"

	"github.com/awsaccount/awsaccount"
)

// targetsCommand lists the resolved targets.
type targetsCommand struct{}

func newTargetsCommand() *targetsCommand { return &targetsCommand{} }

func (*targetsCommand) name() string          { return "targets" }
func (*targetsCommand) flags(*flag.FlagSet)   {}
func (*targetsCommand) args(p []string) error { return noArgs("targets", p) }

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

func (*targetsCommand) run(ctx context.Context, c *cli) error {
	if err := c.common.checkOutput("table", "json"); err != nil {
		return err
	}
	set, err := c.targets(ctx)
	if err != nil {
		return err
	}
	targets := set.Targets()
	info := accountInfos(ctx, targets)
	rows := make([]targetJSON, len(targets))
	for i, ra := range targets {
		l := ra.RateLimit().Limit()
		id := info[ra.Account()]
		rows[i] = targetJSON{AccountID: id.id, Alias: id.alias, Region: ra.Region(),
			RateLimit: rateLimitJSON{MaxCount: l.MaxCount, Interval: l.Interval.Seconds(), Block: l.Block}}
	}
	if err := firstAccountError(info); err != nil {
		return err
	}
	if c.common.output == "json" {
		return writeJSON(c.stdout, rows)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tALIAS\tREGION\tRATE LIMIT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.AccountID, r.Alias, r.Region, limitText(r.RateLimit))
	}
	fmt.Fprintf(tw, "\n%d targets\n", len(rows))
	return tw.Flush()
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

// accountInfo is what the CLI shows of an account.
type accountInfo struct {
	id, alias, arn string
	err            error
}

// accountInfos asks every distinct account of targets for its id, ARN and
// alias, a few accounts at a time. An account that may not list its
// aliases is shown by id.
func accountInfos(ctx context.Context, targets []*awsaccount.RegionalAccount) map[*awsaccount.Account]accountInfo {
	var accounts []*awsaccount.Account
	seen := map[*awsaccount.Account]bool{}
	for _, ra := range targets {
		if a := ra.Account(); !seen[a] {
			seen[a] = true
			accounts = append(accounts, a)
		}
	}
	out := make(map[*awsaccount.Account]accountInfo, len(accounts))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, defaultConcurrency)
	for _, a := range accounts {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var info accountInfo
			info.id, info.err = a.AccountID(ctx)
			if info.err == nil {
				info.arn, info.err = a.Session().ARN(ctx)
			}
			if info.err == nil {
				if alias, err := a.Alias(ctx); err == nil && alias != info.id {
					info.alias = alias
				}
			}
			mu.Lock()
			out[a] = info
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func firstAccountError(info map[*awsaccount.Account]accountInfo) error {
	var errs []error
	for _, i := range info {
		if i.err != nil {
			errs = append(errs, i.err)
		}
	}
	return errors.Join(errs...)
}
