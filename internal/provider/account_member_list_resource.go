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

var _ list.ListResourceWithConfigure = (*accountMemberListResource)(nil)

// NewAccountMemberListResource is the moltin_account_member list resource,
// for `terraform query` (Terraform 1.14+).
func NewAccountMemberListResource() list.ListResource { return &accountMemberListResource{} }

type accountMemberListResource struct {
	client *moltin.Client
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
		Attributes: map[string]listschema.Attribute{
			"email_like": listschema.StringAttribute{
				MarkdownDescription: "Only members whose email matches this pattern, where `*` stands for any run of characters: `*@test.example.com`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name_like": listschema.StringAttribute{
				MarkdownDescription: "Only members whose name matches this pattern, where `*` stands for any run of characters: `E2E *`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *accountMemberListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *accountMemberListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg accountMemberListConfig
	if !startList(ctx, req, stream, r.client, "account members", &cfg) {
		return
	}
	ctx = maskSecrets(ctx)
	var filters []moltin.Filter
	if v := cfg.EmailLike.ValueString(); v != "" {
		filters = append(filters, moltin.Like("email", v))
	}
	if v := cfg.NameLike.ValueString(); v != "" {
		filters = append(filters, moltin.Like("name", v))
	}
	opts := moltin.ListOptions{Filters: filters, Limit: listLimit(req)}
	onError := func(err error) diag.Diagnostics {
		detail := "Listing account members failed: " + r.client.Redact(err.Error())
		if len(filters) > 0 {
			detail += "\n\nFilter sent: " + moltin.JoinFilters(filters)
		}
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not list account members", detail)}
	}
	stream.Results = listResults(ctx, req, r.client.UserAuthInfos(ctx, opts), onError, func(ctx context.Context, u moltin.UserAuthInfo, result *list.ListResult) {
		result.DisplayName = u.Name + " <" + u.Email + ">"
		result.Diagnostics.Append(setIDIdentity(ctx, result.Identity, u.ID)...)
		if req.IncludeResource {
			var m accountMemberModel
			m.setFromAPI(u, moltin.PasswordProfileInfo{})
			result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
		}
	})
}
