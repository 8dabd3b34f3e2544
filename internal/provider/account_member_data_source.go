package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*accountMemberDataSource)(nil)

// NewAccountMemberDataSource is the moltin_account_member data source.
func NewAccountMemberDataSource() datasource.DataSource { return &accountMemberDataSource{} }

type accountMemberDataSource struct {
	dataSourceClient
}

type accountMemberDataModel struct {
	ID        types.String      `tfsdk:"id"`
	Email     emailValue        `tfsdk:"email"`
	Name      types.String      `tfsdk:"name"`
	CreatedAt timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (d *accountMemberDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_member"
}

func (d *accountMemberDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one account member of the store's Account Management realm by email. " +
			"Fails when none matches, or when several do (the API does not promise that emails are unique there).",
		Attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				CustomType:          emailType{},
				MarkdownDescription: "The member's email address, matched case-insensitively.",
				Required:            true,
				Validators:          []validator.String{emailValidator{}},
			},
			"id":         schema.StringAttribute{MarkdownDescription: "The account member's ID.", Computed: true},
			"name":       schema.StringAttribute{MarkdownDescription: "The member's name.", Computed: true},
			"created_at": dataTimeAttribute(createdAtDescription("member")),
			"updated_at": dataTimeAttribute(updatedAtDescription("member")),
		},
	}
}

func (d *accountMemberDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	ctx, m, ok := modelFrom[accountMemberDataModel](ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	email := m.Email.ValueString()
	found, err := d.client.FindUserAuthInfosByEmail(ctx, email)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("email"), "Could not look the account member up by email", d.client.Redact(err.Error()))
		return
	}
	switch len(found) {
	case 0:
		resp.Diagnostics.AddAttributeError(path.Root("email"), "Account member not found",
			fmt.Sprintf("No account member in the store's Account Management realm has the email %q (compared case-insensitively).", email))
		return
	case 1:
	default:
		resp.Diagnostics.AddAttributeError(path.Root("email"), "Several account members have the email",
			fmt.Sprintf("%d account members have the email %q; this data source returns one only.", len(found), email))
		return
	}
	u := found[0]
	m.ID, m.Name = types.StringValue(u.ID), types.StringValue(u.Name)
	m.CreatedAt, m.UpdatedAt = timeValue(u.CreatedAt), timeValue(u.UpdatedAt)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
