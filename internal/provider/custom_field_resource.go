package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.Resource                   = (*customFieldResource)(nil)
	_ resource.ResourceWithConfigure      = (*customFieldResource)(nil)
	_ resource.ResourceWithImportState    = (*customFieldResource)(nil)
	_ resource.ResourceWithIdentity       = (*customFieldResource)(nil)
	_ resource.ResourceWithValidateConfig = (*customFieldResource)(nil)
)

// NewCustomFieldResource is the moltin_custom_field resource.
func NewCustomFieldResource() resource.Resource { return &customFieldResource{} }

type customFieldResource struct {
	resourceClient
}

type customFieldModel struct {
	ID            types.String  `tfsdk:"id"`
	Flow          types.String  `tfsdk:"flow"`
	FlowID        types.String  `tfsdk:"flow_id"`
	Slug          types.String  `tfsdk:"slug"`
	Name          types.String  `tfsdk:"name"`
	FieldType     types.String  `tfsdk:"field_type"`
	Description   types.String  `tfsdk:"description"`
	Required      types.Bool    `tfsdk:"required"`
	Enabled       types.Bool    `tfsdk:"enabled"`
	AllowedValues types.List    `tfsdk:"allowed_values"`
	Min           types.Float64 `tfsdk:"min"`
	Max           types.Float64 `tfsdk:"max"`
	Format        types.String  `tfsdk:"format"`
	Default       types.String  `tfsdk:"default"`
}

// customFlows are the core flows whose fields this resource declares.
var customFlows = []string{"customers", "accounts"}

var fieldTypeNames = []string{moltin.FieldTypeString, moltin.FieldTypeInteger, moltin.FieldTypeFloat, moltin.FieldTypeBoolean, moltin.FieldTypeDate}

// reservedSlugs are the own attributes of customers and accounts (and the
// JSON:API envelope): a field of that slug would collide with them in
// `data`.
var reservedSlugs = []string{"type", "id", "name", "email", "password", "external_ref", "meta", "links", "relationships",
	"legal_name", "registration_id", "parent_id"}

var fieldSlugRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (r *customFieldResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_custom_field"
}

func (r *customFieldResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A field of the store's own data on customers or accounts: a field of the core flow `customers` or `accounts`. " +
			"Customers and accounts then carry its values in `custom_fields`. Creates the core flow when the store has none yet; " +
			"destroying a field deletes the field (and its values) but leaves the core flow, which cannot be deleted.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("The field's ID, assigned by the API."),
			"flow": schema.StringAttribute{
				MarkdownDescription: "The core flow the field belongs to: `customers` or `accounts`. Changing it replaces the field.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(customFlows...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"flow_id": idAttribute("The ID of the flow."),
			"slug": schema.StringAttribute{
				MarkdownDescription: "The field's key in `custom_fields` and in the API's `data`: letters, digits, `-` and `_`, unique in the flow. " +
					"Not one of the object's own attributes (" + strings.Join(reservedSlugs, ", ") + ").",
				Required: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(fieldSlugRE, "must hold only letters, digits, hyphens and underscores"),
					stringvalidator.NoneOf(reservedSlugs...),
					stringvalidator.LengthAtMost(255),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The field's name, as Commerce Manager shows it.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"field_type": schema.StringAttribute{
				MarkdownDescription: "The type of the field's values: `string`, `integer`, `float`, `boolean` or `date` (`YYYY-MM-DD`). Changing it replaces the field (the API cannot change it), which clears its values.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(fieldTypeNames...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A description of the field. Defaults to empty.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
			"required": schema.BoolAttribute{
				MarkdownDescription: "Whether every customer (or account) must have a value: the API then refuses a create without one (unless `default` is set) and a value of null. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the field is in use. The API neither takes nor returns the values of a disabled field. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"allowed_values": schema.ListAttribute{
				MarkdownDescription: "The only values the field takes (an `enum` rule), written as strings: `[\"gold\", \"silver\"]`, or numbers for an integer or float field (`[1, 2, 3]`). Not for boolean fields.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()},
			},
			"min": schema.Float64Attribute{
				MarkdownDescription: "The smallest value an integer or float field takes (a `between` rule, with `max`).",
				Optional:            true,
			},
			"max": schema.Float64Attribute{
				MarkdownDescription: "The largest value an integer or float field takes (a `between` rule, with `min`).",
				Optional:            true,
			},
			"format": schema.StringAttribute{
				MarkdownDescription: "A format that a string field's values must have: `email` or `slug`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf("email", "slug")},
			},
			"default": schema.StringAttribute{
				MarkdownDescription: "The value a new customer (or account) gets when it is created without one, written as a string (`\"gold\"`, `\"0\"`, `\"true\"`); it must pass the field's type and rules.",
				Optional:            true,
			},
		},
	}
}

