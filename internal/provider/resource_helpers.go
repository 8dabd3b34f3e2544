package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// What the managed resources share: their identities, their imports, what
// Read does when the object is gone, and Delete.

// idIdentity is the identity of a resource known by its id alone.
type idIdentity struct {
	ID types.String `tfsdk:"id"`
}

func idIdentityOf(id string) idIdentity { return idIdentity{ID: types.StringValue(id)} }

// setIDIdentity records an object's id, which never changes, as its
// resource identity on clients that keep one (Terraform and OpenTofu 1.12+).
func setIDIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	return setIdentity(ctx, identity, idIdentityOf(id))
}

// saveState sets a resource's new state, model, and with it its identity,
// which the framework wants beside every state it is given.
func saveState(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics, model, ident any) {
	diags.Append(state.Set(ctx, model)...)
	diags.Append(setIdentity(ctx, identity, ident)...)
}

// removeGone is Read's answer to a 404: it logs msg and removes the resource
// from the state, so that the next plan creates it again. It sets the
// identity all the same: the framework wants one even for a removed
// resource, and clients that keep none (Terraform before 1.12) would
// otherwise fail the plan with "Missing Resource Identity After Read".
func removeGone(ctx context.Context, resp *resource.ReadResponse, identity any, msg string, logFields map[string]any) {
	tflog.Warn(ctx, msg, logFields)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, identity)...)
	resp.State.RemoveResource(ctx)
}

// planAndState is the start of Update where the model holds no secret: plan
// and state, and a context that masks secrets (see modelFrom).
func planAndState[M any](ctx context.Context, req resource.UpdateRequest, diags *diag.Diagnostics) (_ context.Context, plan, state M, ok bool) {
	diags.Append(req.Plan.Get(ctx, &plan)...)
	diags.Append(req.State.Get(ctx, &state)...)
	return maskSecrets(ctx), plan, state, !diags.HasError()
}

// logCreate logs how Create came by its object (noun, such as "account"):
// created, or adopted (adopt_existing_customers), which also adds the
// warning that adoptedWarning makes.
func logCreate(ctx context.Context, diags *diag.Diagnostics, noun string, logFields map[string]any, adopted bool, adoptedWarning func() diag.Diagnostic) {
	if adopted {
		tflog.Warn(ctx, "Adopted an existing Moltin "+noun, logFields)
		diags.Append(adoptedWarning())
		return
	}
	tflog.Info(ctx, "Created Moltin "+noun, logFields)
}

// readFailed is Read's answer to the error of getting the object: a 404
// removes the resource (removeGone, with identity, msg and logFields), any
// other error is "Could not read the <noun>". It reports whether err was one,
// for Read to stop.
func readFailed(ctx context.Context, resp *resource.ReadResponse, err error, identity any, msg string, logFields map[string]any,
	client *moltin.Client, noun string, secrets ...string) bool {
	if moltin.IsNotFound(err) {
		removeGone(ctx, resp, identity, msg, logFields)
		return true
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not read the "+noun, client.Redact(err.Error(), secrets...))
		return true
	}
	return false
}

// deleteObject is the Delete of a resource whose state holds no secret: del
// deletes the object that the state's model names.
func deleteObject[M any](ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse, client *moltin.Client, noun string,
	del func(context.Context, *M) error) {
	ctx, state, ok := modelFrom[M](ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := del(ctx, &state); err != nil {
		resp.Diagnostics.AddError("Could not delete the "+noun, client.Redact(err.Error()))
	}
}

// importByID is the import of a resource known by its id alone.
func importByID(ctx context.Context, what string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		var ident idIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		id = ident.ID.ValueString()
	}
	if id == "" || strings.Contains(id, "/") {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a %s by its ID (got %q).", what, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setIDIdentity(ctx, resp.Identity, id)...)
}

// importChild is the import of a resource known by its parent's ID and its
// own: "<parent_id>/<id>", or an import block's identity (parentAttr and
// id). form ends the error for an ID of another form: what the parts are,
// and how to give them. identityOf makes the identity to record.
func importChild[I any](ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	parentAttr, form string, identityOf func(parentID, id string) I) {
	var parentID, id string
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		var parent, own types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(parentAttr), &parent)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("id"), &own)...)
		parentID, id = parent.ValueString(), own.ValueString()
	} else {
		var ok bool
		parentID, id, ok = strings.Cut(strings.TrimSpace(req.ID), "/")
		if !ok || parentID == "" || id == "" || strings.Contains(id, "/") {
			resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%q is not of the form %s", req.ID, form))
			return
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(parentAttr), parentID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, identityOf(parentID, id))...)
}
