package provider

import (
	"context"
	"iter"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
)

// listLimit is the most results the CLI wants, as the client's Limit: the
// paging then asks for no item beyond it. Terraform always sends one
// (default 100); 0, from a caller that sends none, means all.
func listLimit(req list.ListRequest) int {
	if req.Limit <= 0 {
		return 0
	}
	return int(min(req.Limit, math.MaxInt))
}

// listResults streams a listing as list results, one per item, each made by
// fill from the request's empty result. A listing error ends the stream with
// one result holding the diagnostics that onError makes of it; so does a
// result whose fill failed. The listing is walked only as far as the CLI
// reads, so a stopped query sends no further request.
//
// It is shared by every list resource of the provider.
func listResults[T any](ctx context.Context, req list.ListRequest, items iter.Seq2[T, error],
	onError func(error) diag.Diagnostics, fill func(context.Context, T, *list.ListResult)) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for item, err := range items {
			if err != nil {
				push(list.ListResult{Diagnostics: onError(err)})
				return
			}
			result := req.NewListResult(ctx)
			fill(ctx, item, &result)
			if result.Diagnostics.HasError() {
				push(list.ListResult{Diagnostics: result.Diagnostics})
				return
			}
			if !push(result) {
				return
			}
		}
	}
}
