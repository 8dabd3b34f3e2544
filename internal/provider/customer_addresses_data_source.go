package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ datasource.DataSource              = &customerAddressesDataSource{}
	_ datasource.DataSourceWithConfigure = &customerAddressesDataSource{}
)

// NewCustomerAddressesDataSource is the moltin_customer_addresses data source.
func NewCustomerAddressesDataSource() datasource.DataSource {
	return &customerAddressesDataSource{}
}

type customerAddressesDataSource struct {
	dataSourceClient
}

type customerAddressesModel struct {
	CustomerID types.String       `tfsdk:"customer_id"`
	Addresses  []addressDataModel `tfsdk:"addresses"`
}

type addressDataModel struct {
	ID types.String `tfsdk:"id"`
	addressAttrs
	CreatedAt timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (d *customerAddressesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_addresses"
}

func (d *customerAddressesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":         schema.StringAttribute{MarkdownDescription: descAddressID, Computed: true},
		"created_at": dataTimeAttribute(createdAtDescription("address")),
		"updated_at": dataTimeAttribute(updatedAtDescription("address")),
	}
	for _, a := range addressAttributeTable() {
		s := schema.StringAttribute{MarkdownDescription: a.description + " Null when not set.", Computed: true}
		if a.name == "country" {
			s.CustomType = countryType{}
			s.MarkdownDescription = "The country, as the API returns its ISO 3166-1 alpha-2 code."
		}
		attrs[a.name] = s
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every saved address of one customer, in the API's order. Fails when the customer does not exist.",
		Attributes: map[string]schema.Attribute{
			"customer_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the customer whose addresses to read.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"addresses": schema.ListNestedAttribute{
				MarkdownDescription: "The customer's addresses; empty when it has none.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: attrs},
			},
		},
	}
}

func (d *customerAddressesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, cfg, ok := modelFrom[customerAddressesModel](ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	customerID := cfg.CustomerID.ValueString()
	list, err := d.client.ListAddresses(ctx, customerID)
	if moltin.IsNotFound(err) {
		resp.Diagnostics.Append(customerNotFound(path.Root("customer_id"), "id", customerID, "Check customer_id."))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not list the addresses", fmt.Sprintf("Listing the addresses of customer %q failed: %s", customerID, d.client.Redact(err.Error())))
		return
	}
	cfg.Addresses = make([]addressDataModel, len(list))
	for i, a := range list {
		m := &cfg.Addresses[i]
		m.ID = types.StringValue(a.ID)
		m.fromAPI(a.AddressFields)
		m.CreatedAt, m.UpdatedAt = timeValue(a.CreatedAt), timeValue(a.UpdatedAt)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
