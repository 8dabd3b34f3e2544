package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.Resource                   = &customerResource{}
	_ resource.ResourceWithConfigure      = &customerResource{}
	_ resource.ResourceWithImportState    = &customerResource{}
	_ resource.ResourceWithModifyPlan     = &customerResource{}
	_ resource.ResourceWithValidateConfig = &customerResource{}
	_ resource.ResourceWithIdentity       = &customerResource{}
)

// NewCustomerResource is the moltin_customer resource.
func NewCustomerResource() resource.Resource {
	return &customerResource{}
}

type customerResource struct {
	resourceClient
}

const maxExternalRefLength = 2048

func (r *customerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer"
}

func (r *customerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := passwordAttributes("The customer's password", 1, " and the state is the only place to compare it with",
		" Changing it sends only the password. Removing it leaves the customer's password as it is.")
	maps.Copy(attrs, map[string]schema.Attribute{
		"id":    idAttribute("The customer's ID, assigned by the API."),
		"name":  requiredString("The customer's full name."),
		"email": requiredEmail("The customer's email address, unique in the store. Compared case-insensitively: a change of case by the API is not a change."),
		"external_ref": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("A reference to the customer in another system, at most %d characters. Removing it from the configuration clears it.", maxExternalRefLength),
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthAtMost(maxExternalRefLength)},
		},
		"has_password": schema.BoolAttribute{
			MarkdownDescription: "Whether the customer has a password set.",
			Computed:            true,
		},
		customFieldsAttr: customFieldsAttribute(customersFlow, "customer"),
		"created_at":     createdAtAttribute("customer"),
		"updated_at":     updatedAtAttribute("customer"),
		"addresses":      addressesAttribute(),
	})
	resp.Schema = schema.Schema{
		MarkdownDescription: "A customer of the store: a shopper account that can log in with its email and password. " +
			"Most often used to seed the test customers that a storefront's end-to-end tests log in with.",
		Attributes: attrs,
	}
}

func (r *customerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The customer's ID.")
}

func (r *customerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config customerModel
	resp.Diagnostics.Append(config.readModel(ctx, req.Config.Raw)...)
	checkWriteOnlyClient(config.PasswordWO, req.ClientCapabilities.WriteOnlyAttributesAllowed, &resp.Diagnostics)
}

