package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccAccountMembership_duplicate: a membership that exists already (made
// outside Terraform) fails the create with the import id to use; with
// adopt_existing_customers on, it is adopted instead, with no second POST
// after the 409.
func TestAccAccountMembership_duplicate(t *testing.T) {
	emulatorOnly(t, "the existing membership is made through the emulator's store")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupAM()
	emu := env.emulator()
	realm := emu.AccountRealmID()
	prof, err := emu.CreatePasswordProfile(realm, "dup", "any", false)
	if err != nil {
		t.Fatal(err)
	}
	u, err := emu.CreateUserAuthenticationInfo(realm, "Dup Member", env.email("dup"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.CreatePasswordProfileInfo(u.ID, prof.ID, env.email("dup"), "dup-password-1"); err != nil {
		t.Fatal(err)
	}
	acct, err := emu.CreateAccount(emulator.Account{Name: "Dup Account"})
	if err != nil {
		t.Fatal(err)
	}
	emu.SettleMembers()
	existing, err := emu.CreateAccountMembership(acct.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	hcl := func(adopt bool) string {
		extra := ""
		if adopt {
			extra = "adopt_existing_customers = true"
		}
		return env.providerBlock(extra) + fmt.Sprintf(`
resource "moltin_account_membership" "ms" {
  account_id        = %q
  account_member_id = %q
}
`, acct.ID, u.ID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      hcl(false),
				ExpectError: looseRegexp("Account membership already exists", fmt.Sprintf("id = %q", acct.ID+"/"+existing.ID)),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    hcl(true),
				Check: func(s *terraform.State) error {
					if got := stateAttr(s, "moltin_account_membership.ms", "id"); got != existing.ID {
						return fmt.Errorf("state holds membership %q, want the existing %q adopted", got, existing.ID)
					}
					var posts int
					for _, r := range env.Requests() {
						if r.Kind == emulator.KindMembershipCreate {
							posts++
						}
					}
					if posts != 1 {
						return fmt.Errorf("%d membership POSTs, want the one refused with 409", posts)
					}
					return nil
				},
			},
		},
	})
}

// TestAccAccountMember_refusedPasswordInfo: a member whose password info is
// refused (its username is another member's under the same profile) leaves
// no member behind: the UAI made first is deleted, and the error says why.
func TestAccAccountMember_refusedPasswordInfo(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupAM()
	first, second := env.email("first"), env.email("second")
	hcl := env.providerBlock() + fmt.Sprintf(`
resource "moltin_password_profile" "p" {
  name = %q
}

resource "moltin_account_member" "first" {
  name                = "First"
  email               = %q
  password_profile_id = moltin_password_profile.p.id
  password            = "first-password-1"
}

resource "moltin_account_member" "second" {
  name                = "Second"
  email               = %q
  username            = moltin_account_member.first.username
  password_profile_id = moltin_password_profile.p.id
  password            = "second-password-2"
}
`, env.accountName("refused"), first, second)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      hcl,
				ExpectError: looseRegexp("deleted again, so that none is left half-made"),
			},
			{
				// Only the first member exists; the second's UAI was deleted.
				Config:             hcl,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				PreConfig: func() {
					if err := env.wire("one UAI left: the first member's", func() error {
						uais := env.emulator().UserAuthenticationInfos()
						if len(uais) != 1 || uais[0].Email != first {
							return fmt.Errorf("UAIs left: %+v", uais)
						}
						var kinds []string
						for _, r := range env.Requests() {
							if r.Kind == emulator.KindUAICreate || r.Kind == emulator.KindUAPPICreate || r.Kind == emulator.KindUAIDelete {
								kinds = append(kinds, fmt.Sprintf("%s %d", r.Kind, r.Status))
							}
						}
						want := "[uai-create 201 uappi-create 201 uai-create 201 uappi-create 409 uai-delete 204]"
						if fmt.Sprint(kinds) != want {
							return fmt.Errorf("requests %v, want %s", kinds, want)
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				},
			},
		},
	})
}

// TestAccAccountAuthenticationSettingsDataSource reads the store's settings:
// the realm the password profiles live in.
func TestAccAccountAuthenticationSettingsDataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + `data "moltin_account_authentication_settings" "s" {}`,
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["data.moltin_account_authentication_settings.s"].Primary.Attributes
				if attrs["realm_id"] == "" || attrs["account_member_self_management"] == "" || attrs["account_management_authentication_token_timeout_secs"] == "" {
					return fmt.Errorf("settings %v", attrs)
				}
				return env.wire("the realm is the emulator's", func() error {
					if got, want := attrs["realm_id"], env.emulator().AccountRealmID(); got != want {
						return fmt.Errorf("realm_id %q, want %q", got, want)
					}
					return nil
				})
			},
		}},
	})
}

