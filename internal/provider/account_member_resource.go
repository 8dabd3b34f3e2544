package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.ResourceWithConfigure      = (*accountMemberResource)(nil)
	_ resource.ResourceWithImportState    = (*accountMemberResource)(nil)
	_ resource.ResourceWithIdentity       = (*accountMemberResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*accountMemberResource)(nil)
	_ resource.ResourceWithValidateConfig = (*accountMemberResource)(nil)
)

// NewAccountMemberResource is the moltin_account_member resource.
func NewAccountMemberResource() resource.Resource { return &accountMemberResource{} }

type accountMemberResource struct {
	resourceClient
}

type accountMemberModel struct {
	ID                    types.String      `tfsdk:"id"`
	Name                  types.String      `tfsdk:"name"`
	Email                 emailValue        `tfsdk:"email"`
	PasswordProfileID     types.String      `tfsdk:"password_profile_id"`
	Username              types.String      `tfsdk:"username"`
	PasswordProfileInfoID types.String      `tfsdk:"password_profile_info_id"`
	Password              types.String      `tfsdk:"password"`
	PasswordWO            types.String      `tfsdk:"password_wo"`
	PasswordWOVersion     types.Int64       `tfsdk:"password_wo_version"`
	CreatedAt             timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt             timetypes.RFC3339 `tfsdk:"updated_at"`
}

// minMemberPassword is the API's shortest password info password.
const minMemberPassword = 8

func (r *accountMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member"
}

func (r *accountMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := passwordAttributes(fmt.Sprintf("The member's password (at least %d characters)", minMemberPassword), minMemberPassword, "", "")
	maps.Copy(attrs, map[string]schema.Attribute{
		"id":    idAttribute("The account member's ID (that of its user authentication info), assigned by the API."),
		"name":  requiredString("The member's full name."),
		"email": requiredEmail("The member's email address. Compared case-insensitively."),
		"password_profile_id": requiredString("The ID of the password profile (`moltin_password_profile`) the member logs in under. Changing it replaces the member.",
			stringplanmodifier.RequiresReplace()),
		"username": schema.StringAttribute{
			MarkdownDescription: "The username the member logs in with; defaults to the email. Must be an email address when the profile's " +
				"`username_format` is `email` (checked at apply, since the profile may not exist at plan time).",
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"password_profile_info_id": idAttribute("The ID of the member's password profile info, which holds its username and password."),
		"created_at":               createdAtAttribute("member"),
		"updated_at":               updatedAtAttribute("member"),
	})
	resp.Schema = schema.Schema{
		MarkdownDescription: "A shopper who logs in to an Account Management store: an account member with a username and a password " +
			"under a password profile. Behind it are two API objects, made together and never left half-made: the member's user " +
			"authentication info (whose ID is the member's) and its password profile info. Join it to an account with `moltin_account_membership`.",
		Attributes: attrs,
	}
}

func (r *accountMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The account member's ID.")
}

func (r *accountMemberResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config accountMemberModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkWriteOnlyClient(config.PasswordWO, req.ClientCapabilities.WriteOnlyAttributesAllowed, &resp.Diagnostics)
	if config.PasswordWO.IsNull() && config.Password.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Missing password",
			"An account member logs in with a password: set password_wo (with password_wo_version), or password on clients without write-only attributes.")
	}
}

// ModifyPlan makes username default to the email, so that a changed email
// (or a username changed outside Terraform) plans the username's change too.
func (r *accountMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var config accountMemberModel
	var email emailValue
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("email"), &email)...)
	if resp.Diagnostics.HasError() || !config.Username.IsNull() || email.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("username"), types.StringValue(email.ValueString()))...)
}

