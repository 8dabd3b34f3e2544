package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*accountAuthenticationSettingsDataSource)(nil)

// NewAccountAuthenticationSettingsDataSource is the
// moltin_account_authentication_settings data source.
func NewAccountAuthenticationSettingsDataSource() datasource.DataSource {
	return &accountAuthenticationSettingsDataSource{}
}

type accountAuthenticationSettingsDataSource struct {
	dataSourceClient
}

type accountAuthenticationSettingsModel struct {
	ID                                 types.String `tfsdk:"id"`
	RealmID                            types.String `tfsdk:"realm_id"`
	ClientID                           types.String `tfsdk:"client_id"`
	EnableSelfSignup                   types.Bool   `tfsdk:"enable_self_signup"`
	AutoCreateAccountForAccountMembers types.Bool   `tfsdk:"auto_create_account_for_account_members"`
	AccountMemberSelfManagement        types.String `tfsdk:"account_member_self_management"`
	TokenTimeoutSecs                   types.Int64  `tfsdk:"account_management_authentication_token_timeout_secs"`
}

func (d *accountAuthenticationSettingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_authentication_settings"
}

func (d *accountAuthenticationSettingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The store's account authentication settings (one object per store): the Account Management realm, " +
			"under which password profiles and account members live, and how members sign up and log in.",
		Attributes: map[string]schema.Attribute{
			"id":        schema.StringAttribute{MarkdownDescription: "The settings object's ID.", Computed: true},
			"realm_id":  schema.StringAttribute{MarkdownDescription: "The ID of the store's Account Management authentication realm.", Computed: true},
			"client_id": schema.StringAttribute{MarkdownDescription: "The single sign-on client ID of Account Management (opaque).", Computed: true},
			"enable_self_signup": schema.BoolAttribute{
				MarkdownDescription: "Whether shoppers may sign themselves up as account members.", Computed: true},
			"auto_create_account_for_account_members": schema.BoolAttribute{
				MarkdownDescription: "Whether each new account member gets an account of its own, with a membership.", Computed: true},
			"account_member_self_management": schema.StringAttribute{
				MarkdownDescription: "`disabled` or `update_only`: whether members may change their own details.", Computed: true},
			"account_management_authentication_token_timeout_secs": schema.Int64Attribute{
				MarkdownDescription: "How long a member token lasts, in seconds.", Computed: true},
		},
	}
}

func (d *accountAuthenticationSettingsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx = maskSecrets(ctx)
	s, err := d.client.GetAccountAuthSettings(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the account authentication settings", d.client.Redact(err.Error()))
		return
	}
	m := settingsModelOf(s)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
