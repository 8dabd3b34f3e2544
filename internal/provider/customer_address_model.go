package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// customerAddressModel is the moltin_customer_address resource's plan and
// state.
type customerAddressModel struct {
	ID         types.String `tfsdk:"id"`
	CustomerID types.String `tfsdk:"customer_id"`
	addressAttrs
	CreatedAt timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt timetypes.RFC3339 `tfsdk:"updated_at"`
}

// customerAddressIdentity is the moltin_customer_address resource's
// identity.
type customerAddressIdentity struct {
	CustomerID types.String `tfsdk:"customer_id"`
	ID         types.String `tfsdk:"id"`
}

func addressIdentityOf(customerID, id string) customerAddressIdentity {
	return customerAddressIdentity{CustomerID: types.StringValue(customerID), ID: types.StringValue(id)}
}

// addressAttrs are the fields of a saved address, shared by the
// moltin_customer_address resource and the moltin_customer_addresses data
// source. Their attribute names are the API's JSON names
// (moltin.AddressFields.Fields); TestAddressAttrsMatchTheTable checks the
// tags against them.
type addressAttrs struct {
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

// addressAttribute is one address field: its attribute name (the API's),
// whether a configuration must set it, its description, and where the model
// and the client's fields hold it. The country's value is the string inside
// its case-insensitive type (see countryType).
type addressAttribute struct {
	name        string
	required    bool
	description string
	tf          *types.String
	api         *string
}

// table pairs every field of m with its field in f, in the API's order; the
// schemas, toAPI, fromAPI, hasUnknown and the error paths all read it.
func (m *addressAttrs) table(f *moltin.AddressFields) []addressAttribute {
	t := []addressAttribute{
		{api: &f.Name, tf: &m.Name, description: "The label the shopper picks the address by, such as `Home` or `Work`."},
		{api: &f.FirstName, tf: &m.FirstName, required: true, description: "The first name of the addressee."},
		{api: &f.LastName, tf: &m.LastName, required: true, description: "The last name of the addressee."},
		{api: &f.CompanyName, tf: &m.CompanyName, description: "The company at the address."},
		{api: &f.PhoneNumber, tf: &m.PhoneNumber, description: "A phone number for the delivery."},
		{api: &f.Line1, tf: &m.Line1, required: true, description: "The first line of the street address."},
		{api: &f.Line2, tf: &m.Line2, description: "The second line of the street address."},
		{api: &f.City, tf: &m.City, description: "The city or town."},
		{api: &f.County, tf: &m.County, description: "The county. Some stores require it: the API then says so on this attribute."},
		{api: &f.Region, tf: &m.Region, description: "The state, province or region. Some stores require it: the API then says so on this attribute."},
		{api: &f.Postcode, tf: &m.Postcode, required: true, description: "The postcode or ZIP code."},
		{api: &f.Country, tf: &m.Country.StringValue, required: true, description: "The country, as an ISO 3166-1 alpha-2 code such as `GB` or `US`, checked at plan time. " +
			"Either case is accepted: the API is sent the upper-case code, and a change of case alone is not a change."},
		{api: &f.Instructions, tf: &m.Instructions, description: "Delivery instructions, such as where to leave a parcel."},
	}
	names := make(map[*string]string, len(t))
	for _, af := range f.Fields() {
		names[af.Value] = af.Key
	}
	for i := range t {
		t[i].name = names[t[i].api]
	}
	return t
}

// addressAttributeTable is the table without a model, for the schemas and
// for looking names up.
func addressAttributeTable() []addressAttribute {
	return (&addressAttrs{}).table(&moltin.AddressFields{})
}

// toAPI is the fields to send: null is "", the country upper-cased.
func (m *addressAttrs) toAPI() moltin.AddressFields {
	var f moltin.AddressFields
	for _, a := range m.table(&f) {
		*a.api = a.tf.ValueString()
	}
	f.Country = strings.ToUpper(f.Country)
	return f
}

// fromAPI copies the API's fields; one the API has not set (null or "")
// is null, as it is in a configuration that leaves it out.
func (m *addressAttrs) fromAPI(f moltin.AddressFields) {
	for _, a := range m.table(&f) {
		*a.tf = optionalString(*a.api)
	}
}

// hasUnknown reports whether a planned value is known only at apply.
func (m *addressAttrs) hasUnknown() bool {
	for _, a := range m.table(&moltin.AddressFields{}) {
		if a.tf.IsUnknown() {
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