// memberSecrets lists the passwords of a member's model and configuration.
func memberSecrets(ms ...*accountMemberModel) []string {
	var out []string
	for _, m := range ms {
		for _, v := range []types.String{m.Password, m.PasswordWO} {
			if s := v.ValueString(); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// password is the password configured: password_wo (from the configuration)
// or the legacy attribute; "" when none.
func (m *accountMemberModel) password(config *accountMemberModel) string {
	if !config.PasswordWO.IsNull() {
		return config.PasswordWO.ValueString()
	}
	return m.Password.ValueString()
}

var memberFields = map[string]string{"name": "name", "email": "email", "username": "username", "password_profile_id": "password_profile_id"}

// addError shows err on the attribute it is about; a password error goes to
// the password attribute in use.
func (r *accountMemberResource) addError(diags *diag.Diagnostics, summary string, err error, config *accountMemberModel, secrets []string) {
	fields := memberFields
	if config != nil {
		fields = map[string]string{"password": "password"}
		if !config.PasswordWO.IsNull() {
			fields["password"] = "password_wo"
		}
		for k, v := range memberFields {
			fields[k] = v
		}
	}
	addAPIError(r.client, diags, summary, err, fields, secrets...)
}

// checkUsername checks, at apply, that a username that is not an email is
// allowed by the profile: only then is the profile read (one request).
func (r *accountMemberResource) checkUsername(ctx context.Context, diags *diag.Diagnostics, profileID, username string) {
	if checkEmail(username) == "" {
		return
	}
	p, err := r.client.GetPasswordProfile(ctx, profileID)
	if err != nil {
		if moltin.IsNotFound(err) {
			diags.AddAttributeError(path.Root("password_profile_id"), "Password profile not found",
				fmt.Sprintf("No password profile in the store's Account Management realm has the ID %q. Check password_profile_id. The API said: %s", profileID, r.client.Redact(err.Error())))
			return
		}
		diags.AddError("Could not read the password profile", r.client.Redact(err.Error()))
		return
	}
	if p.UsernameFormat == "email" {
		diags.AddAttributeError(path.Root("username"), "Username must be an email address",
			fmt.Sprintf("The password profile %s (%q) has username_format = \"email\", so username must be an email address: %q is not. "+
				"Leave username out to use the email, or set it to an email address.", p.ID, p.Name, username))
	}
}

func (m *accountMemberModel) setFromAPI(u moltin.UserAuthInfo, info moltin.PasswordProfileInfo) {
	m.ID, m.Name, m.Email = types.StringValue(u.ID), types.StringValue(u.Name), newEmailValue(u.Email)
	m.CreatedAt, m.UpdatedAt = timeValue(u.CreatedAt), timeValue(u.UpdatedAt)
	if info.ID == "" {
		m.PasswordProfileInfoID, m.Username = types.StringNull(), types.StringNull()
	} else {
		m.PasswordProfileInfoID, m.Username = types.StringValue(info.ID), types.StringValue(info.Username)
		m.PasswordProfileID = types.StringValue(info.PasswordProfileID)
		if info.UpdatedAt.After(u.UpdatedAt) {
			m.UpdatedAt = timeValue(info.UpdatedAt)
		}
	}
	m.PasswordWO = types.StringNull()
}

func (r *accountMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config accountMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secrets := memberSecrets(&plan, &config)
	ctx = maskSecrets(ctx, secrets...)
	in := moltin.AccountMemberCreate{Name: plan.Name.ValueString(), Email: plan.Email.ValueString(),
		PasswordInfoInput: moltin.PasswordInfoInput{PasswordProfileID: plan.PasswordProfileID.ValueString(),
			Username: plan.Username.ValueString(), Password: plan.password(&config)}}
	r.checkUsername(ctx, &resp.Diagnostics, in.PasswordProfileID, in.Username)
	if resp.Diagnostics.HasError() {
		return
	}

	var m moltin.AccountMember
	var err error
	adopted := false
	if r.client.AdoptsExistingCustomers() {
		m, adopted, err = r.client.AdoptAccountMember(ctx, in)
	}
	if !adopted && err == nil {
		m, err = r.client.CreateAccountMember(ctx, in)
	}
	var incomplete *moltin.IncompleteMemberError
	if errors.As(err, &incomplete) {
		// Kept in the state, where Terraform marks it tainted: the next
		// apply replaces it, so that it is never left unknown.
		plan.setFromAPI(incomplete.Member, moltin.PasswordProfileInfo{})
		plan.Username = types.StringValue(in.Username)
		saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(incomplete.Member.ID))
		r.addError(&resp.Diagnostics, "Account member created without its password", fmt.Errorf("%w. It is kept in the state as tainted, so that the next apply replaces it", err), &config, secrets)
		return
	}
	if err != nil {
		var managed *moltin.AlreadyManagedError
		if errors.As(err, &managed) {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Email already taken",
				r.client.Redact(fmt.Sprintf("%s. Give each account member its own email.", err), secrets...))
			return
		}
		if moltin.IsNotFound(err) || moltin.StatusOf(err) == 422 {
			if _, gerr := r.client.GetPasswordProfile(ctx, in.PasswordProfileID); moltin.IsNotFound(gerr) {
				resp.Diagnostics.AddAttributeError(path.Root("password_profile_id"), "Password profile not found",
					r.client.Redact(fmt.Sprintf("No password profile has the ID %q in the store's Account Management realm. The API said: %s", in.PasswordProfileID, err), secrets...))
				return
			}
		}
		r.addError(&resp.Diagnostics, "Could not create the account member", err, &config, secrets)
		return
	}
	logCreate(ctx, &resp.Diagnostics, "account member", map[string]any{"account_member_id": m.ID, "password_profile_info_id": m.PasswordInfo.ID}, adopted, func() diag.Diagnostic {
		return diag.NewAttributeWarningDiagnostic(path.Root("email"), "Adopted an existing account member",
			fmt.Sprintf("Account member %s already had the email %s, so none was created: since adopt_existing_customers is on, this resource now manages it "+
				"(its name, username and password were set as configured). Destroying this resource deletes it.", m.ID, in.Email))
	})
	plan.setFromAPI(m.UserAuthInfo, m.PasswordInfo)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(m.ID))
}

