package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// These tests set the process environment, which the in-process provider
// reads, so they must not run in parallel. Go runs them before releasing the
// parallel tests, which set every setting in their provider blocks anyway.

// TestAccProvider_envFallback configures the provider from the environment
// only: the EPCC_ names win over the older MOLTIN_ ones, which still work.
func TestAccProvider_envFallback(t *testing.T) {
	emulatorOnly(t, "reads the User-Agent of every request from the emulator's log")
	env := newTestEnv(t, emulator.Config{})
	t.Setenv("EPCC_CLIENT_ID", env.ClientID)
	t.Setenv("MOLTIN_CLIENT_ID", "a-wrong-client-id")
	t.Setenv("EPCC_CLIENT_SECRET", "")
	t.Setenv("MOLTIN_CLIENT_SECRET", env.ClientSecret)
	t.Setenv("EPCC_API_BASE_URL", "")
	t.Setenv("MOLTIN_API_BASE_URL", env.URL)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "moltin" {}` + "\n" + customerConfig{Name: "From Env", Email: "env@example.com"}.hcl(),
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return env.expectOneMutation("create", "name", "email")() },
				func(*terraform.State) error {
					// Every request, the token's included, names the provider and
					// the CLI's version.
					ua := regexp.MustCompile(`^terraform-provider-moltin/test \(\+https://registry\.terraform\.io/providers/moltin-community/moltin\) Terraform/\d+\.\d+\.\d+`)
					for _, r := range env.Requests() {
						if !ua.MatchString(r.UserAgent) {
							return fmt.Errorf("%s %s sent User-Agent %q", r.Method, r.Path, r.UserAgent)
						}
					}
					return nil
				},
			),
		}},
	})
}

// TestAccProvider_missingCredentials names the attribute and the environment
// variables to set, for each missing credential.
func TestAccProvider_missingCredentials(t *testing.T) {
	emulatorOnly(t, "counts the requests sent in the emulator's log (none may be)")
	for _, name := range []string{"EPCC_CLIENT_ID", "MOLTIN_CLIENT_ID", "EPCC_CLIENT_SECRET", "MOLTIN_CLIENT_SECRET"} {
		t.Setenv(name, "")
	}
	env := newTestEnv(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "moltin" {
  api_base_url = "` + env.URL + `"
}
` + customerConfig{Name: "No Creds", Email: "nocreds@example.com"}.hcl(),
			ExpectError: wrapRegexp(`Missing client_id`, `Set client_id in the provider block or the EPCC_CLIENT_ID or MOLTIN_CLIENT_ID environment variable`,
				`Missing client_secret`, `Set the EPCC_CLIENT_SECRET or MOLTIN_CLIENT_SECRET environment variable`),
		}},
	})
	if n := len(env.Requests()); n != 0 {
		t.Fatalf("a provider without credentials sent %d requests", n)
	}
}
