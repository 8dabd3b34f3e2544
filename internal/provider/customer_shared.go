package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// What the customer resource, the customer data sources, the customer list
// resource and the customer token ephemeral resource share: the customer as
// Terraform values, the descriptions of its read-only attributes, the
// filters of a listing, the client handed over by the provider, and the
// masking of secrets in logs.

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
	descCustomerCreatedAt   = "When the customer was created (RFC 3339)."
	descCustomerUpdatedAt   = "When the customer was last changed (RFC 3339)."
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
		"created_at":   schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, MarkdownDescription: descCustomerCreatedAt, Computed: true},
		"updated_at":   schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, MarkdownDescription: descCustomerUpdatedAt, Computed: true},
	}
}

// timeValue is an API timestamp as an RFC 3339 string in UTC, with the
// fraction of a second the API gave (timetypes.NewRFC3339TimeValue would drop
// it); null when the API gave none.
func timeValue(t time.Time) timetypes.RFC3339 {
	if t.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.RFC3339{StringValue: types.StringValue(t.UTC().Format(time.RFC3339Nano))}
}

// clientFromProviderData takes the API client that the provider's Configure
// hands to resources, data sources and ephemeral resources. It is nil while
// the provider is not configured yet (during validation).
func clientFromProviderData(data any, diags *diag.Diagnostics) *moltin.Client {
	if data == nil {
		return nil
	}
	client, ok := data.(*moltin.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *moltin.Client, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return client
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

// maskSecrets masks the values in every log line written with ctx, a second
// line of defence behind the client, which never logs bodies.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "password", "password_wo", "client_secret", "token", "access_token", "Authorization")
	if len(secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return ctx
}

// Descriptions of the filters that the moltin_customers data source and the
// moltin_customer list resource share.
const (
	descFilterEmail       = "Only the customer with this email address, compared case-insensitively."
	descFilterName        = "Only customers with exactly this name. Commas, colons, quotes and parentheses are matched literally."
	descFilterExternalRef = "Only customers with exactly this external reference."
)

// filterAttribute is one string filter attribute, to be made into the
// attribute of whichever schema package needs it.
type filterAttribute struct {
	description string
	validators  []validator.String
}

// customerFilterAttributes are the filters of the moltin_customer list
// resource and the moltin_delete_customers action, by attribute name: the
// fields of customerFilterModel.
func customerFilterAttributes() map[string]filterAttribute {
	return map[string]filterAttribute{
		"email": {descFilterEmail, []validator.String{
			emailValidator{},
			stringvalidator.ConflictsWith(path.MatchRoot("email_like")),
		}},
		"email_like": {"Only customers whose email matches this pattern, case-insensitively, where `*` stands for any run of characters: `*@test.example.com` finds every customer of that domain.",
			[]validator.String{stringvalidator.LengthAtLeast(1)}},
		"name": {descFilterName, []validator.String{
			stringvalidator.LengthAtLeast(1),
			stringvalidator.ConflictsWith(path.MatchRoot("name_like")),
		}},
		"name_like": {"Only customers whose name matches this pattern, case-insensitively, where `*` stands for any run of characters: `E2E *` finds `E2E shopper 17`.",
			[]validator.String{stringvalidator.LengthAtLeast(1)}},
		"external_ref": {descFilterExternalRef, []validator.String{stringvalidator.LengthAtLeast(1)}},
	}
}

// customerFilterModel holds the filter attributes that the moltin_customers
// data source, the moltin_customer list resource and the
// moltin_delete_customers action share; null ones filter nothing.
type customerFilterModel struct {
	Email       types.String `tfsdk:"email"`
	EmailLike   types.String `tfsdk:"email_like"`
	Name        types.String `tfsdk:"name"`
	NameLike    types.String `tfsdk:"name_like"`
	ExternalRef types.String `tfsdk:"external_ref"`
}

// filters is the API filter for m. The client quotes every value, so a
// comma or parenthesis in a name cannot end the term or add another.
func (m customerFilterModel) filters() []moltin.Filter {
	var out []moltin.Filter
	for _, f := range []struct {
		value types.String
		term  func(field, value string) moltin.Filter
		field string
	}{
		{m.Email, moltin.Eq, "email"},
		{m.EmailLike, moltin.Like, "email"},
		{m.Name, moltin.Eq, "name"},
		{m.NameLike, moltin.Like, "name"},
		{m.ExternalRef, moltin.Eq, "external_ref"},
	} {
		if !f.value.IsNull() && !f.value.IsUnknown() {
			out = append(out, f.term(f.field, f.value.ValueString()))
		}
	}
	return out
}

// listCustomersErrorDetail explains a failed listing, with the filter sent.
func listCustomersErrorDetail(client *moltin.Client, err error, filters []moltin.Filter) string {
	detail := "Listing customers failed: " + client.Redact(err.Error())
	if len(filters) > 0 {
		detail += "\n\nFilter sent: " + moltin.JoinFilters(filters)
	}
	return detail
}

// pointedFields names, in order, the attributes of the request body that an
// API error's source.pointer points at ("/data/<field>"), for resources to
// show the error on the attribute's line.
func pointedFields(err error) []string {
	var apiErr *moltin.APIError
	if !errors.As(err, &apiErr) {
		return nil
	}
	var fields []string
	for _, o := range apiErr.Errors {
		if o.Source != nil {
			fields = append(fields, strings.TrimPrefix(o.Source.Pointer, "/data/"))
		}
	}
	return fields
}