// readMemberState is the start of Read and Delete: the state's model, its
// passwords, and a context that masks them in every log line.
func readMemberState(ctx context.Context, st tfsdk.State, diags *diag.Diagnostics) (context.Context, accountMemberModel, []string, bool) {
	var state accountMemberModel
	diags.Append(st.Get(ctx, &state)...)
	if diags.HasError() {
		return ctx, state, nil, false
	}
	secrets := memberSecrets(&state)
	return maskSecrets(ctx, secrets...), state, secrets, true
}

func (r *accountMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, secrets, ok := readMemberState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	u, err := r.client.GetUserAuthInfo(ctx, id)
	if readFailed(ctx, resp, err, idIdentityOf(id), "Moltin account member no longer exists; removing it from the state", map[string]any{"account_member_id": id},
		r.client, "account member", secrets...) {
		return
	}
	var info moltin.PasswordProfileInfo
	switch {
	case !state.PasswordProfileInfoID.IsNull() && !state.PasswordProfileInfoID.IsUnknown():
		info, err = r.client.GetPasswordProfileInfo(ctx, id, state.PasswordProfileInfoID.ValueString())
		if moltin.IsNotFound(err) {
			// Gone outside Terraform: username turns null, and the plan
			// makes a new one.
			info, err = moltin.PasswordProfileInfo{}, nil
		}
	case !state.PasswordProfileID.IsNull():
		info, _, err = r.client.FindPasswordProfileInfo(ctx, id, state.PasswordProfileID.ValueString())
	default:
		// Imported: the member's only password info, if it has one.
		var all []moltin.PasswordProfileInfo
		for p, lerr := range r.client.PasswordProfileInfos(ctx, id) {
			if lerr != nil {
				err = lerr
				break
			}
			all = append(all, p)
		}
		if err == nil && len(all) == 1 {
			info = all[0]
		} else if err == nil && len(all) > 1 {
			resp.Diagnostics.AddWarning("Account member has several password profile infos",
				fmt.Sprintf("Account member %s has a password under %d profiles; the resource manages the one of password_profile_id.", id, len(all)))
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the account member's password profile info", r.client.Redact(err.Error(), secrets...))
		return
	}
	state.setFromAPI(u, info)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, idIdentityOf(u.ID))
}

// passwordChange reports whether the plan sends a new password: the legacy
// attribute changed, or password_wo_version changed with password_wo set
// (moving the same password from password to password_wo sends nothing).
func passwordChange(state, plan, config *accountMemberModel) bool {
	if !plan.Password.IsNull() && !plan.Password.Equal(state.Password) {
		return true
	}
	return !config.PasswordWO.IsNull() && !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) && !state.Password.Equal(config.PasswordWO)
}

func (r *accountMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config accountMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secrets := memberSecrets(&plan, &state, &config)
	ctx = maskSecrets(ctx, secrets...)
	id := state.ID.ValueString()
	u := moltin.UserAuthInfo{ID: id, Name: state.Name.ValueString(), Email: state.Email.ValueString()}
	u.CreatedAt, _ = state.CreatedAt.ValueRFC3339Time()
	u.UpdatedAt, _ = state.UpdatedAt.ValueRFC3339Time()
	if !plan.Name.Equal(state.Name) || plan.Email.ValueString() != state.Email.ValueString() {
		var err error
		if u, err = r.client.UpdateUserAuthInfo(ctx, id, plan.Name.ValueString(), plan.Email.ValueString()); err != nil {
			r.addError(&resp.Diagnostics, "Could not update the account member", err, &config, secrets)
			return
		}
	}
	info := moltin.PasswordProfileInfo{ID: state.PasswordProfileInfoID.ValueString(), PasswordProfileID: state.PasswordProfileID.ValueString(), Username: state.Username.ValueString()}
	in := moltin.PasswordInfoInput{PasswordProfileID: plan.PasswordProfileID.ValueString(), Username: plan.Username.ValueString(), Password: plan.password(&config)}
	usernameChanged := !plan.Username.Equal(state.Username)
	if usernameChanged {
		r.checkUsername(ctx, &resp.Diagnostics, in.PasswordProfileID, in.Username)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	var err error
	switch {
	case info.ID == "":
		// Its password info is gone (deleted outside Terraform): a new one.
		if in.Password == "" {
			resp.Diagnostics.AddAttributeError(path.Root("password_wo"), "Account member has no password",
				"The member's password profile info is gone and no password is configured to make a new one: set password_wo (and bump password_wo_version) or password.")
			return
		}
		info, err = r.client.CreatePasswordProfileInfo(ctx, id, in)
	case usernameChanged || passwordChange(&state, &plan, &config):
		info, err = r.client.UpdatePasswordProfileInfo(ctx, id, info.ID, in)
	}
	if err != nil {
		r.addError(&resp.Diagnostics, "Could not set the account member's username and password", err, &config, secrets)
		return
	}
	plan.setFromAPI(u, info)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(id))
}

func (r *accountMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, state, secrets, ok := readMemberState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := r.client.DeleteUserAuthInfo(ctx, state.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Could not delete the account member", r.client.Redact(err.Error(), secrets...))
	}
}

// ImportState takes the member's id, or an import block's identity.
func (r *accountMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, "account member", req, resp)
}
