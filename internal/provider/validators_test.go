package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckEmail(t *testing.T) {
	for _, tc := range []struct {
		in string
		// want is a part of the message, or "" for a valid address.
		want string
	}{
		{"jane@example.com", ""},
		{"Jane.Doe+e2e@Example.co.uk", ""},
		{"o'brien@example.com", ""},
		{"jane@localhost", ""},
		{"", "is not an email address"},
		{"jane", "is not an email address"},
		{"jane@", "is not an email address"},
		{"@example.com", "is not an email address"},
		{"jane@@example.com", "is not an email address"},
		{"jane doe@example.com", "is not an email address"},
		{"Jane <jane@example.com>", "is not an email address"},
		{"<jane@example.com>", "is not an email address"},
		{"jane@example.com, bo@example.com", "is not an email address"},
		{"jane@example.com (Jane)", "is not an email address"},
		{" jane@example.com", "leading or trailing spaces"},
		{"jane@example.com\n", "leading or trailing spaces"},
	} {
		got := checkEmail(tc.in)
		switch {
		case tc.want == "" && got != "":
			t.Errorf("checkEmail(%q) = %q, want valid", tc.in, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("checkEmail(%q) = %q, want a message with %q", tc.in, got, tc.want)
		}
	}
}

// The validator names the attribute, and leaves null and unknown values
// alone (an unknown one is checked once it is known).
func TestEmailValidator(t *testing.T) {
	for _, tc := range []struct {
		name    string
		value   types.String
		wantErr bool
	}{
		{"valid", types.StringValue("jane@example.com"), false},
		{"invalid", types.StringValue("Jane <jane@example.com>"), true},
		{"null", types.StringNull(), false},
		{"unknown", types.StringUnknown(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("email"), ConfigValue: tc.value}
			var resp validator.StringResponse
			emailValidator{}.ValidateString(context.Background(), req, &resp)
			if resp.Diagnostics.HasError() != tc.wantErr {
				t.Fatalf("errors %v, want error %v", resp.Diagnostics, tc.wantErr)
			}
			if tc.wantErr && !hasAttributeError(resp.Diagnostics, "email", "email ") {
				t.Errorf("the error does not name the attribute: %v", resp.Diagnostics)
			}
		})
	}
}
