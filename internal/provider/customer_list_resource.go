package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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
	client *moltin.Client
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
		Attributes: map[string]listschema.Attribute{
			"email": listschema.StringAttribute{
				MarkdownDescription: descFilterEmail,
				Optional:            true,
				Validators: []validator.String{
					emailValidator{},
					stringvalidator.ConflictsWith(path.MatchRoot("email_like")),
				},
			},
			"email_like": listschema.StringAttribute{
				MarkdownDescription: "Only customers whose email matches this pattern, case-insensitively, where `*` stands for any run of characters: `*@test.example.com` finds every customer of that domain.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": listschema.StringAttribute{
				MarkdownDescription: descFilterName,
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("name_like")),
				},
			},
			"name_like": listschema.StringAttribute{
				MarkdownDescription: "Only customers whose name matches this pattern, case-insensitively, where `*` stands for any run of characters: `E2E *` finds `E2E shopper 17`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_ref": listschema.StringAttribute{
				MarkdownDescription: descFilterExternalRef,
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *customerListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *customerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg customerFilterModel
	// A list block without a config block sends a null config: no filter.
	if !req.Config.Raw.IsNull() {
		if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
	}
	if r.client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewErrorDiagnostic("Provider not configured",
			"The moltin provider was not configured before listing customers. This is a bug in the client or the provider; please report it.")})
		return
	}
	ctx = maskSecrets(ctx)
	opts := moltin.ListOptions{Filters: cfg.filters(), Limit: listLimit(req)}
	onError := func(err error) diag.Diagnostics {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not list customers", listCustomersErrorDetail(r.client, err, opts.Filters))}
	}
	stream.Results = listResults(ctx, req, r.client.Customers(ctx, opts), onError, func(ctx context.Context, c moltin.Customer, result *list.ListResult) {
		result.DisplayName = customerDisplayName(c)
		result.Diagnostics.Append(setIdentity(ctx, result.Identity, c.ID)...)
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