func (r *customFieldResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The field's ID.")
}

// ValidateConfig rejects, at plan time, rules that do not fit the field's
// type and a default that breaks them.
func (r *customFieldResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m customFieldModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.FieldType.IsUnknown() || m.FieldType.IsNull() {
		return
	}
	ft := m.FieldType.ValueString()
	numeric := ft == moltin.FieldTypeInteger || ft == moltin.FieldTypeFloat
	for _, a := range []struct {
		name string
		v    types.Float64
	}{{"min", m.Min}, {"max", m.Max}} {
		if !a.v.IsNull() && !numeric {
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "A range needs a numeric field",
				fmt.Sprintf("%s applies to integer and float fields only; this field is of type %s. Use allowed_values or format for other types.", a.name, ft))
		}
	}
	if !m.Min.IsNull() && !m.Max.IsNull() && !m.Min.IsUnknown() && !m.Max.IsUnknown() && m.Min.ValueFloat64() > m.Max.ValueFloat64() {
		resp.Diagnostics.AddAttributeError(path.Root("min"), "min exceeds max", fmt.Sprintf("min (%g) must not exceed max (%g).", m.Min.ValueFloat64(), m.Max.ValueFloat64()))
	}
	if !m.Format.IsNull() && ft != moltin.FieldTypeString {
		resp.Diagnostics.AddAttributeError(path.Root("format"), "A format needs a string field",
			fmt.Sprintf("format applies to string fields only; this field is of type %s.", ft))
	}
	if !m.AllowedValues.IsNull() && !m.AllowedValues.IsUnknown() {
		if ft == moltin.FieldTypeBoolean {
			resp.Diagnostics.AddAttributeError(path.Root("allowed_values"), "allowed_values does not apply to a boolean field",
				"A boolean field takes true and false; leave allowed_values out.")
		} else {
			var vals []types.String
			resp.Diagnostics.Append(m.AllowedValues.ElementsAs(ctx, &vals, false)...)
			for i, v := range vals {
				if v.IsUnknown() || v.IsNull() {
					continue
				}
				if _, why := typedText(ft, v.ValueString()); why != "" {
					resp.Diagnostics.AddAttributeError(path.Root("allowed_values").AtListIndex(i), "Allowed value does not fit the field's type",
						fmt.Sprintf("allowed_values[%d] %q %s.", i, v.ValueString(), why))
				}
			}
		}
	}
	if resp.Diagnostics.HasError() || m.Default.IsNull() || m.Default.IsUnknown() {
		return
	}
	rules, known := m.rules(ctx)
	if !known {
		return
	}
	v, why := typedText(ft, m.Default.ValueString())
	if why == "" {
		why = checkCustomValue(moltin.Field{FieldType: ft, Enabled: true, Rules: rules}, v)
	}
	if why != "" {
		resp.Diagnostics.AddAttributeError(path.Root("default"), "Invalid default", fmt.Sprintf("default %q %s.", m.Default.ValueString(), why))
	}
}

