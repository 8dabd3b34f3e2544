package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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
	dataSourceClient
}

func (d *customerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer"
}

func (d *customerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one existing customer by `id` or by `email` (exactly one of the two). " +
			"Fails when no customer matches, so a typo cannot silently yield an empty result.",
		Attributes: withCustomFields(customerDataAttributes(
			schema.StringAttribute{
				MarkdownDescription: "The customer's ID. Set this or `email`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			schema.StringAttribute{
				CustomType: emailType{},
				MarkdownDescription: "The customer's email address. Set this or `id`. Matched case-insensitively, as the API keeps emails unique " +
					"regardless of case; when looked up by email, this attribute keeps the case you wrote.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{emailValidator{}},
			},
		)),
	}
}

func (d *customerDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email")),
	}
}

func (d *customerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, cfg, ok := modelFrom[customerDataModel](ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}

	var c moltin.Customer
	if id := cfg.ID.ValueString(); id != "" {
		var err error
		c, err = d.client.GetCustomer(ctx, id)
		if moltin.IsNotFound(err) {
			resp.Diagnostics.Append(customerNotFound(path.Root("id"), "id", id, "Check the id, or look the customer up by email instead."))
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
			resp.Diagnostics.Append(customerNotFound(path.Root("email"), "email", email,
				"Emails are compared case-insensitively. Check the address, or use the moltin_customers data source to search by name."))
			return
		}
		c = found
	}
	cfg.customerAttrs = customerAttrsOf(c)
	if cfg.CustomFields = dataCustomFields(ctx, c.Custom, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
	}
}
