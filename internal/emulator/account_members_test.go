package emulator

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestMemberDelayConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  time.Duration
		want time.Duration
	}{{0, DefaultMemberDelay}, {-1, 0}, {40 * time.Millisecond, 40 * time.Millisecond}} {
		if got := New(Config{MemberDelay: c.cfg}).MemberDelay(); got != c.want {
			t.Errorf("Config.MemberDelay %v: %v, want %v", c.cfg, got, c.want)
		}
	}
	s := New(Config{})
	s.SetMemberDelay(-time.Second)
	if s.MemberDelay() != 0 {
		t.Errorf("negative SetMemberDelay: %v", s.MemberDelay())
	}
}

// A member appears only after the member delay, and follows a rename of its
// UAI after the delay too.
func TestMemberAppearsAfterDelay(t *testing.T) {
	const delay = 80 * time.Millisecond
	h := newAMHarness(t, delay)
	start := time.Now()
	uid := h.uai("Ann", "ann@example.com")
	if r := h.api(http.MethodGet, "/v2/account-members/"+uid, nil, nil); r.status != http.StatusNotFound {
		t.Fatalf("member right after its UAI: %d", r.status)
	}
	if got := ids(t, h.api(http.MethodGet, "/v2/account-members", nil, nil)); len(got) != 0 {
		t.Fatalf("list right after the UAI: %v", got)
	}
	if c := h.srv.AccountCounts(); c.PendingMembers != 1 || c.AccountMembers != 0 || c.UserAuthenticationInfos != 1 {
		t.Errorf("counts while pending: %+v", c)
	}
	var appeared time.Duration
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if r := h.api(http.MethodGet, "/v2/account-members/"+uid, nil, nil); r.status == http.StatusOK {
			appeared = time.Since(start)
			d := r.data(t)
			if d["id"] != uid || d["name"] != "Ann" || d["email"] != "ann@example.com" ||
				!timestampRE.MatchString(d["meta"].(map[string]any)["timestamps"].(map[string]any)["created_at"].(string)) {
				t.Errorf("member %v", d)
			}
			break
		}
	}
	if appeared < delay || appeared > delay+time.Second {
		t.Fatalf("member appeared after %v; delay %v", appeared, delay)
	}

	if r := h.api(http.MethodPut, h.realmPath("/user-authentication-info/"+uid), body("user_authentication_info", map[string]any{"name": "Ann B", "email": "annb@example.com"}), nil); r.status != http.StatusOK {
		t.Fatalf("rename: %d", r.status)
	}
	if m, _ := h.srv.AccountMember(uid); m.Name != "Ann" {
		t.Errorf("member renamed before the delay: %+v", m)
	}
	h.srv.SettleMembers()
	if m, _ := h.srv.AccountMember(uid); m.Name != "Ann B" || m.Email != "annb@example.com" {
		t.Errorf("member after the delay: %+v", m)
	}

	// SetMemberDelay(0): members appear at once.
	h.srv.SetMemberDelay(0)
	bob := h.uai("Bob", "bob@example.com")
	if r := h.api(http.MethodGet, "/v2/account-members/"+bob, nil, nil); r.status != http.StatusOK {
		t.Errorf("member with no delay: %d", r.status)
	}
}

