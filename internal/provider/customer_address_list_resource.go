package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ list.ListResource              = &customerAddressListResource{}
	_ list.ListResourceWithConfigure = &customerAddressListResource{}
)

// NewCustomerAddressListResource is the moltin_customer_address list
// resource: a customer's saved addresses, for `terraform query`.
func NewCustomerAddressListResource() list.ListResource {
	return &customerAddressListResource{}
}

type customerAddressListResource struct {
	resourceClient
}

type customerAddressListModel struct {
	CustomerID types.String `tfsdk:"customer_id"`
}

func (r *customerAddressListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_address"
}

func (r *customerAddressListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the saved addresses of one customer, for `terraform query` (Terraform 1.14 and later), " +
			"which can write an `import` block and configuration for each. " +
			"Each result's identity is the address's `customer_id` and `id`, as the `moltin_customer_address` resource's; " +
			"its display name is the address's label, then its street, city, postcode and country: `Home: 1 Main St, London, SW1A 1AA, GB`. " +
			"With `include_resource = true` each result also holds the address as the `moltin_customer_address` resource would. " +
			"A customer that does not exist is an error.",
		Attributes: map[string]listschema.Attribute{
			"customer_id": listschema.StringAttribute{
				MarkdownDescription: "The ID of the customer whose addresses to list, such as one that a `moltin_customer` list block found.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *customerAddressListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg customerAddressListModel
	if !startList(ctx, req, stream, r.client, "addresses", &cfg) {
		return
	}
	customerID := cfg.CustomerID.ValueString()
	if customerID == "" {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("customer_id"),
			"Missing customer_id", "Name the customer whose addresses to list: customer_id = moltin_customer.<name>.id, or an id that a moltin_customer list block found.")})
		return
	}
	ctx = maskSecrets(ctx)
	onError := func(err error) diag.Diagnostics {
		if moltin.IsNotFound(err) {
			return diag.Diagnostics{customerNotFound(path.Root("customer_id"), "id", customerID,
				"It has no addresses to list. Check customer_id. The API said: "+r.client.Redact(err.Error()))}
		}
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not list addresses",
			fmt.Sprintf("Listing the addresses of customer %q failed: %s", customerID, r.client.Redact(err.Error())))}
	}
	items := r.client.Addresses(ctx, customerID, moltin.ListOptions{Limit: listLimit(req)})
	stream.Results = listResults(ctx, req, items, onError, func(ctx context.Context, a moltin.Address, result *list.ListResult) {
		result.DisplayName = addressDisplayName(a)
		result.Diagnostics.Append(setIdentity(ctx, result.Identity, addressIdentityOf(customerID, a.ID))...)
		if req.IncludeResource {
			// The resource's own mapping, as its Read sets the state.
			var m customerAddressModel
			m.setFromAPI(customerID, a)
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	})
}

// addressDisplayName is how `terraform query` shows an address: its label,
// then its street, city, postcode and country, leaving out what is unset:
// `Home: 1 Main St, London, SW1A 1AA, GB`.
func addressDisplayName(a moltin.Address) string {
	var parts []string
	for _, p := range []string{a.Line1, a.City, a.Postcode, a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	where := strings.Join(parts, ", ")
	switch {
	case a.Name == "":
		return where
	case where == "":
		return a.Name
	}
	return a.Name + ": " + where
}
