package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// moltin_customer's addresses: the customer's saved addresses as one map
// attribute keyed by the address's name, so that N shoppers with addresses
// are N resources. Separate moltin_customer_address resources that refer to
// a counted customer by index cost the CLI O(N²) (issue 24).
//
// Null in the configuration means "not managed here": the plan keeps what
// the state holds (null, or what an import read), and nothing is sent. Set,
// the map is the customer's whole set of addresses.

const descAddresses = "The customer's saved addresses, keyed by the address's `name` (the label the shopper picks it by, such as `Home`), " +
	"each with the attributes of `moltin_customer_address` but `name` and `customer_id`. " +
	"Created with the customer (one request per address); a changed address is sent with one request, " +
	"a removed key is deleted, and `{}` deletes them all. " +
	"When the attribute is not set, the customer's addresses are left alone, so that `moltin_customer_address` can manage them instead: " +
	"never manage one customer's addresses both ways, since each would delete or overwrite the other's. " +
	"An import reads the addresses: with the attribute not set they are kept in the state as read, and nothing is planned for them. " +
	"Changing a key deletes the address and creates one under the new name."

// addressEntry is one element of addresses. Its Name is the map key, not an
// attribute of the element.
type addressEntry struct {
	ID types.String
	addressAttrs
	CreatedAt, UpdatedAt timetypes.RFC3339
}

// addressEntryType is the object type of one element.
var addressEntryType = func() types.ObjectType {
	types_ := map[string]attr.Type{
		"id": types.StringType, "country": countryType{},
		"created_at": timetypes.RFC3339Type{}, "updated_at": timetypes.RFC3339Type{},
	}
	for _, a := range addressAttributeTable() {
		if _, ok := types_[a.name]; !ok && a.name != "name" {
			types_[a.name] = types.StringType
		}
	}
	return types.ObjectType{AttrTypes: types_}
}()

// addressesAttribute is moltin_customer's addresses.
func addressesAttribute() schema.MapNestedAttribute {
	attrs := map[string]schema.Attribute{
		"id":         schema.StringAttribute{MarkdownDescription: descAddressID, Computed: true},
		"created_at": schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, MarkdownDescription: createdAtDescription("address"), Computed: true},
		"updated_at": updatedAtAttribute("address"),
	}
	for name, a := range addressFieldSchemas() {
		if name != "name" {
			attrs[name] = a
		}
	}
	return schema.MapNestedAttribute{
		MarkdownDescription: descAddresses,
		Optional:            true,
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{
			Attributes:    attrs,
			PlanModifiers: []planmodifier.Object{addressEntryPlan{}},
		},
		Validators:    []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
		PlanModifiers: []planmodifier.Map{addressesPlan{}},
	}
}

// addressesField is the addresses row of customerModel's field table: a
// model that never set it (a list result's, say) writes a typed null.
type addressesField struct{ ptr *types.Map }

func (addressesField) attributeName() string { return "addresses" }

func (f addressesField) fromTerraform(ctx context.Context, v tftypes.Value) error {
	val, err := types.MapType{ElemType: addressEntryType}.ValueFromTerraform(ctx, v)
	if err != nil {
		return err
	}
	m, ok := val.(types.Map)
	if !ok {
		return fmt.Errorf("addresses gives %T, not a map", val)
	}
	*f.ptr = m
	return nil
}

func (f addressesField) toTerraform(ctx context.Context) (tftypes.Value, error) {
	if f.ptr.ElementType(ctx) == nil {
		return types.MapNull(addressEntryType).ToTerraformValue(ctx)
	}
	return f.ptr.ToTerraformValue(ctx)
}

func entryOf(o types.Object) addressEntry {
	attrs := o.Attributes()
	var e addressEntry
	for _, a := range e.table(&moltin.AddressFields{}) {
		if v, ok := attrs[a.name].(types.String); ok && a.name != "name" && a.name != "country" {
			*a.tf = v
		}
	}
	e.Country, _ = attrs["country"].(countryValue)
	e.ID, _ = attrs["id"].(types.String)
	e.CreatedAt, _ = attrs["created_at"].(timetypes.RFC3339)
	e.UpdatedAt, _ = attrs["updated_at"].(timetypes.RFC3339)
	return e
}

