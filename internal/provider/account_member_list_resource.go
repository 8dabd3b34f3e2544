package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var _ list.ListResourceWithConfigure = (*accountMemberListResource)(nil)

// NewAccountMemberListResource is the moltin_account_member list resource,
// for `terraform query` (Terraform 1.14+).
func NewAccountMemberListResource() list.ListResource { return &accountMemberListResource{} }

type accountMemberListResource struct {
	resourceClient
}

type accountMemberListConfig struct {
	EmailLike types.String `tfsdk:"email_like"`
	NameLike  types.String `tfsdk:"name_like"`
}

func (r *accountMemberListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member"
}

func (r *accountMemberListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the account members of the store's Account Management realm that match all the filters given (none: every member), " +
			"for `terraform query` (Terraform 1.14 and later). Each result's identity is the member's `id`; its display name is `Name <email>`. " +
			"With `include_resource = true` each result also holds the member's name and email as `moltin_account_member` would " +
			"(its password profile info is not read: one request per member would be needed).",
		Attributes: listFilterAttributes(memberLikeFilters()...),
	}
}

func (r *accountMemberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg accountMemberListConfig
	if !startList(ctx, req, stream, r.client, "account members", &cfg) {
		return
	}
	ctx = maskSecrets(ctx)
	filters := filterTerms(memberLikeFilters(), map[string]types.String{"email_like": cfg.EmailLike, "name_like": cfg.NameLike})
	opts := moltin.ListOptions{Filters: filters, Limit: listLimit(req)}
	stream.Results = listResults(ctx, req, r.client.UserAuthInfos(ctx, opts), listFailed(r.client, "account members", filters), func(ctx context.Context, u moltin.UserAuthInfo, result *list.ListResult) {
		result.DisplayName = u.Name + " <" + u.Email + ">"
		result.Diagnostics.Append(setIDIdentity(ctx, result.Identity, u.ID)...)
		if req.IncludeResource {
			var m accountMemberModel
			m.setFromAPI(u, moltin.PasswordProfileInfo{})
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	})
}
