package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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

// callPages calls op on client with input, following pages as p says,
// and returns the result's JSON, the number of requests, and whether more
// items or pages exist than the result holds.
//
// SEAM(awsapi pagination): internal/awsapi is gaining pagination options
// (paginate by default, no-paginate, max-items, and a "more pages exist"
// answer). Until it has them, the CLI asks for every page and cuts the
// merged result here, and tells more pages from the first page's tokens:
// replace the body with the engine's call and keep the signature.
func callPages(ctx context.Context, op awsapi.Operation, client, input any, p pageOptions) (json.RawMessage, int, bool, error) {
	res, err := op.CallWith(ctx, client, input, p.paginate && op.Paginated())
	if err != nil {
		return nil, res.Pages, false, err
	}
	raw, err := awsapi.ToJSON(res.Output)
	if err != nil {
		return nil, res.Pages, false, err
	}
	more := false
	if !p.paginate && op.Paginated() {
		more = hasNextPage(raw)
	}
	if p.maxItems > 0 {
		var cut bool
		if raw, cut, err = cutItems(raw, p.maxItems); err != nil {
			return nil, res.Pages, false, err
		}
		more = more || cut
	}
	return raw, res.Pages, more, nil
}

// hasNextPage tells from one page whether another follows: a truncation
// flag, or a next-page token that is set (NextToken, NextMarker,
// DynamoDB's LastEvaluatedTableName, ...). The engine knows each
// paginator's token fields; this reads the names the AWS APIs use.
func hasNextPage(raw json.RawMessage) bool {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	if b, ok := m["IsTruncated"].(bool); ok {
		return b
	}
	for k, v := range m {
		if v == nil || v == "" {
			continue
		}
		next := (strings.HasPrefix(k, "Next") || strings.HasPrefix(k, "next")) &&
			(strings.HasSuffix(k, "Token") || strings.HasSuffix(k, "Marker"))
		if next || strings.HasPrefix(k, "LastEvaluated") {
			return true
		}
	}
	return false
}

// cutItems keeps the first n items of each list at the top of the result
// (the paginator's result keys: Reservations, Users, Contents, ...),
// keeping the other fields in their order.
func cutItems(raw json.RawMessage, n int) (json.RawMessage, bool, error) {
	root, err := parseOrdered(raw)
	if err != nil || !root.isObj {
		return raw, false, err
	}
	cut := false
	for _, v := range root.vals {
		if !v.isScalar() && !v.isObj && len(v.vals) > n {
			v.vals = v.vals[:n]
			cut = true
		}
	}
	if !cut {
		return raw, false, nil
	}
	var b strings.Builder
	root.writeJSON(&b)
	return json.RawMessage(b.String()), true, nil
}