// TestAccAccountDataSources looks a member up by email and an account by id
// and by name.
func TestAccAccountDataSources(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupAM()
	email := env.email("lookup")
	name := env.accountName("lookup")
	base := env.providerBlock() + fmt.Sprintf(`
resource "moltin_password_profile" "p" {
  name = %[1]q
}

resource "moltin_account" "a" {
  name       = %[1]q
  legal_name = "Lookup Ltd"
}

resource "moltin_account_member" "m" {
  name                = "Lou Kup"
  email               = %[2]q
  password_profile_id = moltin_password_profile.p.id
  password            = "lookup-password-1"
}
`, name, email)
	lookups := base + fmt.Sprintf(`
data "moltin_account_member" "m" {
  email = %q
}

data "moltin_account" "by_id" {
  id = moltin_account.a.id
}

data "moltin_account" "by_name" {
  name = moltin_account.a.name
}
`, upperLocal(email))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base},
			{
				Config: lookups,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.moltin_account_member.m", "id", "moltin_account_member.m", "id"),
					resource.TestCheckResourceAttr("data.moltin_account_member.m", "name", "Lou Kup"),
					resource.TestCheckResourceAttrPair("data.moltin_account.by_id", "legal_name", "moltin_account.a", "legal_name"),
					resource.TestCheckResourceAttrPair("data.moltin_account.by_name", "id", "moltin_account.a", "id"),
					resource.TestCheckNoResourceAttr("data.moltin_account.by_name", "registration_id"),
				),
			},
			{
				Config:      base + `data "moltin_account" "none" { name = "no such account anywhere" }`,
				ExpectError: looseRegexp(`Account not found`, `No account in the store is named "no such account anywhere"`),
			},
		},
	})
}

// TestAccAccountAuthenticationSettingsResource adopts the store's settings
// with one PUT of the attributes configured, changes one, and leaves them as
// they are on destroy.
func TestAccAccountAuthenticationSettingsResource(t *testing.T) {
	emulatorOnly(t, "changes the store-wide settings, which a shared live store's other tests rely on")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	hcl := func(timeout int) string {
		return env.providerBlock() + fmt.Sprintf(`
resource "moltin_account_authentication_settings" "s" {
  enable_self_signup                                   = true
  account_management_authentication_token_timeout_secs = %d
}
`, timeout)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if s := env.emulator().AccountSettings(); !s.EnableSelfSignup {
				return fmt.Errorf("destroy changed the settings: %+v", s)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    hcl(3600),
				Check: func(s *terraform.State) error {
					if stateAttr(s, "moltin_account_authentication_settings.s", "realm_id") != env.emulator().AccountRealmID() {
						return fmt.Errorf("realm_id is not the emulator's")
					}
					return env.expectAMBodies("adopting is one PUT of the configured attributes",
						amWant{emulator.KindAccountSettingsUpdate, map[string]any{"type": "account_authentication_settings",
							"enable_self_signup": true, "account_management_authentication_token_timeout_secs": 3600}})
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    hcl(7200),
				Check: func(*terraform.State) error {
					return env.expectAMBodies("a change is one PUT of what changed",
						amWant{emulator.KindAccountSettingsUpdate, map[string]any{"type": "account_authentication_settings",
							"account_management_authentication_token_timeout_secs": 7200}})
				},
			},
		},
	})
}
