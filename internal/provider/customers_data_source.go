package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ datasource.DataSource              = &customersDataSource{}
	_ datasource.DataSourceWithConfigure = &customersDataSource{}
)

// NewCustomersDataSource is the moltin_customers data source.
func NewCustomersDataSource() datasource.DataSource {
	return &customersDataSource{}
}

type customersDataSource struct {
	dataSourceClient
}

type customersDataModel struct {
	customerFilterModel
	Sort      types.String `tfsdk:"sort"`
	Limit     types.Int64  `tfsdk:"limit"`
	Customers types.List   `tfsdk:"customers"`
}

// customerSortFields are the API's sort keys; a leading '-' reverses.
var customerSortFields = []string{"created_at", "email", "id", "name", "updated_at"}

func sortValues() []string {
	out := make([]string, 0, 2*len(customerSortFields))
	for _, f := range customerSortFields {
		out = append(out, f, "-"+f)
	}
	return out
}

func (d *customersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customers"
}

func (d *customersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := customerFilterDataSourceAttributes()
	attrs["sort"] = schema.StringAttribute{
		MarkdownDescription: "The order of `customers`: one of `" + strings.Join(customerSortFields, "`, `") +
			"`, ascending, or with a leading `-` descending (`-created_at`). Defaults to the API's order, newest first.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.OneOf(sortValues()...)},
	}
	attrs["limit"] = schema.Int64Attribute{
		MarkdownDescription: "The most customers to return. Defaults to all of them.",
		Optional:            true,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	}
	attrs["customers"] = schema.ListNestedAttribute{
		MarkdownDescription: "The matching customers, in the order asked for.",
		Computed:            true,
		NestedObject:        customerListObject(),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the customers that match all the filters given (none: every customer), walking every page of the API's listing. " +
			"An empty result is no error.",
		Attributes: attrs,
	}
}

// customerListObject is one element of customers.
func customerListObject() schema.NestedAttributeObject {
	attrs := customerDataAttributes(
		schema.StringAttribute{MarkdownDescription: "The customer's ID.", Computed: true},
		schema.StringAttribute{CustomType: emailType{}, MarkdownDescription: "The customer's email address.", Computed: true},
	)
	attrs[customFieldsAttr] = schema.MapAttribute{
		MarkdownDescription: "The customer's non-null values of the `customers` flow's fields, as strings (numbers and booleans in their JSON text, " +
			"such as `\"120\"` and `\"true\"`); the `moltin_customer` data source has them typed.",
		ElementType: types.StringType,
		Computed:    true,
	}
	return schema.NestedAttributeObject{Attributes: attrs}
}

func (d *customersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, cfg, ok := modelFrom[customersDataModel](ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}

	opts := moltin.ListOptions{
		Filters: cfg.filters(),
		Sort:    cfg.Sort.ValueString(),
		Limit:   int(cfg.Limit.ValueInt64()),
	}
	list, err := d.client.ListCustomers(ctx, opts)
	if err != nil {
		resp.Diagnostics.AddError("Could not list customers", listErrorDetail(d.client, "customers", err, opts.Filters))
		return
	}

	items := make([]customerListItem, len(list))
	for i, c := range list {
		items[i] = customerListItem{customerAttrs: customerAttrsOf(c), CustomFields: customStringMap(c.Custom)}
	}
	customers, diags := types.ListValueFrom(ctx, customerListObject().Type(), items)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.Customers = customers
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
