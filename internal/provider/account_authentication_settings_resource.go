package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.ResourceWithConfigure   = (*accountAuthenticationSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*accountAuthenticationSettingsResource)(nil)
	_ resource.ResourceWithIdentity    = (*accountAuthenticationSettingsResource)(nil)
)

// NewAccountAuthenticationSettingsResource is the
// moltin_account_authentication_settings resource: the store's one settings
// object, adopted on create and left as it is on destroy.
func NewAccountAuthenticationSettingsResource() resource.Resource {
	return &accountAuthenticationSettingsResource{}
}

type accountAuthenticationSettingsResource struct {
	resourceClient
}

func (r *accountAuthenticationSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_authentication_settings"
}

func (r *accountAuthenticationSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keepString := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepBool := []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The store's account authentication settings: one object per store, which the API neither creates nor deletes. " +
			"Create adopts it and sets the attributes configured (one `PUT`); the ones left out keep the store's values. " +
			"**Destroy leaves the settings as they are** (it only forgets them): set the values you want back before destroying, if any.",
		Attributes: map[string]schema.Attribute{
			"id":        schema.StringAttribute{MarkdownDescription: "The settings object's ID.", Computed: true, PlanModifiers: keepString},
			"realm_id":  schema.StringAttribute{MarkdownDescription: "The ID of the store's Account Management realm.", Computed: true, PlanModifiers: keepString},
			"client_id": schema.StringAttribute{MarkdownDescription: "The single sign-on client ID of Account Management (opaque).", Computed: true, PlanModifiers: keepString},
			"enable_self_signup": schema.BoolAttribute{
				MarkdownDescription: "Whether shoppers may sign themselves up as account members.",
				Optional:            true, Computed: true, PlanModifiers: keepBool},
			"auto_create_account_for_account_members": schema.BoolAttribute{
				MarkdownDescription: "Whether each new account member gets an account of its own, with a membership.",
				Optional:            true, Computed: true, PlanModifiers: keepBool},
			"account_member_self_management": schema.StringAttribute{
				MarkdownDescription: "`disabled` or `update_only`: whether members may change their own details.",
				Optional:            true, Computed: true, PlanModifiers: keepString,
				Validators: []validator.String{stringvalidator.OneOf("disabled", "update_only")}},
			"account_management_authentication_token_timeout_secs": schema.Int64Attribute{
				MarkdownDescription: "How long a member token lasts, in seconds (the API's default is 86400).",
				Optional:            true, Computed: true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Validators:    []validator.Int64{int64validator.AtLeast(1)}},
		},
	}
}

func (r *accountAuthenticationSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The settings object's ID.")
}

func settingsModelOf(s moltin.AccountAuthSettings) accountAuthenticationSettingsModel {
	return accountAuthenticationSettingsModel{
		ID: types.StringValue(s.ID), RealmID: types.StringValue(s.RealmID), ClientID: types.StringValue(s.ClientID),
		EnableSelfSignup: types.BoolValue(s.EnableSelfSignup), AutoCreateAccountForAccountMembers: types.BoolValue(s.AutoCreateAccountForAccountMembers),
		AccountMemberSelfManagement: types.StringValue(s.AccountMemberSelfManagement), TokenTimeoutSecs: types.Int64Value(s.TokenTimeoutSecs),
	}
}

