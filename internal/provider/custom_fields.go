package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// custom_fields: the values of a core flow's fields (moltin_custom_field)
// on a customer (or an account), written as one HCL object. Only the keys
// in the configuration are managed: the API returns every field of the
// flow, most of them perhaps null, and those never show as a change.

const customFieldsAttr = "custom_fields"

// numberPrecision is the precision that Terraform parses numbers with, so
// that a number read from the API equals the configuration's.
const numberPrecision = 512

// customEntries reads a custom_fields value: nil for null; known is false
// when the value, a key or a value is known only at apply.
func customEntries(ctx context.Context, v types.Dynamic) (entries map[string]tftypes.Value, known bool, err error) {
	if v.IsNull() || v.IsUnderlyingValueNull() {
		return nil, true, nil
	}
	if v.IsUnknown() || v.IsUnderlyingValueUnknown() {
		return nil, false, nil
	}
	tv, err := v.ToTerraformValue(ctx)
	if err != nil {
		return nil, false, err
	}
	if !tv.IsKnown() {
		return nil, false, nil
	}
	if tv.IsNull() {
		return nil, true, nil
	}
	if !tv.Type().Is(tftypes.Object{}) && !tv.Type().Is(tftypes.Map{}) {
		return nil, false, errors.New("custom_fields must be an object of field slugs and values, such as { loyalty_tier = \"gold\", points = 120 }")
	}
	if err := tv.As(&entries); err != nil {
		return nil, false, err
	}
	for _, e := range entries {
		if !e.IsFullyKnown() {
			return entries, false, nil
		}
	}
	return entries, true, nil
}

// customJSON is a custom_fields value as the API takes it: a string, a
// number (json.Number, exact), a boolean, or nil (null).
func customJSON(v tftypes.Value) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, err
	case v.Type().Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, err
	case v.Type().Is(tftypes.Number):
		f := new(big.Float)
		if err := v.As(&f); err != nil {
			return nil, err
		}
		return json.Number(numberText(f)), nil
	}
	return nil, errors.New("must be a string, a number or a boolean (dates as \"YYYY-MM-DD\")")
}

func numberText(f *big.Float) string {
	if f.IsInt() {
		return f.Text('f', 0)
	}
	return f.Text('g', -1)
}

// customFromJSON is an API value as a Terraform value, of type like when
// the API gives null (so that a cleared value reads as null of the type
// the configuration has).
func customFromJSON(raw json.RawMessage, like tftypes.Type) tftypes.Value {
	raw = bytes.TrimSpace(raw)
	if like == nil {
		like = tftypes.String
	}
	if len(raw) == 0 || string(raw) == "null" {
		return tftypes.NewValue(like, nil)
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return tftypes.NewValue(tftypes.String, s)
		}
	case 't', 'f':
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			return tftypes.NewValue(tftypes.Bool, b)
		}
	default:
		if f, _, err := big.ParseFloat(string(raw), 10, numberPrecision, big.ToNearestEven); err == nil {
			return tftypes.NewValue(tftypes.Number, f)
		}
	}
	// An object or array (a relationship field, say): its JSON text.
	return tftypes.NewValue(tftypes.String, string(raw))
}

// sameCustom reports whether two values mean the same to the API.
func sameCustom(a, b tftypes.Value) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	if !a.Type().Equal(b.Type()) {
		return false
	}
	if a.Type().Is(tftypes.Number) {
		x, y := new(big.Float), new(big.Float)
		if a.As(&x) != nil || b.As(&y) != nil {
			return false
		}
		return x.Cmp(y) == 0
	}
	return a.Equal(b)
}

// customDiff is the partial update from state to plan, key by key: a key
// whose value changed or is new is sent with its value; a key removed is
// sent as null (cleared). Keys in neither, or unchanged, are not sent.
func customDiff(state, plan map[string]tftypes.Value) (map[string]any, error) {
	out := map[string]any{}
	for k, pv := range plan {
		if sv, ok := state[k]; ok && sameCustom(sv, pv) {
			continue
		}
		v, err := customJSON(pv)
		if err != nil {
			return nil, fmt.Errorf("custom_fields.%s %w", k, err)
		}
		out[k] = v
	}
	for k, sv := range state {
		if _, kept := plan[k]; !kept && !sv.IsNull() {
			out[k] = nil
		}
	}
	return out, nil
}

