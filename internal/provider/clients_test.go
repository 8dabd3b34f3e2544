package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccCustomer_everyClient is the customer's lifecycle with only what
// every supported client has (no write-only attributes, no identity), so
// that it runs on Terraform 1.5.7 as on OpenTofu: partial updates, clearing
// external_ref, an empty plan when nothing changed, recreation after a
// deletion outside Terraform, import by id, and destroy.
func TestAccCustomer_everyClient(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	pw := "every-client-" + randomSuffix(t)
	eve, eveMoved := env.email("eve"), env.email("eve.moved")
	base := customerConfig{Name: "Eve Client", Email: eve, ExternalRef: strPtr("crm-eve"), Password: pw}
	moved := base
	moved.Name, moved.Email = "Eve Moved", eveMoved
	noRef := moved
	noRef.ExternalRef = nil
	step := func(c customerConfig) string { return env.providerBlock() + c.hcl() }
	reset := func() { env.ResetRequests() }
	var firstID string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: reset,
				Config:    step(base),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return env.expectOneMutation("create", "name", "email", "external_ref", "password")()
					},
					func(s *terraform.State) error {
						firstID = s.RootModule().Resources[customerAddr].Primary.ID
						return env.expectPassword(eve, pw)
					},
				),
			},
			{
				// Two attributes at once: one PUT with both, and nothing else.
				PreConfig: reset,
				Config:    step(moved),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("email"), knownvalue.StringExact(eveMoved)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error { return env.expectOneMutation("update", "email", "name")() },
			},
			{
				PreConfig: reset,
				Config:    step(noRef),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("external_ref"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectOneMutation("update", "external_ref")() },
					env.expectExternalRefCleared,
				),
			},
			{
				PreConfig:        reset,
				Config:           step(noRef),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            func(*terraform.State) error { return env.expectNoMutation() },
			},
			{
				// Deleted outside Terraform: the plan recreates it, with the
				// password the configuration holds.
				PreConfig: env.deleteOutside(t, &firstID),
				Config:    step(noRef),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.expectRecreated(&firstID),
					func(*terraform.State) error { return env.expectPassword(eveMoved, pw) },
				),
			},
			{
				// The API never returns a password, so an import cannot know it.
				ResourceName:            customerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
		},
	})
}
