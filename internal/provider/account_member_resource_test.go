package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// shopperConfig is one shopper: a password profile, an account, a member
// with a password, and its membership; with token, the member also logs in
// through moltin_account_member_token and the echo provider shows a hash of
// the token.
type shopperConfig struct {
	ProfileName, Format               string
	AccountName                       string
	LegalName, RegistrationID, ExtRef string // "" leaves it out
	MemberName, Email, Username       string
	Password                          string
	Version                           int
	WriteOnly                         bool
	Token                             bool
}

func hclOpt(name, v string) string {
	if v == "" {
		return ""
	}
	return fmt.Sprintf("  %s = %q\n", name, v)
}

func (c shopperConfig) hcl(env *testEnv) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	b.WriteString(`
variable "password" {
  type      = string
  sensitive = true
` + map[bool]string{true: "  ephemeral = true\n", false: ""}[c.WriteOnly] + `}
`)
	fmt.Fprintf(&b, "resource \"moltin_password_profile\" \"p\" {\n  name = %q\n%s}\n", c.ProfileName, hclOpt("username_format", c.Format))
	fmt.Fprintf(&b, "resource \"moltin_account\" \"a\" {\n  name = %q\n%s%s%s}\n", c.AccountName,
		hclOpt("legal_name", c.LegalName), hclOpt("registration_id", c.RegistrationID), hclOpt("external_ref", c.ExtRef))
	pw := "  password = var.password\n"
	if c.WriteOnly {
		pw = fmt.Sprintf("  password_wo = var.password\n  password_wo_version = %d\n", c.Version)
	}
	fmt.Fprintf(&b, "resource \"moltin_account_member\" \"m\" {\n  name = %q\n  email = %q\n  password_profile_id = moltin_password_profile.p.id\n%s%s}\n",
		c.MemberName, c.Email, hclOpt("username", c.Username), pw)
	b.WriteString(`resource "moltin_account_membership" "ms" {
  account_id        = moltin_account.a.id
  account_member_id = moltin_account_member.m.id
}
`)
	if c.Token {
		b.WriteString(`
ephemeral "moltin_account_member_token" "t" {
  password_profile_id = moltin_password_profile.p.id
  username            = moltin_account_member.m.username
  password            = var.password
  account_id          = moltin_account_membership.ms.account_id
}

provider "echo" {
  data = {
    account_id   = ephemeral.moltin_account_member_token.t.account_id
    tokens       = length(ephemeral.moltin_account_member_token.t.tokens)
    token_sha256 = sha256(ephemeral.moltin_account_member_token.t.token)
  }
}

resource "echo" "t" {}
`)
	}
	return b.String()
}

func stateAttr(s *terraform.State, res, attr string) string {
	if rs, ok := s.RootModule().Resources[res]; ok {
		return rs.Primary.Attributes[attr]
	}
	return ""
}