// typedText reads a value written as a string for a field of type ft.
func typedText(ft, s string) (tftypes.Value, string) {
	switch ft {
	case moltin.FieldTypeInteger, moltin.FieldTypeFloat:
		f, _, err := big.ParseFloat(strings.TrimSpace(s), 10, numberPrecision, big.ToNearestEven)
		if err != nil {
			return tftypes.Value{}, "is not a number"
		}
		if ft == moltin.FieldTypeInteger && !f.IsInt() {
			return tftypes.Value{}, "is not a whole number, which an integer field needs"
		}
		return tftypes.NewValue(tftypes.Number, f), ""
	case moltin.FieldTypeBoolean:
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return tftypes.Value{}, "is not true or false"
		}
		return tftypes.NewValue(tftypes.Bool, b), ""
	case moltin.FieldTypeDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return tftypes.Value{}, "is not a date written YYYY-MM-DD"
		}
	}
	return tftypes.NewValue(tftypes.String, s), ""
}

// apiJSON is a value written as a string, as the API takes it.
func apiJSON(ft, s string) (any, error) {
	v, why := typedText(ft, s)
	if why != "" {
		return nil, fmt.Errorf("%q %s", s, why)
	}
	return customJSON(v)
}

// rules are the validation rules the model asks for; known is false while
// any of them is known only at apply.
func (m *customFieldModel) rules(ctx context.Context) ([]moltin.ValidationRule, bool) {
	if m.AllowedValues.IsUnknown() || m.Min.IsUnknown() || m.Max.IsUnknown() || m.Format.IsUnknown() {
		return nil, false
	}
	ft := m.FieldType.ValueString()
	out := []moltin.ValidationRule{}
	if !m.AllowedValues.IsNull() {
		var vals []types.String
		m.AllowedValues.ElementsAs(ctx, &vals, false)
		r := moltin.ValidationRule{Type: "enum"}
		for _, v := range vals {
			if v.IsUnknown() {
				return nil, false
			}
			j, err := apiJSON(ft, v.ValueString())
			if err != nil {
				continue // ValidateConfig reports it
			}
			b, _ := json.Marshal(j)
			r.Options = append(r.Options, b)
		}
		out = append(out, r)
	}
	if !m.Min.IsNull() || !m.Max.IsNull() {
		out = append(out, moltin.ValidationRule{Type: "between", From: m.Min.ValueFloat64Pointer(), To: m.Max.ValueFloat64Pointer()})
	}
	if !m.Format.IsNull() {
		out = append(out, moltin.ValidationRule{Type: m.Format.ValueString()})
	}
	return out, true
}

// setFromAPI copies the field into the model. Values written differently
// but meaning the same (allowed_values [1.50] read back as 1.5, say) keep
// the model's spelling, so that they never show as a change.
func (m *customFieldModel) setFromAPI(ctx context.Context, f moltin.Field) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID, m.FlowID = types.StringValue(f.ID), types.StringValue(f.FlowID)
	m.Slug, m.Name, m.FieldType = types.StringValue(f.Slug), types.StringValue(f.Name), types.StringValue(f.FieldType)
	m.Description, m.Required, m.Enabled = types.StringValue(f.Description), types.BoolValue(f.Required), types.BoolValue(f.Enabled)

	var enum []json.RawMessage
	hasEnum := false
	from, to := (*float64)(nil), (*float64)(nil)
	format := ""
	for _, r := range f.Rules {
		switch r.Type {
		case "enum":
			hasEnum, enum = true, r.Options
		case "between":
			from, to = r.From, r.To
		case "email", "slug":
			format = r.Type
		}
	}
	if hasEnum {
		var prior []types.String
		if !m.AllowedValues.IsNull() && !m.AllowedValues.IsUnknown() {
			m.AllowedValues.ElementsAs(ctx, &prior, false)
		}
		vals := make([]attr.Value, len(enum))
		for i, o := range enum {
			s := optionText(o)
			if i < len(prior) && sameText(f.FieldType, prior[i].ValueString(), s) {
				s = prior[i].ValueString()
			}
			vals[i] = types.StringValue(s)
		}
		list, d := types.ListValue(types.StringType, vals)
		diags.Append(d...)
		m.AllowedValues = list
	} else {
		m.AllowedValues = types.ListNull(types.StringType)
	}
	m.Min, m.Max = types.Float64PointerValue(from), types.Float64PointerValue(to)
	if format == "" {
		m.Format = types.StringNull()
	} else {
		m.Format = types.StringValue(format)
	}
	if f.Default == nil {
		m.Default = types.StringNull()
	} else if s := optionText(f.Default); m.Default.IsNull() || m.Default.IsUnknown() || !sameText(f.FieldType, m.Default.ValueString(), s) {
		m.Default = types.StringValue(s)
	}
	return diags
}

