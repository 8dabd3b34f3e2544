package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// customerModel is the moltin_customer resource's plan, state and
// configuration.
type customerModel struct {
	customerAttrs
	Password          types.String  `tfsdk:"password"`
	PasswordWO        types.String  `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64   `tfsdk:"password_wo_version"`
	CustomFields      types.Dynamic `tfsdk:"custom_fields"`
	Addresses         types.Map     `tfsdk:"addresses"` // customer_addresses.go
}

// The customer model, alone among the provider's models, is converted to and
// from Terraform values by a table of its fields instead of the framework's
// Get and Set. Those reflect over the struct's tags and compile a regular
// expression per field on every call (terraform-plugin-framework#725), and
// Read, ModifyPlan, Create and Update each convert two or three models per
// resource, of which a run has hundreds or thousands. BENCHMARKS.md ("The
// one model convention") has what the table saves and why no other model
// has one; BenchmarkCustomerModel measures it again.

// modelField is one attribute of a model: its name in the schema and a
// pointer to the struct field that holds it.
type modelField interface {
	attributeName() string
	fromTerraform(ctx context.Context, v tftypes.Value) error
	toTerraform(ctx context.Context) (tftypes.Value, error)
}

type field[T attr.Value] struct {
	name string
	typ  attr.Type
	ptr  *T
}

func (f field[T]) attributeName() string { return f.name }

func (f field[T]) fromTerraform(ctx context.Context, v tftypes.Value) error {
	val, err := f.typ.ValueFromTerraform(ctx, v)
	if err != nil {
		return err
	}
	typed, ok := val.(T)
	if !ok {
		return fmt.Errorf("%s gives %T, not %T", f.typ, val, *f.ptr)
	}
	*f.ptr = typed
	return nil
}

func (f field[T]) toTerraform(ctx context.Context) (tftypes.Value, error) {
	return (*f.ptr).ToTerraformValue(ctx)
}

// fields lists every attribute of the moltin_customer schema;
// TestCustomerModelFields checks that the two agree.
func (m *customerModel) fields() []modelField {
	return []modelField{
		field[types.String]{"id", types.StringType, &m.ID},
		field[types.String]{"name", types.StringType, &m.Name},
		field[emailValue]{"email", emailType{}, &m.Email},
		field[types.String]{"external_ref", types.StringType, &m.ExternalRef},
		field[types.String]{"password", types.StringType, &m.Password},
		field[types.String]{"password_wo", types.StringType, &m.PasswordWO},
		field[types.Int64]{"password_wo_version", types.Int64Type, &m.PasswordWOVersion},
		field[types.Bool]{"has_password", types.BoolType, &m.HasPassword},
		field[timetypes.RFC3339]{"created_at", timetypes.RFC3339Type{}, &m.CreatedAt},
		field[timetypes.RFC3339]{"updated_at", timetypes.RFC3339Type{}, &m.UpdatedAt},
		field[types.Dynamic]{"custom_fields", types.DynamicType, &m.CustomFields},
		addressesField{&m.Addresses},
	}
}

// readModel fills m from a plan, state or configuration object.
func (m *customerModel) readModel(ctx context.Context, raw tftypes.Value) diag.Diagnostics {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return modelError(err)
	}
	for _, f := range m.fields() {
		if err := f.fromTerraform(ctx, attrs[f.attributeName()]); err != nil {
			return modelError(fmt.Errorf("attribute %s: %w", f.attributeName(), err))
		}
	}
	return nil
}

// terraformValue is m as an object of type typ.
func (m *customerModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	fields := m.fields()
	attrs := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		v, err := f.toTerraform(ctx)
		if err != nil {
			return tftypes.Value{}, modelError(fmt.Errorf("attribute %s: %w", f.attributeName(), err))
		}
		attrs[f.attributeName()] = v
	}
	// NewValue panics on a mismatch; a model out of step with the schema
	// must be an error instead.
	if err := tftypes.ValidateValue(typ, attrs); err != nil {
		return tftypes.Value{}, modelError(err)
	}
	return tftypes.NewValue(typ, attrs), nil
}

// setState replaces the whole state with m.
func (m *customerModel) setState(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	v, diags := m.terraformValue(ctx, objectType(ctx, state.Raw, state.Schema))
	if !diags.HasError() {
		state.Raw = v
	}
	return diags
}

// setPlan replaces the whole plan with m.
func (m *customerModel) setPlan(ctx context.Context, plan *tfsdk.Plan) diag.Diagnostics {
	v, diags := m.terraformValue(ctx, objectType(ctx, plan.Raw, plan.Schema))
	if !diags.HasError() {
		plan.Raw = v
	}
	return diags
}

// setResource replaces a list result's resource object with m.
func (m *customerModel) setResource(ctx context.Context, res *tfsdk.Resource) diag.Diagnostics {
	v, diags := m.terraformValue(ctx, objectType(ctx, res.Raw, res.Schema))
	if !diags.HasError() {
		res.Raw = v
	}
	return diags
}

// objectType is the type of a plan's or state's object: the one it holds,
// or, where it holds none yet, the schema's.
func objectType(ctx context.Context, raw tftypes.Value, s interface {
	Type() attr.Type
}) tftypes.Type {
	if t := raw.Type(); t != nil {
		return t
	}
	return s.Type().TerraformType(ctx)
}

func modelError(err error) diag.Diagnostics {
	return diag.Diagnostics{diag.NewErrorDiagnostic("Provider error: unexpected moltin_customer value",
		"The provider could not convert the resource's value; this is a bug in the provider, please report it: "+err.Error())}
}

// setFromAPI copies what the API knows into the model; passwords and the
// version stay as they are, since the API never returns them.
func (m *customerModel) setFromAPI(c moltin.Customer) {
	m.customerAttrs = customerAttrsOf(c)
	// Write-only values are never kept.
	m.PasswordWO = types.StringNull()
}
