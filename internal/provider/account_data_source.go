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
	_ datasource.DataSourceWithConfigure        = (*accountDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*accountDataSource)(nil)
)

// NewAccountDataSource is the moltin_account data source.
func NewAccountDataSource() datasource.DataSource { return &accountDataSource{} }

type accountDataSource struct {
	dataSourceClient
}

func (d *accountDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (d *accountDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one account by `id` or by exact `name` (exactly one of the two). Fails when none matches, " +
			"or when several accounts have the name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The account's ID. Set this or `name`.", Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"name": schema.StringAttribute{MarkdownDescription: "The account's name. Set this or `id`.", Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"legal_name":      computed("The account's legal name; null when not set."),
			"registration_id": computed("The account's registration ID; null when not set."),
			"external_ref":    computed("The account's reference in another system; null when not set."),
			"parent_id":       computed("The parent account's ID; null for a top-level account."),
			"created_at":      dataTimeAttribute(createdAtDescription("account")),
			"updated_at":      dataTimeAttribute(updatedAtDescription("account")),
			customFieldsAttr: schema.DynamicAttribute{
				MarkdownDescription: "The account's non-null values of the `accounts` flow's fields (declared with `moltin_custom_field`), " +
					"as one object such as `{ segment = \"b2b\", credit_limit = 2500 }`; null when it has none.",
				Computed: true,
			},
		},
	}
}

func (d *accountDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *accountDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	// The resource's attributes, but with every non-null value of the
	// accounts flow in custom_fields.
	ctx, m, ok := modelFrom[accountModel](ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	var a moltin.Account
	if id := m.ID.ValueString(); id != "" {
		var err error
		a, err = d.client.GetAccount(ctx, id)
		if moltin.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Account not found", fmt.Sprintf("No account in the store has the id %q.", id))
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Could not read the account", d.client.Redact(err.Error()))
			return
		}
	} else {
		name := m.Name.ValueString()
		var found []moltin.Account
		for acct, err := range d.client.Accounts(ctx, moltin.ListOptions{Filters: []moltin.Filter{moltin.Eq("name", name)}, Limit: 10}) {
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("name"), "Could not look the account up by name", d.client.Redact(err.Error()))
				return
			}
			if acct.Name == name {
				found = append(found, acct)
			}
		}
		switch len(found) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Account not found", fmt.Sprintf("No account in the store is named %q.", name))
			return
		case 1:
			a = found[0]
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several accounts have the name",
				fmt.Sprintf("%d or more accounts are named %q: look the account up by id instead.", len(found), name))
			return
		}
	}
	m.setFromAPI(a)
	if m.CustomFields = dataCustomFields(ctx, a.Custom, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}
