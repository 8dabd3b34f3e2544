package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccCustomerDataSource_lookup finds one customer by id and another by
// an email written in another case, and checks every attribute against the
// emulator's record.
func TestAccCustomerDataSource_lookup(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	annEmail, bobEmail := env.email("ann.lookup"), env.email("bob.lookup")
	bobAsked := strings.ToUpper(bobEmail)
	ann := mustCreate(t, env, "Ann Lookup", annEmail, "ann-Secret-pw-1", strPtr("crm-ann"))
	bob := mustCreate(t, env, "Bob Lookup", bobEmail, "", nil)
	// A decoy whose email contains Bob's, so that a substring match would fail.
	mustCreate(t, env, "Not Bob", env.email(strings.TrimSuffix(bobEmail, "@"+acctest.EmailDomain)), "", nil)
	ts := func(tm time.Time) knownvalue.Check { return knownvalue.StringExact(tm.UTC().Format(time.RFC3339Nano)) }

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + fmt.Sprintf(`
data "moltin_customer" "by_id" {
  id = %q
}

data "moltin_customer" "by_email" {
  email = %q
}
`, ann.ID, bobAsked),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("id"), knownvalue.StringExact(ann.ID)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("name"), knownvalue.StringExact("Ann Lookup")),
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("email"), knownvalue.StringExact(annEmail)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("external_ref"), knownvalue.StringExact("crm-ann")),
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("has_password"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("created_at"), ts(ann.CreatedAt)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_id", tfjsonpath.New("updated_at"), ts(ann.UpdatedAt)),

				statecheck.ExpectKnownValue("data.moltin_customer.by_email", tfjsonpath.New("id"), knownvalue.StringExact(bob.ID)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_email", tfjsonpath.New("name"), knownvalue.StringExact("Bob Lookup")),
				// Semantic equality keeps the case as configured.
				statecheck.ExpectKnownValue("data.moltin_customer.by_email", tfjsonpath.New("email"), knownvalue.StringExact(bobAsked)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_email", tfjsonpath.New("external_ref"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.moltin_customer.by_email", tfjsonpath.New("has_password"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.moltin_customer.by_email", tfjsonpath.New("created_at"), ts(bob.CreatedAt)),
			},
			Check: func(s *terraform.State) error {
				if err := env.wire("the email lookup is one list request with a quoted eq filter", func() error {
					filters := listQueries(env)
					want := `filter=eq(email,"` + bobAsked + `")`
					for _, q := range filters {
						if !strings.HasPrefix(q, want) {
							return fmt.Errorf("unexpected list request %q", q)
						}
					}
					if len(filters) == 0 {
						return fmt.Errorf("no list request was sent for the email lookup")
					}
					return nil
				}); err != nil {
					return err
				}
				return noSecretIn(s, "ann-Secret-pw-1", env.ClientSecret)
			},
		}},
	})
}

// TestAccCustomerDataSource_errors checks the plan-time and read-time errors:
// both or neither of id and email, and no customer found either way.
func TestAccCustomerDataSource_errors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	someone, nobody := env.email("someone"), env.email("nobody")
	mustCreate(t, env, "Someone", someone, "", nil)
	cfg := func(body string) string {
		return env.providerBlock() + "data \"moltin_customer\" \"test\" {\n" + body + "\n}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg(`  id = "x"` + "\n" + fmt.Sprintf("  email = %q", someone)),
				ExpectError: looseRegexp(`Invalid Attribute Combination`, `Exactly one of these attributes must be configured: [id,email]`),
			},
			{
				Config:      cfg(""),
				ExpectError: looseRegexp(`Missing Attribute Configuration`, `Exactly one of these attributes must be configured: [id,email]`),
			},
			{
				Config:      cfg(`  email = "not-an-email"`),
				ExpectError: regexp.MustCompile(`is not an email address`),
			},
			{
				Config:      cfg(fmt.Sprintf("  email = %q", nobody)),
				ExpectError: looseRegexp(`Customer not found`, fmt.Sprintf("No customer in the store has the email %q", nobody)),
			},
			{
				Config:      cfg(`  id = "00000000-0000-4000-8000-000000000000"`),
				ExpectError: looseRegexp(`Customer not found`, `No customer in the store has the id "00000000-0000-4000-8000-000000000000"`),
			},
		},
	})
}

// TestAccCustomerDataSource_ambiguousEmail runs against a stub API that lists
// two customers for one email (the real API keeps emails unique, so only a
// fault could do this): the lookup must fail and name the email, not pick one.
func TestAccCustomerDataSource_ambiguousEmail(t *testing.T) {
	emulatorOnly(t, "runs against a stub API that answers what no store should")
	t.Parallel()
	customer := func(id, email string) map[string]any {
		return map[string]any{"type": "customer", "id": id, "name": "Twin", "email": email, "password": false,
			"meta": map[string]any{"timestamps": map[string]any{"created_at": "2024-01-02T03:04:05.000Z", "updated_at": "2024-01-02T03:04:05.000Z"}}}
	}
	stub := stubAPI(t, map[string]http.HandlerFunc{
		"/v2/customers": func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]any{
				"data": []any{customer("id-1", "twin@example.com"), customer("id-2", "TWIN@example.com")},
				"meta": map[string]any{"page": map[string]int{"limit": 2, "offset": 0, "current": 1, "total": 1}, "results": map[string]int{"total": 2}},
			})
		},
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "moltin" {
  api_base_url  = %q
  client_id     = "stub"
  client_secret = "stub-secret"
}

data "moltin_customer" "test" {
  email = "twin@example.com"
}
`, stub.URL),
			ExpectError: looseRegexp(`Could not look the customer up by email`, `"twin@example.com"`, `2 customers have the email twin@example.com`),
		}},
	})
}

// looseRegexp matches the phrases in order, with anything between them, and
// any run of spaces, line breaks and the CLI's box-drawing margin wherever a
// phrase has a space: the CLIs wrap diagnostics at different widths.
func looseRegexp(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}
