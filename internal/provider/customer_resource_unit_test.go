package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// planUpdateCase starts from one stored customer; change edits the plan and
// the configuration before planUpdate runs.
type planUpdateCase struct {
	name   string
	state  func(s *customerModel)
	change func(plan, config *customerModel)
	// want is the update's request body, or "" for no request at all.
	want    string
	unknown bool
	// config, when set, edits the configuration last.
	config func(c *customerModel)
}

// moveToWO moves the password from password to password_wo (version 1).
func moveToWO(password string) func(p, c *customerModel) {
	return func(p, c *customerModel) {
		p.Password = types.StringNull()
		sendWO(1, password)(p, c)
	}
}

func storedCustomer() customerModel {
	return customerModel{
		customerAttrs: customerAttrs{
			ID: types.StringValue("c-1"), Name: types.StringValue("Ann"), Email: newEmailValue("ann@example.com"),
			ExternalRef: types.StringValue("ref-1"), HasPassword: types.BoolValue(true),
			CreatedAt: timetypes.NewRFC3339ValueMust("2026-01-01T00:00:00Z"), UpdatedAt: timetypes.NewRFC3339ValueMust("2026-01-01T00:00:00Z"),
		},
		Password: types.StringNull(), PasswordWO: types.StringNull(), PasswordWOVersion: types.Int64Null(),
	}
}

// sendWO sets password_wo and its version.
func sendWO(version int64, password string) func(p, c *customerModel) {
	return func(p, c *customerModel) {
		p.PasswordWOVersion = types.Int64Value(version)
		c.PasswordWO = types.StringValue(password)
	}
}

func TestPlanUpdate(t *testing.T) {
	for _, tc := range []planUpdateCase{
		{name: "nothing changes", change: func(*customerModel, *customerModel) {}},
		{
			name:   "name alone",
			change: func(p, _ *customerModel) { p.Name = types.StringValue("Bo") },
			want:   `{"data":{"name":"Bo","type":"customer"}}`,
		},
		{
			name:   "email alone",
			change: func(p, _ *customerModel) { p.Email = newEmailValue("bo@example.com") },
			want:   `{"data":{"email":"bo@example.com","type":"customer"}}`,
		},
		{
			name:   "external_ref alone",
			change: func(p, _ *customerModel) { p.ExternalRef = types.StringValue("ref-2") },
			want:   `{"data":{"external_ref":"ref-2","type":"customer"}}`,
		},
		{
			name:   "external_ref removed from the configuration clears it",
			change: func(p, _ *customerModel) { p.ExternalRef = types.StringNull() },
			want:   `{"data":{"external_ref":null,"type":"customer"}}`,
		},
		{
			name:   "external_ref added",
			state:  func(s *customerModel) { s.ExternalRef = types.StringNull() },
			change: func(p, _ *customerModel) { p.ExternalRef = types.StringValue("ref-2") },
			want:   `{"data":{"external_ref":"ref-2","type":"customer"}}`,
		},
		{
			name:   "external_ref absent from state and plan",
			state:  func(s *customerModel) { s.ExternalRef = types.StringNull() },
			change: func(p, _ *customerModel) { p.ExternalRef = types.StringNull() },
		},
		{
			name: "name and email together, in one request",
			change: func(p, _ *customerModel) {
				p.Name = types.StringValue("Bo")
				p.Email = newEmailValue("bo@example.com")
			},
			want: `{"data":{"email":"bo@example.com","name":"Bo","type":"customer"}}`,
		},
		{
			name:   "password set for the first time",
			change: func(p, _ *customerModel) { p.Password = types.StringValue("pw-1") },
			want:   `{"data":{"password":"pw-1","type":"customer"}}`,
		},
		{
			name:   "password changed",
			state:  func(s *customerModel) { s.Password = types.StringValue("pw-1") },
			change: func(p, _ *customerModel) { p.Password = types.StringValue("pw-2") },
			want:   `{"data":{"password":"pw-2","type":"customer"}}`,
		},
		{
			name:  "password unchanged",
			state: func(s *customerModel) { s.Password = types.StringValue("pw-1") },
			change: func(*customerModel, *customerModel) {
			},
		},
		{
			name:   "password removed from the configuration leaves it as it is",
			state:  func(s *customerModel) { s.Password = types.StringValue("pw-1") },
			change: func(p, _ *customerModel) { p.Password = types.StringNull() },
		},
		{name: "password_wo first sent with its version", change: sendWO(1, "wo-1"), want: `{"data":{"password":"wo-1","type":"customer"}}`},
		{
			name:   "password_wo rotated by its version",
			state:  func(s *customerModel) { s.PasswordWOVersion = types.Int64Value(1) },
			change: sendWO(2, "wo-2"), want: `{"data":{"password":"wo-2","type":"customer"}}`,
		},
		{
			name:   "password_wo changed without its version is not sent",
			state:  func(s *customerModel) { s.PasswordWOVersion = types.Int64Value(1) },
			change: func(_, c *customerModel) { c.PasswordWO = types.StringValue("wo-2") },
		},
		{
			name:  "password_wo removed from the configuration leaves it as it is",
			state: func(s *customerModel) { s.PasswordWOVersion = types.Int64Value(1) },
			change: func(p, _ *customerModel) {
				p.PasswordWOVersion = types.Int64Null()
			},
		},
		{
			name:   "the same password moved from password to password_wo sends nothing",
			state:  func(s *customerModel) { s.Password = types.StringValue("pw-1") },
			change: moveToWO("pw-1"),
		},
		{
			name:   "another password moved from password to password_wo is sent",
			state:  func(s *customerModel) { s.Password = types.StringValue("pw-1") },
			change: moveToWO("wo-1"), want: `{"data":{"password":"wo-1","type":"customer"}}`,
		},
		{
			name:  "password_wo moved back to password is sent",
			state: func(s *customerModel) { s.PasswordWOVersion = types.Int64Value(1) },
			change: func(p, _ *customerModel) {
				p.PasswordWOVersion = types.Int64Null()
				p.Password = types.StringValue("pw-1")
			},
			want: `{"data":{"password":"pw-1","type":"customer"}}`,
		},
		{name: "name unknown", change: func(p, _ *customerModel) { p.Name = types.StringUnknown() }, unknown: true},
		{name: "email unknown", change: func(p, _ *customerModel) { p.Email = emailValue{StringValue: types.StringUnknown()} }, unknown: true},
		{name: "external_ref unknown", change: func(p, _ *customerModel) { p.ExternalRef = types.StringUnknown() }, unknown: true},
		{name: "password unknown", change: func(p, _ *customerModel) { p.Password = types.StringUnknown() }, unknown: true},
		{name: "password_wo_version unknown", change: func(p, _ *customerModel) { p.PasswordWOVersion = types.Int64Unknown() }, unknown: true},
		{name: "password_wo unknown", change: sendWO(1, ""), config: func(c *customerModel) { c.PasswordWO = types.StringUnknown() }, unknown: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := storedCustomer()
			if tc.state != nil {
				tc.state(&state)
			}
			// The plan starts as the state; the configuration has no
			// computed values and holds the write-only password.
			plan := state
			config := state
			config.ID, config.HasPassword, config.CreatedAt, config.UpdatedAt = types.StringNull(), types.BoolNull(), timetypes.NewRFC3339Null(), timetypes.NewRFC3339Null()
			tc.change(&plan, &config)
			config.Name, config.Email, config.ExternalRef, config.Password, config.PasswordWOVersion = plan.Name, plan.Email, plan.ExternalRef, plan.Password, plan.PasswordWOVersion
			if tc.config != nil {
				tc.config(&config)
			}

			update, unknown := planUpdate(&state, &plan, &config)
			if unknown != tc.unknown {
				t.Fatalf("unknown = %v, want %v", unknown, tc.unknown)
			}
			if unknown {
				return
			}
			got := ""
			if !update.IsEmpty() {
				b, err := json.Marshal(update)
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("update body %s, want %s", orNone(got), orNone(tc.want))
			}
		})
	}
}