// settingsUpdate sends the configured (known, non-null) values that differ
// from state; with no state (create), every configured value.
func settingsUpdate(plan accountAuthenticationSettingsModel, state *accountAuthenticationSettingsModel) moltin.AccountAuthSettingsUpdate {
	var u moltin.AccountAuthSettingsUpdate
	known := func(v interface {
		IsNull() bool
		IsUnknown() bool
	}) bool {
		return !v.IsNull() && !v.IsUnknown()
	}
	if known(plan.EnableSelfSignup) && (state == nil || !plan.EnableSelfSignup.Equal(state.EnableSelfSignup)) {
		u.EnableSelfSignup = plan.EnableSelfSignup.ValueBoolPointer()
	}
	if known(plan.AutoCreateAccountForAccountMembers) && (state == nil || !plan.AutoCreateAccountForAccountMembers.Equal(state.AutoCreateAccountForAccountMembers)) {
		u.AutoCreateAccountForAccountMembers = plan.AutoCreateAccountForAccountMembers.ValueBoolPointer()
	}
	if known(plan.AccountMemberSelfManagement) && (state == nil || !plan.AccountMemberSelfManagement.Equal(state.AccountMemberSelfManagement)) {
		u.AccountMemberSelfManagement = plan.AccountMemberSelfManagement.ValueStringPointer()
	}
	if known(plan.TokenTimeoutSecs) && (state == nil || !plan.TokenTimeoutSecs.Equal(state.TokenTimeoutSecs)) {
		u.TokenTimeoutSecs = plan.TokenTimeoutSecs.ValueInt64Pointer()
	}
	return u
}

func isEmptySettingsUpdate(u moltin.AccountAuthSettingsUpdate) bool {
	return u.EnableSelfSignup == nil && u.AutoCreateAccountForAccountMembers == nil && u.AccountMemberSelfManagement == nil && u.TokenTimeoutSecs == nil
}

func (r *accountAuthenticationSettingsResource) apply(ctx context.Context, plan accountAuthenticationSettingsModel, state *accountAuthenticationSettingsModel) (moltin.AccountAuthSettings, error) {
	u := settingsUpdate(plan, state)
	if isEmptySettingsUpdate(u) {
		return r.client.GetAccountAuthSettings(ctx)
	}
	return r.client.UpdateAccountAuthSettings(ctx, u)
}

// saveSettings sets the state and identity to the settings s that the API
// returned, or, when the request failed, adds err under summary.
func (r *accountAuthenticationSettingsResource) saveSettings(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics,
	s moltin.AccountAuthSettings, err error, summary string) {
	if err != nil {
		diags.AddError(summary, r.client.Redact(err.Error()))
		return
	}
	saveState(ctx, state, identity, diags, settingsModelOf(s), idIdentityOf(s.ID))
}

func (r *accountAuthenticationSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, ok := modelFrom[accountAuthenticationSettingsModel](ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	s, err := r.apply(ctx, plan, nil)
	if err != nil {
		addAPIError(r.client, &resp.Diagnostics, "Could not set the account authentication settings", err, map[string]string{
			"enable_self_signup": "enable_self_signup", "auto_create_account_for_account_members": "auto_create_account_for_account_members",
			"account_member_self_management":                       "account_member_self_management",
			"account_management_authentication_token_timeout_secs": "account_management_authentication_token_timeout_secs"})
		return
	}
	tflog.Info(ctx, "Adopted the Moltin account authentication settings", map[string]any{"settings_id": s.ID})
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, settingsModelOf(s), idIdentityOf(s.ID))
}

func (r *accountAuthenticationSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx = maskSecrets(ctx)
	s, err := r.client.GetAccountAuthSettings(ctx)
	r.saveSettings(ctx, &resp.State, resp.Identity, &resp.Diagnostics, s, err, "Could not read the account authentication settings")
}

func (r *accountAuthenticationSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, state, ok := planAndState[accountAuthenticationSettingsModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	s, err := r.apply(ctx, plan, &state)
	r.saveSettings(ctx, &resp.State, resp.Identity, &resp.Diagnostics, s, err, "Could not update the account authentication settings")
}

// Delete leaves the store's settings as they are: the API has no delete,
// and no value is more "unset" than another.
func (r *accountAuthenticationSettingsResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Warn(ctx, "The Moltin account authentication settings are the store's and stay as they are; destroy only removes them from the state")
}

// ImportState takes the settings' id (any value names the one object).
func (r *accountAuthenticationSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, "the account authentication settings", req, resp)
}
