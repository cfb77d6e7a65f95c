package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/awsaccount/awsaccount/internal/awsapi"
)

// pageOptions say how call follows an operation's pages.
type pageOptions struct {
	paginate bool // follow every page and merge them (the default)
	maxItems int  // print at most this many items per result list; 0: all
}

// cutNote is the stderr note for cut results.
func (p pageOptions) cutNote(cut, total int) string {
	why := "--no-paginate: only the first page was asked for"
	if p.maxItems > 0 {
		why = fmt.Sprintf("--max-items %d", p.maxItems)
	}
	return fmt.Sprintf("output cut on %d of %d targets (%s): more pages exist; their records say more_pages", cut, total, why)
}

// callPages calls op on client with input, following pages as p says
// (the engine's pagination: every page by default, --no-paginate,
// --max-items), and returns the result's JSON, the number of requests, and
// whether more items or pages exist than the result holds.
func callPages(ctx context.Context, op awsapi.Operation, client, input any, p pageOptions) (json.RawMessage, int, bool, error) {
	res, err := op.Invoke(ctx, client, input, awsapi.CallOptions{NoPaginate: !p.paginate, MaxItems: p.maxItems})
	if err != nil {
		return nil, res.Pages, false, err
	}
	raw, err := awsapi.ToJSON(res.Output)
	if err != nil {
		return nil, res.Pages, false, err
	}
	return raw, res.Pages, res.More, nil
}
