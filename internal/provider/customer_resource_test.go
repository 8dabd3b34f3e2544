package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
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

type customerConfig struct {
	Name, Email string
	ExternalRef *string
	PasswordWO  string
	Version     int
	Password    string
}

func (c customerConfig) hcl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource \"moltin_customer\" \"test\" {\n  name  = %q\n  email = %q\n", c.Name, c.Email)
	if c.ExternalRef != nil {
		fmt.Fprintf(&b, "  external_ref = %q\n", *c.ExternalRef)
	}
	if c.PasswordWO != "" {
		fmt.Fprintf(&b, "  password_wo = %q\n  password_wo_version = %d\n", c.PasswordWO, c.Version)
	}
	if c.Password != "" {
		fmt.Fprintf(&b, "  password = %q\n", c.Password)
	}
	b.WriteString("}\n")
	return b.String()
}

func strPtr(s string) *string { return &s }

const customerAddr = "moltin_customer.test"

// TestAccCustomer_lifecycle walks one customer through create, a change of
// each attribute alone, a password rotation, drift, import and destroy, and
// checks from the emulator's log that each step sent only what changed (in
// live mode, what state and the store show).
func TestAccCustomer_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	const (
		pw1 = "first-Secret-pw-8d1f"
		pw2 = "second-Secret-pw-71aa"
	)
	ann, annNew := env.email("ann"), env.email("ann.new")
	base := customerConfig{Name: "Ann Tester", Email: ann, ExternalRef: strPtr("crm-1"), PasswordWO: pw1, Version: 1}
	step := func(c customerConfig) string { return env.providerBlock() + c.hcl() }
	renamed := base
	renamed.Name = "Ann Renamed"
	reEmailed := renamed
	reEmailed.Email = annNew
	reRef := reEmailed
	reRef.ExternalRef = strPtr("crm-2")
	noRef := reRef
	noRef.ExternalRef = nil
	rotated := noRef
	rotated.PasswordWO, rotated.Version = pw2, 2

	var firstID string
	reset := func() { env.ResetRequests() }

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: reset,
				Config:    step(base),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
					plancheck.ExpectUnknownValue(customerAddr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("name"), knownvalue.StringExact("Ann Tester")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("email"), knownvalue.StringExact(ann)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("external_ref"), knownvalue.StringExact("crm-1")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						return env.expectOneMutation("create", "name", "email", "external_ref", "password")()
					},
					func(s *terraform.State) error {
						firstID = s.RootModule().Resources[customerAddr].Primary.ID
						if !env.CheckPassword(ann, pw1) {
							return fmt.Errorf("the store does not accept the configured password")
						}
						return noSecretIn(s, pw1, pw2, env.ClientSecret)
					},
				),
			},
			{
				PreConfig: reset,
				Config:    step(renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
					plancheck.ExpectUnknownValue(customerAddr, tfjsonpath.New("updated_at")),
				}},
				Check: func(*terraform.State) error { return env.expectOneMutation("update", "name")() },
			},
			{
				PreConfig: reset,
				Config:    step(reEmailed),
				Check:     func(*terraform.State) error { return env.expectOneMutation("update", "email")() },
			},
			{
				PreConfig: reset,
				Config:    step(reRef),
				Check:     func(*terraform.State) error { return env.expectOneMutation("update", "external_ref")() },
			},
			env.refClearedStep(reset, step(noRef), func(*terraform.State) error {
				c, _ := env.Customer(firstID)
				if c.ExternalRef != nil {
					return fmt.Errorf("external_ref still %q on the server", *c.ExternalRef)
				}
				return nil
			}),
			{
				PreConfig: reset,
				Config:    step(rotated),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectOneMutation("update", "password")() },
					func(s *terraform.State) error {
						if env.CheckPassword(annNew, pw1) || !env.CheckPassword(annNew, pw2) {
							return fmt.Errorf("the rotation did not replace the password")
						}
						tok, err := env.client(t).CreateCustomerToken(t.Context(), annNew, pw2)
						if err != nil || tok.CustomerID != firstID {
							return fmt.Errorf("customer token with the new password: %v (customer %q)", err, tok.CustomerID)
						}
						return noSecretIn(s, pw1, pw2, env.ClientSecret)
					},
				),
			},
			{
				// Nothing changed: an empty plan, and no request but reads.
				PreConfig:        reset,
				Config:           step(rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            func(*terraform.State) error { return env.expectNoMutation() },
			},
			{
				// Drift: a rename, an external_ref and a change of the email's
				// case made outside Terraform. The name and external_ref are put
				// back (the latter cleared with null); the case is no change.
				PreConfig: func() {
					env.ResetRequests()
					if err := env.UpdateCustomer(firstID, func(c *emulator.Customer) {
						c.Name = "Changed Outside"
						c.Email = strings.ToUpper(annNew)
						c.ExternalRef = strPtr("set-outside")
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: step(rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectOneMutation("update", "name", "external_ref")() },
					func(*terraform.State) error {
						if c, _ := env.Customer(firstID); c.ExternalRef != nil || c.Name != rotated.Name {
							return fmt.Errorf("drift not put back: name %q, external_ref %v", c.Name, c.ExternalRef)
						}
						return nil
					},
				),
			},
			{
				// Drift: deleted outside Terraform. The plan recreates it.
				PreConfig: env.deleteOutside(t, &firstID),
				Config:    step(rotated),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate),
				}},
				Check: env.expectRecreated(&firstID),
			},
			{
				ResourceName:            customerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password_wo", "password_wo_version"},
			},
			{
				ResourceName:            customerAddr,
				ImportState:             true,
				ImportStateId:           upperLocal(annNew),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password_wo", "password_wo_version"},
			},
			{
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				// An import block plans against the configuration; a password
				// in it would (rightly) plan to send it, so leave it out here.
				Config: step(customerConfig{Name: rotated.Name, Email: rotated.Email}),
			},
		},
	})
}

