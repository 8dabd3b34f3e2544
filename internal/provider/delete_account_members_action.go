package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
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
	deleteActionBase[deleteAccountMembersModel]
}

type deleteAccountMembersModel struct {
	Email     types.String `tfsdk:"email"`
	EmailLike types.String `tfsdk:"email_like"`
	Name      types.String `tfsdk:"name"`
	NameLike  types.String `tfsdk:"name_like"`
	deleteBounds
}

// memberFilterAttributes are the filters on account members, in the order
// of deleteAccountMembersModel; the moltin_account_member list resource
// takes the *_like ones.
func memberFilterAttributes() []filterAttribute {
	return []filterAttribute{
		{"email", "Only the member with this email address, compared case-insensitively.", []validator.String{
			emailValidator{},
			stringvalidator.ConflictsWith(path.MatchRoot("email_like")),
		}, moltin.Eq, "email"},
		{"email_like", "Only members whose email matches this pattern, where `*` stands for any run of characters: `*@test.example.com`.",
			[]validator.String{stringvalidator.LengthAtLeast(1)}, moltin.Like, "email"},
		{"name", "Only members with exactly this name.", []validator.String{
			stringvalidator.LengthAtLeast(1),
			stringvalidator.ConflictsWith(path.MatchRoot("name_like")),
		}, moltin.Eq, "name"},
		{"name_like", "Only members whose name matches this pattern, where `*` stands for any run of characters: `E2E *`.",
			[]validator.String{stringvalidator.LengthAtLeast(1)}, moltin.Like, "name"},
	}
}

// memberLikeFilters are the *_like ones of memberFilterAttributes.
func memberLikeFilters() []filterAttribute {
	var out []filterAttribute
	for _, f := range memberFilterAttributes() {
		if strings.HasSuffix(f.name, "_like") {
			out = append(out, f)
		}
	}
	return out
}

func (deleteAccountMembersModel) spec() deleteActionSpec {
	return deleteActionSpec{
		name: "delete_account_members", singular: "account member", noun: "account members",
		what: "account members of the store's Account Management realm",
		how: "Each member is deleted with one `DELETE` of its user authentication info, which takes its password profile infos and its account memberships with it " +
			"(the accounts themselves stay). " +
			"It lists the matches first, oldest first, 100 a page, up to `limit`, then deletes them; ",
		filters: memberFilterAttributes(),
	}
}

func (m deleteAccountMembersModel) filterValues() map[string]types.String {
	return map[string]types.String{"email": m.Email, "email_like": m.EmailLike, "name": m.Name, "name_like": m.NameLike}
}

// filters is the API filter: eq and like on email and name, which both
// Account Management specs document for user authentication info.
func (m deleteAccountMembersModel) filters() []moltin.Filter {
	return filterTerms(memberFilterAttributes(), m.filterValues())
}

func (a *deleteAccountMembersAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	m, ok := a.startInvoke(ctx, req, resp)
	if !ok {
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
			return diag.NewErrorDiagnostic("Could not list account members", listErrorDetail(a.client, "account members", err, filters)+"\n\nNo account member was deleted.")
		},
		del:    a.client.DeleteUserAuthInfoIfFound,
		redact: func(s string) string { return a.client.Redact(s) },
	}.run(ctx, resp)
}
