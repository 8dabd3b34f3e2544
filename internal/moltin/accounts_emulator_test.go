package moltin

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccountManagement_againstEmulator walks one shopper through the
// emulator: profile, account, member (with the emulator's member delay),
// membership, login; then the duplicate membership, adoption of a member
// and of an account, and a lost answer to a UAI create.
func TestAccountManagement_againstEmulator(t *testing.T) {
	api := newTestAPI(t, emulator.Config{MemberDelay: 300 * time.Millisecond})
	c := newTestClient(t, api)
	ctx := t.Context()

	p, err := c.CreatePasswordProfile(ctx, PasswordProfileInput{Name: "shoppers", UsernameFormat: "email"})
	if err != nil {
		t.Fatal(err)
	}
	if p.RealmID == "" || p.UsernameFormat != "email" || p.CreatedAt.IsZero() {
		t.Fatalf("profile %+v", p)
	}
	reg := "reg-1"
	a, err := c.CreateAccount(ctx, AccountCreate{Name: "Acme", RegistrationID: &reg})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.CreateAccountMember(ctx, AccountMemberCreate{Name: "Sam", Email: "sam@example.com",
		PasswordInfoInput: PasswordInfoInput{PasswordProfileID: p.ID, Username: "sam@example.com", Password: "sam-password-1"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ms, err := c.CreateAccountMembership(ctx, a.ID, m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the membership waited %s for the member", time.Since(start).Round(time.Millisecond))
	if ms.AccountMemberID != m.ID || ms.AccountID != a.ID {
		t.Fatalf("membership %+v", ms)
	}
	toks, err := c.CreateAccountMemberTokens(ctx, p.ID, "sam@example.com", "sam-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) != 1 || toks[0].AccountID != a.ID || toks[0].AccountName != "Acme" || toks[0].Expires.Before(time.Now()) {
		t.Fatalf("tokens %+v", toks)
	}
	_, err = c.CreateAccountMemberTokens(ctx, p.ID, "sam@example.com", "wrong-password")
	if s := StatusOf(err); s != http.StatusUnauthorized {
		t.Fatalf("wrong password: %v", err)
	}

	// A duplicate membership is the API's 409, found again by filter.
	if _, err := c.CreateAccountMembership(ctx, a.ID, m.ID, 0); !IsConflict(err) {
		t.Fatalf("duplicate membership: %v", err)
	}
	if found, ok, err := c.FindAccountMembership(ctx, a.ID, m.ID); err != nil || !ok || found.ID != ms.ID {
		t.Fatalf("find membership: %+v %v %v", found, ok, err)
	}

	// Rename and rotate.
	if u, err := c.UpdateUserAuthInfo(ctx, m.ID, "Sam Renamed", "sam@example.com"); err != nil || u.Name != "Sam Renamed" {
		t.Fatalf("rename: %+v %v", u, err)
	}
	if _, err := c.UpdatePasswordProfileInfo(ctx, m.ID, m.PasswordInfo.ID, PasswordInfoInput{PasswordProfileID: p.ID, Username: "sam@example.com", Password: "sam-password-2"}); err != nil {
		t.Fatal(err)
	}
	if !api.CheckMemberPassword(p.ID, "sam@example.com", "sam-password-2") {
		t.Fatal("the rotation did not reach the emulator")
	}

	// A member that this process made is never adopted; a leftover is.
	if _, _, err := c.AdoptAccountMember(ctx, AccountMemberCreate{Name: "Sam", Email: "sam@example.com",
		PasswordInfoInput: PasswordInfoInput{PasswordProfileID: p.ID, Username: "sam@example.com", Password: "x-password-3"}}); !errors.As(err, new(*AlreadyManagedError)) {
		t.Fatalf("adopting this run's member: %v", err)
	}
	left, err := api.CreateUserAuthenticationInfo(api.AccountRealmID(), "Left Over", "left@example.com")
	if err != nil {
		t.Fatal(err)
	}
	adopted, found, err := c.AdoptAccountMember(ctx, AccountMemberCreate{Name: "Lefty", Email: "left@example.com",
		PasswordInfoInput: PasswordInfoInput{PasswordProfileID: p.ID, Username: "left@example.com", Password: "left-password-1"}})
	if err != nil || !found || adopted.ID != left.ID || adopted.Name != "Lefty" || adopted.PasswordInfo.ID == "" {
		t.Fatalf("adopting a leftover: %+v %v %v", adopted, found, err)
	}
	if !api.CheckMemberPassword(p.ID, "left@example.com", "left-password-1") {
		t.Fatal("the adopted member's password was not set")
	}

	// An account with a registration id that exists: refused as this
	// process's own; a leftover is adopted with one PUT of what differs.
	_, err = c.CreateAccount(ctx, AccountCreate{Name: "Acme 2", RegistrationID: &reg})
	if !IsConflict(err) {
		t.Fatalf("duplicate registration id: %v", err)
	}
	if _, _, err := c.AdoptExistingAccount(ctx, AccountCreate{Name: "Acme 2", RegistrationID: &reg}, err); !errors.As(err, new(*AlreadyManagedError)) {
		t.Fatalf("adopting this run's account: %v", err)
	}
	reg2 := "reg-left"
	leftAcct, err := api.CreateAccount(emulator.Account{Name: "Old", RegistrationID: &reg2})
	if err != nil {
		t.Fatal(err)
	}
	in := AccountCreate{Name: "New", RegistrationID: &reg2}
	_, err = c.CreateAccount(ctx, in)
	got, adoptedAcct, err := c.AdoptExistingAccount(ctx, in, err)
	if err != nil || !adoptedAcct || got.ID != leftAcct.ID || got.Name != "New" {
		t.Fatalf("adopting a leftover account: %+v %v %v", got, adoptedAcct, err)
	}

	// Deletes leave nothing.
	for _, err := range []error{c.DeleteAccountMembership(ctx, a.ID, ms.ID), c.DeleteUserAuthInfo(ctx, m.ID), c.DeleteAccount(ctx, a.ID), c.DeletePasswordProfile(ctx, p.ID)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetUserAuthInfo(ctx, m.ID); !IsNotFound(err) {
		t.Fatalf("member after delete: %v", err)
	}
}

// TestCreateUserAuthInfo_lostAnswerIsAdopted: the UAI POST is carried out
// but its answer lost; the client finds the UAI by email and does not send
// the POST again.
func TestCreateUserAuthInfo_lostAnswerIsAdopted(t *testing.T) {
	api, c := newEmulatedClient(t)
	realm, err := c.AccountRealmID(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/authentication-realms/" + realm + "/user-authentication-info", times: 1, dropAfter: true})
	u, err := c.CreateUserAuthInfo(t.Context(), "Lost", "lost@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(api.UserAuthenticationInfos()); n != 1 || api.UserAuthenticationInfos()[0].ID != u.ID {
		t.Fatalf("%d UAIs, want the one made", n)
	}
}

// TestAccountRealmID_concurrentFirstCallsShareOneRead: many member
// requests start at once in a run, each needing the realm; they share one
// GET of the settings, so a run's requests are the same however they race.
func TestAccountRealmID_concurrentFirstCallsShareOneRead(t *testing.T) {
	// The latency keeps the first GET on the wire while the others start.
	api := newTestAPI(t, emulator.Config{Faults: emulator.Faults{Latency: 100 * time.Millisecond}})
	c := newTestClient(t, api)
	const callers = 20
	var wg sync.WaitGroup
	start := make(chan struct{})
	ids := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ids[i], errs[i] = c.AccountRealmID(t.Context())
		}()
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || ids[i] != api.AccountRealmID() {
			t.Fatalf("caller %d: realm %q, error %v; want %q", i, ids[i], errs[i], api.AccountRealmID())
		}
	}
	gets := 0
	for _, q := range api.Requests() {
		if q.Kind == emulator.KindAccountSettingsGet {
			gets++
		}
	}
	if gets != 1 {
		t.Errorf("%d concurrent first calls sent %d GETs of the settings; want 1", callers, gets)
	}
}