// upperLocal is the email with its local part in capitals, as another
// system might have stored it.
// refClearedStep applies config, which drops the external_ref that the
// state holds, after reset: the state then holds null, and one update sent
// an explicit null; extra checks follow.
func (e *testEnv) refClearedStep(reset func(), config string, extra ...resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		PreConfig: reset,
		Config:    config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("external_ref"), knownvalue.Null()),
		},
		Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
			func(*terraform.State) error { return e.expectOneMutation("update", "external_ref")() },
			e.expectExternalRefCleared,
		}, extra...)...),
	}
}

func upperLocal(email string) string {
	at := strings.LastIndex(email, "@")
	return strings.ToUpper(email[:at]) + email[at:]
}

// noSecretIn fails if any secret appears anywhere in the state.
func noSecretIn(s *terraform.State, secrets ...string) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	for _, sec := range secrets {
		if strings.Contains(string(raw), sec) {
			return fmt.Errorf("a secret appears in the state")
		}
	}
	return nil
}

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
			env.refClearedStep(reset, step(noRef)),
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

// versionCheckFunc makes a function a TerraformVersionCheck.
type versionCheckFunc func(context.Context, tfversion.CheckTerraformVersionRequest, *tfversion.CheckTerraformVersionResponse)

func (f versionCheckFunc) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	f(ctx, req, resp)
}

// skipWithWriteOnly skips tests of what happens on clients without
// write-only attributes (before 1.11, both Terraform and OpenTofu).
var skipWithWriteOnly = versionCheckFunc(func(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if !req.TerraformVersion.Core().LessThan(tfversion.Version1_11_0) {
		resp.Skip = fmt.Sprintf("CLI version %s supports write-only attributes; this test is for clients without them", req.TerraformVersion)
	}
})

// expectNoMutation checks that since the last reset the emulator saw no
// POST, PUT or DELETE.
func (e *testEnv) expectNoMutation() error {
	return e.wire("no mutating request", func() error {
		if muts := e.mutations(); len(muts) != 0 {
			return fmt.Errorf("want no mutating request, got %d: %s", len(muts), describe(muts))
		}
		return nil
	})
}

