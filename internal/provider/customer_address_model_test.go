package provider

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The API's fields map onto the attributes one for one: an unset field is
// null, the country is sent upper-case, and nothing is lost on the way back.
func TestAddressAttrsMapping(t *testing.T) {
	t.Parallel()
	in := moltin.AddressFields{
		Name: "Home", FirstName: "Ann", LastName: "Lee", CompanyName: "Lee & Co", PhoneNumber: "+44",
		Line1: "1 High St", Line2: "Flat 2", City: "Leeds", County: "West Yorkshire", Region: "England",
		Postcode: "LS1 1AA", Country: "GB", Instructions: "Ring twice",
	}
	var m addressAttrs
	m.fromAPI(in)
	if out := m.toAPI(); out != in {
		t.Errorf("round trip: %+v, want %+v", out, in)
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

// The table names every field of the model and of the client once, each
// under the name of its tfsdk tag: a field left out of it would never be
// sent, read or planned, and a misnamed one would break Get and Set.
func TestAddressAttrsMatchTheTable(t *testing.T) {
	t.Parallel()
	var m addressAttrs
	var f moltin.AddressFields
	table := m.table(&f)
	mt := reflect.TypeOf(m)
	if len(table) != mt.NumField() || len(table) != len(f.Fields()) {
		t.Fatalf("%d table rows, %d model fields, %d client fields", len(table), mt.NumField(), len(f.Fields()))
	}
	tags := map[string]bool{}
	for i := range mt.NumField() {
		tags[mt.Field(i).Tag.Get("tfsdk")] = true
	}
	names, tfs, apis := map[string]bool{}, map[*types.String]bool{}, map[*string]bool{}
	for _, a := range table {
		if a.name == "" || !tags[a.name] || names[a.name] || tfs[a.tf] || apis[a.api] || a.description == "" {
			t.Errorf("row %+v: unnamed, not a tfsdk tag, or named, placed or described twice", a)
		}
		names[a.name], tfs[a.tf], apis[a.api] = true, true, true
	}
	// Every row reaches its own field: an unknown in it alone is noticed,
	// and its value alone goes to the API field of the same name.
	for i, a := range table {
		var m addressAttrs
		var f moltin.AddressFields
		row := m.table(&f)[i]
		*row.tf = types.StringUnknown()
		if !m.hasUnknown() {
			t.Errorf("%s: an unknown is not noticed", a.name)
		}
		*row.tf = types.StringValue("X")
		sent := m.toAPI()
		for _, af := range sent.Fields() {
			if want := map[bool]string{true: "X", false: ""}[af.Key == a.name]; *af.Value != want {
				t.Errorf("%s set: API field %s is %q", a.name, af.Key, *af.Value)
			}
		}
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

// setIdentity writes each resource's identity struct under its identity
// schema, and does nothing for a client that keeps no identity.
func TestSetIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if diags := setIdentity(ctx, nil, idIdentityOf("c-1")); diags.HasError() {
		t.Errorf("no identity: %v", diags)
	}
	for name, c := range map[string]struct {
		r    resource.ResourceWithIdentity
		v    any
		want map[string]string
	}{
		"customer": {NewCustomerResource().(resource.ResourceWithIdentity), idIdentityOf("c-1"), map[string]string{"id": "c-1"}},
		"address": {NewCustomerAddressResource().(resource.ResourceWithIdentity), addressIdentityOf("c-1", "a-2"),
			map[string]string{"customer_id": "c-1", "id": "a-2"}},
	} {
		var s resource.IdentitySchemaResponse
		c.r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &s)
		identity := &tfsdk.ResourceIdentity{Schema: s.IdentitySchema, Raw: tftypes.NewValue(s.IdentitySchema.Type().TerraformType(ctx), nil)}
		if diags := setIdentity(ctx, identity, c.v); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		for attr, want := range c.want {
			var got types.String
			if diags := identity.GetAttribute(ctx, path.Root(attr), &got); diags.HasError() || got.ValueString() != want {
				t.Errorf("%s: identity %s = %v (%v), want %q", name, attr, got, diags, want)
			}
		}
	}
}
