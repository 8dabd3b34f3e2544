package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	resourceClient
}

type accountListConfig struct {
	NameLike       types.String `tfsdk:"name_like"`
	RegistrationID types.String `tfsdk:"registration_id"`
}

// accountListFilters are the filters of the list resource, in the order it
// sends them.
func accountListFilters() []filterAttribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	return []filterAttribute{
		{"name_like", "Only accounts whose name matches this pattern, where `*` stands for any run of characters: `E2E *`.", nonEmpty, moltin.Like, "name"},
		{"registration_id", "Only the account with exactly this registration ID.", nonEmpty, moltin.Eq, "registration_id"},
	}
}

func (r *accountListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (r *accountListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the accounts of the store that match all the filters given (none: every account), for `terraform query` " +
			"(Terraform 1.14 and later). Each result's identity is the account's `id`; its display name is its name. " +
			"With `include_resource = true` each result also holds the account as `moltin_account` would.",
		Attributes: listFilterAttributes(accountListFilters()...),
	}
}

func (r *accountListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg accountListConfig
	if !startList(ctx, req, stream, r.client, "accounts", &cfg) {
		return
	}
	ctx = maskSecrets(ctx)
	filters := filterTerms(accountListFilters(), map[string]types.String{"name_like": cfg.NameLike, "registration_id": cfg.RegistrationID})
	opts := moltin.ListOptions{Filters: filters, Limit: listLimit(req)}
	stream.Results = listResults(ctx, req, r.client.Accounts(ctx, opts), listFailed(r.client, "accounts", filters), func(ctx context.Context, a moltin.Account, result *list.ListResult) {
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