// expectPassword checks that the store accepts want for email and refuses
// every password in old.
func (e *testEnv) expectPassword(email, want string, old ...string) error {
	if !e.CheckPassword(email, want) {
		return fmt.Errorf("the store does not accept the configured password for %s", email)
	}
	for _, o := range old {
		if o != want && e.CheckPassword(email, o) {
			return fmt.Errorf("the store still accepts a previous password for %s", email)
		}
	}
	return nil
}

// TestAccCustomerPassword_legacy walks the legacy password attribute, the one
// that works on every client, through create, a change and its removal from
// the configuration. It is documented to live in the state.
func TestAccCustomerPassword_legacy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	email := env.email("legacy")
	pw1 := "legacy-first-" + randomSuffix(t)
	pw2 := "legacy-second-" + randomSuffix(t)
	cfg := customerConfig{Name: "Lee Gacy", Email: email, Password: pw1}
	step := func(c customerConfig) string { return env.providerBlock() + c.hcl() }
	changed := cfg
	changed.Password = pw2
	removed := cfg
	removed.Password = ""
	reset := func() { env.ResetRequests() }

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: reset,
				Config:    step(cfg),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// The documented legacy behaviour: the state holds the password.
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.StringExact(pw1)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo_version"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return env.expectOneMutation("create", "name", "email", "password")()
					},
					func(*terraform.State) error { return env.expectPassword(email, pw1) },
				),
			},
			{
				PreConfig: reset,
				Config:    step(changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.StringExact(pw2)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectOneMutation("update", "password")() },
					func(*terraform.State) error { return env.expectPassword(email, pw2, pw1) },
				),
			},
			{
				// Removing password stops managing it: nothing is sent, and the
				// customer keeps the password it has.
				PreConfig: reset,
				Config:    step(removed),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectNoMutation() },
					func(*terraform.State) error { return env.expectPassword(email, pw2, pw1) },
				),
			},
		},
	})
}

