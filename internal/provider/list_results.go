package provider

import (
	"context"
	"iter"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// startList is the start of every List: it reads the list block's config
// into cfg (a list block without a config block sends a null config, which
// leaves cfg as it is) and checks that the provider is configured. When it
// returns false, stream holds the diagnostics and List must return.
func startList(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, client *moltin.Client, what string, cfg any) bool {
	var diags diag.Diagnostics
	if !req.Config.Raw.IsNull() {
		diags = req.Config.Get(ctx, cfg)
	}
	if !diags.HasError() && client == nil {
		diags.AddError("Provider not configured",
			"The moltin provider was not configured before listing "+what+". This is a bug in the client or the provider; please report it.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return false
	}
	return true
}

// listLimit is the most results the CLI wants, as the client's Limit: the
// paging then asks for no item beyond it. Terraform always sends one
// (default 100); 0, from a caller that sends none, means all.
func listLimit(req list.ListRequest) int {
	if req.Limit <= 0 {
		return 0
	}
	return int(min(req.Limit, math.MaxInt))
}

// listFailed is the onError of listResults for a listing of what (a
// plural: "customers") with filters.
func listFailed(client *moltin.Client, what string, filters []moltin.Filter) func(error) diag.Diagnostics {
	return func(err error) diag.Diagnostics {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not list "+what, listErrorDetail(client, what, err, filters))}
	}
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