// customAll is every value of entries for a create (nulls left out: a new
// object has none).
func customAll(entries map[string]tftypes.Value) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range entries {
		if v.IsNull() {
			continue
		}
		j, err := customJSON(v)
		if err != nil {
			return nil, fmt.Errorf("custom_fields.%s %w", k, err)
		}
		out[k] = j
	}
	return out, nil
}

// customManaged is what the state keeps after a read: the managed keys
// (those of prior), each with the API's value, or prior's own where the
// two mean the same (so that 1.50 written stays 1.50).
func customManaged(ctx context.Context, prior types.Dynamic, api map[string]json.RawMessage) (types.Dynamic, error) {
	entries, known, err := customEntries(ctx, prior)
	if err != nil || !known || entries == nil {
		return prior, err
	}
	out := make(map[string]tftypes.Value, len(entries))
	for k, pv := range entries {
		av := customFromJSON(api[k], pv.Type())
		if sameCustom(pv, av) {
			av = pv
		}
		out[k] = av
	}
	return dynamicObject(ctx, out, priorMapType(ctx, prior, out))
}

// priorMapType is the map type of prior when it was a map (tomap(...)) and
// every new value still fits it; nil otherwise (an object is built).
func priorMapType(ctx context.Context, prior types.Dynamic, values map[string]tftypes.Value) tftypes.Type {
	tv, err := prior.ToTerraformValue(ctx)
	if err != nil || !tv.Type().Is(tftypes.Map{}) {
		return nil
	}
	mt, _ := tv.Type().(tftypes.Map)
	for _, v := range values {
		if !v.Type().Equal(mt.ElementType) {
			return nil
		}
	}
	return mt
}

