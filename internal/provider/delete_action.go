package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// What a delete action is besides its Invoke's listing and judging: its
// name, its schema, and the checks of its configuration, which are the same
// for every kind of object it deletes. bulk_delete.go does the deleting.

// deleteActionSpec describes one delete action.
type deleteActionSpec struct {
	name     string // the action's type without the provider's prefix: "delete_customers"
	singular string // what it deletes: "customer"
	noun     string // the plural: "customers"
	// what are the objects it may delete, and how the deleting goes, for
	// the schema's description.
	what, how string
	filters   []filterAttribute // in the order the messages name them
}

func (s deleteActionSpec) actionType() string { return "moltin_" + s.name }

func (s deleteActionSpec) filterNames() []string {
	names := make([]string, len(s.filters))
	for i, f := range s.filters {
		names[i] = f.name
	}
	return names
}

// deleteActionConfig is a delete action's configuration: its filters, and
// deleteBounds.
type deleteActionConfig interface {
	spec() deleteActionSpec
	// filterValues are the filter attributes' values by name.
	filterValues() map[string]types.String
	check() diag.Diagnostics
	values() map[string]attr.Value
}

// deleteActionBase is a delete action but its Invoke, for configurations of
// type M.
type deleteActionBase[M deleteActionConfig] struct {
	client *moltin.Client
}

func (a *deleteActionBase[M]) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	var m M
	resp.TypeName = req.ProviderTypeName + "_" + m.spec().name
}

func (a *deleteActionBase[M]) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	var m M
	s := m.spec()
	attrs := deleteBoundsAttributes(s.noun)
	for _, f := range s.filters {
		attrs[f.name] = actionschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Deletes the " + s.what + " that match all the filters given, whatever state knows them, " +
			"with `terraform apply -invoke=action." + s.actionType() + ".<name>` (Terraform 1.14 and later). " +
			"At least one of `" + strings.Join(s.filterNames(), "`, `") + "` is required. " +
			s.how + "it reports how many it found, deleted and found already gone as it goes, and stops at the first failure. " +
			"Interrupted, it waits for the deletes already sent and sends no other.",
		Attributes: attrs,
	}
}

func (a *deleteActionBase[M]) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses a configuration without a filter. The schema's
// validators check each attribute's own value.
func (a *deleteActionBase[M]) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	checkConfig[M](ctx, req.Config, &resp.Diagnostics, checkDeleteFilters)
}

// ModifyPlan checks again what was unknown when the configuration was
// validated (created_before = timeadd(plantimestamp(), "-24h") is), since
// the framework runs no schema validator when an action is planned.
func (a *deleteActionBase[M]) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	checkConfig[M](ctx, req.Config, &resp.Diagnostics, checkDeleteConfig)
}

// checkConfig reads an action's configuration, of type M, and checks it
// with check.
func checkConfig[M deleteActionConfig](ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics, check func(deleteActionConfig) diag.Diagnostics) {
	var m M
	diags.Append(config.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	diags.Append(check(m)...)
}

// startInvoke is the start of Invoke: it reads and checks the
// configuration, and refuses values still unknown and a provider not
// configured. When ok is false, resp holds the errors and Invoke must
// return.
func (a *deleteActionBase[M]) startInvoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) (m M, ok bool) {
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return m, false
	}
	resp.Diagnostics.Append(checkDeleteConfig(m)...)
	values := m.values()
	for name, v := range m.filterValues() {
		values[name] = v
	}
	refuseUnknown(&resp.Diagnostics, values)
	if resp.Diagnostics.HasError() {
		return m, false
	}
	if a.client == nil {
		resp.Diagnostics.Append(notConfigured())
		return m, false
	}
	return m, true
}

// checkDeleteFilters requires a filter: with none, the action would delete
// every one of its kind in the store; an unknown filter may turn out to be
// set. A *_like pattern of stars alone is refused too.
func checkDeleteFilters(m deleteActionConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	s, filters := m.spec(), m.filterValues()
	set := 0
	for _, v := range filters {
		if !v.IsNull() {
			set++
		}
	}
	if set == 0 {
		diags.AddError("No filter",
			fmt.Sprintf("%s needs at least one of %s: without one it would delete every %s of the store. Add a filter, such as email_like = \"*@test.example.com\".",
				s.actionType(), strings.Join(s.filterNames(), ", "), s.singular))
	}
	for _, name := range s.filterNames() {
		v := filters[name]
		if strings.HasSuffix(name, "_like") && !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" && strings.Trim(v.ValueString(), "*") == "" {
			diags.AddAttributeError(path.Root(name), "Pattern matches every "+s.singular,
				fmt.Sprintf("%s = %q matches every %s, as no filter would. Give a pattern with some text in it, such as \"*@test.example.com\" or \"E2E *\".", name, v.ValueString(), s.singular))
		}
	}
	return diags
}

// checkDeleteConfig is checkDeleteFilters and the checks of the schema's
// validators, on the values known by now.
func checkDeleteConfig(m deleteActionConfig) diag.Diagnostics {
	diags := checkDeleteFilters(m)
	diags.Append(m.check()...)
	diags.Append(checkEmailValue("email", m.filterValues()["email"])...)
	return diags
}
