package provider

import (
	"context"
	"fmt"
	"regexp"
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