// customAllFromAPI is every non-null value of the API's, for an import
// and the data sources; null when there is none.
func customAllFromAPI(ctx context.Context, api map[string]json.RawMessage) (types.Dynamic, error) {
	out := map[string]tftypes.Value{}
	for k, raw := range api {
		if v := customFromJSON(raw, nil); !v.IsNull() {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return types.DynamicNull(), nil
	}
	return dynamicObject(ctx, out, nil)
}

// dataCustomFields is a data source's custom_fields: every non-null value
// of the API's (customAllFromAPI), or an error in diags.
func dataCustomFields(ctx context.Context, api map[string]json.RawMessage, diags *diag.Diagnostics) types.Dynamic {
	v, err := customAllFromAPI(ctx, api)
	if err != nil {
		diags.AddError("Could not read custom_fields", err.Error())
	}
	return v
}

// dynamicObject builds an object (or, given mapType, a map) of values as a
// dynamic value.
func dynamicObject(ctx context.Context, values map[string]tftypes.Value, mapType tftypes.Type) (types.Dynamic, error) {
	var tv tftypes.Value
	if mapType != nil {
		tv = tftypes.NewValue(mapType, values)
	} else {
		attrTypes := make(map[string]tftypes.Type, len(values))
		for k, v := range values {
			attrTypes[k] = v.Type()
		}
		tv = tftypes.NewValue(tftypes.Object{AttributeTypes: attrTypes}, values)
	}
	av, err := types.DynamicType.ValueFromTerraform(ctx, tv)
	if err != nil {
		return types.DynamicNull(), err
	}
	d, ok := av.(types.Dynamic)
	if !ok {
		return types.DynamicNull(), fmt.Errorf("unexpected %T", av)
	}
	return d, nil
}

// customStringMap is the API's non-null values as strings (numbers and
// booleans in their JSON text), for the moltin_customers list, where a
// dynamic value cannot be.
func customStringMap(api map[string]json.RawMessage) types.Map {
	out := map[string]attr.Value{}
	for k, raw := range api {
		v := customFromJSON(raw, nil)
		if v.IsNull() {
			continue
		}
		var s string
		if v.Type().Is(tftypes.String) {
			_ = v.As(&s)
		} else {
			s = string(bytes.TrimSpace(raw))
		}
		out[k] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, out)
}

// The fields of a flow, fetched once per provider process and store, for
// the plan-time checks and the checks before a request: a field created
// by this very run is not in a copy fetched earlier, so a key missing from
// the copy fetches it again (once per caller, see fields).

type flowFieldsCache struct {
	mu      sync.Mutex
	fetched map[string]time.Time
	fields  map[string]map[string]moltin.Field // flow slug -> field slug -> field; nil: no such flow
}

var (
	fieldCachesMu sync.Mutex
	fieldCaches   = map[*moltin.Client]*flowFieldsCache{}
)

func fieldCacheOf(client *moltin.Client) *flowFieldsCache {
	fieldCachesMu.Lock()
	defer fieldCachesMu.Unlock()
	c := fieldCaches[client]
	if c == nil {
		c = &flowFieldsCache{fetched: map[string]time.Time{}, fields: map[string]map[string]moltin.Field{}}
		fieldCaches[client] = c
	}
	return c
}

// fields returns the flow's fields, fetched after notBefore (zero: any
// copy will do). Callers wait for each other, so that many resources
// planned at once fetch the fields once.
func (fc *flowFieldsCache) get(ctx context.Context, client *moltin.Client, flow string, notBefore time.Time) (map[string]moltin.Field, error) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if at, ok := fc.fetched[flow]; ok && !at.Before(notBefore) {
		return fc.fields[flow], nil
	}
	started := time.Now()
	list, err := client.FlowFields(ctx, flow)
	if moltin.IsNotFound(err) {
		fc.fields[flow] = nil
	} else if err != nil {
		return nil, err
	} else {
		m := make(map[string]moltin.Field, len(list))
		for _, f := range list {
			m[f.Slug] = f
		}
		fc.fields[flow] = m
	}
	fc.fetched[flow] = started
	return fc.fields[flow], nil
}

// forget drops the copy of a flow's fields, after a field resource changed
// one in this process.
func (fc *flowFieldsCache) forget(flow string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	delete(fc.fetched, flow)
}

var valueSlugRE = regexp.MustCompile(`^[a-z0-9]+(?:[-_][a-z0-9]+)*$`)

// checkCustomValue says why v is not a value the field takes ("" if it
// is): its type, then its validation rules.
func checkCustomValue(f moltin.Field, v tftypes.Value) string {
	if v.IsNull() {
		if f.Required {
			return "is a required field of the flow and cannot be null or removed"
		}
		return ""
	}
	typ := v.Type()
	var s string
	var num *big.Float
	switch f.FieldType {
	case moltin.FieldTypeString, moltin.FieldTypeDate:
		if !typ.Is(tftypes.String) {
			return fmt.Sprintf("must be a string: the field is of type %s", f.FieldType)
		}
		_ = v.As(&s)
		if f.FieldType == moltin.FieldTypeDate {
			if _, err := time.Parse(time.DateOnly, s); err != nil {
				return fmt.Sprintf("must be a date written YYYY-MM-DD, not %q", clipText(s, 40))
			}
		}
		if strings.HasPrefix(s, "$") {
			return "must not start with $ (the API does not support such values)"
		}
	case moltin.FieldTypeBoolean:
		if !typ.Is(tftypes.Bool) {
			return "must be a boolean (true or false): the field is of type boolean"
		}
		return ""
	case moltin.FieldTypeInteger, moltin.FieldTypeFloat:
		if !typ.Is(tftypes.Number) {
			return fmt.Sprintf("must be a number: the field is of type %s", f.FieldType)
		}
		num = new(big.Float)
		_ = v.As(&num)
		if f.FieldType == moltin.FieldTypeInteger && !num.IsInt() {
			return fmt.Sprintf("must be a whole number: the field is of type integer, and %s is not", numberText(num))
		}
	default:
		return ""
	}
	for _, r := range f.Rules {
		switch r.Type {
		case "enum":
			ok := false
			var allowed []string
			for _, o := range r.Options {
				ov := customFromJSON(o, nil)
				allowed = append(allowed, string(o))
				if sameCustom(ov, v) {
					ok = true
				}
			}
			if !ok {
				return "must be one of " + strings.Join(allowed, ", ")
			}
		case "between":
			if num == nil {
				continue
			}
			if x, _ := num.Float64(); r.From != nil && x < *r.From || r.To != nil && x > *r.To {
				return fmt.Sprintf("must be between %s and %s", boundText(r.From), boundText(r.To))
			}
		case "email":
			if a, err := mail.ParseAddress(s); err != nil || a.Address != s || a.Name != "" {
				return "must be an email address"
			}
		case "slug":
			if !valueSlugRE.MatchString(s) {
				return "must be a slug: lower-case letters and digits, joined by - or _"
			}
		}
	}
	return ""
}