func (e *addressEntry) object() types.Object {
	attrs := map[string]attr.Value{"id": e.ID, "country": e.Country, "created_at": e.CreatedAt, "updated_at": e.UpdatedAt}
	for _, a := range e.table(&moltin.AddressFields{}) {
		if a.name != "name" && a.name != "country" {
			attrs[a.name] = *a.tf
		}
	}
	return types.ObjectValueMust(addressEntryType.AttrTypes, attrs)
}

// fields is what the API is sent for the address named key.
func (e *addressEntry) fields(key string) moltin.AddressFields {
	f := e.toAPI()
	f.Name = key
	return f
}

func entryFromAPI(a moltin.Address) addressEntry {
	var e addressEntry
	e.fromAPI(a.AddressFields)
	e.ID, e.CreatedAt, e.UpdatedAt = types.StringValue(a.ID), timeValue(a.CreatedAt), timeValue(a.UpdatedAt)
	return e
}

// entriesOf is a known addresses map as entries; nil for null.
func entriesOf(m types.Map) map[string]addressEntry {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string]addressEntry, len(m.Elements()))
	for k, v := range m.Elements() {
		if o, ok := v.(types.Object); ok {
			out[k] = entryOf(o)
		}
	}
	return out
}

func mapOfEntries(entries map[string]addressEntry) types.Map {
	elems := make(map[string]attr.Value, len(entries))
	for k, e := range entries {
		elems[k] = e.object()
	}
	return types.MapValueMust(addressEntryType, elems)
}

// addressesPlan keeps the state's addresses when the configuration does not
// set them: they are not managed by this resource then.
type addressesPlan struct{}

func (addressesPlan) Description(context.Context) string {
	return "Not set in the configuration, the addresses stay as the state has them."
}

func (m addressesPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (addressesPlan) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	if req.State.Raw.IsNull() || req.StateValue.IsNull() {
		resp.PlanValue = types.MapNull(addressEntryType)
		return
	}
	resp.PlanValue = req.StateValue
}

// addressEntryPlan makes one address's plan exact: an address already made
// keeps its id and created_at, and its updated_at too unless a request will
// be sent for it (a change of the country's case alone sends none).
type addressEntryPlan struct{}

func (addressEntryPlan) Description(context.Context) string {
	return "An address already made keeps its id, and its updated_at unless it changes."
}