// optionText is a JSON value written as a string: a string as it is,
// anything else in its JSON text.
func optionText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

func sameText(ft, a, b string) bool {
	x, why1 := typedText(ft, a)
	y, why2 := typedText(ft, b)
	if why1 != "" || why2 != "" {
		return a == b
	}
	return sameCustom(x, y)
}

// Core flows are looked up, and made when missing, once per process and
// store at a time: fields created at once must not race into two flows.
type flowEntry struct {
	mu    sync.Mutex // held while the flow is looked up or made
	found *moltin.Flow
}

var (
	flowsMu sync.Mutex
	flows   = map[string]*flowEntry{} // "<base url> <slug>"
)

// ensureFlow returns the core flow of that slug, creating it when the
// store has none. A create that meets one made meanwhile (the API answers
// 422 for a taken slug) reads it instead.
func ensureFlow(ctx context.Context, client *moltin.Client, slug string) (moltin.Flow, error) {
	key := client.BaseURL() + " " + slug
	flowsMu.Lock()
	e := flows[key]
	if e == nil {
		e = &flowEntry{}
		flows[key] = e
	}
	flowsMu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.found != nil {
		return *e.found, nil
	}
	f, found, err := client.FindFlowBySlug(ctx, slug)
	if err != nil {
		return moltin.Flow{}, fmt.Errorf("looking up the %s flow: %w", slug, err)
	}
	if !found {
		f, err = client.CreateFlow(ctx, moltin.FlowCreate{
			Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], Enabled: true,
			Description: "Core flow of " + slug + ", created by Terraform (moltin_custom_field) for the store's own fields.",
		})
		if moltin.IsConflict(err) {
			// Made meanwhile by someone else: read it.
			f, found, err = client.FindFlowBySlug(ctx, slug)
			if err == nil && !found {
				err = fmt.Errorf("the API said the %s flow exists, but it is not in the list of flows", slug)
			}
		}
		if err != nil {
			return moltin.Flow{}, fmt.Errorf("creating the %s flow: %w", slug, err)
		}
		tflog.Info(ctx, "Created the core flow", map[string]any{"flow": slug, "flow_id": f.ID})
	}
	e.found = &f
	return f, nil
}

func (r *customFieldResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan customFieldModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	flowSlug := plan.Flow.ValueString()
	in := moltin.FieldCreate{
		Slug: plan.Slug.ValueString(), Name: plan.Name.ValueString(), Description: plan.Description.ValueString(),
		FieldType: plan.FieldType.ValueString(), Required: plan.Required.ValueBool(), Enabled: plan.Enabled.ValueBool(),
	}
	in.Rules, _ = plan.rules(ctx)
	if !plan.Default.IsNull() {
		v, err := apiJSON(in.FieldType, plan.Default.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("default"), "Invalid default", err.Error())
			return
		}
		in.Default = v
	}
	ctx = maskSecrets(ctx)
	fl, err := ensureFlow(ctx, r.client, flowSlug)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("flow"), "Could not find or create the "+flowSlug+" flow", r.client.Redact(err.Error()))
		return
	}
	in.FlowID = fl.ID
	f, err := r.client.CreateField(ctx, flowSlug, in)
	fieldCacheOf(r.client).forget(flowSlug)
	if err != nil {
		r.addError(&resp.Diagnostics, "Could not create the custom field", err, flowSlug, in.Slug)
		return
	}
	tflog.Info(ctx, "Created Moltin custom field", map[string]any{"field_id": f.ID, "flow": flowSlug})
	resp.Diagnostics.Append(plan.setFromAPI(ctx, f)...)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(f.ID))
}