func boundText(p *float64) string {
	if p == nil {
		return "unbounded"
	}
	return big.NewFloat(*p).Text('g', -1)
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// customCheck is the outcome of checking custom_fields against the flow's
// fields.
type customCheck struct {
	unknown []string          // keys that are no (enabled) field of the flow
	invalid map[string]string // key -> why its value is refused
	noFlow  bool              // the store has no such flow
}

func checkCustomEntries(defs map[string]moltin.Field, entries map[string]tftypes.Value, keys []string) customCheck {
	var out customCheck
	out.noFlow = defs == nil
	out.invalid = map[string]string{}
	for _, k := range keys {
		f, ok := defs[k]
		if !ok || !f.Enabled {
			out.unknown = append(out.unknown, k)
			continue
		}
		if why := checkCustomValue(f, entries[k]); why != "" {
			out.invalid[k] = why
		}
	}
	sort.Strings(out.unknown)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func fieldSlugs(defs map[string]moltin.Field) string {
	var names []string
	for k, f := range defs {
		if f.Enabled {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// customKeyPath is the attribute path of one key of custom_fields, for
// diagnostics (a dynamic attribute's path cannot go inside it: the path
// names the attribute, and the message the key).
func customKeyPath() path.Path { return path.Root(customFieldsAttr) }

// reportCustom adds the errors of a check; planTime softens an unknown key
// to a warning, since a moltin_custom_field of the same run may create it.
func reportCustom(diags *diag.Diagnostics, flow string, defs map[string]moltin.Field, chk customCheck, planTime bool) {
	for _, k := range chk.unknown {
		var detail string
		if chk.noFlow {
			detail = fmt.Sprintf("custom_fields.%s: the store has no %s flow yet, so %s is not a field of it. "+
				"Declare the field with a moltin_custom_field resource (flow = %q, slug = %q).", k, flow, k, flow, k)
		} else {
			detail = fmt.Sprintf("custom_fields.%s: %s is not a field of the %s flow (its fields: %s). "+
				"The API drops unknown keys silently, so the value would be lost. Declare the field with a moltin_custom_field resource "+
				"(flow = %q, slug = %q), or correct the key.", k, k, flow, fieldSlugs(defs), flow, k)
		}
		if planTime {
			diags.AddAttributeWarning(customKeyPath(), "Unknown custom field "+k,
				detail+"\n\nIf a moltin_custom_field in this configuration creates it, reference its slug as the key "+
					"({ (moltin_custom_field.x.slug) = … }) or add depends_on, so that the field exists first; otherwise the apply fails before any change.")
			continue
		}
		diags.AddAttributeError(customKeyPath(), "Unknown custom field "+k, detail)
	}
	for _, k := range sortedKeys(chk.invalid) {
		detail := fmt.Sprintf("custom_fields.%s %s (field %s of the %s flow).", k, chk.invalid[k], k, flow)
		if planTime {
			detail += "\n\nChecked against the field as the store has it now; if this configuration changes the field's rules in the same run, apply the field first (-target)."
		}
		diags.AddAttributeError(customKeyPath(), "Invalid custom field value: "+k, detail)
	}
}

// planCheckCustom checks the planned custom_fields against the flow's
// fields, as far as they are known at plan time; it never fails on a
// failure to fetch them (the apply checks again).
func planCheckCustom(ctx context.Context, client *moltin.Client, flow string, plan types.Dynamic, diags *diag.Diagnostics) {
	if client == nil {
		return
	}
	entries, known, err := customEntries(ctx, plan)
	if err != nil {
		diags.AddAttributeError(customKeyPath(), "Invalid custom_fields", err.Error())
		return
	}
	if !known || len(entries) == 0 {
		return
	}
	for _, k := range sortedKeys(entries) {
		if _, err := customJSON(entries[k]); err != nil {
			diags.AddAttributeError(customKeyPath(), "Invalid custom field value: "+k, fmt.Sprintf("custom_fields.%s %s.", k, err))
		}
	}
	if diags.HasError() {
		return
	}
	defs, err := fieldCacheOf(client).get(ctx, client, flow, time.Time{})
	if err != nil {
		diags.AddAttributeWarning(customKeyPath(), "Could not read the fields of the "+flow+" flow",
			"The custom_fields are checked when applied instead: "+client.Redact(err.Error()))
		return
	}
	reportCustom(diags, flow, defs, checkCustomEntries(defs, entries, sortedKeys(entries)), true)
}

// applyCheckCustom checks the values about to be sent (keys) before any
// request: a key the copy of the fields lacks fetches them again, since a
// field of this run may have been created since.
func applyCheckCustom(ctx context.Context, client *moltin.Client, flow string, entries map[string]tftypes.Value, keys []string, diags *diag.Diagnostics) {
	if len(keys) == 0 {
		return
	}
	cache := fieldCacheOf(client)
	started := time.Now()
	defs, err := cache.get(ctx, client, flow, time.Time{})
	if err == nil {
		if chk := checkCustomEntries(defs, entries, keys); len(chk.unknown) > 0 || len(chk.invalid) > 0 {
			defs, err = cache.get(ctx, client, flow, started)
		}
	}
	if err != nil {
		diags.AddAttributeError(customKeyPath(), "Could not read the fields of the "+flow+" flow",
			"The custom_fields were not sent, since they could not be checked: "+client.Redact(err.Error()))
		return
	}
	reportCustom(diags, flow, defs, checkCustomEntries(defs, entries, keys), false)
}

// verifyCustom checks that the API kept what was sent: a value it dropped
// (an unknown or disabled field) would otherwise be lost silently, or show
// as a change on every plan.
func verifyCustom(flow string, sent map[string]any, got map[string]json.RawMessage, diags *diag.Diagnostics) {
	for _, k := range sortedKeys(sent) {
		want := sent[k]
		raw, present := got[k]
		var wantV tftypes.Value
		switch w := want.(type) {
		case nil:
			if !present || customFromJSON(raw, nil).IsNull() {
				continue
			}
		case string:
			wantV = tftypes.NewValue(tftypes.String, w)
		case bool:
			wantV = tftypes.NewValue(tftypes.Bool, w)
		case json.Number:
			f, _, _ := big.ParseFloat(string(w), 10, numberPrecision, big.ToNearestEven)
			wantV = tftypes.NewValue(tftypes.Number, f)
		}
		if want != nil && present && sameCustom(wantV, customFromJSON(raw, wantV.Type())) {
			continue
		}
		shown := "left it out of its answer"
		if present {
			shown = "answered " + clipText(string(bytes.TrimSpace(raw)), 80)
		}
		diags.AddAttributeError(customKeyPath(), "Custom field value not kept: "+k,
			fmt.Sprintf("custom_fields.%s was sent as %s, but the API %s: %s is not (or no longer) an enabled field of the %s flow, "+
				"or the API changed the value. Declare the field with moltin_custom_field, or remove the key.", k, jsonText(want), shown, k, flow))
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
