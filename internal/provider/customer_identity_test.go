package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// expectImportOf checks that the plan imports addr as the customer whose id
// *id holds when the check runs (it is known only after the create step).
type expectImportOf struct {
	addr string
	id   *string
}

func (e expectImportOf) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		if rc.Change == nil || rc.Change.Importing == nil {
			resp.Error = fmt.Errorf("%s is not being imported", e.addr)
			return
		}
		after, _ := rc.Change.After.(map[string]any)
		if got := after["id"]; got != *e.id {
			resp.Error = fmt.Errorf("%s imports customer %v, want %s", e.addr, got, *e.id)
		}
		return
	}
	resp.Error = fmt.Errorf("no change for %s in the plan", e.addr)
}

// TestAccCustomer_importByEmail imports a customer with an import block whose
// id is its email in another case (import blocks need Terraform 1.5+, so this
// runs on every client tested). It also takes the resource through create
// and update, so that resource identity is exercised on clients that know
// nothing of it.
func TestAccCustomer_importByEmail(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	ivy, nobody := env.email("import.ivy"), env.email("nobody")
	base := customerConfig{Name: "Imported Ivy", Email: ivy, ExternalRef: strPtr("crm-ivy")}
	renamed := base
	renamed.Name = "Imported Ivy Renamed"
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + base.hcl(),
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[customerAddr].Primary.ID
					if _, ok := env.Customer(id); !ok {
						return fmt.Errorf("customer %q is not in the store", id)
					}
					return nil
				},
			},
			{
				Config: env.providerBlock() + renamed.hcl(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("name"), knownvalue.StringExact("Imported Ivy Renamed")),
				},
			},
			{
				PreConfig:       env.ResetRequests,
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   upperLocal(ivy),
				Config:          env.providerBlock() + renamed.hcl(),
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					expectImportOf{addr: customerAddr, id: &id},
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("email"), knownvalue.StringExact(ivy)),
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("external_ref"), knownvalue.StringExact("crm-ivy")),
					checkPlanFunc(func() error {
						return env.wire("the import is one lookup by the email as given", func() error {
							want := `filter=eq(email,"` + upperLocal(ivy) + `")&page[limit]=2&page[offset]=0`
							if qs := listQueries(env); !slices.Contains(qs, want) {
								return fmt.Errorf("want the list request %q, got %q", want, qs)
							}
							return nil
						})
					}),
				}},
			},
			{
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   nobody,
				Config:          env.providerBlock() + renamed.hcl(),
				ExpectError:     looseRegexp(`No customer has that email`, `No customer in the store has the email `+nobody),
			},
		},
	})
}

// checkPlanFunc adapts a plain function to a plan check.
type checkPlanFunc func() error

func (f checkPlanFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// TestAccCustomer_identity checks the resource identity: set on create, kept
// on update, and importable with an import block's identity argument. It
// needs a client with resource identity: Terraform 1.12+, and OpenTofu
// 1.12.6 supports it too (import blocks accept `identity`), so it runs there.
func TestAccCustomer_identity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	base := customerConfig{Name: "Identity Ida", Email: env.email("ida")}
	renamed := base
	renamed.Name = "Identity Ida Renamed"
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + base.hcl(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(customerAddr, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuid)}),
					statecheck.ExpectIdentityValueMatchesState(customerAddr, tfjsonpath.New("id")),
				},
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources[customerAddr].Primary.ID
					return nil
				},
			},
			{
				Config: env.providerBlock() + renamed.hcl(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(customerAddr, tfjsonpath.New("id")),
				},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources[customerAddr].Primary.ID; got != id {
						return fmt.Errorf("the update replaced the customer: id %q, was %q", got, id)
					}
					return nil
				},
			},
			{
				PreConfig:       env.ResetRequests,
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          env.providerBlock() + renamed.hcl(),
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					expectImportOf{addr: customerAddr, id: &id},
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("name"), knownvalue.StringExact("Identity Ida Renamed")),
					checkPlanFunc(func() error {
						// By identity, the id is read directly: no lookup by email.
						return env.wire("an import by identity lists no customers", func() error {
							if qs := listQueries(env); len(qs) != 0 {
								return fmt.Errorf("an import by identity listed customers: %q", qs)
							}
							return nil
						})
					}),
				}},
			},
			{
				// An identity naming no customer fails the import.
				Config: env.providerBlock() + renamed.hcl() + fmt.Sprintf(`
import {
  to       = moltin_customer.other
  identity = { id = "00000000-0000-4000-8000-000000000000" }
}

resource "moltin_customer" "other" {
  name  = "Nobody"
  email = %q
}
`, env.email("nobody")),
				ExpectError: looseRegexp(`Cannot import non-existent remote object`),
			},
		},
	})
}