func (m addressEntryPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (addressEntryPlan) PlanModifyObject(_ context.Context, req planmodifier.ObjectRequest, resp *planmodifier.ObjectResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	plan, state := entryOf(req.PlanValue), entryOf(req.StateValue)
	plan.ID, plan.CreatedAt = state.ID, state.CreatedAt
	if !plan.hasUnknown() && plan.toAPI().Equal(state.toAPI()) {
		plan.UpdatedAt = state.UpdatedAt
	} else {
		plan.UpdatedAt = timetypes.NewRFC3339Unknown()
	}
	resp.PlanValue = plan.object()
}

// addressesOutcome is what an apply did to the addresses: the entries as
// they now are, and the first error, after which nothing more was sent.
type addressesOutcome struct {
	entries map[string]addressEntry
	key     string // the address the error is about
	err     error
}

// adoptable are a customer's addresses in the store by name, for the keys
// of an apply that starts managing them (addresses newly set on an existing
// customer): an address whose name is a key is taken over, not made a
// second time.
func adoptable(list []moltin.Address) map[string]moltin.Address {
	out := map[string]moltin.Address{}
	dup := map[string]bool{}
	for _, a := range list {
		if _, seen := out[a.Name]; seen {
			dup[a.Name] = true
		}
		out[a.Name] = a
	}
	for name := range dup {
		delete(out, name) // ambiguous: neither is taken over
	}
	delete(out, "")
	return out
}

// applyAddresses takes the customer's addresses from prior (as the state
// has them; nil when not managed before) to desired, in this order: deletes,
// then changes, then new keys, each in key order. With existing (from
// adoptable), a new key whose name is there takes that address over, with a
// PUT only when its fields differ.
func (r *customerResource) applyAddresses(ctx context.Context, customerID string, prior, desired map[string]addressEntry, existing map[string]moltin.Address) addressesOutcome {
	out := addressesOutcome{entries: maps.Clone(prior)}
	if out.entries == nil {
		out.entries = map[string]addressEntry{}
	}
	fail := func(key string, err error) addressesOutcome {
		out.key, out.err = key, err
		return out
	}
	for _, key := range slices.Sorted(maps.Keys(prior)) {
		if _, keep := desired[key]; keep {
			continue
		}
		if err := r.client.DeleteAddress(ctx, customerID, prior[key].ID.ValueString()); err != nil {
			return fail(key, err)
		}
		tflog.Info(ctx, "Deleted Moltin customer address", map[string]any{"customer_id": customerID, "address_id": prior[key].ID.ValueString()})
		delete(out.entries, key)
	}
	keys := slices.Sorted(maps.Keys(desired))
	// Changes before creates, so that an interrupted apply has done the
	// cheap part.
	for _, key := range keys {
		was, ok := prior[key]
		if !ok {
			continue
		}
		e := desired[key]
		e.ID, e.CreatedAt, e.UpdatedAt = was.ID, was.CreatedAt, was.UpdatedAt
		if in := e.fields(key); !in.Equal(was.fields(key)) {
			a, err := r.client.UpdateAddress(ctx, customerID, was.ID.ValueString(), in)
			if err != nil {
				return fail(key, err)
			}
			e.UpdatedAt = timeValue(a.UpdatedAt)
		}
		out.entries[key] = e
	}
	for _, key := range keys {
		if _, ok := prior[key]; ok {
			continue
		}
		e := desired[key]
		in := e.fields(key)
		var a moltin.Address
		var err error
		if found, ok := existing[key]; ok {
			a = found
			if !found.Equal(in) {
				a, err = r.client.UpdateAddress(ctx, customerID, found.ID, in)
			}
			if err == nil {
				tflog.Info(ctx, "Took over the existing Moltin customer address of the same name", map[string]any{"customer_id": customerID, "address_id": a.ID})
			}
		} else {
			// With adopt_existing_customers, on a customer this run did not
			// make, an address of the same name that a killed run left is
			// taken over instead (moltin.CreateOrAdoptAddress).
			var adopted bool
			a, adopted, err = r.client.CreateOrAdoptAddress(ctx, customerID, in)
			if err == nil && adopted {
				tflog.Warn(ctx, "Adopted an existing Moltin customer address", map[string]any{"customer_id": customerID, "address_id": a.ID})
			}
		}
		if err != nil {
			return fail(key, err)
		}
		// The configured fields stay as planned (a country in lower case
		// included); the API's answer gives the rest.
		e.ID, e.CreatedAt, e.UpdatedAt = types.StringValue(a.ID), timeValue(a.CreatedAt), timeValue(a.UpdatedAt)
		out.entries[key] = e
	}
	return out
}

// existingAddresses lists the customer's addresses for adoptable, when an
// apply starts managing them.
func (r *customerResource) existingAddresses(ctx context.Context, customerID string) (map[string]moltin.Address, error) {
	list, err := r.client.ListAddresses(ctx, customerID)
	if err != nil {
		return nil, err
	}
	return adoptable(list), nil
}

// createAddresses saves a new customer's planned addresses into m. When one
// fails, the customer is deleted again, so that no customer is left without
// some of its addresses, and keep is false; only when that cannot be done
// (the run was stopped, the delete failed, or the customer was adopted and
// is not this run's to delete) is the customer kept, with the addresses
// made so far, for the state: the error then makes the CLI mark it tainted,
// and the next apply replaces it.
func (r *customerResource) createAddresses(ctx context.Context, m *customerModel, adopted bool, diags *diag.Diagnostics) (keep bool) {
	desired := entriesOf(m.Addresses)
	if desired == nil {
		m.Addresses = types.MapNull(addressEntryType)
		return true
	}
	// An adopted customer's addresses that a killed run left are taken
	// over by CreateOrAdoptAddress, by name.
	out := r.applyAddresses(ctx, m.ID.ValueString(), nil, desired, nil)
	if out.err != nil {
		return r.createAddressesFailed(ctx, m, out, adopted, diags)
	}
	m.Addresses = mapOfEntries(out.entries)
	return true
}

func (r *customerResource) createAddressesFailed(ctx context.Context, m *customerModel, out addressesOutcome, adopted bool, diags *diag.Diagnostics) bool {
	customerID := m.ID.ValueString()
	var then string
	keep := true
	switch {
	case adopted:
		then = fmt.Sprintf("Customer %s, which was adopted, is kept in the state with the addresses made so far, marked tainted: the next apply replaces it.", customerID)
	case ctx.Err() != nil:
		then = fmt.Sprintf("The run was stopped, so customer %s is kept in the state with the addresses made so far, marked tainted: the next apply replaces it.", customerID)
	default:
		if err := r.client.DeleteCustomer(ctx, customerID); err != nil {
			then = fmt.Sprintf("Deleting customer %s again also failed (%s), so it is kept in the state with the addresses made so far, marked tainted: the next apply replaces it.",
				customerID, r.client.Redact(err.Error()))
		} else {
			tflog.Info(ctx, "Deleted the new Moltin customer again after an address failed", map[string]any{"customer_id": customerID})
			then = fmt.Sprintf("Customer %s was deleted again, so that no customer is left with only some of its addresses: fix the cause and apply again.", customerID)
			keep = false
		}
	}
	r.addAddressError(diags, "Could not create the customer's addresses", out, then)
	m.Addresses = mapOfEntries(out.entries)
	return keep
}

// addAddressError adds out's error on the address's line, or on the field
// that the API's error points at.
func (r *customerResource) addAddressError(diags *diag.Diagnostics, summary string, out addressesOutcome, then string) {
	p := path.Root("addresses")
	what := "the addresses"
	if out.key != "" {
		p = p.AtMapKey(out.key)
		what = fmt.Sprintf("address %q", out.key)
		if field, ok := addressErrorField(out.err); ok && field != "name" {
			p = p.AtName(field)
		}
	}
	msg := fmt.Sprintf("The request for %s failed: %s", what, r.client.Redact(out.err.Error()))
	if moltin.IsNotFound(out.err) {
		msg += "\n\nThe customer (or the address) no longer exists in the store."
	}
	if then != "" {
		msg += "\n\n" + then
	}
	diags.AddAttributeError(p, summary, msg)
}

// updateAddresses takes the addresses from state's to plan's. What was done
// is in plan afterwards, also after an error: the state then holds what is
// in the store, and the next plan shows what is left to do.
func (r *customerResource) updateAddresses(ctx context.Context, plan, state *customerModel, diags *diag.Diagnostics) {
	desired := entriesOf(plan.Addresses)
	if desired == nil {
		plan.Addresses = state.Addresses
		return
	}
	customerID := state.ID.ValueString()
	prior := entriesOf(state.Addresses)
	var existing map[string]moltin.Address
	if prior == nil && len(desired) > 0 {
		var err error
		if existing, err = r.existingAddresses(ctx, customerID); err != nil {
			r.addAddressError(diags, "Could not update the customer's addresses", addressesOutcome{err: err}, "")
			plan.Addresses = state.Addresses
			return
		}
	}
	out := r.applyAddresses(ctx, customerID, prior, desired, existing)
	if out.err != nil {
		r.addAddressError(diags, "Could not update the customer's addresses", out,
			"The requests before it were made and are in the state; nothing after it was sent. Apply again to finish.")
		if prior == nil && len(out.entries) == 0 {
			plan.Addresses = state.Addresses
			return
		}
	}
	plan.Addresses = mapOfEntries(out.entries)
}

// readAddresses refreshes managed addresses (prior, from the state) from the
// store's list: every address with a name is keyed by it, so that one added,
// renamed or deleted outside Terraform shows in the plan. Of two with one
// name, the one the state knows is kept (else the first); one without a
// name cannot be keyed and is left out.
func readAddresses(ctx context.Context, prior types.Map, list []moltin.Address) types.Map {
	known := map[string]string{} // key -> id, from the state
	for k, e := range entriesOf(prior) {
		known[k] = e.ID.ValueString()
	}
	out := map[string]addressEntry{}
	for _, a := range list {
		name := a.Name
		if strings.TrimSpace(name) == "" {
			tflog.Warn(ctx, "Moltin customer address without a name is left out of addresses", map[string]any{"address_id": a.ID})
			continue
		}
		if _, dup := out[name]; dup && a.ID != known[name] {
			continue
		}
		out[name] = entryFromAPI(a)
	}
	return mapOfEntries(out)
}

// emptyAddresses marks an imported customer's addresses to be read.
func emptyAddresses() types.Map { return types.MapValueMust(addressEntryType, map[string]attr.Value{}) }
