package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ list.ListResource              = &customerListResource{}
	_ list.ListResourceWithConfigure = &customerListResource{}
)

// NewCustomerListResource is the moltin_customer list resource, which
// `terraform query` (Terraform 1.14+) uses to find customers and write their
// import blocks.
func NewCustomerListResource() list.ListResource {
	return &customerListResource{}
}

type customerListResource struct {
	resourceClient
}

// Metadata names the list resource after the managed resource it lists, as
// the protocol requires.
func (r *customerListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer"
}

func (r *customerListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the customers of the store that match all the filters given (none: every customer), " +
			"for `terraform query` (Terraform 1.14 and later), which can write an `import` block and configuration for each. " +
			"Each result's identity is the customer's `id`; its display name is `Name <email>`. " +
			"With `include_resource = true` each result also holds the customer as the `moltin_customer` resource would, " +
			"without any password attribute (`has_password` says whether one is set). " +
			"Pages through the API 100 customers at a time and stops at the list block's `limit`.",
		Attributes: listFilterAttributes(customerFilterAttributes()...),
	}
}

func (r *customerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg customerFilterModel
	if !startList(ctx, req, stream, r.client, "customers", &cfg) {
		return
	}
	ctx = maskSecrets(ctx)
	opts := moltin.ListOptions{Filters: cfg.filters(), Limit: listLimit(req)}
	stream.Results = listResults(ctx, req, r.client.Customers(ctx, opts), listFailed(r.client, "customers", opts.Filters), func(ctx context.Context, c moltin.Customer, result *list.ListResult) {
		result.DisplayName = customerDisplayName(c)
		result.Diagnostics.Append(setIdentity(ctx, result.Identity, idIdentityOf(c.ID))...)
		if req.IncludeResource {
			// The resource's own mapping, with every password attribute
			// null: the API never returns a password.
			var m customerModel
			m.setFromAPI(c)
			m.CustomFields = customAfterRead(ctx, m.CustomFields, c.Custom, true, &result.Diagnostics)
			result.Diagnostics.Append(m.setResource(ctx, result.Resource)...)
		}
	})
}

// customerDisplayName is how `terraform query` shows a customer:
// `Sam Shopper <sam@example.com>`.
func customerDisplayName(c moltin.Customer) string {
	if c.Name == "" {
		return "<" + c.Email + ">"
	}
	return c.Name + " <" + c.Email + ">"
}
