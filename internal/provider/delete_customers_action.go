package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ action.Action                   = (*deleteCustomersAction)(nil)
	_ action.ActionWithConfigure      = (*deleteCustomersAction)(nil)
	_ action.ActionWithValidateConfig = (*deleteCustomersAction)(nil)
	_ action.ActionWithModifyPlan     = (*deleteCustomersAction)(nil)
)

// NewDeleteCustomersAction is the moltin_delete_customers action, which
// `terraform apply -invoke=action.moltin_delete_customers.<name>` (Terraform
// 1.14+) runs to delete the customers that match its filters.
func NewDeleteCustomersAction() action.Action {
	return &deleteCustomersAction{}
}

type deleteCustomersAction struct {
	deleteActionBase[deleteCustomersModel]
}

type deleteCustomersModel struct {
	customerFilterModel
	deleteBounds
}

func (deleteCustomersModel) spec() deleteActionSpec {
	return deleteActionSpec{
		name: "delete_customers", singular: "customer", noun: "customers",
		what: "customers of the store",
		how: "The customers' addresses go with them. " +
			"It lists the matches first, 100 a page, up to `limit`, then sends one `DELETE` each; ",
		filters: customerFilterAttributes(),
	}
}

// apiFilters is the filter sent: the filter attributes' terms, and
// lt(created_at,…) for created_before. A created_before that cannot be read
// is an error, never a filter left out.
func (m deleteCustomersModel) apiFilters() ([]moltin.Filter, diag.Diagnostics) {
	filters := m.filters()
	cutoff, ok, diags := m.cutoff()
	if diags.HasError() || !ok {
		return filters, diags
	}
	return append(filters, moltin.Lt("created_at", cutoff.Format(time.RFC3339Nano))), nil
}

func (a *deleteCustomersAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	m, ok := a.startInvoke(ctx, req, resp)
	if !ok {
		return
	}
	filters, diags := m.apiFilters()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	ctx = maskSecrets(ctx)
	limit := m.limit()
	bulkDeleteJob[moltin.Customer]{
		action:   "moltin_delete_customers",
		noun:     "customers",
		matching: moltin.JoinFilters(filters),
		limit:    limit,
		dryRun:   m.DryRun.ValueBool(),
		// Oldest first, so that a limit leaves the newest; customers created
		// meanwhile come last, and move no match to another page. The API
		// filters on created_at itself (lt).
		items: a.client.Customers(ctx, moltin.ListOptions{Filters: filters, Sort: "created_at", Limit: limit}),
		judge: func(c moltin.Customer) (string, verdict) {
			if !moltin.CustomerMatches(c, filters) {
				return c.ID, skip
			}
			return c.ID, keep
		},
		listFailed: func(err error) diag.Diagnostic {
			return diag.NewErrorDiagnostic("Could not list customers", listErrorDetail(a.client, "customers", err, filters)+"\n\nNo customer was deleted.")
		},
		del:    a.client.DeleteCustomerIfFound,
		redact: func(s string) string { return a.client.Redact(s) },
	}.run(ctx, resp)
}
