package provider

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// emailValidator checks a bare address (no display name) with net/mail; the
// framework-validators module has no email validator.
type emailValidator struct{}

var _ validator.String = emailValidator{}

func (emailValidator) Description(context.Context) string { return "must be an email address" }
func (v emailValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (emailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkEmail(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address", fmt.Sprintf("%s %s", req.Path, msg))
	}
}

func checkEmail(s string) string {
	if strings.TrimSpace(s) != s {
		return fmt.Sprintf("%q has leading or trailing spaces: remove them.", s)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return fmt.Sprintf("%q is not an email address such as jane@example.com.", s)
	}
	return ""
}
