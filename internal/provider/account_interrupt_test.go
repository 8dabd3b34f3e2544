package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

const (
	shopperCount = 30
	shopperAfter = 8 // members made when the signal is sent
)

// TestAccInterrupt_shoppers interrupts a real CLI, with SIGINT to the CLI
// and with SIGTERM to its process group (issue 21), while it creates 30
// shoppers (an account, a member with a password, and the membership of
// each, under one password profile), against an emulator answering in
// interruptLatency: no account, member or membership is left that the
// state does not know, no member is left without its password info, and
// the next apply converges to exactly 30 of each.
func TestAccInterrupt_shoppers(t *testing.T) {
	cli, providerDir := requireCLI(t, "the interrupt tests")
	t.Parallel()
	for _, in := range []interruption{sigintCLI, sigtermGroup} {
		t.Run(in.key, func(t *testing.T) {
			t.Parallel()
			interruptedShoppers(t, cli, providerDir, in)
		})
	}
}

func interruptedShoppers(t *testing.T, cli, providerDir string, in interruption) {
	r := startInterruptRun(t, cli, providerDir, interruptLatency, func(url string) string {
		return fmt.Sprintf(`
provider "moltin" {
  api_base_url            = %q
  max_requests_per_second = 100
}

resource "moltin_password_profile" "p" {
  name = "interrupt"
}

resource "moltin_account" "a" {
  count = %[2]d
  name  = "Account ${count.index}"
}

resource "moltin_account_member" "m" {
  count               = %[2]d
  name                = "Shopper ${count.index}"
  email               = "shopper-${count.index}@example.com"
  password_profile_id = moltin_password_profile.p.id
  password            = "shopper-password-${count.index}"
}

resource "moltin_account_membership" "ms" {
  count             = %[2]d
  account_id        = moltin_account.a[count.index].id
  account_member_id = moltin_account_member.m[count.index].id
}
`, url, shopperCount)
	})
	srv, w := r.srv, r.w

	res, _ := r.signalled(in, func() bool { return len(srv.UserAuthenticationInfos()) >= shopperAfter }, append([]string{"apply"}, applyArgs...)...)
	t.Logf("the interrupted apply exited %d; its errors: %s", res.ExitCode, errorSummaries(res.Stderr))
	f := shopperFigures(t, srv, w.Dir)
	t.Logf("shopper interrupt figures (%s, %s during apply): %s", r.name, in.name, f)
	if f.members["emulator"] >= shopperCount {
		t.Errorf("the run made all %d members before %s took effect: the test proves nothing", shopperCount, in.name)
	}
	if f.orphans != 0 || f.halfMade != 0 {
		t.Errorf("after %s: %d objects in the emulator that the state does not know, %d members without a password info", in.name, f.orphans, f.halfMade)
	}

	r.apply(false)
	f = shopperFigures(t, srv, w.Dir)
	t.Logf("shopper figures after the next apply: %s", f)
	for kind, n := range map[string]map[string]int{"accounts": f.accounts, "members": f.members, "memberships": f.memberships} {
		if n["emulator"] != shopperCount || n["state"] != shopperCount {
			t.Errorf("%s after the next apply: %d in the emulator, %d in the state; want %d", kind, n["emulator"], n["state"], shopperCount)
		}
	}
	if f.orphans != 0 || f.halfMade != 0 {
		t.Errorf("after the next apply: %d orphans, %d members without a password info", f.orphans, f.halfMade)
	}
	for i := range shopperCount {
		if !srv.CheckMemberPassword(f.profileID, fmt.Sprintf("shopper-%d@example.com", i), fmt.Sprintf("shopper-password-%d", i)) {
			t.Errorf("shopper %d cannot log in", i)
		}
	}
}

type shopperCounts struct {
	accounts, members, memberships map[string]int // "emulator", "state"
	orphans, halfMade              int
	profileID                      string
}

func (f shopperCounts) String() string {
	return fmt.Sprintf("accounts emulator=%d state=%d; members emulator=%d state=%d; memberships emulator=%d state=%d; orphans=%d half-made members=%d",
		f.accounts["emulator"], f.accounts["state"], f.members["emulator"], f.members["state"],
		f.memberships["emulator"], f.memberships["state"], f.orphans, f.halfMade)
}

func shopperFigures(t *testing.T, srv *emulator.Running, dir string) shopperCounts {
	t.Helper()
	state := map[string]map[string]bool{}
	f := shopperCounts{accounts: map[string]int{}, members: map[string]int{}, memberships: map[string]int{}}
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err == nil && len(b) > 0 {
		var st struct {
			Resources []struct {
				Type      string `json:"type"`
				Instances []struct {
					Attributes struct {
						ID string `json:"id"`
					} `json:"attributes"`
				} `json:"instances"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatalf("reading the state: %v", err)
		}
		for _, res := range st.Resources {
			for _, in := range res.Instances {
				if state[res.Type] == nil {
					state[res.Type] = map[string]bool{}
				}
				state[res.Type][in.Attributes.ID] = true
				if res.Type == "moltin_password_profile" {
					f.profileID = in.Attributes.ID
				}
			}
		}
	}
	count := func(kind, typ string, m map[string]int, ids []string) {
		m["emulator"], m["state"] = len(ids), len(state[typ])
		for _, id := range ids {
			if !state[typ][id] {
				f.orphans++
				t.Logf("orphan %s %s", kind, id)
			}
		}
	}
	var accounts, members, memberships []string
	for _, a := range srv.Accounts() {
		accounts = append(accounts, a.ID)
	}
	withInfo := map[string]bool{}
	for _, p := range srv.PasswordProfileInfos() {
		withInfo[p.UserAuthInfoID] = true
	}
	for _, u := range srv.UserAuthenticationInfos() {
		members = append(members, u.ID)
		if !withInfo[u.ID] {
			f.halfMade++
		}
	}
	for _, m := range srv.AccountMemberships() {
		memberships = append(memberships, m.ID)
	}
	count("account", "moltin_account", f.accounts, accounts)
	count("member", "moltin_account_member", f.members, members)
	count("membership", "moltin_account_membership", f.memberships, memberships)
	return f
}
