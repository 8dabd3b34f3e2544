package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ datasource.DataSource                     = &customerDataSource{}
	_ datasource.DataSourceWithConfigure        = &customerDataSource{}
	_ datasource.DataSourceWithConfigValidators = &customerDataSource{}
)

// NewCustomerDataSource is the moltin_customer data source.
func NewCustomerDataSource() datasource.DataSource {
	return &customerDataSource{}
}

type customerDataSource struct {
	client *moltin.Client
}

type customerDataModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Email       emailValue   `tfsdk:"email"`
	ExternalRef types.String `tfsdk:"external_ref"`
	HasPassword types.Bool   `tfsdk:"has_password"`
	CreatedAt   types.String `tfsdk:"created_at"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
}

func (m *customerDataModel) setFromAPI(c moltin.Customer) {
	m.ID = types.StringValue(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Email = newEmailValue(c.Email)
	m.ExternalRef = types.StringPointerValue(c.ExternalRef)
	m.HasPassword = types.BoolValue(c.HasPassword)
	m.CreatedAt = timeValue(c.CreatedAt)
	m.UpdatedAt = timeValue(c.UpdatedAt)
}

// Descriptions of the read-only customer attributes, shared with the
// moltin_customers data source.
const (
	descCustomerName        = "The customer's full name."
	descCustomerExternalRef = "The customer's reference in another system; null when not set."
	descCustomerHasPassword = "Whether the customer has a password set. The password itself can never be read."
	descCustomerCreatedAt   = "When the customer was created (RFC 3339)."
	descCustomerUpdatedAt   = "When the customer was last changed (RFC 3339)."
)

func (d *customerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer"
}

func (d *customerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one existing customer by `id` or by `email` (exactly one of the two). " +
			"Fails when no customer matches, so a typo cannot silently yield an empty result.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The customer's ID. Set this or `email`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"email": schema.StringAttribute{
				CustomType: emailType{},
				MarkdownDescription: "The customer's email address. Set this or `id`. Matched case-insensitively, as the API keeps emails unique " +
					"regardless of case; when looked up by email, this attribute keeps the case you wrote.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{emailValidator{}},
			},
			"name":         schema.StringAttribute{MarkdownDescription: descCustomerName, Computed: true},
			"external_ref": schema.StringAttribute{MarkdownDescription: descCustomerExternalRef, Computed: true},
			"has_password": schema.BoolAttribute{MarkdownDescription: descCustomerHasPassword, Computed: true},
			"created_at":   schema.StringAttribute{MarkdownDescription: descCustomerCreatedAt, Computed: true},
			"updated_at":   schema.StringAttribute{MarkdownDescription: descCustomerUpdatedAt, Computed: true},
		},
	}
}

func (d *customerDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email")),
	}
}

func (d *customerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *customerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg customerDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = maskSecrets(ctx)

	var c moltin.Customer
	if id := cfg.ID.ValueString(); id != "" {
		var err error
		c, err = d.client.GetCustomer(ctx, id)
		if moltin.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Customer not found",
				fmt.Sprintf("No customer in the store has the id %q. Check the id, or look the customer up by email instead.", id))
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Could not read the customer", fmt.Sprintf("Reading customer %q failed: %s", id, d.client.Redact(err.Error())))
			return
		}
	} else {
		email := cfg.Email.ValueString()
		found, ok, err := d.client.FindCustomerByEmail(ctx, email)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Could not look the customer up by email",
				fmt.Sprintf("Looking up the customer with the email %q failed: %s", email, d.client.Redact(err.Error())))
			return
		}
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Customer not found",
				fmt.Sprintf("No customer in the store has the email %q (compared case-insensitively). Check the address, or use the moltin_customers data source to search by name.", email))
			return
		}
		c = found
	}
	cfg.setFromAPI(c)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// clientFromProviderData takes the API client that the provider's Configure
// hands to data sources and ephemeral resources. It is nil while the provider
// is not configured yet (during validation).
func clientFromProviderData(data any, diags *diag.Diagnostics) *moltin.Client {
	if data == nil {
		return nil
	}
	client, ok := data.(*moltin.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *moltin.Client, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return client
}
