package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ action.Action                   = (*deleteAccountMembersAction)(nil)
	_ action.ActionWithConfigure      = (*deleteAccountMembersAction)(nil)
	_ action.ActionWithValidateConfig = (*deleteAccountMembersAction)(nil)
	_ action.ActionWithModifyPlan     = (*deleteAccountMembersAction)(nil)
)

// NewDeleteAccountMembersAction is the moltin_delete_account_members
// action: moltin_delete_customers for the members of the Account
// Management realm.
func NewDeleteAccountMembersAction() action.Action {
	return &deleteAccountMembersAction{}
}

type deleteAccountMembersAction struct {
	client *moltin.Client
}

type deleteAccountMembersModel struct {
	Email     types.String `tfsdk:"email"`
	EmailLike types.String `tfsdk:"email_like"`
	Name      types.String `tfsdk:"name"`
	NameLike  types.String `tfsdk:"name_like"`
	deleteBounds
}

var memberFilterNames = []string{"email", "email_like", "name", "name_like"}

func (a *deleteAccountMembersAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_delete_account_members"
}

func (a *deleteAccountMembersAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := deleteBoundsAttributes("account members")
	for _, f := range []filterAttribute{
		{"email", "Only the member with this email address, compared case-insensitively.", []validator.String{
			emailValidator{},
			stringvalidator.ConflictsWith(path.MatchRoot("email_like")),
		}},
		{"email_like", "Only members whose email matches this pattern, where `*` stands for any run of characters: `*@test.example.com`.",
			[]validator.String{stringvalidator.LengthAtLeast(1)}},
		{"name", "Only members with exactly this name.", []validator.String{
			stringvalidator.LengthAtLeast(1),
			stringvalidator.ConflictsWith(path.MatchRoot("name_like")),
		}},
		{"name_like", "Only members whose name matches this pattern, where `*` stands for any run of characters: `E2E *`.",
			[]validator.String{stringvalidator.LengthAtLeast(1)}},
	} {
		attrs[f.name] = actionschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Deletes the account members of the store's Account Management realm that match all the filters given, whatever state knows them, " +
			"with `terraform apply -invoke=action.moltin_delete_account_members.<name>` (Terraform 1.14 and later). " +
			"At least one of `" + strings.Join(memberFilterNames, "`, `") + "` is required. " +
			"Each member is deleted with one `DELETE` of its user authentication info, which takes its password profile infos and its account memberships with it " +
			"(the accounts themselves stay). " +
			"It lists the matches first, oldest first, 100 a page, up to `limit`, then deletes them; " +
			"it reports how many it found, deleted and found already gone as it goes, and stops at the first failure. " +
			"Interrupted, it waits for the deletes already sent and sends no other.",
		Attributes: attrs,
	}
}

func (a *deleteAccountMembersAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (a *deleteAccountMembersAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m deleteAccountMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkFilters()...)
}

// ModifyPlan checks again, on the values now known, what the framework's
// validators checked at validation.
func (a *deleteAccountMembersAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var m deleteAccountMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkAll()...)
}

func (m deleteAccountMembersModel) filterValues() map[string]types.String {
	return map[string]types.String{"email": m.Email, "email_like": m.EmailLike, "name": m.Name, "name_like": m.NameLike}
}

func (m deleteAccountMembersModel) checkFilters() diag.Diagnostics {
	return checkDeleteFilters("moltin_delete_account_members", "account member", m.filterValues(), memberFilterNames)
}

func (m deleteAccountMembersModel) checkAll() diag.Diagnostics {
	diags := m.checkFilters()
	diags.Append(m.deleteBounds.check()...)
	diags.Append(checkEmailValue("email", m.Email)...)
	return diags
}

// filters is the API filter: eq and like on email and name, which both
// Account Management specs document for user authentication info.
func (m deleteAccountMembersModel) filters() []moltin.Filter {
	var out []moltin.Filter
	for _, f := range []struct {
		value types.String
		term  func(field, value string) moltin.Filter
		field string
	}{
		{m.Email, moltin.Eq, "email"},
		{m.EmailLike, moltin.Like, "email"},
		{m.Name, moltin.Eq, "name"},
		{m.NameLike, moltin.Like, "name"},
	} {
		if !f.value.IsNull() && !f.value.IsUnknown() {
			out = append(out, f.term(f.field, f.value.ValueString()))
		}
	}
	return out
}

func (a *deleteAccountMembersAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m deleteAccountMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.checkAll()...)
	values := m.values()
	for name, v := range m.filterValues() {
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
	cutoff, bounded, diags := m.cutoff()
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	ctx = maskSecrets(ctx)
	filters := m.filters()
	matching := moltin.JoinFilters(filters)
	if bounded {
		matching += ", created before " + cutoff.Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	limit := m.limit()
	bulkDeleteJob[moltin.UserAuthInfo]{
		action:   "moltin_delete_account_members",
		noun:     "account members",
		matching: matching,
		limit:    limit,
		dryRun:   m.DryRun.ValueBool(),
		// Oldest first. Only the newer of the two specs lets UAIs be
		// filtered on created_at, so created_before is applied here: in
		// this order the first member not created before it ends the walk,
		// and no further page is asked for.
		items: a.client.UserAuthInfos(ctx, moltin.ListOptions{Filters: filters, Sort: "created_at", Limit: limit}),
		judge: func(u moltin.UserAuthInfo) (string, verdict) {
			switch {
			case bounded && u.CreatedAt.IsZero():
				return u.ID, skip // its age is unknown: not known to be old enough
			case bounded && !u.CreatedAt.Before(cutoff):
				return u.ID, stop
			case !moltin.UserAuthInfoMatches(u, filters):
				return u.ID, skip
			}
			return u.ID, keep
		},
		listFailed: func(err error) diag.Diagnostic {
			detail := "Listing account members failed: " + a.client.Redact(err.Error())
			if len(filters) > 0 {
				detail += "\n\nFilter sent: " + moltin.JoinFilters(filters)
			}
			return diag.NewErrorDiagnostic("Could not list account members", detail+"\n\nNo account member was deleted.")
		},
		del:    a.client.DeleteUserAuthInfoIfFound,
		redact: func(s string) string { return a.client.Redact(s) },
	}.run(ctx, resp)
}
