package provider

import (
	"context"
	"encoding/json"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// custom_fields of moltin_customer: the customers flow's values
// (custom_fields.go has the conversions and the key-by-key diff).

const customersFlow = "customers"

// importCustomFieldsKey marks, in the private state, a customer just
// imported: its first read takes every value the API has, not only the
// configured keys (there are none yet).
const importCustomFieldsKey = "import_custom_fields"

func customFieldsAttribute(flow, object string) schema.DynamicAttribute {
	return schema.DynamicAttribute{
		MarkdownDescription: "Values of the store's own fields of the `" + flow + "` flow (declared with `moltin_custom_field`), as one object: " +
			"`{ loyalty_tier = \"gold\", points = 120, vip = true, member_since = \"2024-05-01\" }` (strings, numbers, booleans; dates as `YYYY-MM-DD`). " +
			"Only the keys written here are managed: the " + object + "'s other fields never show as a change. A changed key is sent alone in one update; " +
			"a key removed is cleared (`null`). A key that is no field of the flow, or a value the field refuses, is an error naming the key " +
			"(at plan time when the field exists already). To set a field created in the same run, use its slug as the key " +
			"(`{ (moltin_custom_field.tier.slug) = \"gold\" }`) or add `depends_on`.",
		Optional: true,
	}
}

// customForCreate is what a create sends of custom_fields, checked first
// against the flow's fields; nil when there is nothing to send.
func customForCreate(ctx context.Context, client *moltin.Client, flow string, planned types.Dynamic, diags *diag.Diagnostics) map[string]any {
	entries, _, err := customEntries(ctx, planned)
	if err != nil {
		diags.AddAttributeError(customKeyPath(), "Invalid custom_fields", err.Error())
		return nil
	}
	out, err := customAll(entries)
	if err != nil {
		diags.AddAttributeError(customKeyPath(), "Invalid custom_fields", err.Error())
		return nil
	}
	if len(out) == 0 {
		return nil
	}
	applyCheckCustom(ctx, client, flow, entries, sortedKeys(out), diags)
	return out
}

// customForUpdate is the key-by-key partial update of custom_fields from
// state to plan, checked first.
func customForUpdate(ctx context.Context, client *moltin.Client, flow string, state, plan types.Dynamic, diags *diag.Diagnostics) map[string]any {
	from, _, err1 := customEntries(ctx, state)
	to, _, err2 := customEntries(ctx, plan)
	if err := firstErr(err1, err2); err != nil {
		diags.AddAttributeError(customKeyPath(), "Invalid custom_fields", err.Error())
		return nil
	}
	diff, err := customDiff(from, to)
	if err != nil {
		diags.AddAttributeError(customKeyPath(), "Invalid custom_fields", err.Error())
		return nil
	}
	if len(diff) == 0 {
		return nil
	}
	// A removed key is checked as a null (a required field refuses it).
	check := map[string]tftypes.Value{}
	for k := range diff {
		if v, ok := to[k]; ok {
			check[k] = v
		} else {
			check[k] = tftypes.NewValue(from[k].Type(), nil)
		}
	}
	applyCheckCustom(ctx, client, flow, check, sortedKeys(diff), diags)
	return diff
}

// customChanges reports whether the plan changes custom_fields.
func customChanges(ctx context.Context, state, plan types.Dynamic) bool {
	from, k1, err1 := customEntries(ctx, state)
	to, k2, err2 := customEntries(ctx, plan)
	if !k1 || !k2 || firstErr(err1, err2) != nil {
		return true
	}
	diff, err := customDiff(from, to)
	return err != nil || len(diff) > 0
}

// customAfterWrite checks that the API kept what was sent, and returns
// what the state keeps: the planned value, or, when the API did not keep
// it, what the API has (the error says which key).
func customAfterWrite(ctx context.Context, flow string, planned types.Dynamic, sent map[string]any, got map[string]json.RawMessage, diags *diag.Diagnostics) types.Dynamic {
	if len(sent) == 0 {
		return planned
	}
	var check diag.Diagnostics
	verifyCustom(flow, sent, got, &check)
	diags.Append(check...)
	if check.HasError() {
		if v, err := customManaged(ctx, planned, got); err == nil {
			return v
		}
	}
	return planned
}

// customAfterRead is the state's custom_fields after a read: the managed
// keys, or after an import every value the API has.
func customAfterRead(ctx context.Context, prior types.Dynamic, got map[string]json.RawMessage, imported bool, diags *diag.Diagnostics) types.Dynamic {
	var v types.Dynamic
	var err error
	if imported {
		v, err = customAllFromAPI(ctx, got)
	} else {
		v, err = customManaged(ctx, prior, got)
	}
	if err != nil {
		diags.AddAttributeError(customKeyPath(), "Could not read custom_fields", err.Error())
		return prior
	}
	return v
}

// customFieldsPlanCheck is ModifyPlan's part for custom_fields: a check
// of the planned values when they change.
func customFieldsPlanCheck(ctx context.Context, client *moltin.Client, flow string, plan tfsdk.Plan, state tfsdk.State, diags *diag.Diagnostics) {
	if plan.Raw.IsNull() {
		return
	}
	var planned, prior types.Dynamic
	diags.Append(plan.GetAttribute(ctx, path.Root(customFieldsAttr), &planned)...)
	if !state.Raw.IsNull() {
		diags.Append(state.GetAttribute(ctx, path.Root(customFieldsAttr), &prior)...)
	}
	if diags.HasError() || (!state.Raw.IsNull() && planned.Equal(prior)) {
		return
	}
	planCheckCustom(ctx, client, flow, planned, diags)
}

// importMarked reads and clears the import marker of the private state.
func importMarked(ctx context.Context, get interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, set interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, diags *diag.Diagnostics) bool {
	v, d := get.GetKey(ctx, importCustomFieldsKey)
	diags.Append(d...)
	if len(v) == 0 {
		return false
	}
	diags.Append(set.SetKey(ctx, importCustomFieldsKey, nil)...)
	return true
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// customFieldsOf reads only custom_fields of a state, for ModifyPlan's
// question whether they change (the whole state is read later, if at all).
func (m *customerModel) customFieldsOf(ctx context.Context, raw tftypes.Value) types.Dynamic {
	if raw.IsNull() {
		return types.DynamicNull()
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return types.DynamicNull()
	}
	v, err := types.DynamicType.ValueFromTerraform(ctx, attrs[customFieldsAttr])
	if err != nil {
		return types.DynamicNull()
	}
	d, _ := v.(types.Dynamic)
	return d
}

// customerDataModel is the moltin_customer data source: the customer and
// every non-null value of its flow's fields.
type customerDataModel struct {
	customerAttrs
	CustomFields types.Dynamic `tfsdk:"custom_fields"`
}

// customerListItem is one element of moltin_customers' customers.
type customerListItem struct {
	customerAttrs
	CustomFields types.Map `tfsdk:"custom_fields"`
}

func withCustomFields(attrs map[string]dsschema.Attribute) map[string]dsschema.Attribute {
	attrs[customFieldsAttr] = dsschema.DynamicAttribute{
		MarkdownDescription: "The customer's non-null values of the `customers` flow's fields (declared with `moltin_custom_field`), " +
			"as one object such as `{ loyalty_tier = \"gold\", points = 120 }`; null when it has none.",
		Computed: true,
	}
	return attrs
}
