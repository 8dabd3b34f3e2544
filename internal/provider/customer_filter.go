package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// Descriptions of the filters that the moltin_customers data source and the
// moltin_customer list resource share.
const (
	descFilterEmail       = "Only the customer with this email address, compared case-insensitively."
	descFilterName        = "Only customers with exactly this name. Commas, colons, quotes and parentheses are matched literally."
	descFilterExternalRef = "Only customers with exactly this external reference."
)

// customerFilterModel holds the filter attributes that the moltin_customers
// data source and the moltin_customer list resource share; null ones filter
// nothing.
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
	var out []moltin.Filter
	for _, f := range []struct {
		value types.String
		term  func(field, value string) moltin.Filter
		field string
	}{
		{m.Email, moltin.Eq, "email"},
		{m.EmailLike, moltin.Like, "email"},
		{m.Name, moltin.Eq, "name"},
		{m.NameLike, moltin.Like, "name"},
		{m.ExternalRef, moltin.Eq, "external_ref"},
	} {
		if !f.value.IsNull() && !f.value.IsUnknown() {
			out = append(out, f.term(f.field, f.value.ValueString()))
		}
	}
	return out
}

// listCustomersErrorDetail explains a failed listing, with the filter sent.
func listCustomersErrorDetail(client *moltin.Client, err error, filters []moltin.Filter) string {
	detail := "Listing customers failed: " + client.Redact(err.Error())
	if len(filters) > 0 {
		detail += "\n\nFilter sent: " + moltin.JoinFilters(filters)
	}
	return detail
}
