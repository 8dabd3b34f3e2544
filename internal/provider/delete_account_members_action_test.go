package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// The moltin_delete_account_members action, through the plugin protocol as
// moltin_delete_customers is (see delete_customers_action_test.go, whose
// helpers these use; the engine they share is tested there at length:
// failures midway, interrupts, limits, progress).

const deleteAccountMembersType = "moltin_delete_account_members"

// amStore is a store of members: each with a password profile info, some
// with a membership of a shared account.
type amStore struct {
	realm, profile, account string
}

func newAMStore(t *testing.T, env *testEnv) amStore {
	t.Helper()
	emu := env.emulator()
	emu.SetMemberDelay(0)
	realm := emu.AccountRealmID()
	profile, err := emu.CreatePasswordProfile(realm, "Shoppers", "email", false)
	if err != nil {
		t.Fatal(err)
	}
	account, err := emu.CreateAccount(emulator.Account{Name: "Shared test account"})
	if err != nil {
		t.Fatal(err)
	}
	return amStore{realm: realm, profile: profile.ID, account: account.ID}
}

// newMembersActionServer is newActionServer for the action
// moltin_delete_account_members, with a store of members to seed.
func newMembersActionServer(t *testing.T) (*testEnv, *actionServer, amStore) {
	t.Helper()
	env, s := newActionServer(t, nil)
	return env, s.forAction(t, deleteAccountMembersType), newAMStore(t, env)
}

// members makes n members, the i-th named and emailed by the formats given
// (each with i) and joined if joined(i); it returns their ids.
func (s amStore) members(t *testing.T, env *testEnv, n int, nameFormat, emailFormat string, joined func(i int) bool) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = s.member(t, env, fmt.Sprintf(nameFormat, i), fmt.Sprintf(emailFormat, i), joined(i))
	}
	return ids
}

