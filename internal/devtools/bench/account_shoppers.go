package main

import (
	"fmt"
	"strings"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// Account Management shoppers at scale (issue 24, item 2): N shoppers, each
// an account, an account member and the membership between them, under one
// password profile. The memberships refer to the accounts and members either
// by index (O(N²) for the CLI) or through locals computed once (O(N)).

// amForm is how the memberships refer to their account and member.
type amForm int

const (
	amNone amForm = iota
	amByIndex
	amLocal
)

func (f amForm) String() string {
	return [...]string{"none", "memberships by index", "memberships through locals"}[f]
}

// amSteps are the create and destroy of N Account Management shoppers in
// form f. A member is two POSTs (its user authentication info and its
// password profile info); the first member create of a process reads the
// account authentication settings once (the realm), shared by the
// concurrent first calls. Members appear at once in these steps; with
// withDelay, a create and destroy at the emulator's default member delay
// follow, whose membership retries (a refused POST and a GET of the member
// per wait) are reported against the same minimum but not checked: their
// number depends on timing.
func amSteps(o options, f amForm, apply, destroy []string, withDelay bool) []step {
	n := o.n
	cfg := version{password: 1, clientRPS: true, am: f}
	out := []step{
		{name: "create Account Management shoppers, " + f.String(), args: apply, cfg: cfg, check: expectAMShoppers(n),
			min: amCreateMin(n)},
		{name: "destroy Account Management shoppers, " + f.String(), args: destroy, cfg: cfg, check: expectAMShoppers(0),
			min: amDestroyMin(n)},
	}
	if withDelay {
		d := emulator.DefaultMemberDelay
		out = append(out,
			step{name: fmt.Sprintf("create Account Management shoppers, %s, member delay %s", f, d), args: apply, cfg: cfg, check: expectAMShoppers(n),
				min: amCreateMin(n), memberDelay: d, reportOnly: true},
			step{name: fmt.Sprintf("destroy Account Management shoppers, %s, member delay %s", f, d), args: destroy, cfg: cfg, check: expectAMShoppers(0),
				min: amDestroyMin(n), memberDelay: d, reportOnly: true})
	}
	return out
}

// amCreateMin is one token, one read of the settings, the profile, and per
// shopper an account, a member (two POSTs) and a membership.
func amCreateMin(n int) map[string]int {
	return map[string]int{
		emulator.KindToken: 1, emulator.KindAccountSettingsGet: 1, emulator.KindPasswordProfileCreate: 1,
		emulator.KindAccountCreate: n, emulator.KindUAICreate: n, emulator.KindUAPPICreate: n, emulator.KindMembershipCreate: n,
	}
}

// amDestroyMin is a refresh (one read per resource; a member is its user
// authentication info and its password profile info) and one delete per
// resource but the password profile info, which goes with its member; each
// of the two processes reads the account authentication settings once.
func amDestroyMin(n int) map[string]int {
	return map[string]int{
		emulator.KindToken: 2, emulator.KindAccountSettingsGet: 2, // one per process: the plan's refresh and the apply
		emulator.KindPasswordProfileGet: 1, emulator.KindAccountGet: n, emulator.KindUAIGet: n, emulator.KindUAPPIGet: n, emulator.KindMembershipGet: n,
		emulator.KindPasswordProfileDelete: 1, emulator.KindAccountDelete: n, emulator.KindUAIDelete: n, emulator.KindMembershipDelete: n,
	}
}

func expectAMShoppers(n int) func(*emulator.Server) error {
	return func(emu *emulator.Server) error {
		emu.SettleMembers()
		accounts, members, memberships := len(emu.Accounts()), len(emu.AccountMembers()), len(emu.AccountMemberships())
		if accounts != n || members != n || memberships != n {
			return fmt.Errorf("%d accounts, %d members, %d memberships; want %d of each", accounts, members, memberships, n)
		}
		return nil
	}
}

// amConfig is N Account Management shoppers in form f.
func amConfig(n int, f amForm) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `
resource "moltin_password_profile" "p" {
  name = "Bench shoppers"
}

resource "moltin_account" "a" {
  count = %d
  name  = "Bench Account ${count.index}"
}

resource "moltin_account_member" "m" {
  count               = %d
  name                = "Bench Member ${count.index}"
  email               = "bench-member-${count.index}@example.com"
  password_profile_id = moltin_password_profile.p.id
  password_wo         = %q
  password_wo_version = 1
}
`, n, n, password(1))
	account, member := "moltin_account.a[count.index].id", "moltin_account_member.m[count.index].id"
	if f == amLocal {
		sb.WriteString(`
locals {
  account_ids = [for a in moltin_account.a : a.id]
  member_ids  = [for m in moltin_account_member.m : m.id]
}
`)
		account, member = "local.account_ids[count.index]", "local.member_ids[count.index]"
	}
	fmt.Fprintf(&sb, `
resource "moltin_account_membership" "s" {
  count             = %d
  account_id        = %s
  account_member_id = %s
}
`, n, account, member)
	return sb.String()
}

// amBaseline is the same shapes on terraform_data.
func amBaseline(n int, f amForm) string {
	out := fmt.Sprintf(`
resource "terraform_data" "p" {
  input = { name = "Bench shoppers" }
}

resource "terraform_data" "a" {
  count = %d
  input = { name = "Bench Account ${count.index}" }
}

resource "terraform_data" "m" {
  count = %d
  input = {
    name                = "Bench Member ${count.index}"
    email               = "bench-member-${count.index}@example.com"
    password_profile_id = terraform_data.p.id
  }
}
`, n, n)
	account, member := "terraform_data.a[count.index].id", "terraform_data.m[count.index].id"
	if f == amLocal {
		out += `
locals {
  account_ids = [for a in terraform_data.a : a.id]
  member_ids  = [for m in terraform_data.m : m.id]
}
`
		account, member = "local.account_ids[count.index]", "local.member_ids[count.index]"
	}
	return out + fmt.Sprintf(`
resource "terraform_data" "s" {
  count = %d
  input = {
    account_id        = %s
    account_member_id = %s
  }
}
`, n, account, member)
}
