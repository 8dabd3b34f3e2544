package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

var (
	_ resource.ResourceWithConfigure   = (*accountResource)(nil)
	_ resource.ResourceWithImportState = (*accountResource)(nil)
	_ resource.ResourceWithIdentity    = (*accountResource)(nil)
)

// NewAccountResource is the moltin_account resource.
func NewAccountResource() resource.Resource { return &accountResource{} }

type accountResource struct {
	resourceClient
}

type accountModel struct {
	ID             types.String      `tfsdk:"id"`
	Name           types.String      `tfsdk:"name"`
	LegalName      types.String      `tfsdk:"legal_name"`
	RegistrationID types.String      `tfsdk:"registration_id"`
	ExternalRef    types.String      `tfsdk:"external_ref"`
	ParentID       types.String      `tfsdk:"parent_id"`
	CreatedAt      timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt      timetypes.RFC3339 `tfsdk:"updated_at"`
	CustomFields   types.Dynamic     `tfsdk:"custom_fields"`
}

const maxRegistrationIDLength = 63

var accountFields = map[string]string{"name": "name", "legal_name": "legal_name", "registration_id": "registration_id",
	"external_ref": "external_ref", "parent_id": "parent_id"}

func (r *accountResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account"
}

func (r *accountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Account Management account: the company or household that account members " +
			"(`moltin_account_member`, joined through `moltin_account_membership`) buy for.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("The account's ID, assigned by the API."),
			"name": requiredString("The account's name."),
			"legal_name": schema.StringAttribute{
				MarkdownDescription: "The account's legal name. Removing it from the configuration clears it.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"registration_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The account's registration ID, at most %d characters and unique in the store. "+
					"With `adopt_existing_customers`, an existing account with this registration ID is adopted instead of failing the create.", maxRegistrationIDLength),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, maxRegistrationIDLength)},
			},
			"external_ref": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("A reference to the account in another system, at most %d characters. Removing it from the configuration clears it.", maxExternalRefLength),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxExternalRefLength)},
			},
			"parent_id": schema.StringAttribute{
				MarkdownDescription: "The ID of the parent account, for a sub-account. The API sets it at creation only: changing it replaces the account.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"created_at":     createdAtAttribute("account"),
			"updated_at":     updatedAtAttribute("account"),
			customFieldsAttr: customFieldsAttribute(accountsFlow, "account"),
		},
	}
}

func (r *accountResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = idIdentitySchema("The account's ID.")
}

func (m *accountModel) setFromAPI(a moltin.Account) {
	m.ID, m.Name = types.StringValue(a.ID), types.StringValue(a.Name)
	m.LegalName, m.RegistrationID = types.StringPointerValue(a.LegalName), types.StringPointerValue(a.RegistrationID)
	m.ExternalRef, m.ParentID = types.StringPointerValue(a.ExternalRef), types.StringPointerValue(a.ParentID)
	m.CreatedAt, m.UpdatedAt = timeValue(a.CreatedAt), timeValue(a.UpdatedAt)
}

// accountUpdate is the partial update that takes state to plan: only the
// attributes that differ, a removed optional one sent as null.
func accountUpdate(state, plan *accountModel) moltin.AccountUpdate {
	var u moltin.AccountUpdate
	if !plan.Name.Equal(state.Name) {
		u.Name = plan.Name.ValueStringPointer()
	}
	patch := func(p, s types.String) *moltin.Patch {
		if p.Equal(s) {
			return nil
		}
		return moltin.PatchOf(p.ValueStringPointer())
	}
	u.LegalName = patch(plan.LegalName, state.LegalName)
	u.RegistrationID = patch(plan.RegistrationID, state.RegistrationID)
	u.ExternalRef = patch(plan.ExternalRef, state.ExternalRef)
	return u
}