// TestAccShopper_lifecycle creates a password profile, an account, a member
// with a password and its membership; the member logs in through the
// ephemeral token (on CLIs with ephemeral resources); then it renames the
// member, rotates the password and changes each account attribute,
// checking the exact bodies sent; finds drift; imports each resource; and
// destroys, leaving nothing. On Terraform before 1.11 it uses the legacy
// password attribute.
func TestAccShopper_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupAM()
	wo := cliHasWriteOnly(t)
	pw1, pw2 := "shopper-first-"+randomSuffix(t), "shopper-second-"+randomSuffix(t)
	email := env.email("shopper")
	base := shopperConfig{ProfileName: env.accountName("profile"), Format: "email", AccountName: env.accountName("acme"),
		MemberName: "Sam Shopper", Email: email, Password: pw1, Version: 1, WriteOnly: wo, Token: wo}
	vars := func(pw string) config.Variables { return config.Variables{"password": config.StringVariable(pw)} }
	var ids struct{ account, member, profile, membership string }
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"moltin": testAccProtoV6ProviderFactories["moltin"],
		"echo":   echoprovider.NewProviderServer(),
	}
	// The login is checked on create only: on a later plan the token's
	// inputs are known, so it is opened at plan time, before a rotation.
	renamed := base
	renamed.MemberName, renamed.Token = "Sam Renamed", false
	rotated := renamed
	rotated.Password, rotated.Version = pw2, 2
	attrs := rotated
	attrs.LegalName, attrs.RegistrationID, attrs.ExtRef = "Acme Ltd", env.tag+"-reg-1", "crm-1"
	attrs2 := attrs
	attrs2.AccountName, attrs2.LegalName, attrs2.RegistrationID, attrs2.ExtRef = env.accountName("acme2"), "", env.tag+"-reg-2", "crm-2"
	noToken := attrs2

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			n, err := env.amLeft([]string{ids.account}, []string{ids.member}, []string{ids.profile})
			if err != nil {
				return err
			}
			if n != 0 {
				return fmt.Errorf("%d of the shopper's objects are left after destroy", n)
			}
			return env.wire("no membership left", func() error {
				if ms := env.emulator().AccountMemberships(); len(ms) != 0 {
					return fmt.Errorf("%d memberships left", len(ms))
				}
				if u := env.emulator().PasswordProfileInfos(); len(u) != 0 {
					return fmt.Errorf("%d password profile infos left", len(u))
				}
				env.logRequests("destroy of one shopper")
				return nil
			})
		},
		Steps: []resource.TestStep{
			{
				PreConfig:       env.ResetRequests,
				Config:          base.hcl(env),
				ConfigVariables: vars(pw1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("moltin_account_member.m", tfjsonpath.New("username"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue("moltin_password_profile.p", tfjsonpath.New("username_format"), knownvalue.StringExact("email")),
					statecheck.ExpectKnownValue("moltin_password_profile.p", tfjsonpath.New("enable_one_time_password_token"), knownvalue.Bool(false)),
				},
				Check: func(s *terraform.State) error {
					ids.account, ids.member = stateAttr(s, "moltin_account.a", "id"), stateAttr(s, "moltin_account_member.m", "id")
					ids.profile, ids.membership = stateAttr(s, "moltin_password_profile.p", "id"), stateAttr(s, "moltin_account_membership.ms", "id")
					if stateAttr(s, "moltin_account_member.m", "password_profile_info_id") == "" || stateAttr(s, "moltin_password_profile.p", "realm_id") == "" {
						return fmt.Errorf("password_profile_info_id or realm_id is empty")
					}
					if !env.CheckMemberPassword(ids.profile, email, pw1) {
						return fmt.Errorf("the member cannot log in with its password")
					}
					if wo {
						if err := noSecretIn(s, pw1); err != nil {
							return err
						}
						if got := stateAttr(s, "echo.t", "data.account_id"); got != ids.account {
							return fmt.Errorf("the token is for account %q, want %q", got, ids.account)
						}
						if stateAttr(s, "echo.t", "data.token_sha256") == "" || stateAttr(s, "echo.t", "data.tokens") != "1" {
							return fmt.Errorf("the token echo is %v", s.RootModule().Resources["echo.t"].Primary.Attributes)
						}
					}
					return env.wire("the create's requests", func() error {
						env.logRequests("create of one shopper (profile, account, member, membership" + map[bool]string{true: ", login", false: ""}[wo] + ")")
						// The membership POST is refused (404) while the API has
						// not built the member yet, and sent again: the changes
						// made are the ones answered with success.
						var made []emulator.Request
						for _, r := range env.amMutations() {
							if r.Status < 300 {
								made = append(made, r)
							}
						}
						got := kinds(made)
						want := []string{emulator.KindPasswordProfileCreate, emulator.KindAccountCreate, emulator.KindUAICreate, emulator.KindUAPPICreate, emulator.KindMembershipCreate}
						sortedGot, sortedWant := append([]string{}, got...), append([]string{}, want...)
						sortStrings(sortedGot)
						sortStrings(sortedWant)
						if strings.Join(sortedGot, ",") != strings.Join(sortedWant, ",") {
							return fmt.Errorf("changes sent: %v, want one each of %v", got, want)
						}
						return nil
					})
				},
			},
			{
				PreConfig:       env.ResetRequests,
				Config:          renamed.hcl(env),
				ConfigVariables: vars(pw1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("moltin_account_member.m", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("moltin_account_membership.ms", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					env.logRequests("rename of one shopper")
					return env.expectAMBodies("a rename is one PUT of the UAI with name and email",
						amWant{emulator.KindUAIUpdate, map[string]any{"type": "user_authentication_info", "name": "Sam Renamed", "email": email}})
				},
			},
			{
				PreConfig:       env.ResetRequests,
				Config:          rotated.hcl(env),
				ConfigVariables: vars(pw2),
				Check: func(s *terraform.State) error {
					env.logRequests("password rotation of one shopper")
					if !env.CheckMemberPassword(ids.profile, email, pw2) {
						return fmt.Errorf("the member cannot log in with the new password")
					}
					if err := env.wire("the old password is refused", func() error {
						if env.CheckMemberPassword(ids.profile, email, pw1) {
							return fmt.Errorf("the old password still works")
						}
						return nil
					}); err != nil {
						return err
					}
					return env.expectAMBodies("a rotation is one PUT of the UAPPI with all four fields",
						amWant{emulator.KindUAPPIUpdate, map[string]any{"type": "user_authentication_password_profile_info",
							"password_profile_id": ids.profile, "username": email, "password": "REDACTED"}})
				},
			},
			{
				PreConfig:       env.ResetRequests,
				Config:          attrs.hcl(env),
				ConfigVariables: vars(pw2),
				Check: func(*terraform.State) error {
					return env.expectAMBodies("setting three account attributes is one PUT of those three",
						amWant{emulator.KindAccountUpdate, map[string]any{"type": "account", "legal_name": "Acme Ltd", "registration_id": env.tag + "-reg-1", "external_ref": "crm-1"}})
				},
			},
			{
				PreConfig:       env.ResetRequests,
				Config:          attrs2.hcl(env),
				ConfigVariables: vars(pw2),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("moltin_account.a", tfjsonpath.New("legal_name"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					return env.expectAMBodies("renaming, clearing legal_name and changing two more is one PUT of those four, legal_name as null",
						amWant{emulator.KindAccountUpdate, map[string]any{"type": "account", "name": env.accountName("acme2"), "legal_name": nil,
							"registration_id": env.tag + "-reg-2", "external_ref": "crm-2"}})
				},
			},
			// Drift: a rename behind Terraform's back is planned back.
			{
				PreConfig: func() {
					if err := env.RenameMember(ids.member, "Someone Else"); err != nil {
						t.Fatal(err)
					}
				},
				Config:             noToken.hcl(env),
				ConfigVariables:    vars(pw2),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:          noToken.hcl(env),
				ConfigVariables: vars(pw2),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("moltin_account_member.m", tfjsonpath.New("name"), knownvalue.StringExact("Sam Renamed")),
				},
			},
			// Import each resource, by id (the membership by account/id).
			{
				ResourceName: "moltin_account.a", ImportState: true, ImportStateVerify: true,
				Config: noToken.hcl(env), ConfigVariables: vars(pw2),
			},
			{
				ResourceName: "moltin_password_profile.p", ImportState: true, ImportStateVerify: true,
				Config: noToken.hcl(env), ConfigVariables: vars(pw2),
			},
			{
				ResourceName: "moltin_account_member.m", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"password", "password_wo", "password_wo_version"},
				Config:                  noToken.hcl(env), ConfigVariables: vars(pw2),
			},
			{
				ResourceName: "moltin_account_membership.ms", ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return stateAttr(s, "moltin_account_membership.ms", "account_id") + "/" + stateAttr(s, "moltin_account_membership.ms", "id"), nil
				},
				Config: noToken.hcl(env), ConfigVariables: vars(pw2),
			},
			{
				PreConfig:       env.ResetRequests,
				Config:          noToken.hcl(env),
				ConfigVariables: vars(pw2),
			},
		},
	})
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestAccAccountManagement_badInput: bad input fails the plan (before any
// request) with an error on the attribute; a username that is not an email
// under an email profile fails at apply (the profile is known only then)
// naming username, before the member is made.
func TestAccAccountManagement_badInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	env.cleanupAM()
	profile := func(format string) string {
		return fmt.Sprintf("resource \"moltin_password_profile\" \"p\" {\n  name = %q\n  username_format = %q\n}\n", env.accountName("bad"), format)
	}
	member := func(email, username, password string) string {
		return fmt.Sprintf("resource \"moltin_account_member\" \"m\" {\n  name = \"Bad Input\"\n  email = %q\n%s  password_profile_id = moltin_password_profile.p.id\n  password = %q\n}\n",
			email, hclOpt("username", username), password)
	}
	good := env.email("bad")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.providerBlock() + profile("phone"),
				PlanOnly:    true,
				ExpectError: looseRegexp(`username_format`, `value must be one of`),
			},
			{
				Config:      env.providerBlock() + profile("email") + member(good, "", "short"),
				PlanOnly:    true,
				ExpectError: looseRegexp(`Attribute password string length must be at least 8`),
			},
			{
				Config:      env.providerBlock() + profile("email") + member("not-an-email", "", "long-enough-1"),
				PlanOnly:    true,
				ExpectError: looseRegexp(`Invalid email address`, `"not-an-email" is not an email address`),
			},
			{
				Config:      env.providerBlock() + profile("email") + fmt.Sprintf("resource \"moltin_account\" \"a\" {\n  name = \"A\"\n  registration_id = %q\n}\n", strings.Repeat("r", 64)),
				PlanOnly:    true,
				ExpectError: looseRegexp(`registration_id string length must be between 1 and 63`),
			},
			{
				Config:      env.providerBlock() + profile("email") + member(good, "not-an-email", "long-enough-1"),
				ExpectError: looseRegexp(`Username must be an email address`, `username_format = "email", so username must be an email address: "not-an-email" is not`),
			},
			{
				// The refused member was never made.
				PreConfig: func() {
					if err := env.wire("no UAI was made for the refused member", func() error {
						if n := len(env.emulator().UserAuthenticationInfos()); n != 0 {
							return fmt.Errorf("%d UAIs exist", n)
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.providerBlock() + profile("email"),
			},
		},
	})
}