// TestAccCustomerPassword_writeOnlyNeedsSupport checks that on a client
// without write-only attributes (Terraform 1.5.7 in the test command)
// password_wo fails at plan time, naming the versions that support it and
// the password alternative, and that nothing reaches the API.
func TestAccCustomerPassword_writeOnlyNeedsSupport(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	cfg := customerConfig{Name: "Old Client", Email: env.email("old.client"), PasswordWO: "wo-" + randomSuffix(t), Version: 1}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipWithWriteOnly},
		Steps: []resource.TestStep{
			{
				Config:      env.providerBlock() + cfg.hcl(),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)password_wo needs a client with write-only attributes.*Terraform 1\.11.*OpenTofu 1\.11.*password attribute`),
			},
		},
	})
	if err := env.expectNoMutation(); err != nil {
		t.Errorf("a rejected configuration reached the API: %v", err)
	}
}

// TestAccCustomerPassword_migration moves a customer's password from the
// legacy attribute to password_wo and back, on clients with write-only
// support: moving the same value sends nothing (or, back to password, at most
// the password), and a move that also changes the value sends the password
// once.
func TestAccCustomerPassword_migration(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	email := env.email("migrate")
	pw1 := "migrate-first-" + randomSuffix(t)
	pw2 := "migrate-second-" + randomSuffix(t)
	step := func(c customerConfig) string { return env.providerBlock() + c.hcl() }
	legacy := customerConfig{Name: "Mig Rate", Email: email, Password: pw1}
	writeOnly := customerConfig{Name: "Mig Rate", Email: email, PasswordWO: pw1, Version: 1}
	newValue := customerConfig{Name: "Mig Rate", Email: email, PasswordWO: pw2, Version: 2}
	reset := func() { env.ResetRequests() }
	emptyAfter := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				PreConfig: reset,
				Config:    step(legacy),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.StringExact(pw1)),
				},
				Check: func(*terraform.State) error { return env.expectPassword(email, pw1) },
			},
			{
				// password -> password_wo, same value: the state forgets the
				// password and no request is sent.
				PreConfig: reset,
				Config:    step(writeOnly),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("has_password"), knownvalue.Bool(true)),
					},
					PostApplyPostRefresh: emptyAfter,
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectNoMutation() },
					func(*terraform.State) error { return env.expectPassword(email, pw1) },
					func(s *terraform.State) error { return noSecretIn(s, pw1, pw2, env.ClientSecret) },
				),
			},
			{
				// password_wo -> password, same value. The provider cannot know
				// the write-only value it no longer has, so it may send the
				// password again, but nothing else; the password keeps working.
				PreConfig:        reset,
				Config:           step(legacy),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: emptyAfter},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.StringExact(pw1)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo_version"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return env.wire("at most one update, holding only the password", func() error {
							if len(env.mutations()) == 0 {
								return nil
							}
							return env.oneMutation("update", []string{"password"})
						})
					},
					func(*terraform.State) error { return env.expectPassword(email, pw1) },
				),
			},
			{
				// password -> password_wo with a new value: exactly one PUT,
				// holding only the password.
				PreConfig:        reset,
				Config:           step(newValue),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: emptyAfter},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(2)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.expectOneMutation("update", "password")() },
					func(*terraform.State) error { return env.expectPassword(email, pw2, pw1) },
					func(s *terraform.State) error { return noSecretIn(s, pw1, pw2, env.ClientSecret) },
				),
			},
		},
	})
}

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
	left := mustCreate(t, env, "Left Behind", email, "", nil)
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

const nestedRes = "moltin_customer.shopper"

// nestedAddress is one address of moltin_customer's addresses, without its
// name (the map key).
func nestedAddress(first, line1 string) map[string]string {
	return map[string]string{"first_name": first, "last_name": "Lee", "line_1": line1, "postcode": "LS1 1AA", "country": "GB"}
}

// nestedHCL is moltin_customer.shopper with the addresses given (nil: the
// attribute not set), and extra HCL after it.
func nestedHCL(env *testEnv, addresses map[string]map[string]string, extra ...string) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	fmt.Fprintf(&b, "resource \"moltin_customer\" \"shopper\" {\n  name  = \"Ann Lee\"\n  email = %q\n", env.email("shopper"))
	if addresses != nil {
		b.WriteString("  addresses = {\n")
		for _, key := range slices.Sorted(maps.Keys(addresses)) {
			fmt.Fprintf(&b, "    %q = {\n", key)
			for _, k := range slices.Sorted(maps.Keys(addresses[key])) {
				fmt.Fprintf(&b, "      %s = %q\n", k, addresses[key][k])
			}
			b.WriteString("    }\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	for _, e := range extra {
		b.WriteString(e)
	}
	return b.String()
}

// storedByName is the customer's addresses in the store, by name.
func (e *testEnv) storedByName(s *terraform.State) (map[string]emulator.Address, error) {
	id := s.RootModule().Resources[nestedRes].Primary.ID
	list, ok := e.Addresses(id)
	if !ok {
		return nil, fmt.Errorf("customer %s is not in the store", id)
	}
	out := map[string]emulator.Address{}
	for _, a := range list {
		if _, dup := out[a.Fields["name"]]; dup {
			return nil, fmt.Errorf("two addresses named %q", a.Fields["name"])
		}
		out[a.Fields["name"]] = a
	}
	return out, nil
}

// expectStoredSet checks that the store holds exactly want's addresses, by
// name, with exactly their fields, and that the state's ids are theirs
// (when the state has addresses).
func (e *testEnv) expectStoredSet(want map[string]map[string]string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		got, err := e.storedByName(s)
		if err != nil {
			return err
		}
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
			return fmt.Errorf("the store holds addresses %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
		attrs := s.RootModule().Resources[nestedRes].Primary.Attributes
		for name, fields := range want {
			w := maps.Clone(fields)
			w["name"] = name
			w["country"] = strings.ToUpper(w["country"])
			if !maps.Equal(got[name].Fields, w) {
				return fmt.Errorf("address %q: the store holds %v, want %v", name, got[name].Fields, w)
			}
			if id := attrs["addresses."+name+".id"]; attrs["addresses.%"] != "" && id != got[name].ID {
				return fmt.Errorf("address %q: the state's id %q is not the store's %q", name, id, got[name].ID)
			}
		}
		return nil
	}
}

// expectNestedPut checks the one address mutation since the reset: a PUT
// to the state's address key, with every field (unset ones null) as want.
func (e *testEnv) expectNestedPut(key string, want map[string]string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return e.wire("one address PUT, to the changed address only, with every field", func() error {
			w := maps.Clone(want)
			w["name"] = key
			put, _, err := e.onlyAddressPut(w)
			if err != nil {
				return err
			}
			rs := s.RootModule().Resources[nestedRes].Primary
			if p := "/v2/customers/" + rs.ID + "/addresses/" + rs.Attributes["addresses."+key+".id"]; put.Path != p {
				return fmt.Errorf("the PUT went to %s, want %s", put.Path, p)
			}
			return nil
		})
	}
}

// TestAccCustomerAddresses_nested: create with two addresses (one customer
// POST, one POST each); one changed (one PUT to it alone, every field);
// one removed (one DELETE); one added (one POST); a change of the country's
// case alone (nothing sent); drift (an address changed and one added outside:
// put back with one PUT and one DELETE); import; a bad country at plan time.
func TestAccCustomerAddresses_nested(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	timeRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	home, work := nestedAddress("Ann", "1 High Street"), nestedAddress("Ann", "9 Mill Lane")
	two := map[string]map[string]string{"Home": home, "Work": work}
	work2 := with(with(work, "line_1", "10 Mill Lane"), "instructions", "Reception")
	changed := map[string]map[string]string{"Home": home, "Work": work2}
	removed := map[string]map[string]string{"Work": work2}
	added := map[string]map[string]string{"Work": work2, "Office": nestedAddress("Bo", "3 Park Row")}
	var customerID string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config:      nestedHCL(env, map[string]map[string]string{"Home": with(home, "country", "UK")}),
				ExpectError: regexp.MustCompile(`(?s)Invalid country code.*"UK" is not an assigned country code: use GB`),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, two),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(nestedRes, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Home").AtMapKey("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("created_at"), knownvalue.StringRegexp(timeRE)),
					statecheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("line_1"), knownvalue.StringExact("9 Mill Lane")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(two), func(s *terraform.State) error {
					customerID = s.RootModule().Resources[nestedRes].Primary.ID
					return env.wire("one customer POST, then one POST per address", func() error {
						var kinds []string
						for _, r := range env.Requests() {
							switch r.Kind {
							case emulator.KindCreate, emulator.KindAddressCreate, emulator.KindUpdate, emulator.KindAddressUpdate, emulator.KindDelete, emulator.KindAddressDelete:
								kinds = append(kinds, r.Kind)
							}
						}
						if want := []string{emulator.KindCreate, emulator.KindAddressCreate, emulator.KindAddressCreate}; !slices.Equal(kinds, want) {
							return fmt.Errorf("want %v, got %v", want, kinds)
						}
						return nil
					})
				}),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(nestedRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("updated_at")),
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Home").AtMapKey("updated_at"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectNestedPut("Work", work2), env.expectStoredSet(changed)),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, removed),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(removed), func(*terraform.State) error {
					return env.expectAddressMutations("one DELETE for the removed key", emulator.KindAddressDelete)
				}),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, added),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(added), func(*terraform.State) error {
					return env.expectAddressMutations("one POST for the added key", emulator.KindAddressCreate)
				}),
			},
			{
				// The country's case alone: nothing to send.
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, map[string]map[string]string{"Work": with(work2, "country", "gb"), "Office": added["Office"]}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("updated_at"), knownvalue.NotNull()),
				}},
				Check: func(*terraform.State) error {
					return env.expectAddressMutations("no address request for a change of the country's case alone")
				},
			},
			{
				// Drift: Office changed and an address added outside.
				PreConfig: func() {
					list, _ := env.Addresses(customerID)
					for _, a := range list {
						if a.Fields["name"] == "Office" {
							if err := env.UpdateAddress(customerID, a.ID, func(f map[string]string) { f["city"] = "York" }); err != nil {
								t.Fatal(err)
							}
						}
					}
					if _, err := env.CreateAddress(customerID, with(nestedAddress("Cy", "5 Side St"), "name", "Extra")); err != nil {
						t.Fatal(err)
					}
					env.ResetRequests()
				},
				Config: nestedHCL(env, added),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(nestedRes, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(added), func(*terraform.State) error {
					return env.expectAddressMutations("the extra address deleted, the changed one put back",
						emulator.KindAddressDelete, emulator.KindAddressUpdate)
				}),
			},
			{
				ResourceName:      nestedRes,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Plan-only: the configuration is what the store holds.
				Config:   nestedHCL(env, added),
				PlanOnly: true,
			},
		},
	})
}

// TestAccCustomerAddresses_unsetLeavesAlone: a customer without addresses
// in its configuration leaves alone the address that moltin_customer_address
// manages, on create and on change.
func TestAccCustomerAddresses_unsetLeavesAlone(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	home := with(nestedAddress("Ann", "1 High Street"), "name", "Home")
	separate := func() string {
		var b strings.Builder
		b.WriteString("resource \"moltin_customer_address\" \"home\" {\n  customer_id = moltin_customer.shopper.id\n")
		for _, k := range slices.Sorted(maps.Keys(home)) {
			fmt.Fprintf(&b, "  %s = %q\n", k, home[k])
		}
		b.WriteString("}\n")
		return b.String()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config: nestedHCL(env, nil, separate()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses"), knownvalue.Null()),
				},
				Check: env.expectStoredSet(map[string]map[string]string{"Home": nestedAddress("Ann", "1 High Street")}),
			},
			{
				// A change to the customer: no address request.
				PreConfig: env.ResetRequests,
				Config:    strings.Replace(nestedHCL(env, nil, separate()), `"Ann Lee"`, `"Ann Leigh"`, 1),
				Check: func(*terraform.State) error {
					return env.expectAddressMutations("no address request from the customer")
				},
			},
		},
	})
}

// TestAccCustomerAddresses_import: a customer with an address, imported
// into a configuration that does not set addresses: the address is in the
// state, nothing is planned for it, and it is left alone; set to what the
// store holds, nothing is planned either; unset again, still alone.
func TestAccCustomerAddresses_import(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	home := nestedAddress("Ann", "1 High Street")
	stored := map[string]map[string]string{"Home": home}
	var customerID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c := mustCreate(t, env, "Ann Lee", env.email("shopper"), "", nil)
					customerID = c.ID
					if _, err := env.CreateAddress(c.ID, with(home, "name", "Home")); err != nil {
						t.Fatal(err)
					}
				},
				ResourceName:       nestedRes,
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return customerID, nil },
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if got := states[0].Attributes["addresses.Home.line_1"]; got != "1 High Street" {
						return fmt.Errorf("the import brought addresses.Home.line_1 = %q: %v", got, states[0].Attributes)
					}
					return nil
				},
				Config: nestedHCL(env, nil),
			},
			{
				// Imported, with addresses not set: nothing planned.
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(stored),
					func(*terraform.State) error { return env.expectAddressMutations("no address request after the import") }),
			},
			{
				// Set to what the store holds: nothing planned.
				Config: nestedHCL(env, stored),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Unset again, and the customer changed: the address stays.
				PreConfig: env.ResetRequests,
				Config:    strings.Replace(nestedHCL(env, nil), `"Ann Lee"`, `"Ann Leigh"`, 1),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(stored),
					func(*terraform.State) error { return env.expectAddressMutations("no address request when unset") }),
			},
		},
	})
}

// TestAccCustomerAddresses_startManaging: addresses set on a customer
// whose addresses were not managed before takes over the one with the
// key's name (one PUT, since a field differs) and creates the other; no
// address is made twice.
func TestAccCustomerAddresses_startManaging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	want := map[string]map[string]string{"Home": with(nestedAddress("Ann", "1 High Street"), "city", "Leeds"), "Work": nestedAddress("Ann", "9 Mill Lane")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config: nestedHCL(env, nil),
				Check: func(s *terraform.State) error {
					_, err := env.CreateAddress(s.RootModule().Resources[nestedRes].Primary.ID, with(nestedAddress("Ann", "1 High Street"), "name", "Home"))
					return err
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, want),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(want), func(*terraform.State) error {
					return env.expectAddressMutations("Home taken over with one PUT, Work created", emulator.KindAddressUpdate, emulator.KindAddressCreate)
				}),
			},
			{Config: nestedHCL(env, want), PlanOnly: true},
		},
	})
}

// TestAccCustomerAddresses_faultMidway: the store refuses the second address
// of a new customer; the customer is deleted again (none left half-made),
// the error is on that address's field, and the next apply makes all.
func TestAccCustomerAddresses_faultMidway(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "needs a store that insists on county (the emulator's SetAddressRequired)")
	env := newTestEnv(t, emulator.Config{})
	env.emulator().SetAddressRequired("county")
	a := with(nestedAddress("Ann", "1 High Street"), "county", "West Yorkshire")
	b := nestedAddress("Ann", "9 Mill Lane")
	fixed := map[string]map[string]string{"A": a, "B": with(b, "county", "Kent")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig:   env.ResetRequests,
				Config:      nestedHCL(env, map[string]map[string]string{"A": a, "B": b}),
				ExpectError: regexp.MustCompile(`(?s)address "B" failed.*county.*was deleted again`),
			},
			{
				PreConfig: func() {
					if n := len(env.Customers()); n != 0 {
						t.Fatalf("%d customers left after the failed create, want none", n)
					}
					var kinds []string
					for _, r := range env.Requests() {
						switch r.Kind {
						case emulator.KindCreate, emulator.KindAddressCreate, emulator.KindDelete:
							kinds = append(kinds, r.Kind)
						}
					}
					want := []string{emulator.KindCreate, emulator.KindAddressCreate, emulator.KindAddressCreate, emulator.KindDelete}
					if !slices.Equal(kinds, want) {
						t.Fatalf("requests %v, want %v", kinds, want)
					}
				},
				Config: nestedHCL(env, fixed),
				Check:  env.expectStoredSet(fixed),
			},
		},
	})
}

// TestAccCustomerAddresses_unknownOutcomes: the customer's POST and both
// addresses' take effect and their answers are lost. Each create is looked
// up before it is sent again: one customer and two addresses, none twice.
func TestAccCustomerAddresses_unknownOutcomes(t *testing.T) {
	t.Parallel()
	// With this seed and share, the emulator's first draw (the token's POST)
	// passes and the next three (the three creates) are dropped; the check
	// below counts the drops, so another order fails the test, not passes it.
	env := newTestEnv(t, emulator.Config{Faults: emulator.Faults{DropAfterCommit: 0.9, Seed: 16}})
	two := map[string]map[string]string{"Home": nestedAddress("Ann", "1 High Street"), "Work": nestedAddress("Ann", "9 Mill Lane")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config: nestedHCL(env, two),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(two), func(*terraform.State) error {
					if n := len(env.Customers()); n != 1 {
						return fmt.Errorf("%d customers in the store, want 1", n)
					}
					if n := env.Stats().Faults[emulator.FaultDrop]; n != 3 {
						return fmt.Errorf("%d answers dropped, want the 3 creates'", n)
					}
					if n := env.Stats().ByKind[emulator.KindAddressCreate]; n != 2 {
						return fmt.Errorf("%d address POSTs, want 2: none sent again", n)
					}
					env.emulator().SetFaults(emulator.Faults{})
					return nil
				}),
			},
		},
	})
}

// TestAccCustomerAddresses_adoptAfterKill: a killed run left the customer
// and one of its addresses behind; with adopt_existing_customers the next
// apply takes both over, and creates only the missing address.
func TestAccCustomerAddresses_adoptAfterKill(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "the leftovers must come from outside this process")
	env := newTestEnv(t, emulator.Config{})
	two := map[string]map[string]string{"Home": nestedAddress("Ann", "1 High Street"), "Work": nestedAddress("Ann", "9 Mill Lane")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c := mustCreate(t, env, "Ann Lee", env.email("shopper"), "", nil)
					if _, err := env.CreateAddress(c.ID, with(two["Home"], "name", "Home")); err != nil {
						t.Fatal(err)
					}
					env.ResetRequests()
				},
				Config: strings.Replace(nestedHCL(env, two), "provider \"moltin\" {", "provider \"moltin\" {\n  adopt_existing_customers = true", 1),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(two), func(*terraform.State) error {
					return env.expectAddressMutations("only the missing address created", emulator.KindAddressCreate)
				}),
			},
		},
	})
}
