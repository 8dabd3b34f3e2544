package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// What the customer resource, the customer data sources, the customer list
// resource and the customer token ephemeral resource share: the customer as
// Terraform values, the descriptions of its read-only attributes, and the
// passwords to mask in logs.

// customerAttrs are the attributes of a customer that the API returns: the
// whole moltin_customer data source, one element of moltin_customers, and the
// part of moltin_customer that is not a password.
type customerAttrs struct {
	ID          types.String      `tfsdk:"id"`
	Name        types.String      `tfsdk:"name"`
	Email       emailValue        `tfsdk:"email"`
	ExternalRef types.String      `tfsdk:"external_ref"`
	HasPassword types.Bool        `tfsdk:"has_password"`
	CreatedAt   timetypes.RFC3339 `tfsdk:"created_at"`
	UpdatedAt   timetypes.RFC3339 `tfsdk:"updated_at"`
}

// customerAttrsOf is the one mapping of an API customer to Terraform values.
func customerAttrsOf(c moltin.Customer) customerAttrs {
	return customerAttrs{
		ID:          types.StringValue(c.ID),
		Name:        types.StringValue(c.Name),
		Email:       newEmailValue(c.Email),
		ExternalRef: types.StringPointerValue(c.ExternalRef),
		HasPassword: types.BoolValue(c.HasPassword),
		CreatedAt:   timeValue(c.CreatedAt),
		UpdatedAt:   timeValue(c.UpdatedAt),
	}
}

// Descriptions of the read-only customer attributes.
const (
	descCustomerName        = "The customer's full name."
	descCustomerExternalRef = "The customer's reference in another system; null when not set."
	descCustomerHasPassword = "Whether the customer has a password set. The password itself can never be read."
)

// customerDataAttributes is the data sources' schema of customerAttrs: id and
// email as each data source has them, the rest read-only.
func customerDataAttributes(id, email schema.StringAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":           id,
		"email":        email,
		"name":         schema.StringAttribute{MarkdownDescription: descCustomerName, Computed: true},
		"external_ref": schema.StringAttribute{MarkdownDescription: descCustomerExternalRef, Computed: true},
		"has_password": schema.BoolAttribute{MarkdownDescription: descCustomerHasPassword, Computed: true},
		"created_at":   dataTimeAttribute(createdAtDescription("customer")),
		"updated_at":   dataTimeAttribute(updatedAtDescription("customer")),
	}
}

// secretsOf lists the passwords in a customer's model and, when given, in
// its configuration (where a write-only password is).
func secretsOf(m, config *customerModel) []string {
	var out []string
	for _, v := range []types.String{m.Password, m.PasswordWO} {
		if s := v.ValueString(); s != "" {
			out = append(out, s)
		}
	}
	if config != nil {
		if s := config.PasswordWO.ValueString(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// customerNotFound is the one error for a customer that a configuration
// names and the store does not have, on the attribute that names it: what
// was looked for (its id or email, by), then what to do.
func customerNotFound(attr path.Path, by, value, next string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, "Customer not found",
		fmt.Sprintf("No customer in the store has the %s %q. %s", by, value, next))
}
