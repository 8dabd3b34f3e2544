package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var _ list.ListResourceWithConfigure = (*accountListResource)(nil)

// NewAccountListResource is the moltin_account list resource, for
// `terraform query` (Terraform 1.14+).
func NewAccountListResource() list.ListResource { return &accountListResource{} }

type accountListResource struct {
	client *moltin.Client
}

type accountListConfig struct {
	NameLike       types.String `tfsdk:"name_like"`
	RegistrationID types.String `tfsdk:"registration_id"`
}

func (r *accountListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (r *accountListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the accounts of the store that match all the filters given (none: every account), for `terraform query` " +
			"(Terraform 1.14 and later). Each result's identity is the account's `id`; its display name is its name. " +
			"With `include_resource = true` each result also holds the account as `moltin_account` would.",
		Attributes: map[string]listschema.Attribute{
			"name_like": listschema.StringAttribute{
				MarkdownDescription: "Only accounts whose name matches this pattern, where `*` stands for any run of characters: `E2E *`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"registration_id": listschema.StringAttribute{
				MarkdownDescription: "Only the account with exactly this registration ID.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *accountListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *accountListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg accountListConfig
	if !startList(ctx, req, stream, r.client, "accounts", &cfg) {
		return
	}
	ctx = maskSecrets(ctx)
	var filters []moltin.Filter
	if v := cfg.NameLike.ValueString(); v != "" {
		filters = append(filters, moltin.Like("name", v))
	}
	if v := cfg.RegistrationID.ValueString(); v != "" {
		filters = append(filters, moltin.Eq("registration_id", v))
	}
	opts := moltin.ListOptions{Filters: filters, Limit: listLimit(req)}
	onError := func(err error) diag.Diagnostics {
		detail := "Listing accounts failed: " + r.client.Redact(err.Error())
		if len(filters) > 0 {
			detail += "\n\nFilter sent: " + moltin.JoinFilters(filters)
		}
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not list accounts", detail)}
	}
	stream.Results = listResults(ctx, req, r.client.Accounts(ctx, opts), onError, func(ctx context.Context, a moltin.Account, result *list.ListResult) {
		result.DisplayName = a.Name
		result.Diagnostics.Append(setIDIdentity(ctx, result.Identity, a.ID)...)
		if req.IncludeResource {
			var m accountModel
			m.setFromAPI(a)
			m.CustomFields = customAfterRead(ctx, m.CustomFields, a.Custom, true, &result.Diagnostics)
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	})
}
