package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The attributes that the resources and data sources have alike: the ID the
// API assigns, the timestamps it keeps, the required strings and emails of
// the resources, and the identity of an object known by its ID alone.

// keepState is the plan modifier of a computed value that never changes once
// the API has set it.
func keepState() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
}

// idAttribute is an ID that the API assigns (the resource's own, or one of
// an object behind it), known once it is created.
func idAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true, PlanModifiers: keepState()}
}

// requiredString is a resource's required, non-empty string, with its plan
// modifiers (such as stringplanmodifier.RequiresReplace) if any.
func requiredString(description string, modifiers ...planmodifier.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Required: true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: modifiers}
}

// requiredEmail is a resource's required email address, compared
// case-insensitively (emailType).
func requiredEmail(description string) schema.StringAttribute {
	return schema.StringAttribute{CustomType: emailType{}, MarkdownDescription: description, Required: true, Validators: []validator.String{emailValidator{}}}
}

// createdAtAttribute is a resource's created_at; noun names the object in
// the description ("When the account was created").
func createdAtAttribute(noun string) schema.StringAttribute {
	return schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, MarkdownDescription: createdAtDescription(noun), Computed: true, PlanModifiers: keepState()}
}

// updatedAtAttribute is a resource's updated_at, unknown in the plan of a
// change unless modifiers say otherwise.
func updatedAtAttribute(noun string, modifiers ...planmodifier.String) schema.StringAttribute {
	return schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, MarkdownDescription: updatedAtDescription(noun), Computed: true, PlanModifiers: modifiers}
}

func createdAtDescription(noun string) string {
	return "When the " + noun + " was created (RFC 3339)."
}

func updatedAtDescription(noun string) string {
	return "When the " + noun + " was last changed (RFC 3339)."
}

// dataTimeAttribute is a data source's read-only timestamp.
func dataTimeAttribute(description string) dschema.StringAttribute {
	return dschema.StringAttribute{CustomType: timetypes.RFC3339Type{}, MarkdownDescription: description, Computed: true}
}

// idIdentitySchema is the identity of a resource known by its id alone
// (idIdentity).
func idIdentitySchema(description string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{Description: description, RequiredForImport: true},
		},
	}
}

// childIdentitySchema is the identity of a resource known by its parent's ID
// and its own (see importChild).
func childIdentitySchema(parentAttr, parentDescription, idDescription string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			parentAttr: identityschema.StringAttribute{Description: parentDescription, RequiredForImport: true},
			"id":       identityschema.StringAttribute{Description: idDescription, RequiredForImport: true},
		},
	}
}