// A UAI deleted before its member appears never yields a member; deleting a
// UAI removes its member and memberships at once.
func TestMemberGoesWithItsUAI(t *testing.T) {
	h := newAMHarness(t, time.Hour)
	early := h.uai("Early", "early@example.com")
	if r := h.api(http.MethodDelete, h.realmPath("/user-authentication-info/"+early), nil, nil); r.status != http.StatusNoContent {
		t.Fatal(r.status)
	}
	h.srv.SettleMembers()
	if _, ok := h.srv.AccountMember(early); ok {
		t.Error("a member appeared for a deleted UAI")
	}

	uid := h.uai("Ann", "ann@example.com")
	h.srv.SettleMembers()
	acct := h.account(map[string]any{"name": "Acme"})
	h.mustCreate("/v2/accounts/"+acct+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	if r := h.api(http.MethodDelete, h.realmPath("/user-authentication-info/"+uid), nil, nil); r.status != http.StatusNoContent {
		t.Fatal(r.status)
	}
	if c := h.srv.AccountCounts(); c.AccountMembers != 0 || c.AccountMemberships != 0 || c.PendingMembers != 0 || c.Accounts != 1 {
		t.Errorf("counts after deleting the UAI: %+v", c)
	}
	wantError(t, "member of a deleted UAI", h.api(http.MethodGet, "/v2/account-members/"+uid, nil, nil), 404, "")
}

func TestMemberOfOtherRealmIsNoMember(t *testing.T) {
	h := newAMHarness(t, -1)
	if _, err := h.srv.CreateUserAuthenticationInfo(h.srv.Realms()[0].ID, "Buyer", "buyer@example.com"); err != nil {
		t.Fatal(err)
	}
	h.srv.SettleMembers()
	if n := len(h.srv.AccountMembers()); n != 0 {
		t.Errorf("%d members from a buyer-realm UAI", n)
	}
}

func TestMemberListFiltersAndPaging(t *testing.T) {
	h := newAMHarness(t, -1)
	var all []string
	for _, p := range []struct{ name, email string }{
		{"Ann Lee", "ann@example.com"}, {"Bob Ray", "bob@example.org"}, {"Cat Lee", "Cat@example.com"}, {"Dan Fox", "dan@example.net"}, {"Eve Lee", "eve@example.com"},
	} {
		all = append(all, h.uai(p.name, p.email))
	}
	for _, c := range []struct {
		filter string
		want   int
	}{
		{"eq(email,cat@example.com)", 1}, {"like(email,*@example.com)", 3}, {"ilike(name,*LEE)", 3},
		{"like(name,*Lee):like(email,*example.com)", 3}, {`eq(name,"Dan Fox")`, 1}, {"eq(name,dan fox)", 0},
	} {
		if got := ids(t, h.api(http.MethodGet, "/v2/account-members?filter="+url.QueryEscape(c.filter), nil, nil)); len(got) != c.want {
			t.Errorf("%s: %d members, want %d", c.filter, len(got), c.want)
		}
	}
	wantError(t, "filter on id", h.api(http.MethodGet, "/v2/account-members?filter="+url.QueryEscape("gt(created_at,x)"), nil, nil), 400, "")

	r := h.api(http.MethodGet, "/v2/account-members?page[limit]=2&page[offset]=2", nil, nil)
	got := ids(t, r)
	meta := r.json(t)["meta"].(map[string]any)
	// Newest first by default.
	if len(got) != 2 || got[0] != all[2] || got[1] != all[1] || meta["results"].(map[string]any)["total"] != float64(5) ||
		meta["page"].(map[string]any)["total"] != float64(3) || meta["page"].(map[string]any)["current"] != float64(2) {
		t.Errorf("page: %v %v", got, meta)
	}
	links := r.json(t)["links"].(map[string]any)
	if links["next"] == nil || links["prev"] == nil {
		t.Errorf("links %v", links)
	}
	if got := ids(t, h.api(http.MethodGet, "/v2/account-members?sort=email", nil, nil)); got[0] != all[0] || got[4] != all[4] {
		t.Errorf("sort=email: %v", got)
	}
}

func TestMemberMemberships(t *testing.T) {
	h := newAMHarness(t, -1)
	uid := h.uai("Ann", "ann@example.com")
	a1, a2 := h.account(map[string]any{"name": "One"}), h.account(map[string]any{"name": "Two"})
	for _, a := range []string{a1, a2} {
		h.mustCreate("/v2/accounts/"+a+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	}
	r := h.api(http.MethodGet, "/v2/account-members/"+uid+"/account-memberships", nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	accounts := map[string]bool{}
	for _, x := range r.json(t)["data"].([]any) {
		rel := x.(map[string]any)["relationships"].(map[string]any)
		accounts[rel["account"].(map[string]any)["data"].(map[string]any)["id"].(string)] = true
		if rel["account_member"].(map[string]any)["data"].(map[string]any)["id"] != uid {
			t.Errorf("member relationship %v", rel)
		}
	}
	if len(accounts) != 2 || !accounts[a1] || !accounts[a2] {
		t.Errorf("accounts %v", accounts)
	}
	wantError(t, "unknown member", h.api(http.MethodGet, "/v2/account-members/"+newUUID()+"/account-memberships", nil, nil), 404, "")
	if r := h.api(http.MethodPost, "/v2/account-members", body("account_member", nil), nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST account-members: %d", r.status)
	}
}

// With auto_create_account_for_account_members on, each new member gets its
// own account (named after the member) and a membership, after the delay.
func TestAutoCreateAccountForMembers(t *testing.T) {
	h := newAMHarness(t, time.Hour)
	before := h.uai("Before", "before@example.com")
	h.srv.SettleMembers()
	h.srv.UpdateAccountSettings(func(s *AccountSettings) { s.AutoCreateAccountForAccountMembers = true })
	uid := h.uai("Ann Lee", "ann@example.com")
	if c := h.srv.AccountCounts(); c.Accounts != 0 {
		t.Fatalf("account before the member appeared: %+v", c)
	}
	h.srv.SettleMembers()
	accounts := h.srv.Accounts()
	ms := h.srv.AccountMemberships()
	if len(accounts) != 1 || accounts[0].Name != "Ann Lee" || accounts[0].LegalName == nil || *accounts[0].LegalName != "Ann Lee" {
		t.Fatalf("accounts %+v", accounts)
	}
	if len(ms) != 1 || ms[0].AccountMemberID != uid || ms[0].AccountID != accounts[0].ID {
		t.Errorf("memberships %+v (member created before the setting: %s)", ms, before)
	}
	// A rename is no new member: no second account.
	if err := h.srv.UpdateUserAuthenticationInfo(uid, "Ann B", "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	h.srv.SettleMembers()
	if n := len(h.srv.Accounts()); n != 1 {
		t.Errorf("%d accounts after a rename", n)
	}
}
