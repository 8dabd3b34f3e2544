package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

var accountPathRE = regexp.MustCompile(`^/v2/accounts(/[^/]+)?$`)

// accountBodies are the bodies of the POSTs and PUTs to /v2/accounts.
func accountBodies(env *testEnv) []string {
	var out []string
	for _, r := range env.Requests() {
		if (r.Method == http.MethodPost || r.Method == http.MethodPut) && accountPathRE.MatchString(r.Path) {
			var doc struct {
				Data map[string]any `json:"data"`
			}
			_ = json.Unmarshal(r.Body, &doc)
			b, _ := json.Marshal(doc.Data)
			out = append(out, r.Method+" "+string(b))
		}
	}
	return out
}

func expectAccountBodies(env *testEnv, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		return env.wire(fmt.Sprintf("account writes %v", want), func() error {
			got := accountBodies(env)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				return fmt.Errorf("account writes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			return nil
		})
	}
}

// TestAccCustomField_accountValues: custom_fields on moltin_account, in the
// accounts flow: create, a change and a removal (one PUT each, only that
// key), the data source's values, a wrong value named at plan time, import.
func TestAccCustomField_accountValues(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	t.Cleanup(env.deleteOwnFields)
	segment, credit := env.fieldSlug("segment"), env.fieldSlug("credit")
	name := env.accountName("acme")
	fields := fmt.Sprintf(`
resource "moltin_custom_field" "segment" {
  flow           = "accounts"
  slug           = %q
  name           = "Segment"
  field_type     = "string"
  allowed_values = ["b2b", "b2c"]
}
resource "moltin_custom_field" "credit" {
  flow       = "accounts"
  slug       = %q
  name       = "Credit limit"
  field_type = "float"
  min        = 0
}
`, segment, credit)
	account := func(values string) string {
		return fmt.Sprintf("resource \"moltin_account\" \"a\" {\n  name = %q\n  custom_fields = {\n%s\n  }\n}\n", name, values)
	}
	both := "    (moltin_custom_field.segment.slug) = \"b2b\"\n    (moltin_custom_field.credit.slug) = 2500.5"
	changed := "    (moltin_custom_field.segment.slug) = \"b2b\"\n    (moltin_custom_field.credit.slug) = 3000"
	removed := "    (moltin_custom_field.segment.slug) = \"b2b\""
	addr := "moltin_account.a"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(env.FlowFields("accounts")); n != 0 {
				return fmt.Errorf("%d fields left", n)
			}
			if !env.HasFlow("accounts") {
				return fmt.Errorf("the core flow accounts went with its fields")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    env.providerBlock() + fields + account(both),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("custom_fields").AtMapKey(segment), knownvalue.StringExact("b2b")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("custom_fields").AtMapKey(credit), knownvalue.Float64Exact(2500.5)),
				},
				Check: expectAccountBodies(env, "POST "+jsonOf(map[string]any{"type": "account", "name": name, segment: "b2b", credit: 2500.5})),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    env.providerBlock() + fields + account(changed),
				Check:     expectAccountBodies(env, "PUT "+jsonOf(map[string]any{"type": "account", credit: 3000})),
			},
			{
				// The data source carries every non-null value of the flow,
				// looked up by id and by name, and writes nothing.
				PreConfig: env.ResetRequests,
				Config: env.providerBlock() + fields + account(changed) + fmt.Sprintf(`
data "moltin_account" "by_id" {
  id = moltin_account.a.id
}
data "moltin_account" "by_name" {
  name = %q
  depends_on = [moltin_account.a]
}
`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.moltin_account.by_id", tfjsonpath.New("custom_fields"), knownvalue.MapExact(map[string]knownvalue.Check{
						segment: knownvalue.StringExact("b2b"), credit: knownvalue.Int64Exact(3000),
					})),
					statecheck.ExpectKnownValue("data.moltin_account.by_name", tfjsonpath.New("custom_fields"), knownvalue.MapExact(map[string]knownvalue.Check{
						segment: knownvalue.StringExact("b2b"), credit: knownvalue.Int64Exact(3000),
					})),
				},
				Check: expectAccountBodies(env),
			},
			{
				PreConfig: env.ResetRequests,
				// The data source, read after the PUT, leaves the cleared
				// (null) value out.
				Config: env.providerBlock() + fields + account(removed) + `
data "moltin_account" "by_id" {
  id = moltin_account.a.id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.moltin_account.by_id", tfjsonpath.New("custom_fields"), knownvalue.MapExact(map[string]knownvalue.Check{
						segment: knownvalue.StringExact("b2b"),
					})),
				},
				Check: expectAccountBodies(env, "PUT "+jsonOf(map[string]any{"type": "account", credit: nil})),
			},
			{
				Config:      env.providerBlock() + fields + account("    (moltin_custom_field.segment.slug) = \"retail\""),
				ExpectError: regexp.MustCompile(`must\s+be\s+one\s+of\s+"b2b",\s+"b2c"`),
			},
			{
				Config: env.providerBlock() + fields + account(removed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				Config:          env.providerBlock() + fields + account(removed),
			},
		},
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
