package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// customerAddressModel is the moltin_customer_address resource's plan and
// state.
type customerAddressModel struct {
	ID         types.String `tfsdk:"id"`
	CustomerID types.String `tfsdk:"customer_id"`
	AddressAttributes
	CreatedAt timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt timetypes.RFC3339 `tfsdk:"updated_at"`
}

// customerAddressIdentity is the moltin_customer_address resource's
// identity.
type customerAddressIdentity struct {
	CustomerID types.String `tfsdk:"customer_id"`
	ID         types.String `tfsdk:"id"`
}

// AddressAttributes are the fields of a saved address, shared by the
// moltin_customer_address resource and the moltin_customer_addresses data
// source. Exported only so that the framework reads it as an embedded struct.
type AddressAttributes struct {
	Name         types.String `tfsdk:"name"`
	FirstName    types.String `tfsdk:"first_name"`
	LastName     types.String `tfsdk:"last_name"`
	CompanyName  types.String `tfsdk:"company_name"`
	PhoneNumber  types.String `tfsdk:"phone_number"`
	Line1        types.String `tfsdk:"line_1"`
	Line2        types.String `tfsdk:"line_2"`
	City         types.String `tfsdk:"city"`
	County       types.String `tfsdk:"county"`
	Region       types.String `tfsdk:"region"`
	Postcode     types.String `tfsdk:"postcode"`
	Country      countryValue `tfsdk:"country"`
	Instructions types.String `tfsdk:"instructions"`
}

// addressAttribute describes one address field once: its name, whether a
// configuration must set it, its description, and where it sits in the
// model and in the client's fields.
type addressAttribute struct {
	name        string
	required    bool
	description string
}

// addressAttributes lists the fields in the API's order. Country is the one
// string of another type (see countryType), handled beside this list.
var addressAttributes = []addressAttribute{
	{"name", false, "The label the shopper picks the address by, such as `Home` or `Work`."},
	{"first_name", true, "The first name of the addressee."},
	{"last_name", true, "The last name of the addressee."},
	{"company_name", false, "The company at the address."},
	{"phone_number", false, "A phone number for the delivery."},
	{"line_1", true, "The first line of the street address."},
	{"line_2", false, "The second line of the street address."},
	{"city", false, "The city or town."},
	{"county", false, "The county. Some stores require it: the API then says so on this attribute."},
	{"region", false, "The state, province or region. Some stores require it: the API then says so on this attribute."},
	{"postcode", true, "The postcode or ZIP code."},
	{"country", true, "The country, as an ISO 3166-1 alpha-2 code such as `GB` or `US`, checked at plan time. " +
		"Either case is accepted: the API is sent the upper-case code, and a change of case alone is not a change."},
	{"instructions", false, "Delivery instructions, such as where to leave a parcel."},
}

// addressFieldSchemas is the resource schema of every address field, as
// moltin_customer_address and moltin_customer's addresses both have them.
func addressFieldSchemas() map[string]schema.StringAttribute {
	out := make(map[string]schema.StringAttribute, len(addressAttributes))
	for _, a := range addressAttributes {
		s := schema.StringAttribute{
			MarkdownDescription: a.description,
			Required:            a.required,
			Optional:            !a.required,
			// An empty string is what the API answers for an unset field:
			// leave the attribute out instead.
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
		if a.name == "country" {
			s.CustomType = countryType{}
			s.Validators = []validator.String{countryValidator{}}
		}
		out[a.name] = s
	}
	return out
}

// stringFields pairs every attribute but country with its field in f.
func (m *AddressAttributes) stringFields(f *moltin.AddressFields) map[string]struct {
	tf  *types.String
	api *string
} {
	type pair = struct {
		tf  *types.String
		api *string
	}
	return map[string]pair{
		"name": {&m.Name, &f.Name}, "first_name": {&m.FirstName, &f.FirstName}, "last_name": {&m.LastName, &f.LastName},
		"company_name": {&m.CompanyName, &f.CompanyName}, "phone_number": {&m.PhoneNumber, &f.PhoneNumber},
		"line_1": {&m.Line1, &f.Line1}, "line_2": {&m.Line2, &f.Line2}, "city": {&m.City, &f.City},
		"county": {&m.County, &f.County}, "region": {&m.Region, &f.Region}, "postcode": {&m.Postcode, &f.Postcode},
		"instructions": {&m.Instructions, &f.Instructions},
	}
}

// toAPI is the fields to send: null is "", the country upper-cased.
func (m *AddressAttributes) toAPI() moltin.AddressFields {
	var f moltin.AddressFields
	for _, p := range m.stringFields(&f) {
		*p.api = p.tf.ValueString()
	}
	f.Country = strings.ToUpper(m.Country.ValueString())
	return f
}

// fromAPI copies the API's fields; one the API has not set (null or "")
// is null, as it is in a configuration that leaves it out.
func (m *AddressAttributes) fromAPI(f moltin.AddressFields) {
	for _, p := range m.stringFields(&f) {
		*p.tf = optionalString(*p.api)
	}
	m.Country = newCountryValue(f.Country)
	if f.Country == "" {
		m.Country = countryValue{StringValue: types.StringNull()}
	}
}

// hasUnknown reports whether a planned value is known only at apply.
func (m *AddressAttributes) hasUnknown() bool {
	if m.Country.IsUnknown() {
		return true
	}
	for _, p := range m.stringFields(&moltin.AddressFields{}) {
		if p.tf.IsUnknown() {
			return true
		}
	}
	return false
}

// setFromAPI sets every attribute from the API's address, as Read and the
// list resource's include_resource do.
func (m *customerAddressModel) setFromAPI(customerID string, a moltin.Address) {
	m.ID, m.CustomerID = types.StringValue(a.ID), types.StringValue(customerID)
	m.fromAPI(a.AddressFields)
	m.CreatedAt, m.UpdatedAt = timeValue(a.CreatedAt), timeValue(a.UpdatedAt)
}
