package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// filterAttribute is one optional string filter attribute, of the
// moltin_customers data source, the list resources and the delete actions:
// its schema, and the API term it sends, term(field, value).
type filterAttribute struct {
	name, description string
	validators        []validator.String
	term              func(field, value string) moltin.Filter
	field             string
}

// filterTerms is the API filter: the terms of filters, in their order, whose
// value (by name in values) is set, not null nor unknown.
func filterTerms(filters []filterAttribute, values map[string]types.String) []moltin.Filter {
	var out []moltin.Filter
	for _, f := range filters {
		if v := values[f.name]; !v.IsNull() && !v.IsUnknown() {
			out = append(out, f.term(f.field, v.ValueString()))
		}
	}
	return out
}

// customerFilterAttributes are the filters, each an optional string, in the
// order of customerFilterModel.
func customerFilterAttributes() []filterAttribute {
	nonEmpty := stringvalidator.LengthAtLeast(1)
	return []filterAttribute{
		{"email", "Only the customer with this email address, compared case-insensitively.",
			[]validator.String{emailValidator{}, stringvalidator.ConflictsWith(path.MatchRoot("email_like"))}, moltin.Eq, "email"},
		{"email_like", "Only customers whose email matches this pattern, case-insensitively, where `*` stands for any run of characters: " +
			"`*@test.example.com` finds every customer of that domain.", []validator.String{nonEmpty}, moltin.Like, "email"},
		{"name", "Only customers with exactly this name. Commas, colons, quotes and parentheses are matched literally.",
			[]validator.String{nonEmpty, stringvalidator.ConflictsWith(path.MatchRoot("name_like"))}, moltin.Eq, "name"},
		{"name_like", "Only customers whose name matches this pattern, case-insensitively, where `*` stands for any run of characters: " +
			"`E2E *` finds `E2E shopper 17`.", []validator.String{nonEmpty}, moltin.Like, "name"},
		{"external_ref", "Only customers with exactly this external reference.", []validator.String{nonEmpty}, moltin.Eq, "external_ref"},
	}
}

// customerFilterDataSourceAttributes is the filters in a data source's schema.
func customerFilterDataSourceAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, f := range customerFilterAttributes() {
		out[f.name] = schema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	return out
}

// listFilterAttributes is filters in a list resource's schema.
func listFilterAttributes(filters ...filterAttribute) map[string]listschema.Attribute {
	out := map[string]listschema.Attribute{}
	for _, f := range filters {
		out[f.name] = listschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	return out
}

// customerFilterModel holds the filters: the whole configuration of the
// moltin_customer list resource, and the part of the moltin_customers data
// source's that filters. Null ones filter nothing.
type customerFilterModel struct {
	Email       types.String `tfsdk:"email"`
	EmailLike   types.String `tfsdk:"email_like"`
	Name        types.String `tfsdk:"name"`
	NameLike    types.String `tfsdk:"name_like"`
	ExternalRef types.String `tfsdk:"external_ref"`
}

// filters is the API filter for m. The client quotes every value, so a
// comma or parenthesis in a name cannot end the term or add another.
func (m customerFilterModel) filters() []moltin.Filter {
	return filterTerms(customerFilterAttributes(), m.filterValues())
}

func (m customerFilterModel) filterValues() map[string]types.String {
	return map[string]types.String{"email": m.Email, "email_like": m.EmailLike, "name": m.Name, "name_like": m.NameLike, "external_ref": m.ExternalRef}
}

// listErrorDetail explains a failed listing of what (a plural: "customers"),
// with the filter sent.
func listErrorDetail(client *moltin.Client, what string, err error, filters []moltin.Filter) string {
	detail := "Listing " + what + " failed: " + client.Redact(err.Error())
	if len(filters) > 0 {
		detail += "\n\nFilter sent: " + moltin.JoinFilters(filters)
	}
	return detail
}
