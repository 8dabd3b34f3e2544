package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccCustomer_adoptExisting: a customer left behind with the email (by a
// killed run) fails the create by default, with an error that names the
// import block and adopt_existing_customers; with the setting on, the next
// apply adopts it with one PUT.
func TestAccCustomer_adoptExisting(t *testing.T) {
	// In live mode the leftover would be made by this test process's own
	// client, which the rule "never adopt what this run created" then
	// rightly refuses; the emulator's store makes it as a killed run would.
	emulatorOnly(t, "the leftover customer must come from outside this process")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	email := env.email("left")
	left, err := env.CreateCustomer("Left Behind", email, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := customerConfig{Name: "Ann Adopted", Email: email, ExternalRef: strPtr("crm-7")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.providerBlock() + want.hcl(),
				ExpectError: regexp.MustCompile(`(?s)Email already taken.*import \{.*adopt_existing_customers\s+=\s+true`),
			},
			{
				Config: env.providerBlock("adopt_existing_customers = true") + want.hcl(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact(left.ID)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("name"), knownvalue.StringExact("Ann Adopted")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("external_ref"), knownvalue.StringExact("crm-7")),
				},
				Check: func(*terraform.State) error {
					if n := len(env.Customers()); n != 1 {
						return fmt.Errorf("%d customers; want the adopted one alone", n)
					}
					return env.wire("one PUT adopts the customer", func() error {
						puts := 0
						for _, r := range env.Requests() {
							if r.Method == http.MethodPut {
								puts++
							}
						}
						if puts != 1 {
							return fmt.Errorf("%d PUTs; want one", puts)
						}
						return nil
					})
				},
			},
		},
	})
}

// TestAccCustomer_adoptNeverSameRun: two resources of one configuration with
// one email fail even with adoption on, and do not share a customer.
func TestAccCustomer_adoptNeverSameRun(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	config := env.providerBlock("adopt_existing_customers = true") + fmt.Sprintf(`
resource "moltin_customer" "a" {
  name  = "Twin A"
  email = %[1]q
}
resource "moltin_customer" "b" {
  name  = "Twin B"
  email = %[1]q
}
`, env.email("twin"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`Email already taken`),
		}},
	})
	// The destroy after the test removed the one customer; the log says
	// what the apply did.
	err := env.wire("one customer created, none adopted by the twin", func() error {
		created := 0
		for _, r := range env.Requests() {
			if r.Kind == emulator.KindCreate && r.Status == http.StatusCreated {
				created++
			}
			if r.Method == http.MethodPut {
				return fmt.Errorf("a PUT was sent: %s %s", r.Method, r.Path)
			}
		}
		if created != 1 {
			return fmt.Errorf("%d customers created; want 1", created)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
