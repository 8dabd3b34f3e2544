package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.ResourceWithConfigure   = (*accountMembershipResource)(nil)
	_ resource.ResourceWithImportState = (*accountMembershipResource)(nil)
	_ resource.ResourceWithIdentity    = (*accountMembershipResource)(nil)
)

// NewAccountMembershipResource is the moltin_account_membership resource.
func NewAccountMembershipResource() resource.Resource { return &accountMembershipResource{} }

type accountMembershipResource struct {
	resourceClient
}

type accountMembershipModel struct {
	ID              types.String      `tfsdk:"id"`
	AccountID       types.String      `tfsdk:"account_id"`
	AccountMemberID types.String      `tfsdk:"account_member_id"`
	CreatedAt       timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt       timetypes.RFC3339 `tfsdk:"updated_at"`
}

type accountMembershipIdentity struct {
	AccountID types.String `tfsdk:"account_id"`
	ID        types.String `tfsdk:"id"`
}

func (r *accountMembershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_membership"
}

func (r *accountMembershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes an account member (`moltin_account_member`) a member of an account (`moltin_account`), so that the member's " +
			"login (`moltin_account_member_token`) gives a token for that account. The API builds a member a moment after it is created: " +
			"a membership created right after its member waits for it, for up to 10 seconds.",
		Attributes: map[string]schema.Attribute{
			"id":                idAttribute("The membership's ID, assigned by the API."),
			"account_id":        requiredString("The ID of the account. Changing it replaces the membership.", stringplanmodifier.RequiresReplace()),
			"account_member_id": requiredString("The ID of the account member. Changing it replaces the membership.", stringplanmodifier.RequiresReplace()),
			"created_at":        createdAtAttribute("membership"),
			// Never changed: both inputs force replacement.
			"updated_at": updatedAtAttribute("membership", keepState()...),
		},
	}
}

func (r *accountMembershipResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = childIdentitySchema("account_id", "The ID of the account.", "The membership's ID.")
}

func membershipIdentityOf(accountID, id string) accountMembershipIdentity {
	return accountMembershipIdentity{AccountID: types.StringValue(accountID), ID: types.StringValue(id)}
}

func (m *accountMembershipModel) setFromAPI(ms moltin.AccountMembership) {
	m.ID, m.AccountID, m.AccountMemberID = types.StringValue(ms.ID), types.StringValue(ms.AccountID), types.StringValue(ms.AccountMemberID)
	m.CreatedAt, m.UpdatedAt = timeValue(ms.CreatedAt), timeValue(ms.UpdatedAt)
}

func membershipImportHint(accountID, id string) string {
	return fmt.Sprintf("import {\n  to = moltin_account_membership.<name>\n  id = %q\n}", accountID+"/"+id)
}

func (r *accountMembershipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, ok := modelFrom[accountMembershipModel](ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	accountID, memberID := plan.AccountID.ValueString(), plan.AccountMemberID.ValueString()
	ms, err := r.client.CreateAccountMembership(ctx, accountID, memberID, 0)
	adopted := false
	if moltin.IsConflict(err) {
		existing, found, ferr := r.client.FindAccountMembership(ctx, accountID, memberID)
		switch {
		case ferr != nil || !found:
			detail := "no such membership could be found to name it"
			if ferr != nil {
				detail = "looking it up failed: " + ferr.Error()
			}
			resp.Diagnostics.AddAttributeError(path.Root("account_member_id"), "Account membership already exists",
				r.client.Redact(fmt.Sprintf("Account member %s is already a member of account %s (%s). The API said: %s", memberID, accountID, detail, err)))
			return
		case !r.client.AdoptsExistingCustomers():
			resp.Diagnostics.AddAttributeError(path.Root("account_member_id"), "Account membership already exists",
				r.client.Redact(fmt.Sprintf("Account member %s is already a member of account %s (membership %s). To manage it with Terraform, import it:\n\n%s\n\n%s\n\nThe API said: %s",
					memberID, accountID, existing.ID, membershipImportHint(accountID, existing.ID), adoptHint, err)))
			return
		case !r.client.TakeOverMembership(existing.ID):
			resp.Diagnostics.AddAttributeError(path.Root("account_member_id"), "Account membership already managed",
				fmt.Sprintf("Membership %s of account member %s in account %s was created or adopted by this same run for another resource: two resources cannot manage one membership.",
					existing.ID, memberID, accountID))
			return
		}
		ms, adopted, err = existing, true, nil
	}
	if err != nil {
		var notReady *moltin.MemberNotReadyError
		switch {
		case errors.As(err, &notReady):
			resp.Diagnostics.AddAttributeError(path.Root("account_member_id"), "Account member not found",
				r.client.Redact(fmt.Sprintf("%s. Check account_member_id (such as moltin_account_member.<name>.id); if the member was just made, the store may be slow: apply again.", err)))
		case moltin.IsNotFound(err):
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Account not found",
				r.client.Redact(fmt.Sprintf("The membership could not be created: check account_id (such as moltin_account.<name>.id). The API said: %s", err)))
		default:
			addAPIError(r.client, &resp.Diagnostics, "Could not create the account membership", err,
				map[string]string{"account_member_id": "account_member_id"})
		}
		return
	}
	logCreate(ctx, &resp.Diagnostics, "account membership", map[string]any{"account_membership_id": ms.ID}, adopted, func() diag.Diagnostic {
		return diag.NewAttributeWarningDiagnostic(path.Root("account_member_id"), "Adopted an existing account membership",
			fmt.Sprintf("Account member %s was already a member of account %s (membership %s): since adopt_existing_customers is on, this resource now manages it.", memberID, accountID, ms.ID))
	})
	plan.setFromAPI(ms)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, membershipIdentityOf(accountID, ms.ID))
}

func (r *accountMembershipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, ok := modelFrom[accountMembershipModel](ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	accountID, id := state.AccountID.ValueString(), state.ID.ValueString()
	ms, err := r.client.GetAccountMembership(ctx, accountID, id)
	if readFailed(ctx, resp, err, membershipIdentityOf(accountID, id), "Moltin account membership (or its account) no longer exists; removing it from the state",
		map[string]any{"account_membership_id": id}, r.client, "account membership") {
		return
	}
	state.setFromAPI(ms)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, membershipIdentityOf(accountID, ms.ID))
}

// Update is never called with a change (both inputs force replacement).
func (r *accountMembershipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state accountMembershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, membershipIdentityOf(state.AccountID.ValueString(), state.ID.ValueString()))
}

func (r *accountMembershipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject(ctx, req, resp, r.client, "account membership", func(ctx context.Context, m *accountMembershipModel) error {
		return r.client.DeleteAccountMembership(ctx, m.AccountID.ValueString(), m.ID.ValueString())
	})
}

// ImportState takes "<account_id>/<membership_id>", or an import block's
// identity (account_id and id).
func (r *accountMembershipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importChild(ctx, req, resp, "account_id",
		"<account_id>/<membership_id>: import a membership by its account's ID and its own, joined by a slash.", membershipIdentityOf)
}
