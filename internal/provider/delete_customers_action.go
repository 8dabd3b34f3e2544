package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	client *moltin.Client
}

type deleteCustomersModel struct {
	customerFilterModel
	deleteBounds
}

// customerFilterNames are the filter attributes, one of which the action
// needs.
var customerFilterNames = []string{"email", "email_like", "name", "name_like", "external_ref"}

func (a *deleteCustomersAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delete_customers"
}

func (a *deleteCustomersAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := deleteBoundsAttributes("customers")
	for _, f := range customerFilterAttributes() {
		attrs[f.name] = actionschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Deletes the customers of the store that match all the filters given, whatever state knows them, " +
			"with `terraform apply -invoke=action.moltin_delete_customers.<name>` (Terraform 1.14 and later). " +
			"At least one of `" + strings.Join(customerFilterNames, "`, `") + "` is required. " +
			"The customers' addresses go with them. " +
			"It lists the matches first, 100 a page, up to `limit`, then sends one `DELETE` each; " +
			"it reports how many it found, deleted and found already gone as it goes, and stops at the first failure. " +
			"Interrupted, it waits for the deletes already sent and sends no other.",
		Attributes: attrs,
	}
}

func (a *deleteCustomersAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses a configuration without a filter. The schema's
// validators check each attribute's own value.
func (a *deleteCustomersAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m deleteCustomersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkFilters()...)
}

// ModifyPlan checks again what was unknown when the configuration was
// validated (created_before = timeadd(plantimestamp(), "-24h") is), since
// the framework runs no schema validator when an action is planned.
func (a *deleteCustomersAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m deleteCustomersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkAll()...)
}

func (m deleteCustomersModel) checkFilters() diag.Diagnostics {
	return checkDeleteFilters("moltin_delete_customers", "customer",
		map[string]types.String{"email": m.Email, "email_like": m.EmailLike, "name": m.Name, "name_like": m.NameLike, "external_ref": m.ExternalRef},
		customerFilterNames)
}

// checkAll is checkFilters and the checks of the schema's validators, on the
// values known by now.
func (m deleteCustomersModel) checkAll() diag.Diagnostics {
	diags := m.checkFilters()
	diags.Append(m.deleteBounds.check()...)
	diags.Append(checkEmailValue("email", m.Email)...)
	return diags
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
	var m deleteCustomersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkAll()...)
	values := m.values()
	for name, v := range map[string]types.String{"email": m.Email, "email_like": m.EmailLike, "name": m.Name, "name_like": m.NameLike, "external_ref": m.ExternalRef} {
		values[name] = v
	}
	refuseUnknown(&resp.Diagnostics, values)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.client == nil {
		resp.Diagnostics.Append(notConfigured())
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
			return diag.NewErrorDiagnostic("Could not list customers", listCustomersErrorDetail(a.client, err, filters)+"\n\nNo customer was deleted.")
		},
		del:    a.client.DeleteCustomerIfFound,
		redact: func(s string) string { return a.client.Redact(s) },
	}.run(ctx, resp)
}
