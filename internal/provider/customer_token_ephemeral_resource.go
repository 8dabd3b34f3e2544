package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ ephemeral.EphemeralResource              = &customerTokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigure = &customerTokenEphemeralResource{}
)

// NewCustomerTokenEphemeralResource is the moltin_customer_token ephemeral
// resource.
func NewCustomerTokenEphemeralResource() ephemeral.EphemeralResource {
	return &customerTokenEphemeralResource{}
}

type customerTokenEphemeralResource struct {
	ephemeralClient
}

type customerTokenModel struct {
	Email      types.String      `tfsdk:"email"`
	Password   types.String      `tfsdk:"password"`
	CustomerID types.String      `tfsdk:"customer_id"`
	Token      types.String      `tfsdk:"token"`
	ExpiresAt  timetypes.RFC3339 `tfsdk:"expires_at"`
}

func (r *customerTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_token"
}

func (r *customerTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Logs a customer in with email and password and yields a customer token (valid 24 hours), " +
			"for example to hand to a storefront's end-to-end tests. Ephemeral: the password and the token are never stored in the plan or the state. " +
			"Needs Terraform 1.10+ or OpenTofu 1.11+.",
		Attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				MarkdownDescription: "The customer's email address.",
				Required:            true,
				Validators:          []validator.String{emailValidator{}},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "The customer's password.",
				Required:            true,
				Sensitive:           true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the customer the token belongs to.",
				Computed:            true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The customer token, to send as the `X-Moltin-Customer-Token` header.",
				Computed:            true,
				Sensitive:           true,
			},
			"expires_at": schema.StringAttribute{
				CustomType:          timetypes.RFC3339Type{},
				MarkdownDescription: "When the token expires (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (r *customerTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m customerTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	email, password := m.Email.ValueString(), m.Password.ValueString()
	ctx = maskSecrets(ctx, password)

	tok, err := r.client.CreateCustomerToken(ctx, email, password)
	if err != nil {
		switch moltin.StatusOf(err) {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
			resp.Diagnostics.AddError("Customer login failed",
				r.client.Redact(fmt.Sprintf("The API refused the email %s with the password given: check both, and that the customer has a password set. The API said: %s", email, err), password))
		default:
			resp.Diagnostics.AddError("Could not obtain a customer token",
				r.client.Redact(fmt.Sprintf("Logging in the customer %s failed: %s", email, err), password))
		}
		return
	}
	tflog.Debug(ctx, "Obtained a Moltin customer token", map[string]any{"customer_id": tok.CustomerID, "expires_at": tok.ExpiresAt})

	m.CustomerID = types.StringValue(tok.CustomerID)
	m.Token = types.StringValue(tok.Token)
	m.ExpiresAt = timeValue(tok.ExpiresAt)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
