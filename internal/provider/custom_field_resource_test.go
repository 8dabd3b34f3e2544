package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// customFieldsHCL declares the test's fields of the customers flow, one of
// each type, with rules, and an extra one that no customer sets. Points has
// a default against the emulator only: on a shared live store a default
// gives every customer the value, so other tests' imports would read it.
func customFieldsHCL(env *testEnv) string {
	pointsDefault := `default    = "0"`
	if env.live() {
		pointsDefault = ""
	}
	return fmt.Sprintf(`
resource "moltin_custom_field" "tier" {
  flow           = "customers"
  slug           = %q
  name           = "Loyalty tier"
  field_type     = "string"
  allowed_values = ["gold", "silver", "platinum"]
}
resource "moltin_custom_field" "points" {
  flow       = "customers"
  slug       = %q
  name       = "Points"
  field_type = "integer"
  min        = 0
  max        = 100000
  %s
}
resource "moltin_custom_field" "score" {
  flow       = "customers"
  slug       = %q
  name       = "Score"
  field_type = "float"
}
resource "moltin_custom_field" "vip" {
  flow       = "customers"
  slug       = %q
  name       = "VIP"
  field_type = "boolean"
}
resource "moltin_custom_field" "since" {
  flow        = "customers"
  slug        = %q
  name        = "Member since"
  field_type  = "date"
  description = "First order"
}
resource "moltin_custom_field" "contact" {
  flow       = "customers"
  slug       = %q
  name       = "Contact"
  field_type = "string"
  format     = "email"
}
`, env.fieldSlug("tier"), env.fieldSlug("points"), pointsDefault, env.fieldSlug("score"), env.fieldSlug("vip"), env.fieldSlug("since"), env.fieldSlug("contact"))
}

// customerWithFields is a customer whose custom_fields reference the
// fields' slugs (which orders the apply), with the HCL values given.
func customerWithFields(email string, values map[string]string) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"moltin_customer\" \"test\" {\n  name  = \"Gold Shopper\"\n  email = %q\n  custom_fields = {\n", email)
	for _, k := range keys {
		fmt.Fprintf(&b, "    (moltin_custom_field.%s.slug) = %s\n", k, values[k])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// customerBodies are the bodies of the POSTs and PUTs to customers in the
// emulator's log.
func customerBodies(env *testEnv) []string {
	var out []string
	for _, r := range env.Requests() {
		if (r.Kind == emulator.KindCreate || r.Kind == emulator.KindUpdate) && strings.HasPrefix(r.Path, "/v2/customers") {
			out = append(out, r.Method+" "+string(r.Body))
		}
	}
	return out
}

// expectCustomerBodies checks the exact customer writes since the last
// reset: each want is "METHOD <data as JSON>", compared as JSON.
func expectCustomerBodies(env *testEnv, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		return env.wire(fmt.Sprintf("customer writes %v", want), func() error {
			got := customerBodies(env)
			if len(got) != len(want) {
				return fmt.Errorf("want %d customer writes, got %d: %q", len(want), len(got), got)
			}
			for i := range want {
				wm, wb, _ := strings.Cut(want[i], " ")
				gm, gb, _ := strings.Cut(got[i], " ")
				var w, g any
				if err := json.Unmarshal([]byte(wb), &w); err != nil {
					return fmt.Errorf("bad want %q: %v", wb, err)
				}
				_ = json.Unmarshal([]byte(gb), &g)
				wj, _ := json.Marshal(w)
				gj, _ := json.Marshal(g)
				if wm != gm || string(wj) != string(gj) {
					return fmt.Errorf("write %d: want %s %s, got %s %s", i, wm, wj, gm, gj)
				}
			}
			return nil
		})
	}
}

