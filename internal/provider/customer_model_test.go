package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func customerSchema(t *testing.T) resource.SchemaResponse {
	t.Helper()
	var resp resource.SchemaResponse
	NewCustomerResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}

// The field table must name every schema attribute once: an attribute added
// to one and not the other would be dropped from the state silently.
func TestCustomerModelFields(t *testing.T) {
	var schemaNames, fieldNames []string
	for name := range customerSchema(t).Schema.Attributes {
		schemaNames = append(schemaNames, name)
	}
	var m customerModel
	for _, f := range m.fields() {
		fieldNames = append(fieldNames, f.attributeName())
	}
	slices.Sort(schemaNames)
	slices.Sort(fieldNames)
	if !slices.Equal(schemaNames, fieldNames) {
		t.Errorf("model fields %v, schema attributes %v", fieldNames, schemaNames)
	}
}

// The table-driven conversion must give exactly what the framework's own
// reflection-based Get and Set give, for known, null and unknown values.
func TestCustomerModelMatchesFramework(t *testing.T) {
	ctx := context.Background()
	s := customerSchema(t).Schema
	for name, m := range map[string]customerModel{
		"all known": {
			customerAttrs: customerAttrs{
				ID: types.StringValue("c-1"), Name: types.StringValue("Ann"), Email: newEmailValue("Ann@Example.com"),
				ExternalRef: types.StringValue("ref"), HasPassword: types.BoolValue(true),
				CreatedAt: timetypes.NewRFC3339ValueMust("2026-01-01T00:00:00Z"), UpdatedAt: timetypes.NewRFC3339ValueMust("2026-01-02T00:00:00Z"),
			},
			Password: types.StringValue("pw1"), PasswordWO: types.StringValue("pw2"), PasswordWOVersion: types.Int64Value(7),
			Addresses: mapOfEntries(map[string]addressEntry{"Home": {
				ID: types.StringValue("a-1"), CreatedAt: timetypes.NewRFC3339ValueMust("2026-01-01T00:00:00Z"), UpdatedAt: timetypes.NewRFC3339Null(),
				addressAttrs: addressAttrs{
					FirstName: types.StringValue("Ann"), LastName: types.StringValue("Lee"), CompanyName: types.StringNull(), PhoneNumber: types.StringNull(),
					Line1: types.StringValue("1 High St"), Line2: types.StringNull(), City: types.StringNull(), County: types.StringNull(), Region: types.StringNull(),
					Postcode: types.StringValue("LS1 1AA"), Country: newCountryValue("gb"), Instructions: types.StringUnknown(),
				},
			}}),
		},
		"nulls": {
			customerAttrs: customerAttrs{
				ID: types.StringNull(), Name: types.StringNull(), Email: emailValue{StringValue: types.StringNull()},
				ExternalRef: types.StringNull(), HasPassword: types.BoolNull(), CreatedAt: timetypes.NewRFC3339Null(), UpdatedAt: timetypes.NewRFC3339Null(),
			},
			Password: types.StringNull(), PasswordWO: types.StringNull(), PasswordWOVersion: types.Int64Null(),
			Addresses: types.MapNull(addressEntryType),
		},
		"unknowns, as in a create's plan": {
			customerAttrs: customerAttrs{
				ID: types.StringUnknown(), Name: types.StringValue("Bo"), Email: emailValue{StringValue: types.StringUnknown()},
				ExternalRef: types.StringNull(), HasPassword: types.BoolUnknown(), CreatedAt: timetypes.NewRFC3339Unknown(), UpdatedAt: timetypes.NewRFC3339Unknown(),
			},
			Password: types.StringUnknown(), PasswordWO: types.StringNull(), PasswordWOVersion: types.Int64Unknown(),
			Addresses: types.MapUnknown(addressEntryType),
		},
	} {
		t.Run(name, func(t *testing.T) {
			framework := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
			if diags := framework.Set(ctx, &m); diags.HasError() {
				t.Fatal(diags)
			}
			ours := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
			if diags := m.setState(ctx, &ours); diags.HasError() {
				t.Fatal(diags)
			}
			if !ours.Raw.Equal(framework.Raw) {
				t.Errorf("setState gave\n%s\nthe framework's Set gave\n%s", ours.Raw, framework.Raw)
			}

			var viaFramework, viaTable customerModel
			if diags := framework.Get(ctx, &viaFramework); diags.HasError() {
				t.Fatal(diags)
			}
			if diags := viaTable.readModel(ctx, framework.Raw); diags.HasError() {
				t.Fatal(diags)
			}
			if !sameCustomerModel(viaTable, viaFramework) || !sameCustomerModel(viaTable, m) {
				t.Errorf("readModel gave %+v, the framework's Get %+v, from %+v", viaTable, viaFramework, m)
			}
		})
	}
}

// sameCustomerModel compares two models; a map cannot be compared with !=.
func sameCustomerModel(a, b customerModel) bool {
	if !a.Addresses.Equal(b.Addresses) || !a.CustomFields.Equal(b.CustomFields) {
		return false
	}
	return a.customerAttrs == b.customerAttrs && a.Password == b.Password && a.PasswordWO == b.PasswordWO && a.PasswordWOVersion == b.PasswordWOVersion
}

// A value that does not fit the model is an error, never a panic or a
// silently dropped attribute.
func TestCustomerModelErrors(t *testing.T) {
	ctx := context.Background()
	wrong := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.Number}},
		map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.Number, 1)})
	var m customerModel
	if diags := m.readModel(ctx, wrong); !diags.HasError() {
		t.Error("readModel accepted an object without the customer's attributes")
	}
	narrow := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	if _, diags := m.terraformValue(ctx, narrow); !diags.HasError() {
		t.Error("terraformValue accepted a type without the customer's attributes")
	}
}

// BenchmarkCustomerModel compares the field table with the framework's
// reflection, reading a state into the model and writing it back, as Read
// and Update do per resource (BENCHMARKS.md has the figures).
func BenchmarkCustomerModel(b *testing.B) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	NewCustomerResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	s := resp.Schema
	m := customerModel{
		customerAttrs: customerAttrs{
			ID: types.StringValue("c-1"), Name: types.StringValue("Ann"), Email: newEmailValue("ann@example.com"),
			ExternalRef: types.StringValue("ref"), HasPassword: types.BoolValue(true),
			CreatedAt: timetypes.NewRFC3339ValueMust("2026-01-01T00:00:00Z"), UpdatedAt: timetypes.NewRFC3339ValueMust("2026-01-02T00:00:00Z"),
		},
		Password: types.StringNull(), PasswordWO: types.StringNull(), PasswordWOVersion: types.Int64Value(1),
	}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	if diags := m.setState(ctx, &state); diags.HasError() {
		b.Fatal(diags)
	}
	b.Run("field table", func(b *testing.B) {
		for b.Loop() {
			var got customerModel
			if diags := got.readModel(ctx, state.Raw); diags.HasError() {
				b.Fatal(diags)
			}
			out := tfsdk.State{Schema: s, Raw: state.Raw}
			if diags := got.setState(ctx, &out); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
	b.Run("framework reflection", func(b *testing.B) {
		for b.Loop() {
			var got customerModel
			if diags := state.Get(ctx, &got); diags.HasError() {
				b.Fatal(diags)
			}
			out := tfsdk.State{Schema: s, Raw: state.Raw}
			if diags := out.Set(ctx, &got); diags.HasError() {
				b.Fatal(diags)
			}
		}
	})
}
