package provider

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

func tfStr(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
func tfBool(b bool) tftypes.Value  { return tftypes.NewValue(tftypes.Bool, b) }
func tfNum(s string) tftypes.Value {
	f, _, err := big.ParseFloat(s, 10, numberPrecision, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return tftypes.NewValue(tftypes.Number, f)
}

func TestCustomDiff_keyByKey(t *testing.T) {
	state := map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfNum("120"), "vip": tfBool(true), "since": tfStr("2024-05-01"), "gone": tftypes.NewValue(tftypes.String, nil)}
	for _, tc := range []struct {
		name string
		plan map[string]tftypes.Value
		want string
	}{
		{"nothing changed", map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfNum("120.0"), "vip": tfBool(true), "since": tfStr("2024-05-01"), "gone": tftypes.NewValue(tftypes.String, nil)}, `{}`},
		{"one changed", map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfNum("130"), "vip": tfBool(true), "since": tfStr("2024-05-01")}, `{"points":130}`},
		{"one removed", map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfNum("120"), "since": tfStr("2024-05-01")}, `{"vip":null}`},
		{"one added, a float", map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfNum("120"), "vip": tfBool(true), "since": tfStr("2024-05-01"), "score": tfNum("0.1")}, `{"score":0.1}`},
		{"type changed", map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfStr("120"), "vip": tfBool(true), "since": tfStr("2024-05-01")}, `{"points":"120"}`},
		{"set to null", map[string]tftypes.Value{"tier": tftypes.NewValue(tftypes.String, nil), "points": tfNum("120"), "vip": tfBool(true), "since": tfStr("2024-05-01")}, `{"tier":null}`},
		{"all removed", nil, `{"points":null,"since":null,"tier":null,"vip":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := customDiff(state, tc.plan)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(got); string(b) != tc.want {
				t.Errorf("diff %s, want %s", b, tc.want)
			}
		})
	}
	// From nothing, everything is sent.
	got, _ := customDiff(nil, map[string]tftypes.Value{"tier": tfStr("gold")})
	if b, _ := json.Marshal(got); string(b) != `{"tier":"gold"}` {
		t.Errorf("from no state: %s", b)
	}
	if _, err := customDiff(nil, map[string]tftypes.Value{"bad": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tfStr("x")})}); err == nil {
		t.Error("a list value should be refused")
	}
}

func TestCustomManaged_onlyConfiguredKeys(t *testing.T) {
	ctx := t.Context()
	prior, err := dynamicObject(ctx, map[string]tftypes.Value{"tier": tfStr("gold"), "points": tfNum("1.50")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	api := map[string]json.RawMessage{"tier": json.RawMessage(`"silver"`), "points": json.RawMessage(`1.5`), "other": json.RawMessage(`null`), "more": json.RawMessage(`"x"`)}
	got, err := customManaged(ctx, prior, api)
	if err != nil {
		t.Fatal(err)
	}
	entries, known, err := customEntries(ctx, got)
	if err != nil || !known || len(entries) != 2 {
		t.Fatalf("entries %v %v %v", entries, known, err)
	}
	if !entries["tier"].Equal(tfStr("silver")) {
		t.Errorf("drift on a managed key not read: %v", entries["tier"])
	}
	// 1.5 means what 1.50 meant: the written form stays.
	if !entries["points"].Equal(tfNum("1.50")) {
		t.Errorf("points %v", entries["points"])
	}
	// A managed key cleared outside reads as null of its type.
	got, _ = customManaged(ctx, prior, map[string]json.RawMessage{"points": json.RawMessage(`1.5`)})
	entries, _, _ = customEntries(ctx, got)
	if !entries["tier"].IsNull() || !entries["tier"].Type().Is(tftypes.String) {
		t.Errorf("cleared tier %v", entries["tier"])
	}
	// Import takes every non-null value.
	all, _ := customAllFromAPI(ctx, api)
	entries, _, _ = customEntries(ctx, all)
	if len(entries) != 3 || !entries["more"].Equal(tfStr("x")) {
		t.Errorf("import %v", entries)
	}
}

func TestCheckCustomValue(t *testing.T) {
	one, hundred := 1.0, 100.0
	enum := moltin.ValidationRule{Type: "enum", Options: []json.RawMessage{json.RawMessage(`"gold"`), json.RawMessage(`"silver"`)}}
	for _, tc := range []struct {
		field moltin.Field
		v     tftypes.Value
		ok    bool
	}{
		{moltin.Field{FieldType: "string", Rules: []moltin.ValidationRule{enum}}, tfStr("gold"), true},
		{moltin.Field{FieldType: "string", Rules: []moltin.ValidationRule{enum}}, tfStr("bronze"), false},
		{moltin.Field{FieldType: "string"}, tfNum("1"), false},
		{moltin.Field{FieldType: "integer"}, tfNum("1.5"), false},
		{moltin.Field{FieldType: "integer", Rules: []moltin.ValidationRule{{Type: "between", From: &one, To: &hundred}}}, tfNum("100"), true},
		{moltin.Field{FieldType: "integer", Rules: []moltin.ValidationRule{{Type: "between", From: &one, To: &hundred}}}, tfNum("101"), false},
		{moltin.Field{FieldType: "float"}, tfNum("0.25"), true},
		{moltin.Field{FieldType: "boolean"}, tfStr("true"), false},
		{moltin.Field{FieldType: "boolean"}, tfBool(false), true},
		{moltin.Field{FieldType: "date"}, tfStr("2024-05-01"), true},
		{moltin.Field{FieldType: "date"}, tfStr("01/05/2024"), false},
		{moltin.Field{FieldType: "string", Rules: []moltin.ValidationRule{{Type: "email"}}}, tfStr("a@example.com"), true},
		{moltin.Field{FieldType: "string", Rules: []moltin.ValidationRule{{Type: "email"}}}, tfStr("nope"), false},
		{moltin.Field{FieldType: "string", Rules: []moltin.ValidationRule{{Type: "slug"}}}, tfStr("Not A Slug"), false},
		{moltin.Field{FieldType: "string", Required: true}, tftypes.NewValue(tftypes.String, nil), false},
	} {
		if why := checkCustomValue(tc.field, tc.v); (why == "") != tc.ok {
			t.Errorf("%s %v %v: %q", tc.field.FieldType, tc.field.Rules, tc.v, why)
		}
	}
}

func TestVerifyCustom(t *testing.T) {
	var diags diag.Diagnostics
	verifyCustom("customers", map[string]any{"tier": "gold", "points": json.Number("120"), "vip": nil},
		map[string]json.RawMessage{"tier": json.RawMessage(`"gold"`), "points": json.RawMessage(`120.0`), "vip": json.RawMessage(`null`)}, &diags)
	if diags.HasError() {
		t.Errorf("kept values flagged: %v", diags)
	}
	verifyCustom("customers", map[string]any{"loyalty_tyer": "gold"}, map[string]json.RawMessage{"tier": json.RawMessage(`null`)}, &diags)
	if !diags.HasError() || diags[0].Summary() != "Custom field value not kept: loyalty_tyer" {
		t.Errorf("a dropped key not flagged: %v", diags)
	}
}
