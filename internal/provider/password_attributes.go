package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The password attributes that moltin_customer and moltin_account_member
// have alike: password_wo with password_wo_version, and the legacy password
// for clients without write-only attributes.

// passwordAttributes are the password attributes of a resource. subject
// begins their descriptions ("The customer's password"); stateReason ends
// the sentence that says why the legacy password is in the state, and
// legacyNotes says more of it before its conflict with password_wo.
func passwordAttributes(subject string, minLength int, stateReason, legacyNotes string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"password_wo": schema.StringAttribute{
			MarkdownDescription: subject + ", **write-only**: sent to the API but never stored in the plan or state. " +
				"Needs Terraform 1.11+ or OpenTofu 1.11+. Sent on create, and on update only when `password_wo_version` changes. " +
				"Requires `password_wo_version`; conflicts with `password`.",
			Optional:   true,
			Sensitive:  true,
			WriteOnly:  true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(minLength), stringvalidator.AlsoRequires(path.MatchRoot("password_wo_version"))},
		},
		"password_wo_version": schema.Int64Attribute{
			MarkdownDescription: "Any number that you change to send `password_wo` again (rotate the password). Never forces a replacement.",
			Optional:            true,
			Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
		},
		"password": schema.StringAttribute{
			MarkdownDescription: subject + ", for clients without write-only attributes (Terraform before 1.11, OpenTofu before 1.11). " +
				"**Stored in plain text in the state**, since the API never returns a password" + stateReason + ". " +
				"Prefer `password_wo`." + legacyNotes + " Conflicts with `password_wo`.",
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(minLength), stringvalidator.ConflictsWith(path.MatchRoot("password_wo"))},
		},
	}
}

// checkWriteOnlyClient refuses a configured password_wo when the client has
// no write-only attributes (writeOnlyAllowed, from ValidateConfig's client
// capabilities).
func checkWriteOnlyClient(passwordWO types.String, writeOnlyAllowed bool, diags *diag.Diagnostics) {
	if !passwordWO.IsNull() && !writeOnlyAllowed {
		diags.AddAttributeError(path.Root("password_wo"), "password_wo needs a client with write-only attributes",
			"password_wo is a write-only attribute, which Terraform 1.11 and later and OpenTofu 1.11 and later support; this client does not. "+
				"Upgrade the client, or use the password attribute instead (it works on every client, but stores the password in the state).")
	}
}
