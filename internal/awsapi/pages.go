package awsapi

import (
	"context"
	"fmt"
	"reflect"
)

// firstPage makes the paginator's first request and returns that page as
// the service sent it, cut to maxItems items when positive. A cut page's
// token fields are cleared: resuming from them would skip the cut items.
func (o Operation) firstPage(ctx context.Context, client any, in reflect.Value, maxItems int) (Result, error) {
	p := o.pag.newPager(client, in.Interface())
	page, err := p.nextPage(ctx)
	if err != nil {
		return Result{}, err
	}
	res := Result{Output: page, Pages: 1, More: p.hasMorePages()}
	if o.items.cut(reflect.ValueOf(page), maxItems) {
		clearTokens(reflect.ValueOf(page).Elem(), o.pag.tokens)
		res.More = true
	}
	return res, nil
}

// allPages follows the paginator and merges the pages, stopping once the
// main list holds maxItems items when maxItems is positive.
func (o Operation) allPages(ctx context.Context, client any, in reflect.Value, maxItems int) (Result, error) {
	p := o.pag.newPager(client, in.Interface())
	merged := reflect.New(o.out)
	var res Result
	left := maxItems // items still wanted when maxItems > 0
	for p.hasMorePages() {
		if err := ctx.Err(); err != nil {
			return o.partial(merged, res), fmt.Errorf("%s page %d: %w", o, res.Pages+1, err)
		}
		page, err := p.nextPage(ctx)
		if err != nil {
			if res.Pages == 0 {
				return Result{}, err
			}
			return o.partial(merged, res), fmt.Errorf("%s page %d: %w", o, res.Pages+1, err)
		}
		// Pages are counted and cut before merging: a nested main list
		// (EngineDefaults.Parameters) is not concatenated by mergePage.
		pv := reflect.ValueOf(page)
		cut := o.items.cut(pv, left)
		mergePage(merged.Elem(), pv.Elem())
		res.Pages++
		if maxItems > 0 {
			if left -= o.items.len(pv); left <= 0 {
				res.More = cut || p.hasMorePages()
				break
			}
		}
	}
	clearTokens(merged.Elem(), o.pag.tokens)
	res.Output = merged.Interface()
	return res, nil
}

// partial is the Result of a paging that failed after res.Pages pages.
func (o Operation) partial(merged reflect.Value, res Result) Result {
	if res.Pages > 0 {
		clearTokens(merged.Elem(), o.pag.tokens)
		res.Output = merged.Interface()
	}
	return res
}

// checkOptions refuses MaxItems where it cannot apply, before any request.
func (o Operation) checkOptions(opts CallOptions) error {
	switch {
	case opts.MaxItems <= 0:
		return nil
	case o.pag == nil:
		return &OptionError{Operation: o.String(), Reason: "MaxItems needs a paginated operation", err: ErrMaxItems}
	case o.items == nil:
		return &OptionError{Operation: o.String(), Reason: "MaxItems: the output has no main list to count", err: ErrMaxItems}
	}
	return nil
}
