package moltin

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// ListOptions selects, orders and bounds a listing.
type ListOptions struct {
	Filters []Filter
	Sort    string
	// Limit caps the number of items returned; 0 means all.
	Limit int
	// PageSize is the page[limit] sent; 0 takes the API's maximum, 100.
	PageSize int
}

const (
	maxPageSize   = 100
	maxListOffset = 10000
)

// listDoc is one page of a listing; W is the item's wire shape.
type listDoc[W any] struct {
	Data []W `json:"data"`
	Meta struct {
		Page struct {
			Limit   int `json:"limit"`
			Offset  int `json:"offset"`
			Current int `json:"current"`
			Total   int `json:"total"`
		} `json:"page"`
		Results struct {
			Total int `json:"total"`
		} `json:"results"`
	} `json:"meta"`
}

// listPages walks the pages of the listing at path, yielding each item as
// convert makes it, up to opts.Limit items. It is lazy: a page is fetched
// only when the consumer wants an item from it, so a consumer that stops
// early (a CLI's limit reached, a cancelled query) sends no further request.
// An error is yielded once, with a zero item, and ends the walk.
//
// Every listing of the API pages the same way (page[limit], page[offset],
// meta.results.total), save one that answers everything at once (see below),
// so customers and their addresses share this.
func listPages[W, T any](ctx context.Context, c *Client, path string, opts ListOptions, convert func(*W) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		pageSize := opts.PageSize
		if pageSize <= 0 || pageSize > maxPageSize {
			pageSize = maxPageSize
		}
		q := url.Values{}
		if len(opts.Filters) > 0 {
			q.Set("filter", JoinFilters(opts.Filters))
		}
		if opts.Sort != "" {
			q.Set("sort", opts.Sort)
		}
		yielded := 0
		for offset := 0; ; {
			if offset > maxListOffset {
				yield(zero, fmt.Errorf("the listing has more than %d matches, the most the API pages through: narrow the filters", maxListOffset))
				return
			}
			// Ask for no more than is still wanted, so that no item is
			// fetched only to be thrown away.
			limit := pageSize
			if opts.Limit > 0 {
				limit = min(limit, opts.Limit-yielded)
			}
			q.Set("page[limit]", strconv.Itoa(limit))
			q.Set("page[offset]", strconv.Itoa(offset))
			var doc listDoc[W]
			if err := c.do(ctx, http.MethodGet, path, q, nil, &doc); err != nil {
				yield(zero, err)
				return
			}
			for i := range doc.Data {
				item, err := convert(&doc.Data[i])
				if err != nil {
					yield(zero, err)
					return
				}
				if !yield(item, nil) {
					return
				}
				yielded++
				if opts.Limit > 0 && yielded >= opts.Limit {
					return
				}
			}
			offset += len(doc.Data)
			if len(doc.Data) < limit || (doc.Meta.Results.Total > 0 && offset >= doc.Meta.Results.Total) {
				return
			}
			// An endpoint that ignores page[...] (a customer's addresses, as
			// documented) answers every item at once, with no paging meta and
			// perhaps more items than asked: asking again at the next offset
			// would list them all a second time.
			if len(doc.Data) > limit || (doc.Meta.Page.Limit == 0 && doc.Meta.Results.Total == 0) {
				return
			}
		}
	}
}

// collect gathers a listing into a slice, stopping at the first error.
func collect[T any](items iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for item, err := range items {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

// filterAll walks items to the end and keeps those that keep accepts,
// stopping at the first error.
func filterAll[T any](items iter.Seq2[T, error], keep func(T) bool) ([]T, error) {
	var out []T
	for item, err := range items {
		if err != nil {
			return nil, err
		}
		if keep(item) {
			out = append(out, item)
		}
	}
	return out, nil
}

// findFirst walks items until one that keep accepts, and fetches no page
// after it.
func findFirst[T any](items iter.Seq2[T, error], keep func(T) bool) (T, bool, error) {
	var zero T
	for item, err := range items {
		if err != nil {
			return zero, false, err
		}
		if keep(item) {
			return item, true, nil
		}
	}
	return zero, false, nil
}

// onlyOne is the one item of a lookup's matches, or none (false); more than
// one is the error that tooMany makes of their number, since the caller
// cannot tell which one is meant.
func onlyOne[T any](matches []T, err error, tooMany func(n int) error) (T, bool, error) {
	var zero T
	switch {
	case err != nil:
		return zero, false, err
	case len(matches) == 0:
		return zero, false, nil
	case len(matches) == 1:
		return matches[0], true, nil
	default:
		return zero, false, tooMany(len(matches))
	}
}
