package provider

import (
	"errors"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The API's fields map onto the attributes one for one: an unset field is
// null, the country is sent upper-case, and nothing is lost on the way back.
func TestAddressAttributesMapping(t *testing.T) {
	t.Parallel()
	in := moltin.AddressFields{
		Name: "Home", FirstName: "Ann", LastName: "Lee", CompanyName: "Lee & Co", PhoneNumber: "+44",
		Line1: "1 High St", Line2: "Flat 2", City: "Leeds", County: "West Yorkshire", Region: "England",
		Postcode: "LS1 1AA", Country: "GB", Instructions: "Ring twice",
	}
	var m AddressAttributes
	m.fromAPI(in)
	if out := m.toAPI(); out != in {
		t.Errorf("round trip: %+v, want %+v", out, in)
	}
	if got := len(m.stringFields(&moltin.AddressFields{})) + 1; got != len(addressAttributes) {
		t.Errorf("%d fields mapped, %d attributes in the schema", got, len(addressAttributes))
	}

	m.fromAPI(moltin.AddressFields{FirstName: "Ann", Country: ""})
	if !m.City.IsNull() || !m.Country.IsNull() || m.FirstName.ValueString() != "Ann" {
		t.Errorf("unset fields should be null: %+v", m)
	}
	m.Country = newCountryValue("gb")
	m.Region = types.StringUnknown()
	if m.toAPI().Country != "GB" {
		t.Errorf("country sent as %q", m.toAPI().Country)
	}
	if !m.hasUnknown() {
		t.Error("an unknown region is not noticed")
	}
}

func TestAddressErrorPath(t *testing.T) {
	t.Parallel()
	apiErr := func(pointer string) error {
		return &moltin.APIError{StatusCode: http.StatusBadRequest, Errors: []moltin.ErrorObject{
			{Detail: "bad"}, {Detail: "county is required", Source: &moltin.ErrorSource{Pointer: pointer}},
		}}
	}
	for pointer, want := range map[string]string{"/data/county": "county", "/data/line_1": "line_1", "/data/country": "country"} {
		if p, ok := addressErrorPath(apiErr(pointer)); !ok || !p.Equal(path.Root(want)) {
			t.Errorf("%s: %v %v", pointer, p, ok)
		}
	}
	for _, err := range []error{apiErr("/data/type"), apiErr(""), errors.New("plain")} {
		if p, ok := addressErrorPath(err); ok {
			t.Errorf("%v lands on %v", err, p)
		}
	}
}
