package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.Resource                = &customerAddressResource{}
	_ resource.ResourceWithConfigure   = &customerAddressResource{}
	_ resource.ResourceWithImportState = &customerAddressResource{}
	_ resource.ResourceWithModifyPlan  = &customerAddressResource{}
	_ resource.ResourceWithIdentity    = &customerAddressResource{}
)

// NewCustomerAddressResource is the moltin_customer_address resource.
func NewCustomerAddressResource() resource.Resource {
	return &customerAddressResource{}
}

type customerAddressResource struct {
	resourceClient
}

const descAddressID = "The address's ID, assigned by the API."

func (r *customerAddressResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_address"
}

func (r *customerAddressResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":          idAttribute(descAddressID),
		"customer_id": requiredString("The ID of the customer the address belongs to. Changing it replaces the address.", stringplanmodifier.RequiresReplace()),
		"created_at":  createdAtAttribute("address"),
		"updated_at":  updatedAtAttribute("address"),
	}
	for name, a := range addressFieldSchemas() {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A saved address of a customer, such as the shipping address that a storefront's checkout test picks. " +
			"Deleted with its customer: should the customer be deleted outside Terraform, the address is planned for re-creation with it.",
		Attributes: attrs,
	}
}

func (r *customerAddressResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = childIdentitySchema("customer_id", "The ID of the customer the address belongs to.", "The address's ID.")
}

// ModifyPlan keeps updated_at as it is when a planned change needs no
// request: only the country's case differs (after an import, say).
func (r *customerAddressResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan, state customerAddressModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.hasUnknown() || !plan.CustomerID.Equal(state.CustomerID) {
		return
	}
	if plan.toAPI().Equal(state.toAPI()) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), state.UpdatedAt)...)
	}
}

func (r *customerAddressResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, ok := modelFrom[customerAddressModel](ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	customerID := plan.CustomerID.ValueString()
	a, adopted, err := r.client.CreateOrAdoptAddress(ctx, customerID, plan.toAPI())
	if err != nil {
		if moltin.IsNotFound(err) {
			resp.Diagnostics.Append(customerNotFound(path.Root("customer_id"), "id", customerID,
				"The address cannot be saved for it. Check customer_id (such as moltin_customer.<name>.id). The API said: "+r.client.Redact(err.Error())))
			return
		}
		r.addError(&resp.Diagnostics, "Could not create the address", err)
		return
	}
	logCreate(ctx, &resp.Diagnostics, "customer address", map[string]any{"customer_id": customerID, "address_id": a.ID}, adopted, func() diag.Diagnostic {
		return diag.NewWarningDiagnostic("Adopted an existing address",
			fmt.Sprintf("Customer %s already had address %s%s, so none was created: since adopt_existing_customers is on, this resource now manages address %s. "+
				"Only when a field differed from the configuration was the address changed, with one update. "+
				"If an earlier run that was killed did not leave this address behind, it is someone else's, and destroying this resource deletes it.",
				customerID, a.ID, adoptedAddressMatch(plan.Name), a.ID))
	})
	// The managed fields stay as planned (a country in lower case included);
	// the API's answer gives the rest.
	plan.ID = types.StringValue(a.ID)
	plan.CreatedAt, plan.UpdatedAt = timeValue(a.CreatedAt), timeValue(a.UpdatedAt)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, addressIdentityOf(customerID, a.ID))
}

// adoptedAddressMatch says why an adopted address was taken for the
// resource (see moltin.AdoptableAddress).
func adoptedAddressMatch(name types.String) string {
	if !name.IsNull() {
		return fmt.Sprintf(" with the name %q", name.ValueString())
	}
	return " without a name, and with the same first_name, last_name, line_1, postcode and country"
}

// addError adds err as a diagnostic, on the attribute that the API's error
// points at (`source.pointer` such as /data/county) where there is one, so
// that the CLI shows the configuration line to fix.
func (r *customerAddressResource) addError(diags *diag.Diagnostics, summary string, err error) {
	msg := r.client.Redact(err.Error())
	if p, ok := addressErrorPath(err); ok {
		diags.AddAttributeError(p, summary, msg)
		return
	}
	diags.AddError(summary, msg)
}

func addressErrorPath(err error) (path.Path, bool) {
	if field, ok := addressErrorField(err); ok {
		return path.Root(field), true
	}
	return path.Empty(), false
}

// addressErrorField is the address attribute that an API error points at.
func addressErrorField(err error) (string, bool) {
	for _, field := range pointedFields(err) {
		for _, a := range addressAttributeTable() {
			if a.name == field {
				return field, true
			}
		}
	}
	return "", false
}

func (r *customerAddressResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, ok := modelFrom[customerAddressModel](ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	customerID, id := state.CustomerID.ValueString(), state.ID.ValueString()
	a, err := r.client.GetAddress(ctx, customerID, id)
	if readFailed(ctx, resp, err, addressIdentityOf(customerID, id), "Moltin customer address (or its customer) no longer exists; removing it from the state",
		map[string]any{"customer_id": customerID, "address_id": id}, r.client, "address") {
		return
	}
	state.setFromAPI(customerID, a)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, addressIdentityOf(customerID, a.ID))
}

func (r *customerAddressResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, state, ok := planAndState[customerAddressModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.ID, plan.CreatedAt, plan.UpdatedAt = state.ID, state.CreatedAt, state.UpdatedAt
	in := plan.toAPI()
	if !in.Equal(state.toAPI()) {
		a, err := r.client.UpdateAddress(ctx, state.CustomerID.ValueString(), state.ID.ValueString(), in)
		if err != nil {
			summary := "Could not update the address"
			if moltin.IsNotFound(err) {
				summary = "The address (or its customer) no longer exists"
			}
			r.addError(&resp.Diagnostics, summary, err)
			return
		}
		plan.UpdatedAt = timeValue(a.UpdatedAt)
	}
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, addressIdentityOf(state.CustomerID.ValueString(), state.ID.ValueString()))
}

func (r *customerAddressResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject(ctx, req, resp, r.client, "address", func(ctx context.Context, m *customerAddressModel) error {
		return r.client.DeleteAddress(ctx, m.CustomerID.ValueString(), m.ID.ValueString())
	})
}

// ImportState takes "<customer_id>/<address_id>", or an import block's
// identity (customer_id and id).
func (r *customerAddressResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importChild(ctx, req, resp, "customer_id",
		"<customer_id>/<address_id>, such as 5f1c…/a3b9…: import an address by its customer's ID and its own, joined by a slash.", addressIdentityOf)
}