// TestAccCustomField_customerValues: fields of each type, a customer with
// values that reference them, a change and a removal (each one PUT with
// only that key), drift on a managed key, no diff from a field the
// configuration does not set, import, and destroy (the flow stays).
func TestAccCustomField_customerValues(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupFields()
	email := env.email("gold")
	tier, points, score, vip, since := env.fieldSlug("tier"), env.fieldSlug("points"), env.fieldSlug("score"), env.fieldSlug("vip"), env.fieldSlug("since")
	fields := customFieldsHCL(env)
	withVIP := map[string]string{"tier": `"gold"`, "points": "120", "vip": "true", "since": `"2024-05-01"`}
	changed := map[string]string{"tier": `"gold"`, "points": "130", "vip": "true", "since": `"2024-05-01"`}
	removed := map[string]string{"tier": `"gold"`, "points": "130", "since": `"2024-05-01"`}
	var id string
	cf := tfjsonpath.New("custom_fields")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(env.FlowFields("customers")); n != 0 {
				return fmt.Errorf("%d fields left after destroy", n)
			}
			if !env.HasFlow("customers") {
				return fmt.Errorf("the core flow customers went with its fields")
			}
			return env.checkNoneLeft(nil)
		},
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    env.providerBlock() + fields + customerWithFields(email, withVIP),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, cf.AtMapKey(tier), knownvalue.StringExact("gold")),
					statecheck.ExpectKnownValue(customerAddr, cf.AtMapKey(points), knownvalue.Int64Exact(120)),
					statecheck.ExpectKnownValue(customerAddr, cf.AtMapKey(vip), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(customerAddr, cf.AtMapKey(since), knownvalue.StringExact("2024-05-01")),
					statecheck.ExpectKnownValue("moltin_custom_field.points", tfjsonpath.New("min"), knownvalue.Float64Exact(0)),
					statecheck.ExpectKnownValue("moltin_custom_field.tier", tfjsonpath.New("allowed_values"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("gold"), knownvalue.StringExact("silver"), knownvalue.StringExact("platinum")})),
					statecheck.ExpectKnownValue("moltin_custom_field.since", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("moltin_custom_field.since", tfjsonpath.New("required"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						id = s.RootModule().Resources[customerAddr].Primary.ID
						got := env.CustomerValues(id)
						if got[tier] != `"gold"` || got[points] != "120" || got[vip] != "true" || got[since] != `"2024-05-01"` {
							return fmt.Errorf("store holds %v", got)
						}
						return nil
					},
					expectCustomerBodies(env, fmt.Sprintf(`POST {"data":{"type":"customer","name":"Gold Shopper","email":%q,%q:"gold",%q:120,%q:true,%q:"2024-05-01"}}`,
						email, tier, points, vip, since)),
				),
			},
			{
				// A change sends that key alone.
				PreConfig: env.ResetRequests,
				Config:    env.providerBlock() + fields + customerWithFields(email, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
				}},
				Check: expectCustomerBodies(env, fmt.Sprintf(`PUT {"data":{"type":"customer",%q:130}}`, points)),
			},
			{
				// A removed key is cleared with null, alone.
				PreConfig: env.ResetRequests,
				Config:    env.providerBlock() + fields + customerWithFields(email, removed),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectCustomerBodies(env, fmt.Sprintf(`PUT {"data":{"type":"customer",%q:null}}`, vip)),
					func(*terraform.State) error {
						if v, ok := env.CustomerValues(id)[vip]; ok {
							return fmt.Errorf("vip still %s in the store", v)
						}
						return nil
					},
				),
			},
			{
				// A field the configuration does not set, changed outside:
				// no diff.
				PreConfig: func() { env.SetCustomerValue(id, score, 1.5) },
				Config:    env.providerBlock() + fields + customerWithFields(email, removed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Drift on a managed key shows, and the apply restores it
				// with that key alone.
				PreConfig: func() {
					env.SetCustomerValue(id, tier, "silver")
					env.ResetRequests()
				},
				Config: env.providerBlock() + fields + customerWithFields(email, removed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(customerAddr, cf.AtMapKey(tier), knownvalue.StringExact("gold")),
				}},
				Check: expectCustomerBodies(env, fmt.Sprintf(`PUT {"data":{"type":"customer",%q:"gold"}}`, tier)),
			},
			{
				// Import reads every non-null value (score, set outside, is
				// cleared first): the import plan is empty only if the three
				// configured values were read.
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					env.SetCustomerValue(id, score, nil)
					return id, nil
				},
				Config: env.providerBlock() + fields + customerWithFields(email, removed),
			},
			{
				// The data sources carry every non-null value: typed in
				// moltin_customer, as strings in moltin_customers.
				Config: env.providerBlock() + fields + customerWithFields(email, removed) + `
data "moltin_customer" "d" {
  id = moltin_customer.test.id
}
data "moltin_customers" "all" {
  email = moltin_customer.test.email
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.moltin_customer.d", cf, knownvalue.MapExact(map[string]knownvalue.Check{
						tier: knownvalue.StringExact("gold"), points: knownvalue.Int64Exact(130), since: knownvalue.StringExact("2024-05-01"),
					})),
					statecheck.ExpectKnownValue("data.moltin_customers.all", tfjsonpath.New("customers").AtSliceIndex(0).AtMapKey("custom_fields"), knownvalue.MapExact(map[string]knownvalue.Check{
						tier: knownvalue.StringExact("gold"), points: knownvalue.StringExact("130"), since: knownvalue.StringExact("2024-05-01"),
					})),
				},
			},
			{
				ResourceName:      "moltin_custom_field.tier",
				ImportState:       true,
				ImportStateVerify: true,
				Config:            env.providerBlock() + fields + customerWithFields(email, removed),
			},
		},
	})
}

// TestAccCustomField_badInput: an unknown key, a value of the wrong type
// and one a rule refuses are errors naming the key, before any request;
// rules that do not fit the field's type are plan-time errors.
func TestAccCustomField_badInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupFields()
	email := env.email("bad")
	fields := customFieldsHCL(env)
	literal := func(key, value string) string {
		return fmt.Sprintf("resource \"moltin_customer\" \"test\" {\n  name = \"Bad\"\n  email = %q\n  custom_fields = { %s = %s }\n}\n", email, key, value)
	}
	noCustomerWrite := func(*terraform.State) error {
		return env.wire("no customer written", func() error {
			if b := customerBodies(env); len(b) != 0 {
				return fmt.Errorf("customer writes sent: %q", b)
			}
			return nil
		})
	}
	badField := func(extra string) string {
		return fmt.Sprintf("resource \"moltin_custom_field\" \"bad\" {\n  flow = \"customers\"\n  slug = %q\n  name = \"Bad\"\n  %s\n}\n", env.fieldSlug("bad"), extra)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.providerBlock() + fields},
			{
				PreConfig:   env.ResetRequests,
				Config:      env.providerBlock() + fields + literal(env.fieldSlug("tyer"), `"gold"`),
				ExpectError: regexp.MustCompile(regexp.QuoteMeta(env.fieldSlug("tyer")) + `\s+is\s+not\s+a\s+field\s+of\s+the\s+customers\s+flow`),
			},
			{
				PreConfig:   env.ResetRequests,
				Config:      env.providerBlock() + fields + literal(env.fieldSlug("points"), `"many"`),
				ExpectError: regexp.MustCompile(`custom_fields\.` + regexp.QuoteMeta(env.fieldSlug("points")) + `\s+must\s+be\s+a\s+number`),
			},
			{
				PreConfig:   env.ResetRequests,
				Config:      env.providerBlock() + fields + literal(env.fieldSlug("tier"), `"bronze"`),
				ExpectError: regexp.MustCompile(`custom_fields\.` + regexp.QuoteMeta(env.fieldSlug("tier")) + `\s+must\s+be\s+one\s+of\s+"gold",\s+"silver",\s+"platinum"`),
			},
			{
				PreConfig:   env.ResetRequests,
				Config:      env.providerBlock() + fields + literal(env.fieldSlug("contact"), `"not-an-email"`),
				ExpectError: regexp.MustCompile(`must\s+be\s+an\s+email\s+address`),
				Check:       noCustomerWrite,
			},
			{
				Config:      env.providerBlock() + fields + badField(`field_type = "string"`+"\n  min = 1"),
				ExpectError: regexp.MustCompile(`min\s+applies\s+to\s+integer\s+and\s+float\s+fields\s+only`),
			},
			{
				Config:      env.providerBlock() + fields + badField(`field_type = "integer"`+"\n  format = \"email\""),
				ExpectError: regexp.MustCompile(`format\s+applies\s+to\s+string\s+fields\s+only`),
			},
			{
				Config:      env.providerBlock() + fields + badField(`field_type = "boolean"`+"\n  allowed_values = [\"true\"]"),
				ExpectError: regexp.MustCompile(`allowed_values\s+does\s+not\s+apply\s+to\s+a\s+boolean\s+field`),
			},
			{
				Config:      env.providerBlock() + fields + badField(`field_type = "integer"`+"\n  allowed_values = [\"1\", \"x\"]"),
				ExpectError: regexp.MustCompile(`allowed_values\[1\]\s+"x"\s+is\s+not\s+a\s+number`),
			},
			{
				Config:      env.providerBlock() + fields + badField(`field_type = "string"`+"\n  allowed_values = [\"a\"]\n  default = \"b\""),
				ExpectError: regexp.MustCompile(`default\s+"b"\s+must\s+be\s+one\s+of\s+"a"`),
			},
			{
				Config:      env.providerBlock() + fields + "resource \"moltin_custom_field\" \"bad\" {\n  flow = \"customers\"\n  slug = \"email\"\n  name = \"Bad\"\n  field_type = \"string\"\n}\n",
				ExpectError: regexp.MustCompile(`Attribute\s+slug\s+value\s+must\s+be\s+none\s+of`),
			},
			{Config: env.providerBlock() + fields, Check: noCustomerWrite},
		},
	})
}

// TestAccCustomField_newFlowAtOnce: in a store without the customers flow,
// several fields created at once make exactly one flow; a customer whose
// literal keys name them (with depends_on) is created in the same apply.
func TestAccCustomField_newFlowAtOnce(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "needs a store without the customers flow, and counts the flow creates in the request log")
	env := newTestEnv(t, emulator.Config{})
	var b strings.Builder
	b.WriteString(env.providerBlock())
	var deps []string
	for i := range 6 {
		fmt.Fprintf(&b, "resource \"moltin_custom_field\" \"f%d\" {\n  flow = \"customers\"\n  slug = %q\n  name = \"F%d\"\n  field_type = \"string\"\n}\n", i, env.fieldSlug(fmt.Sprintf("f%d", i)), i)
		deps = append(deps, fmt.Sprintf("moltin_custom_field.f%d", i))
	}
	fmt.Fprintf(&b, "resource \"moltin_customer\" \"test\" {\n  name = \"Literal\"\n  email = %q\n  custom_fields = { %s = \"a\" }\n  depends_on = [%s]\n}\n",
		env.email("literal"), env.fieldSlug("f0"), strings.Join(deps, ", "))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if fl, ok := env.emulator().FlowBySlug("customers"); !ok || fl.ID == "" {
				return fmt.Errorf("the core flow went")
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: b.String(),
			Check: func(s *terraform.State) error {
				flowCreates := 0
				for _, r := range env.Requests() {
					if r.Method == "POST" && r.Path == "/v2/flows" {
						flowCreates++
					}
				}
				if flowCreates != 1 || len(env.emulator().Flows()) != 1 {
					return fmt.Errorf("want one flow created, got %d POSTs and flows %v", flowCreates, env.emulator().Flows())
				}
				counts := map[string]int{}
				for _, r := range env.Requests() {
					counts[r.Method+" "+strings.Split(strings.TrimPrefix(r.Path, "/v2/"), "/")[0]]++
				}
				t.Logf("requests of the create step (plan and apply): %v", counts)
				if counts["POST customers"] != 1 || counts["PUT customers"] != 0 {
					return fmt.Errorf("want the customer made with one POST and no PUT, got %v", counts)
				}
				id := s.RootModule().Resources[customerAddr].Primary.ID
				if v := env.CustomerValues(id)[env.fieldSlug("f0")]; v != `"a"` {
					return fmt.Errorf("value %q", v)
				}
				return nil
			},
		}},
	})
}

// TestAccCustomField_identity: the field's identity is its id, and an
// import block's identity imports it (Terraform 1.12+, OpenTofu 1.12+).
func TestAccCustomField_identity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupFields()
	cfg := env.providerBlock() + fmt.Sprintf("resource \"moltin_custom_field\" \"f\" {\n  flow = \"customers\"\n  slug = %q\n  name = \"Segment\"\n  field_type = \"string\"\n  format = \"slug\"\n}\n", env.fieldSlug("segment"))
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("moltin_custom_field.f", map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuid)}),
				},
			},
			{
				ResourceName:    "moltin_custom_field.f",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          cfg,
			},
		},
	})
}

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
	env.cleanupFields()
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

// TestEnsureFlow_onceAndAfterA422: fields created at once make one flow;
// a flow made by someone else between the lookup and the create (the API
// answers 422) is read, not an error.
func TestEnsureFlow_onceAndAfterA422(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Config{ClientID: "flows", ClientSecret: "flows-secret-1234"})
	var hideFlows atomic.Bool
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/flows" && r.Method == http.MethodGet && hideFlows.CompareAndSwap(true, false) {
			// A lookup that misses a flow made meanwhile.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":[],"meta":{"results":{"total":0}}}`))
			return
		}
		if r.URL.Path == "/v2/flows" && r.Method == http.MethodPost {
			posts.Add(1)
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	client, err := moltin.New(moltin.Config{BaseURL: srv.URL, ClientID: "flows", ClientSecret: "flows-secret-1234", MaxRequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := ensureFlow(t.Context(), client, "customers")
			if err != nil {
				t.Error(err)
			}
			ids[i] = f.ID
		}()
	}
	wg.Wait()
	if posts.Load() != 1 || len(emu.Flows()) != 1 {
		t.Fatalf("want one flow made, got %d POSTs and %v", posts.Load(), emu.Flows())
	}
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("flow ids %v", ids)
		}
	}

	// Another process made the accounts flow after this one's lookup.
	other, err := moltin.New(moltin.Config{BaseURL: srv.URL, ClientID: "flows", ClientSecret: "flows-secret-1234"})
	if err != nil {
		t.Fatal(err)
	}
	made, err := other.CreateFlow(t.Context(), moltin.FlowCreate{Slug: "accounts", Name: "Accounts", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	hideFlows.Store(true)
	f, err := ensureFlow(t.Context(), client, "accounts")
	if err != nil || f.ID != made.ID {
		t.Fatalf("after a 422: %+v %v", f, err)
	}
	if posts.Load() != 3 {
		t.Errorf("want the refused POST sent once, got %d POSTs in all", posts.Load())
	}
}
