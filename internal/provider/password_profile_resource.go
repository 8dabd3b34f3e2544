package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.ResourceWithConfigure   = (*passwordProfileResource)(nil)
	_ resource.ResourceWithImportState = (*passwordProfileResource)(nil)
	_ resource.ResourceWithIdentity    = (*passwordProfileResource)(nil)
)

// NewPasswordProfileResource is the moltin_password_profile resource.
func NewPasswordProfileResource() resource.Resource { return &passwordProfileResource{} }

type passwordProfileResource struct {
	resourceClient
}

type passwordProfileModel struct {
	ID                         types.String      `tfsdk:"id"`
	RealmID                    types.String      `tfsdk:"realm_id"`
	Name                       types.String      `tfsdk:"name"`
	UsernameFormat             types.String      `tfsdk:"username_format"`
	EnableOneTimePasswordToken types.Bool        `tfsdk:"enable_one_time_password_token"`
	CreatedAt                  timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt                  timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (r *passwordProfileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_password_profile"
}

func (r *passwordProfileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A password profile of the store's Account Management realm: account members " +
			"(`moltin_account_member`) log in with a username and a password under it.",
		Attributes: map[string]schema.Attribute{
			"id":       idAttribute("The password profile's ID, assigned by the API."),
			"realm_id": idAttribute("The ID of the Account Management realm the profile belongs to, found through the store's account authentication settings."),
			"name":     requiredString("The profile's name."),
			"username_format": schema.StringAttribute{
				MarkdownDescription: "`any` (the default) or `email`: with `email`, every member's username under this profile must be an email address. " +
					"A change applies to members created or updated later.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString("any"),
				Validators: []validator.String{stringvalidator.OneOf("any", "email")},
			},
			"enable_one_time_password_token": schema.BoolAttribute{
				MarkdownDescription: "Whether members may ask for a one-time password token (to reset a password or log in without one). Default `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"created_at": createdAtAttribute("profile"),
			"updated_at": updatedAtAttribute("profile"),
		},
	}
}

func (r *passwordProfileResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The password profile's ID.")
}

func (m *passwordProfileModel) input() moltin.PasswordProfileInput {
	return moltin.PasswordProfileInput{Name: m.Name.ValueString(), UsernameFormat: m.UsernameFormat.ValueString(),
		EnableOneTimePasswordToken: m.EnableOneTimePasswordToken.ValueBool()}
}

func (m *passwordProfileModel) setFromAPI(p moltin.PasswordProfile) {
	m.ID, m.RealmID, m.Name = types.StringValue(p.ID), types.StringValue(p.RealmID), types.StringValue(p.Name)
	m.UsernameFormat = types.StringValue(p.UsernameFormat)
	m.EnableOneTimePasswordToken = types.BoolValue(p.EnableOneTimePasswordToken)
	m.CreatedAt, m.UpdatedAt = timeValue(p.CreatedAt), timeValue(p.UpdatedAt)
}

var passwordProfileFields = map[string]string{"name": "name", "username_format": "username_format", "enable_one_time_password_token": "enable_one_time_password_token"}

func (r *passwordProfileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, ok := modelFrom[passwordProfileModel](ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	p, err := r.client.CreatePasswordProfile(ctx, plan.input())
	if err != nil {
		addAPIError(r.client, &resp.Diagnostics, "Could not create the password profile", err, passwordProfileFields)
		return
	}
	tflog.Info(ctx, "Created Moltin password profile", map[string]any{"password_profile_id": p.ID})
	plan.setFromAPI(p)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(p.ID))
}

func (r *passwordProfileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, ok := modelFrom[passwordProfileModel](ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	p, err := r.client.GetPasswordProfile(ctx, id)
	if readFailed(ctx, resp, err, idIdentityOf(id), "Moltin password profile no longer exists; removing it from the state", map[string]any{"password_profile_id": id},
		r.client, "password profile") {
		return
	}
	state.setFromAPI(p)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, idIdentityOf(p.ID))
}

func (r *passwordProfileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, state, ok := planAndState[passwordProfileModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	p, err := r.client.UpdatePasswordProfile(ctx, state.ID.ValueString(), plan.input())
	if err != nil {
		addAPIError(r.client, &resp.Diagnostics, "Could not update the password profile", err, passwordProfileFields)
		return
	}
	plan.setFromAPI(p)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(p.ID))
}

func (r *passwordProfileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject(ctx, req, resp, r.client, "password profile", func(ctx context.Context, m *passwordProfileModel) error {
		return r.client.DeletePasswordProfile(ctx, m.ID.ValueString())
	})
}

// ImportState takes the profile's id (its realm is the store's Account
// Management realm, found from the settings), or an import block's identity.
func (r *passwordProfileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, "password profile", req, resp)
}
