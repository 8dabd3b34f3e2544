package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	CreatedBefore timetypes.RFC3339 `tfsdk:"created_before"`
	Limit         types.Int64       `tfsdk:"limit"`
	DryRun        types.Bool        `tfsdk:"dry_run"`
}

// customerFilterNames are the filter attributes, one of which an action
// needs.
var customerFilterNames = []string{"email", "email_like", "name", "name_like", "external_ref"}

func (a *deleteCustomersAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delete_customers"
}

func (a *deleteCustomersAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := map[string]actionschema.Attribute{
		"created_before": actionschema.StringAttribute{
			CustomType: timetypes.RFC3339Type{},
			MarkdownDescription: "Only customers created before this time, in RFC 3339 form (`2026-01-02T15:04:05Z`). " +
				"`timeadd(plantimestamp(), \"-24h\")` leaves alone the customers of the last day, such as those of a run still under way.",
			Optional: true,
		},
		"limit": actionschema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("The most customers to delete, oldest first. Defaults to %d; at most %d.", defaultDeleteLimit, maxDeleteLimit),
			Optional:            true,
			Validators:          []validator.Int64{int64validator.Between(1, maxDeleteLimit)},
		},
		"dry_run": actionschema.BoolAttribute{
			MarkdownDescription: "Only count the customers that would be deleted, and delete none. Defaults to `false`.",
			Optional:            true,
		},
	}
	for name, f := range customerFilterAttributes() {
		attrs[name] = actionschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
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

// checkFilters requires a filter: with none, the action would delete every
// customer of the store. An unknown filter may turn out to be set.
func (m deleteCustomersModel) checkFilters() diag.Diagnostics {
	var diags diag.Diagnostics
	set := 0
	for _, v := range []types.String{m.Email, m.EmailLike, m.Name, m.NameLike, m.ExternalRef} {
		if !v.IsNull() {
			set++
		}
	}
	if set == 0 {
		diags.AddError("No filter",
			"moltin_delete_customers needs at least one of "+strings.Join(customerFilterNames, ", ")+
				": without one it would delete every customer of the store. Add a filter, such as email_like = \"*@test.example.com\".")
	}
	for name, v := range map[string]types.String{"email_like": m.EmailLike, "name_like": m.NameLike} {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" && strings.Trim(v.ValueString(), "*") == "" {
			diags.AddAttributeError(path.Root(name), "Pattern matches every customer",
				fmt.Sprintf("%s = %q matches every customer, as no filter would. Give a pattern with some text in it, such as \"*@test.example.com\" or \"E2E *\".", name, v.ValueString()))
		}
	}
	return diags
}

// checkAll is checkFilters and the checks of the schema's validators, on the
// values known by now. (created_before's type checks its own value whenever
// the framework reads the config.)
func (m deleteCustomersModel) checkAll() diag.Diagnostics {
	diags := m.checkFilters()
	if !m.Limit.IsNull() && !m.Limit.IsUnknown() {
		if n := m.Limit.ValueInt64(); n < 1 || n > maxDeleteLimit {
			diags.AddAttributeError(path.Root("limit"), "Invalid limit",
				fmt.Sprintf("limit is %d; it must be between 1 and %d. To delete more, run the action again.", n, maxDeleteLimit))
		}
	}
	if !m.Email.IsNull() && !m.Email.IsUnknown() {
		if msg := checkEmail(m.Email.ValueString()); msg != "" {
			diags.AddAttributeError(path.Root("email"), "Invalid email address", "email "+msg)
		}
	}
	return diags
}

// apiFilters is the filter sent: the filter attributes' terms, and
// lt(created_at,…) for created_before. A created_before that cannot be read
// is an error, never a filter left out.
func (m deleteCustomersModel) apiFilters() ([]moltin.Filter, diag.Diagnostics) {
	filters := m.filters()
	if m.CreatedBefore.IsNull() {
		return filters, nil
	}
	t, diags := m.CreatedBefore.ValueRFC3339Time()
	if diags.HasError() {
		return nil, diags
	}
	return append(filters, moltin.Lt("created_at", t.UTC().Format(time.RFC3339Nano))), nil
}

func (m deleteCustomersModel) limit() int {
	if m.Limit.IsNull() || m.Limit.IsUnknown() {
		return defaultDeleteLimit
	}
	return int(m.Limit.ValueInt64())
}

func (a *deleteCustomersAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m deleteCustomersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkAll()...)
	refuseUnknown(&resp.Diagnostics, map[string]attr.Value{
		"email": m.Email, "email_like": m.EmailLike, "name": m.Name, "name_like": m.NameLike, "external_ref": m.ExternalRef,
		"created_before": m.CreatedBefore, "limit": m.Limit, "dry_run": m.DryRun,
	})
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
