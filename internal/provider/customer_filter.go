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

// filterAttribute is one optional string filter attribute: of the
// moltin_customers data source and the moltin_customer list resource, which
// take the same filters, of the delete actions and of the other list
// resources.
type filterAttribute struct {
	name, description string
	validators        []validator.String
}

// filterTerm is one filter attribute's API term: term(field, value).
type filterTerm struct {
	value types.String
	term  func(field, value string) moltin.Filter
	field string
}

// filterTerms is the API filter of the terms whose value is set (not null,
// not unknown).
func filterTerms(terms ...filterTerm) []moltin.Filter {
	var out []moltin.Filter
	for _, t := range terms {
		if !t.value.IsNull() && !t.value.IsUnknown() {
			out = append(out, t.term(t.field, t.value.ValueString()))
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
			[]validator.String{emailValidator{}, stringvalidator.ConflictsWith(path.MatchRoot("email_like"))}},
		{"email_like", "Only customers whose email matches this pattern, case-insensitively, where `*` stands for any run of characters: " +
			"`*@test.example.com` finds every customer of that domain.", []validator.String{nonEmpty}},
		{"name", "Only customers with exactly this name. Commas, colons, quotes and parentheses are matched literally.",
			[]validator.String{nonEmpty, stringvalidator.ConflictsWith(path.MatchRoot("name_like"))}},
		{"name_like", "Only customers whose name matches this pattern, case-insensitively, where `*` stands for any run of characters: " +
			"`E2E *` finds `E2E shopper 17`.", []validator.String{nonEmpty}},
		{"external_ref", "Only customers with exactly this external reference.", []validator.String{nonEmpty}},
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
	return filterTerms(
		filterTerm{m.Email, moltin.Eq, "email"},
		filterTerm{m.EmailLike, moltin.Like, "email"},
		filterTerm{m.Name, moltin.Eq, "name"},
		filterTerm{m.NameLike, moltin.Like, "name"},
		filterTerm{m.ExternalRef, moltin.Eq, "external_ref"},
	)
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