func (r *accountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, plan, ok := modelFrom[accountModel](ctx, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	in := moltin.AccountCreate{Name: plan.Name.ValueString(), LegalName: plan.LegalName.ValueStringPointer(),
		RegistrationID: plan.RegistrationID.ValueStringPointer(), ExternalRef: plan.ExternalRef.ValueStringPointer(),
		ParentID: plan.ParentID.ValueStringPointer()}
	if in.Custom = customForCreate(ctx, r.client, accountsFlow, plan.CustomFields, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	a, err := r.client.CreateAccount(ctx, in)
	adopted := false
	if err != nil && r.client.AdoptsExistingCustomers() {
		a, adopted, err = r.client.AdoptExistingAccount(ctx, in, err)
	}
	if err != nil {
		var managed *moltin.AlreadyManagedError
		switch {
		case errors.As(err, &managed):
			resp.Diagnostics.AddAttributeError(path.Root("registration_id"), "Registration ID already taken",
				r.client.Redact(fmt.Sprintf("%s. Give each account its own registration_id.", err)))
		case moltin.IsConflict(err) && in.RegistrationID != nil:
			resp.Diagnostics.AddAttributeError(path.Root("registration_id"), "Registration ID already taken",
				r.client.Redact(fmt.Sprintf("An account with the registration ID %s already exists in the store. Import it (by its ID), choose another registration_id, "+
					"or, in a test store, set adopt_existing_customers = true in the provider block to adopt it. The API said: %s", *in.RegistrationID, err)))
		default:
			addAPIError(r.client, &resp.Diagnostics, "Could not create the account", err, accountFields)
		}
		return
	}
	logCreate(ctx, &resp.Diagnostics, "account", map[string]any{"account_id": a.ID}, adopted, func() diag.Diagnostic {
		return diag.NewAttributeWarningDiagnostic(path.Root("registration_id"), "Adopted an existing account",
			fmt.Sprintf("Account %s already had the registration ID %s, so none was created: since adopt_existing_customers is on, this resource now manages it "+
				"(only the attributes that differed were changed). Destroying this resource deletes it.", a.ID, *in.RegistrationID))
	})
	plan.setFromAPI(a)
	plan.CustomFields = customAfterWrite(ctx, accountsFlow, plan.CustomFields, in.Custom, a.Custom, &resp.Diagnostics)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(a.ID))
}

func (r *accountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, state, ok := modelFrom[accountModel](ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	a, err := r.client.GetAccount(ctx, id)
	if readFailed(ctx, resp, err, idIdentityOf(id), "Moltin account no longer exists; removing it from the state", map[string]any{"account_id": id},
		r.client, "account") {
		return
	}
	state.setFromAPI(a)
	imported := importMarked(ctx, req.Private, resp.Private, &resp.Diagnostics)
	state.CustomFields = customAfterRead(ctx, state.CustomFields, a.Custom, imported, &resp.Diagnostics)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &state, idIdentityOf(a.ID))
}

func (r *accountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, plan, state, ok := planAndState[accountModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	u := accountUpdate(&state, &plan)
	if u.Custom = customForUpdate(ctx, r.client, accountsFlow, state.CustomFields, plan.CustomFields, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if u.IsEmpty() {
		plan.ID, plan.CreatedAt, plan.UpdatedAt = state.ID, state.CreatedAt, state.UpdatedAt
		saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(state.ID.ValueString()))
		return
	}
	a, err := r.client.UpdateAccount(ctx, state.ID.ValueString(), u)
	if err != nil {
		if moltin.IsConflict(err) {
			resp.Diagnostics.AddAttributeError(path.Root("registration_id"), "Registration ID already taken",
				r.client.Redact(fmt.Sprintf("Another account already has the registration ID %s: choose another. The API said: %s", plan.RegistrationID.ValueString(), err)))
			return
		}
		addAPIError(r.client, &resp.Diagnostics, "Could not update the account", err, accountFields)
		return
	}
	plan.setFromAPI(a)
	plan.CustomFields = customAfterWrite(ctx, accountsFlow, plan.CustomFields, u.Custom, a.Custom, &resp.Diagnostics)
	saveState(ctx, &resp.State, resp.Identity, &resp.Diagnostics, &plan, idIdentityOf(a.ID))
}

func (r *accountResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject(ctx, req, resp, r.client, "account", func(ctx context.Context, m *accountModel) error {
		return r.client.DeleteAccount(ctx, m.ID.ValueString())
	})
}

// ImportState takes the account's id, or an import block's identity.
func (r *accountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, "account", req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importCustomFieldsKey, []byte("true"))...)
}
