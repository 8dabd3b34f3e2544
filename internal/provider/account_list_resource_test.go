package provider

import (
	"slices"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// The moltin_account and moltin_account_member list resources, called
// through the plugin protocol as `terraform query` would.

func TestAccountListResources_filtersAndResources(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	emu := env.emulator()
	s := newListServer(t, env, nil)
	realm := emu.AccountRealmID()
	for _, m := range [][2]string{{"E2E Ann", "ann@test.example.com"}, {"E2E Bob", "bob@test.example.com"}, {"Carol", "carol@other.example.com"}} {
		if _, err := emu.CreateUserAuthenticationInfo(realm, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	reg := "reg-42"
	acme, err := emu.CreateAccount(emulator.Account{Name: "E2E Acme", RegistrationID: &reg})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.CreateAccount(emulator.Account{Name: "Other Co"}); err != nil {
		t.Fatal(err)
	}

	names := func(rs []listed) []string {
		var out []string
		for _, r := range rs {
			requireNoDiagnostics(t, "ListResource", r.Diagnostics)
			out = append(out, r.DisplayName)
		}
		slices.Sort(out)
		return out
	}
	members := s.listOf(t, "moltin_account_member", s.configOf(t, "moltin_account_member", map[string]string{"email_like": "*@test.example.com"}), true, 100)
	if got := names(members); !slices.Equal(got, []string{"E2E Ann <ann@test.example.com>", "E2E Bob <bob@test.example.com>"}) {
		t.Fatalf("members by email_like: %q", got)
	}
	for _, m := range members {
		var email string
		if err := m.Resource["email"].As(&email); err != nil || email == "" || m.ID == "" {
			t.Fatalf("member resource %v (%v)", m.Resource, err)
		}
		if !m.Resource["password_wo"].IsNull() || !m.Resource["password"].IsNull() {
			t.Fatalf("a listed member carries a password attribute")
		}
	}
	if got := names(s.listOf(t, "moltin_account_member", s.configOf(t, "moltin_account_member", map[string]string{"name_like": "E2E B*"}), false, 100)); !slices.Equal(got, []string{"E2E Bob <bob@test.example.com>"}) {
		t.Fatalf("members by name_like: %q", got)
	}
	accounts := s.listOf(t, "moltin_account", s.configOf(t, "moltin_account", map[string]string{"registration_id": reg}), true, 100)
	if got := names(accounts); !slices.Equal(got, []string{"E2E Acme"}) || accounts[0].ID != acme.ID {
		t.Fatalf("accounts by registration_id: %q", got)
	}
	var gotReg string
	if err := accounts[0].Resource["registration_id"].As(&gotReg); err != nil || gotReg != reg {
		t.Fatalf("account resource registration_id %q (%v)", gotReg, err)
	}
	if got := names(s.listOf(t, "moltin_account", s.configOf(t, "moltin_account", map[string]string{"name_like": "E2E*"}), false, 100)); !slices.Equal(got, []string{"E2E Acme"}) {
		t.Fatalf("accounts by name_like: %q", got)
	}
	if got := names(s.listOf(t, "moltin_account", s.configOf(t, "moltin_account", nil), false, 100)); len(got) != 2 {
		t.Fatalf("every account: %q", got)
	}
}