func orNone(body string) string {
	if body == "" {
		return "(no request)"
	}
	return body
}

func TestAPIErrorPath(t *testing.T) {
	apiErr := func(pointers ...string) error {
		e := &moltin.APIError{Method: "PUT", Path: "/v2/customers/c-1", StatusCode: 422}
		for _, p := range pointers {
			o := moltin.ErrorObject{Title: "Failed Validation"}
			if p != "-" {
				o.Source = &moltin.ErrorSource{Pointer: p}
			}
			e.Errors = append(e.Errors, o)
		}
		return e
	}
	withWO := &customerModel{PasswordWO: types.StringValue("wo")}
	withoutWO := &customerModel{PasswordWO: types.StringNull()}
	for _, tc := range []struct {
		name   string
		err    error
		config *customerModel
		want   string // "" for no attribute
	}{
		{"name", apiErr("/data/name"), withoutWO, "name"},
		{"email", apiErr("/data/email"), withoutWO, "email"},
		{"external_ref", apiErr("/data/external_ref"), withoutWO, "external_ref"},
		{"password from the password attribute", apiErr("/data/password"), withoutWO, "password"},
		{"password from password_wo", apiErr("/data/password"), withWO, "password_wo"},
		{"password without a configuration", apiErr("/data/password"), nil, "password"},
		{"an attribute the schema does not have", apiErr("/data/type"), withoutWO, ""},
		{"no source", apiErr("-"), withoutWO, ""},
		{"no errors at all", apiErr(), withoutWO, ""},
		{"the first error with a known attribute wins", apiErr("-", "/data/type", "/data/email", "/data/name"), withoutWO, "email"},
		{"wrapped", fmt.Errorf("updating: %w", apiErr("/data/name")), withoutWO, "name"},
		{"not an API error", errors.New("connection refused"), withoutWO, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := apiErrorPath(tc.err, tc.config)
			if tc.want == "" {
				if ok {
					t.Errorf("got %s, want no attribute", p)
				}
				return
			}
			if !ok || !p.Equal(path.Root(tc.want)) {
				t.Errorf("got %s (ok=%v), want %s", p, ok, tc.want)
			}
		})
	}
}
