package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awsaccount/awsaccount/configfile"
	"github.com/awsaccount/awsaccount/organization"
)

// orgAccountsOptions are the flags of `awsacct accounts`.
type orgAccountsOptions struct {
	f       *factory
	targets targetOptions
	output  outputOptions
}

func newCmdAccounts(f *factory, runF func(*orgAccountsOptions) error) *cobra.Command {
	opts := &orgAccountsOptions{f: f}
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "List every account of the organizations in a config's set, selected or not, and why",
		Example: `  awsacct accounts -c org.yaml
  awsacct accounts -c org.yaml --set YourApp.RegionalAccountSet -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.targets.configFile == "" {
				return usageErr(cmd, "accounts needs -c FILE: a config whose set has Organization items")
			}
			if err := opts.output.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runAccounts(cmd.Context(), opts)
		},
	}
	opts.targets.addFlags(cmd.Flags())
	opts.output.addFlags(cmd.Flags(), f.getenv, formats...)
	registerCompletions(f, cmd)
	return cmd
}

// orgAccountJSON is one account of an organization: the pinned fields of
// `awsacct accounts`.
type orgAccountJSON struct {
	AccountID string            `json:"account_id"`
	Name      string            `json:"name"`
	Email     string            `json:"email"`
	Status    string            `json:"status"`
	OUPath    string            `json:"ou_path"`
	Tags      map[string]string `json:"tags"`
	Selected  bool              `json:"selected"`
	// Reason says why the account is not selected; "" when it is.
	Reason string `json:"reason"`
}

func runAccounts(ctx context.Context, o *orgAccountsOptions) error {
	ctx, c := o.f.newRun(ctx, &o.targets)
	defer c.close()
	var err error
	if c.tel, err = startTelemetry(ctx, c.f.getenv, c.f.stderr, false); err != nil {
		return err
	}
	file, err := configfile.LoadContext(ctx, o.targets.configFile, func(fo *configfile.Options) { fo.Data = o.f.templateData() })
	if err != nil {
		return err
	}
	c.mfa = newMFACodes(ctx, o.targets.mfaCode, o.f.askMFA)
	if err := c.askMFACodes(ctx, file, o.targets.setPath); err != nil {
		return err
	}
	orgs, err := file.Organizations(ctx, o.targets.setPath, c.registry(), func(oo *organization.Options) { oo.ListTags = true })
	if err != nil {
		return c.loadErr(ctx, err)
	}
	if len(orgs) == 0 {
		return errors.New("no Organization items in the set: accounts lists the accounts of organizations")
	}
	out := newRowWriter(o.f.stdout, o.output.format, orgAccountsView)
	for _, org := range orgs {
		rows, err := org.Accounts(ctx)
		if err != nil {
			return c.loadErr(ctx, fmt.Errorf("%s: %w", org, err))
		}
		for _, a := range rows {
			tags := a.Tags
			if tags == nil {
				tags = map[string]string{}
			}
			row := orgAccountJSON{AccountID: a.ID, Name: a.Name, Email: a.Email, Status: a.Status,
				OUPath: a.OUPath, Tags: tags, Selected: a.Selected, Reason: a.Reason}
			if err := out.write(row); err != nil {
				return err
			}
		}
	}
	if err := out.close(); err != nil {
		return err
	}
	return c.end(ctx, 0)
}

// orgAccountsView shows one account per line: the table with its tags as
// key=value and its selection (or why not); text with the same fields.
var orgAccountsView = view[orgAccountJSON]{
	header: []string{"ACCOUNT", "NAME", "EMAIL", "STATUS", "OU PATH", "TAGS", "SELECTED"},
	cells: func(r orgAccountJSON) []string {
		return []string{r.AccountID, r.Name, r.Email, r.Status, r.OUPath, tagsText(r.Tags), selectedText(r)}
	},
	footer: func(rows []orgAccountJSON) string {
		n := 0
		for _, r := range rows {
			if r.Selected {
				n++
			}
		}
		return fmt.Sprintf("%d accounts, %d selected", len(rows), n)
	},
	text: func(r orgAccountJSON) ([][]string, error) {
		return [][]string{{r.AccountID, r.Name, r.Email, r.Status, r.OUPath, tagsText(r.Tags), textScalar(r.Selected), r.Reason}}, nil
	},
}

func tagsText(tags map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ",")
}

func selectedText(r orgAccountJSON) string {
	if r.Selected {
		return "yes"
	}
	return "no: " + r.Reason
}