// member makes a member with a password profile info and, if joined, a
// membership of the shared account; it returns the member's id.
func (s amStore) member(t *testing.T, env *testEnv, name, email string, joined bool) string {
	t.Helper()
	emu := env.emulator()
	u, err := emu.CreateUserAuthenticationInfo(s.realm, name, email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.CreatePasswordProfileInfo(u.ID, s.profile, email, "pw-"+randomSuffix(t)); err != nil {
		t.Fatal(err)
	}
	if joined {
		if _, err := emu.CreateAccountMembership(s.account, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	return u.ID
}

// amLeftOf reports, for the ids given, how many still have a UAI, a
// password profile info, an account member and a membership.
func amLeftOf(env *testEnv, ids []string) (uais, infos, members, memberships int) {
	emu := env.emulator()
	return countOf(emu.UserAuthenticationInfos(), ids, func(u emulator.UserAuthenticationInfo) string { return u.ID }),
		countOf(emu.PasswordProfileInfos(), ids, func(p emulator.PasswordProfileInfo) string { return p.UserAuthInfoID }),
		countOf(emu.AccountMembers(), ids, func(m emulator.AccountMember) string { return m.ID }),
		countOf(emu.AccountMemberships(), ids, func(m emulator.AccountMembership) string { return m.AccountMemberID })
}

// countOf counts the objects whose member id (as memberID reads it) is one
// of ids.
func countOf[T any](objs []T, ids []string, memberID func(T) string) int {
	n := 0
	for _, o := range objs {
		if slices.Contains(ids, memberID(o)) {
			n++
		}
	}
	return n
}

func uaiDeletes(env *testEnv) map[int][]string {
	out := map[int][]string{}
	for _, r := range env.Requests() {
		if r.Kind == emulator.KindUAIDelete {
			out[r.Status] = append(out[r.Status], r.Path[strings.LastIndex(r.Path, "/")+1:])
		}
	}
	return out
}

func uaiListQueries(env *testEnv) []string {
	var out []string
	for _, r := range env.Requests() {
		if r.Kind == emulator.KindUAIList {
			out = append(out, r.Query)
		}
	}
	return out
}

func TestDeleteAccountMembersAction_Validate(t *testing.T) {
	emulatorOnly(t, "reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	s = s.forAction(t, deleteAccountMembersType)
	var names []string
	for _, a := range s.schema.Block.Attributes {
		names = append(names, a.Name)
	}
	sort.Strings(names)
	if want := []string{"created_before", "dry_run", "email", "email_like", "limit", "name", "name_like"}; !slices.Equal(names, want) {
		t.Errorf("attributes %v, want %v", names, want)
	}
	s.validateCases(t, []configCase{
		{"no filter", map[string]any{"dry_run": true}, "", "No filter"},
		{"stars alone", map[string]any{"name_like": "***"}, "name_like", "Pattern matches every account member"},
		{"limit above 10000", map[string]any{"email_like": "*@e2e.example.com", "limit": 10001}, "limit", ""},
		{"an email that is not one", map[string]any{"email": "nobody"}, "email", ""},
		{"valid", map[string]any{"email_like": "*@e2e.example.com", "created_before": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, "", ""},
	})
	requireErrorOn(t, s.plan(t, s.config(t, map[string]any{"limit": 5})), "", "No filter")
	requireNoRequests(t, env, "validation and planning")
}

// TestDeleteAccountMembersAction_Deletes deletes 130 matching members among
// 150: one DELETE of each one's UAI, which takes its password profile info,
// its account member and its membership with it, and leaves the account and
// the other members (with their memberships) alone. A dry run first counts
// them and deletes nothing.
func TestDeleteAccountMembersAction_Deletes(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	env, s, am := newMembersActionServer(t)
	matching := am.members(t, env, 130, "E2E member %03d", "e2e-%03d@e2e.example.com", func(i int) bool { return i%10 == 0 })
	others := am.members(t, env, 20, "Real member %02d", "real%02d@example.com", func(i int) bool { return i%2 == 0 })
	env.ResetRequests()
	const filter = `filter=like(email,"*@e2e.example.com")`

	dry := s.invoke(t.Context(), t, s.config(t, map[string]any{"email_like": "*@e2e.example.com", "dry_run": true}), nil)
	requireNoDiagnostics(t, "dry run", dry.diags)
	if want := []string{
		`Found 130 account members matching like(email,"*@e2e.example.com").`,
		`Dry run: 130 account members would be deleted; none was.`,
	}; !slices.Equal(dry.progress, want) {
		t.Errorf("dry run's progress %q, want %q", dry.progress, want)
	}
	if n := len(uaiDeletes(env)); n != 0 {
		t.Errorf("the dry run sent DELETEs")
	}
	env.ResetRequests()

	r := s.invoke(t.Context(), t, s.config(t, map[string]any{"email_like": "*@e2e.example.com"}), nil)
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	requireNoSecret(t, env, r)
	if want := []string{
		`Found 130 account members matching like(email,"*@e2e.example.com").`,
		`Deleted 100 of 130 account members (0 already gone).`,
		`Done: 130 account members found, 130 deleted, 0 already gone.`,
	}; !slices.Equal(r.progress, want) {
		t.Errorf("progress %q, want %q", r.progress, want)
	}
	if got, want := uaiListQueries(env), []string{
		filter + "&page[limit]=100&page[offset]=0&sort=created_at",
		filter + "&page[limit]=100&page[offset]=100&sort=created_at",
	}; !slices.Equal(got, want) {
		t.Errorf("UAI list requests %q, want %q", got, want)
	}
	deletes := uaiDeletes(env)
	if got := sorted(deletes[204]); !slices.Equal(got, sorted(matching)) || len(deletes) != 1 {
		t.Errorf("UAI DELETEs by status %v; want 130 answered 204, one per match", mapLens(deletes))
	}
	stats := env.Stats()
	t.Logf("130 matching members among 150: %d requests %v", stats.Total, stats.ByKind)
	if stats.Total != 2+130+stats.ByKind[emulator.KindToken]+stats.ByKind[emulator.KindAccountSettingsGet] {
		t.Errorf("requests %v; want 2 list pages and 130 DELETEs, besides the token and the realm", stats.ByKind)
	}
	if uais, infos, members, memberships := amLeftOf(env, matching); uais+infos+members+memberships != 0 {
		t.Errorf("left of the matches: %d UAIs, %d password profile infos, %d members, %d memberships; want none", uais, infos, members, memberships)
	}
	if uais, infos, members, memberships := amLeftOf(env, others); uais != 20 || infos != 20 || members != 20 || memberships != 10 {
		t.Errorf("left of the others: %d UAIs, %d password profile infos, %d members, %d memberships; want 20, 20, 20, 10", uais, infos, members, memberships)
	}
	if accounts := env.emulator().Accounts(); len(accounts) != 1 {
		t.Errorf("%d accounts left, want the shared one", len(accounts))
	}
}

// TestDeleteAccountMembersAction_CreatedBefore: only one of the two specs
// lets UAIs be filtered on created_at, so the action lists oldest first and
// stops at the first member not created before created_before, asking for
// no further page.
func TestDeleteAccountMembersAction_CreatedBefore(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	env, s, am := newMembersActionServer(t)
	unjoined := func(int) bool { return false }
	old := am.members(t, env, 150, "E2E old %03d", "old%03d@e2e.example.com", unjoined)
	time.Sleep(20 * time.Millisecond)
	cutoff := time.Now().UTC()
	time.Sleep(20 * time.Millisecond)
	recent := am.members(t, env, 150, "E2E new %03d", "new%03d@e2e.example.com", unjoined)
	env.ResetRequests()

	r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "E2E *", "created_before": cutoff.Format(time.RFC3339Nano)}), nil)
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	if len(r.progress) == 0 || r.progress[0] != fmt.Sprintf(`Found 150 account members matching like(name,"E2E *"), created before %s.`, cutoff.Format(time.RFC3339Nano)) {
		t.Errorf("progress %q", r.progress)
	}
	const filter = `filter=like(name,"E2E *")`
	if got, want := uaiListQueries(env), []string{
		filter + "&page[limit]=100&page[offset]=0&sort=created_at",
		filter + "&page[limit]=100&page[offset]=100&sort=created_at",
	}; !slices.Equal(got, want) {
		t.Errorf("UAI list requests %q, want %q (the second page holds the first newer member)", got, want)
	}
	if got := sorted(uaiDeletes(env)[204]); !slices.Equal(got, sorted(old)) {
		t.Errorf("deleted %d members, want the 150 older ones", len(got))
	}
	if uais, _, _, _ := amLeftOf(env, recent); uais != 150 {
		t.Errorf("%d of the 150 newer members left", uais)
	}
}