// addError shows an API error on the attribute it points at.
func (r *customFieldResource) addError(diags *diag.Diagnostics, summary string, err error, flow, slug string) {
	msg := r.client.Redact(err.Error())
	if moltin.IsConflict(err) {
		diags.AddAttributeError(path.Root("slug"), "Slug already taken",
			fmt.Sprintf("The %s flow already has a field with the slug %s: choose another slug, or import that field:\n\n"+
				"import {\n  to = moltin_custom_field.<name>\n  id = \"<field id>\"\n}\n\nThe API said: %s", flow, slug, msg))
		return
	}
	for _, field := range pointedFields(err) {
		field = strings.SplitN(field, "/", 2)[0]
		switch field {
		case "slug", "name", "field_type", "description", "required", "enabled", "default":
			diags.AddAttributeError(path.Root(field), summary, msg)
			return
		case "validation_rules":
			diags.AddAttributeError(path.Root("allowed_values"), summary, msg)
			return
		}
	}
	diags.AddError(summary, msg)
}

func (r *customFieldResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, ok := modelFrom[customFieldModel](ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	f, err := r.client.GetField(ctx, state.ID.ValueString())
	if readFailed(ctx, resp, err, idIdentityOf(state.ID.ValueString()), "Moltin custom field no longer exists; removing it from the state",
		map[string]any{"field_id": state.ID.ValueString()}, r.client, "custom field") {
		return
	}
	if state.Flow.IsNull() || state.Flow.IsUnknown() || (!state.FlowID.IsNull() && state.FlowID.ValueString() != f.FlowID) {
		fl, err := r.client.GetFlow(ctx, f.FlowID)
		if err != nil {
			resp.Diagnostics.AddError("Could not read the custom field's flow", r.client.Redact(err.Error()))
			return
		}
		state.Flow = types.StringValue(fl.Slug)
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, f)...)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, idIdentityOf(f.ID))
}

func (r *customFieldResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state customFieldModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ft := plan.FieldType.ValueString()
	var up moltin.FieldUpdate
	for _, s := range []struct {
		plan, state types.String
		dst         **string
	}{{plan.Slug, state.Slug, &up.Slug}, {plan.Name, state.Name, &up.Name}, {plan.Description, state.Description, &up.Description}} {
		if !s.plan.Equal(s.state) {
			*s.dst = s.plan.ValueStringPointer()
		}
	}
	if !plan.Required.Equal(state.Required) {
		up.Required = plan.Required.ValueBoolPointer()
	}
	if !plan.Enabled.Equal(state.Enabled) {
		up.Enabled = plan.Enabled.ValueBoolPointer()
	}
	if !plan.AllowedValues.Equal(state.AllowedValues) || !plan.Min.Equal(state.Min) || !plan.Max.Equal(state.Max) || !plan.Format.Equal(state.Format) {
		up.Rules, _ = plan.rules(ctx)
	}
	if !plan.Default.Equal(state.Default) {
		if plan.Default.IsNull() {
			up.ClearDefault = true
		} else {
			v, err := apiJSON(ft, plan.Default.ValueString())
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("default"), "Invalid default", err.Error())
				return
			}
			up.Default = v
		}
	}
	ctx = maskSecrets(ctx)
	f, err := r.client.UpdateField(ctx, state.ID.ValueString(), up)
	fieldCacheOf(r.client).forget(plan.Flow.ValueString())
	if err != nil {
		r.addError(&resp.Diagnostics, "Could not update the custom field", err, plan.Flow.ValueString(), plan.Slug.ValueString())
		return
	}
	resp.Diagnostics.Append(plan.setFromAPI(ctx, f)...)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(f.ID))
}

// Delete deletes the field only: the core flow stays, since the API
// refuses to delete it, and other fields may be in it.
func (r *customFieldResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject(ctx, req, resp, r.client, "custom field", func(ctx context.Context, m *customFieldModel) error {
		err := r.client.DeleteField(ctx, m.ID.ValueString())
		fieldCacheOf(r.client).forget(m.Flow.ValueString())
		return err
	})
}

// ImportState takes the field's id, or an import block's identity.
func (r *customFieldResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
		return
	}
	id := strings.TrimSpace(req.ID)
	if id == "" {
		resp.Diagnostics.AddError("Missing import id", "Import a custom field by its id (GET /v2/flows/customers/fields lists them).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
}
