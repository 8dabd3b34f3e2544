package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccProvider_lazyToken checks that the token is taken on the first API
// call, not when the provider is configured: planning a new customer needs
// no API call, so it must take no token.
func TestAccProvider_lazyToken(t *testing.T) {
	emulatorOnly(t, "counts the tokens taken in the emulator's log (none may be)")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             env.providerBlock() + customerConfig{Name: "Lazy", Email: "lazy@example.com"}.hcl(),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if reqs := env.Requests(); len(reqs) != 0 {
		t.Fatalf("a plan that needs no API call sent %d requests: %s", len(reqs), describe(reqs))
	}
	if n := env.Stats().TokensIssued; n != 0 {
		t.Fatalf("a plan that needs no API call took %d tokens", n)
	}
}
