package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*accountMemberTokenEphemeralResource)(nil)

// NewAccountMemberTokenEphemeralResource is the moltin_account_member_token
// ephemeral resource.
func NewAccountMemberTokenEphemeralResource() ephemeral.EphemeralResource {
	return &accountMemberTokenEphemeralResource{}
}

type accountMemberTokenEphemeralResource struct {
	ephemeralClient
}

type accountMemberTokenModel struct {
	PasswordProfileID types.String      `tfsdk:"password_profile_id"`
	Username          types.String      `tfsdk:"username"`
	Password          types.String      `tfsdk:"password"`
	AccountID         types.String      `tfsdk:"account_id"`
	Token             types.String      `tfsdk:"token"`
	Expires           timetypes.RFC3339 `tfsdk:"expires"`
	Tokens            types.List        `tfsdk:"tokens"`
}

var accountTokenAttrTypes = map[string]attr.Type{
	"account_id":   types.StringType,
	"account_name": types.StringType,
	"token":        types.StringType,
	"expires":      timetypes.RFC3339Type{},
}

func (r *accountMemberTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member_token"
}

func (r *accountMemberTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Logs an account member in with a username and password under a password profile, and yields its " +
			"Account Management authentication tokens (one per account it is a member of), for example to hand to a storefront's end-to-end tests. " +
			"A storefront sends a token as the `EP-Account-Management-Authentication-Token` header. Ephemeral: the password and the tokens " +
			"are never stored in the plan or the state. Needs Terraform 1.10+ or OpenTofu 1.11+.",
		Attributes: map[string]schema.Attribute{
			"password_profile_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the password profile the member logs in under.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The member's username (by default its email).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "The member's password.",
				Required:            true,
				Sensitive:           true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "The account whose token `token` holds. May be left out when the member belongs to one account only.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The token for `account_id`, or for the member's only account.",
				Computed:            true,
				Sensitive:           true,
			},
			"expires": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When `token` expires (RFC 3339).",
				Computed:            true,
			},
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "A token for every account the member belongs to.",
				Computed:            true,
				Sensitive:           true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"account_id":   schema.StringAttribute{MarkdownDescription: "The account's ID.", Computed: true},
					"account_name": schema.StringAttribute{MarkdownDescription: "The account's name.", Computed: true},
					"token":        schema.StringAttribute{MarkdownDescription: "The token for the account.", Computed: true, Sensitive: true},
					"expires": schema.StringAttribute{CustomType: timetypes.RFC3339Type{},
						MarkdownDescription: "When the token expires (RFC 3339).", Computed: true},
				}},
			},
		},
	}
}

func (r *accountMemberTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m accountMemberTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	username, password := m.Username.ValueString(), m.Password.ValueString()
	ctx = maskSecrets(ctx, password)

	toks, err := r.client.CreateAccountMemberTokens(ctx, m.PasswordProfileID.ValueString(), username, password)
	if err != nil {
		switch moltin.StatusOf(err) {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity:
			resp.Diagnostics.AddError("Account member login failed",
				r.client.Redact(fmt.Sprintf("The API refused the username %s with the password given under password profile %s: check the username, the password and "+
					"password_profile_id. The API said: %s", username, m.PasswordProfileID.ValueString(), err), password))
		default:
			resp.Diagnostics.AddError("Could not obtain an account member token",
				r.client.Redact(fmt.Sprintf("Logging in the account member %s failed: %s", username, err), password))
		}
		return
	}
	// The tokens are secrets too, should the API ever echo one in an error.
	secrets := []string{password}
	elems := make([]attr.Value, 0, len(toks))
	for _, t := range toks {
		secrets = append(secrets, t.Token)
		obj, diags := types.ObjectValue(accountTokenAttrTypes, map[string]attr.Value{
			"account_id": types.StringValue(t.AccountID), "account_name": types.StringValue(t.AccountName),
			"token": types.StringValue(t.Token), "expires": timeValue(t.Expires),
		})
		resp.Diagnostics.Append(diags...)
		elems = append(elems, obj)
	}
	ctx = maskSecrets(ctx, secrets...)
	list, diags := types.ListValue(types.ObjectType{AttrTypes: accountTokenAttrTypes}, elems)
	resp.Diagnostics.Append(diags...)
	m.Tokens = list

	chosen, ok := pickToken(toks, m.AccountID.ValueString())
	if !ok {
		accounts := make([]string, len(toks))
		for i, t := range toks {
			accounts[i] = fmt.Sprintf("%s (%s)", t.AccountID, t.AccountName)
		}
		switch {
		case len(toks) == 0:
			resp.Diagnostics.AddError("Account member belongs to no account",
				fmt.Sprintf("The login of %s succeeded but gave no token: the member is a member of no account. Add a moltin_account_membership.", username))
		case m.AccountID.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Several accounts: choose one",
				fmt.Sprintf("The member %s belongs to %d accounts: set account_id to one of %s to choose the token, or use tokens.", username, len(toks), strings.Join(accounts, ", ")))
		default:
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Not a member of the account",
				fmt.Sprintf("The member %s is not a member of account %s; it belongs to %s.", username, m.AccountID.ValueString(), strings.Join(accounts, ", ")))
		}
		return
	}
	tflog.Debug(ctx, "Obtained Moltin account member tokens", map[string]any{"accounts": len(toks), "account_id": chosen.AccountID})
	m.Token, m.Expires = types.StringValue(chosen.Token), timeValue(chosen.Expires)
	if m.AccountID.IsNull() {
		m.AccountID = types.StringValue(chosen.AccountID)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// pickToken is the token for accountID, or the only one when accountID is "".
func pickToken(toks []moltin.AccountMemberToken, accountID string) (moltin.AccountMemberToken, bool) {
	if accountID == "" {
		if len(toks) == 1 {
			return toks[0], true
		}
		return moltin.AccountMemberToken{}, false
	}
	for _, t := range toks {
		if t.AccountID == accountID {
			return t, true
		}
	}
	return moltin.AccountMemberToken{}, false
}