// ModifyPlan makes the plan exact: has_password is known, and updated_at
// stays as it is when the change needs no request (such as moving the same
// password from password to password_wo).
func (r *customerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Destroy, or nothing changes (every refresh of an unchanged customer):
	// the plan is exact as it is. This runs once per resource per plan, so
	// the common cases skip the framework's costly struct conversions.
	if req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan, config, state customerModel
	resp.Diagnostics.Append(plan.readModel(ctx, req.Plan.Raw)...)
	resp.Diagnostics.Append(config.readModel(ctx, req.Config.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() || !plan.CustomFields.Equal(state.customFieldsOf(ctx, req.State.Raw)) {
		planCheckCustom(ctx, r.client, customersFlow, plan.CustomFields, &resp.Diagnostics)
	}
	if req.State.Raw.IsNull() {
		plan.HasPassword = types.BoolValue(!config.Password.IsNull() || !config.PasswordWO.IsNull())
		resp.Diagnostics.Append(plan.setPlan(ctx, &resp.Plan)...)
		return
	}
	resp.Diagnostics.Append(state.readModel(ctx, req.State.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	update, unknown := planUpdate(&state, &plan, &config)
	if unknown {
		return
	}
	if update.Password != nil {
		plan.HasPassword = types.BoolValue(true)
	} else {
		plan.HasPassword = state.HasPassword
	}
	if update.IsEmpty() && !customChanges(ctx, state.CustomFields, plan.CustomFields) {
		plan.UpdatedAt = state.UpdatedAt
	}
	resp.Diagnostics.Append(plan.setPlan(ctx, &resp.Plan)...)
}

// planUpdate builds the partial update that takes state to plan: only the
// attributes that differ, and the password only when a new one is meant to
// be sent. unknown is true when the plan holds values known only at apply.
func planUpdate(state, plan, config *customerModel) (update moltin.CustomerUpdate, unknown bool) {
	if plan.Name.IsUnknown() || plan.Email.IsUnknown() || plan.ExternalRef.IsUnknown() || plan.Password.IsUnknown() ||
		plan.PasswordWOVersion.IsUnknown() || config.PasswordWO.IsUnknown() {
		return update, true
	}
	if !plan.Name.Equal(state.Name) {
		update.Name = plan.Name.ValueStringPointer()
	}
	if plan.Email.ValueString() != state.Email.ValueString() {
		update.Email = plan.Email.ValueStringPointer()
	}
	if !plan.ExternalRef.Equal(state.ExternalRef) {
		if plan.ExternalRef.IsNull() {
			update.ClearExternalRef = true
		} else {
			update.ExternalRef = plan.ExternalRef.ValueStringPointer()
		}
	}
	// Removing password (or password_wo) from the configuration stops managing
	// the password; it never clears it.
	if !plan.Password.IsNull() && !plan.Password.Equal(state.Password) {
		update.Password = plan.Password.ValueStringPointer()
	}
	if !config.PasswordWO.IsNull() && !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
		// Moving the same password from password to password_wo sends nothing.
		if !state.Password.Equal(config.PasswordWO) {
			update.Password = config.PasswordWO.ValueStringPointer()
		}
	}
	return update, false
}

func (r *customerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config customerModel
	resp.Diagnostics.Append(plan.readModel(ctx, req.Plan.Raw)...)
	resp.Diagnostics.Append(config.readModel(ctx, req.Config.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := moltin.CustomerCreate{
		Name:        plan.Name.ValueString(),
		Email:       plan.Email.ValueString(),
		ExternalRef: plan.ExternalRef.ValueStringPointer(),
		Password:    plan.Password.ValueStringPointer(),
	}
	if !config.PasswordWO.IsNull() {
		in.Password = config.PasswordWO.ValueStringPointer()
	}
	secrets := secretsOf(&plan, &config)
	ctx = maskSecrets(ctx, secrets...)
	if in.Custom = customForCreate(ctx, r.client, customersFlow, plan.CustomFields, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}

	c, err := r.client.CreateCustomer(ctx, in)
	adopted := false
	if err != nil && r.client.AdoptsExistingCustomers() {
		c, adopted, err = r.client.AdoptExisting(ctx, in, err)
	}
	if err != nil {
		r.createError(ctx, &resp.Diagnostics, &config, in.Email, err, secrets)
		return
	}
	logCreate(ctx, &resp.Diagnostics, "customer", map[string]any{"customer_id": c.ID}, adopted, func() diag.Diagnostic {
		return diag.NewAttributeWarningDiagnostic(path.Root("email"), "Adopted an existing customer",
			fmt.Sprintf("Customer %s already had the email %s, so none was created: since adopt_existing_customers is on, this resource now manages customer %s. "+
				"Only the attributes that differed from the configuration were changed (and the password, when one is configured). "+
				"If an earlier run that was killed did not leave this customer behind, it is someone else's, and destroying this resource deletes it.",
				c.ID, in.Email, c.ID))
	})
	plan.setFromAPI(c)
	plan.CustomFields = customAfterWrite(ctx, customersFlow, plan.CustomFields, in.Custom, c.Custom, &resp.Diagnostics)
	if !r.createAddresses(ctx, &plan, adopted, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(plan.setState(ctx, &resp.State)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, idIdentityOf(c.ID))...)
}

func (r *customerResource) createError(ctx context.Context, diags *diag.Diagnostics, config *customerModel, email string, err error, secrets []string) {
	var mismatch *moltin.ErrCustomerMismatch
	var refused *moltin.AdoptionRefusedError
	switch {
	case errors.As(err, &refused):
		diags.AddAttributeError(path.Root("email"), "Email already taken",
			r.client.Redact(fmt.Sprintf("Customer %s has the email %s, and this same run created it (or is creating it) for another resource: "+
				"two resources cannot manage one customer, so it is not adopted. Give each resource its own email. The API said: %s",
				refused.Existing.ID, email, refused.Err), secrets...))
	case errors.As(err, &mismatch):
		diags.AddAttributeError(path.Root("email"), "Customer create had an unknown outcome",
			r.client.Redact(fmt.Sprintf("%s.\n\nThe provider did not adopt it, since its attributes differ from the configuration. "+
				"If it is the customer you meant, import it:\n\n%s\n\n%s", err, importHint(mismatch.Existing.ID), adoptHint), secrets...))
	case moltin.IsConflict(err):
		detail := fmt.Sprintf("A customer with the email %s already exists in the store.", email)
		if existing, found, lookupErr := r.client.FindCustomerByEmail(ctx, email); lookupErr == nil && found {
			detail += fmt.Sprintf(" Its id is %s.", existing.ID)
		}
		detail += " To manage the existing customer with Terraform, import it, for example with an import block:\n\n" +
			importHint(email) + "\n\nor choose another email.\n\n" + adoptHint + "\n\nThe API said: " + err.Error()
		diags.AddAttributeError(path.Root("email"), "Email already taken", r.client.Redact(detail, secrets...))
	default:
		r.addError(diags, "Could not create the customer", err, config, secrets)
	}
}

// addError adds err as a diagnostic, on the attribute that the API's error
// points at (`source.pointer` such as /data/email) where there is one, so
// that the CLI shows the configuration line to fix.
func (r *customerResource) addError(diags *diag.Diagnostics, summary string, err error, config *customerModel, secrets []string) {
	msg := r.client.Redact(err.Error(), secrets...)
	if p, ok := apiErrorPath(err, config); ok {
		diags.AddAttributeError(p, summary, msg)
		return
	}
	diags.AddError(summary, msg)
}

func apiErrorPath(err error, config *customerModel) (path.Path, bool) {
	for _, field := range pointedFields(err) {
		switch field {
		case "name", "email", "external_ref":
			return path.Root(field), true
		case "password":
			if config != nil && !config.PasswordWO.IsNull() {
				return path.Root("password_wo"), true
			}
			return path.Root("password"), true
		}
	}
	return path.Empty(), false
}

// adoptHint names the setting that recovers from a killed run without
// import blocks.
const adoptHint = "In a test store, where a run that was killed may have left its customers behind, " +
	"adopt_existing_customers = true in the provider block (or EPCC_ADOPT_EXISTING_CUSTOMERS=true) makes the next apply take such customers over instead."

func importHint(id string) string {
	return fmt.Sprintf("import {\n  to = moltin_customer.<name>\n  id = %q\n}", id)
}

// readState is the start of Read and Delete: the state's model, its
// passwords, and a context that masks them in every log line.
func readState(ctx context.Context, st tfsdk.State, diags *diag.Diagnostics) (context.Context, customerModel, []string, bool) {
	var state customerModel
	diags.Append(state.readModel(ctx, st.Raw)...)
	if diags.HasError() {
		return ctx, state, nil, false
	}
	secrets := secretsOf(&state, nil)
	return maskSecrets(ctx, secrets...), state, secrets, true
}

func (r *customerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, secrets, ok := readState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	c, err := r.client.GetCustomer(ctx, state.ID.ValueString())
	if readFailed(ctx, resp, err, idIdentityOf(state.ID.ValueString()), "Moltin customer no longer exists; removing it from the state",
		map[string]any{"customer_id": state.ID.ValueString()}, r.client, "customer", secrets...) {
		return
	}
	state.setFromAPI(c)
	imported := importMarked(ctx, req.Private, resp.Private, &resp.Diagnostics)
	state.CustomFields = customAfterRead(ctx, state.CustomFields, c.Custom, imported, &resp.Diagnostics)
	if !state.Addresses.IsNull() {
		list, err := r.client.ListAddresses(ctx, c.ID)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("addresses"), "Could not read the customer's addresses", r.client.Redact(err.Error(), secrets...))
			return
		}
		state.Addresses = readAddresses(ctx, state.Addresses, list)
	}
	resp.Diagnostics.Append(state.setState(ctx, &resp.State)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, idIdentityOf(c.ID))...)
}

func (r *customerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config customerModel
	resp.Diagnostics.Append(plan.readModel(ctx, req.Plan.Raw)...)
	resp.Diagnostics.Append(state.readModel(ctx, req.State.Raw)...)
	resp.Diagnostics.Append(config.readModel(ctx, req.Config.Raw)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secrets := append(secretsOf(&plan, &config), secretsOf(&state, nil)...)
	ctx = maskSecrets(ctx, secrets...)

	update, _ := planUpdate(&state, &plan, &config)
	if update.Custom = customForUpdate(ctx, r.client, customersFlow, state.CustomFields, plan.CustomFields, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if update.IsEmpty() {
		plan.ID, plan.HasPassword, plan.CreatedAt, plan.UpdatedAt = state.ID, state.HasPassword, state.CreatedAt, state.UpdatedAt
		r.updateAddresses(ctx, &plan, &state, &resp.Diagnostics)
		resp.Diagnostics.Append(plan.setState(ctx, &resp.State)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, idIdentityOf(state.ID.ValueString()))...)
		return
	}
	c, err := r.client.UpdateCustomer(ctx, state.ID.ValueString(), update)
	if err != nil {
		summary := "Could not update the customer"
		if moltin.IsConflict(err) {
			resp.Diagnostics.AddAttributeError(path.Root("email"), "Email already taken",
				r.client.Redact(fmt.Sprintf("Another customer already has the email %s: choose another. The API said: %s", plan.Email.ValueString(), err), secrets...))
			return
		}
		if moltin.IsNotFound(err) {
			summary = "The customer no longer exists"
		}
		r.addError(&resp.Diagnostics, summary, err, &config, secrets)
		return
	}
	plan.setFromAPI(c)
	plan.CustomFields = customAfterWrite(ctx, customersFlow, plan.CustomFields, update.Custom, c.Custom, &resp.Diagnostics)
	r.updateAddresses(ctx, &plan, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(plan.setState(ctx, &resp.State)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, idIdentityOf(c.ID))...)
}

func (r *customerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, state, secrets, ok := readState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := r.client.DeleteCustomer(ctx, state.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Could not delete the customer", r.client.Redact(err.Error(), secrets...))
	}
}

// ImportState takes a customer id, or an email (anything with an @), which is
// looked up through the list endpoint; or, from an import block's identity
// (no ID then), the identity's id. The customer's addresses come with it.
func (r *customerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importCustomFieldsKey, []byte("true"))...)
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("addresses"), emptyAddresses())...)
		return
	}
	id := strings.TrimSpace(req.ID)
	if strings.Contains(id, "@") {
		c, found, err := r.client.FindCustomerByEmail(ctx, id)
		if err != nil {
			resp.Diagnostics.AddError("Could not look the customer up by email", r.client.Redact(err.Error()))
			return
		}
		if !found {
			resp.Diagnostics.AddError("No customer has that email",
				fmt.Sprintf("No customer in the store has the email %s. Check the address, or import by the customer's id.", id))
			return
		}
		id = c.ID
	}
	if id == "" {
		resp.Diagnostics.AddError("Missing import id", "Import a customer by its id or its email address.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	// Non-null, so that Read brings the addresses (see descAddresses).
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("addresses"), emptyAddresses())...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, idIdentityOf(id))...)
}
