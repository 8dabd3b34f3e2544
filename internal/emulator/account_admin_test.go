package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Member passwords and tokens never reach the request log, its admin route or
// the store snapshot.
func TestAccountRedaction(t *testing.T) {
	h := newAMHarness(t, -1)
	const pw, pw2 = "Member-Secret-1", "Member-Secret-2"
	prof, uid, pi := h.shopper("ann", pw)
	h.api(http.MethodPut, h.uappiPath(uid)+"/"+pi, body(uappiType, map[string]any{"password_profile_id": prof, "username": "ann", "password": pw2}), nil)
	acct := h.account(map[string]any{"name": "Acme"})
	h.mustCreate("/v2/accounts/"+acct+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	r := h.login(prof, "ann", pw2)
	tok := r.json(t)["data"].([]any)[0].(map[string]any)["token"].(string)
	h.login(prof, "ann", pw)                                                                                     // refused
	h.api(http.MethodPost, h.uappiPath(uid), []byte(`{"data":{"type":"`+uappiType+`","password":"`+pw+`"`), nil) // malformed
	// A token sent back (as a self-service call would) in a header or a body.
	h.api(http.MethodGet, "/v2/accounts/"+acct, nil, map[string]string{"EP-Account-Management-Authentication-Token": tok})
	h.api(http.MethodPost, "/v2/account-members/tokens?token="+tok, body("account_management_authentication_token", map[string]any{"authentication_mechanism": "account_management_authentication_token", "token": tok}), nil)

	// The other mechanisms' secrets, in a well-formed and a malformed body.
	const otp = "otp-code-918273"
	h.api(http.MethodPost, "/v2/account-members/tokens", body("account_management_authentication_token", map[string]any{
		"authentication_mechanism": "passwordless", "one_time_password_token": otp, "oauth_code_verifier": otp, "oauth_authorization_code": otp,
	}), nil)
	h.api(http.MethodPost, "/v2/account-members/tokens", []byte(`{"data":{"one_time_password_token":"`+otp+`","oauth_code_verifier": "`+otp), nil)

	logged := h.srv.Requests()
	if len(logged) < 10 {
		t.Fatalf("%d requests logged", len(logged))
	}
	redactedBodies := 0
	for _, q := range logged {
		for _, secret := range []string{pw, pw2, tok, otp} {
			if bytes.Contains(q.Body, []byte(secret)) || strings.Contains(q.Query, secret) {
				t.Errorf("secret logged in %s %s: %q %s", q.Method, q.Path, q.Query, q.Body)
			}
		}
		if bytes.Contains(q.Body, []byte(`"password":"REDACTED"`)) {
			redactedBodies++
		}
	}
	if redactedBodies != 5 {
		t.Errorf("%d bodies with a redacted password, want 5 (create, rotate, two logins, malformed)", redactedBodies)
	}
	admin := h.mustRaw(http.MethodGet, "/__emulator/requests", "", nil)
	store := h.mustRaw(http.MethodGet, "/__emulator/accounts", "", nil)
	for _, b := range [][]byte{admin.body, store.body} {
		for _, secret := range []string{pw, pw2, tok} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("secret in an admin answer: %.300s", b)
			}
		}
	}
}

// Every Account Management request is logged under its own kind.
func TestAccountRequestKinds(t *testing.T) {
	h := newAMHarness(t, -1)
	h.srv.ResetRequests()
	prof := h.profile("P", "")                                         // password-profile-create
	pp := h.realmPath("/password-profiles/" + prof)                    //
	h.api(http.MethodGet, h.realmPath("/password-profiles"), nil, nil) // list
	h.api(http.MethodGet, pp, nil, nil)
	h.api(http.MethodPut, pp, body("password_profile", map[string]any{"name": "Q"}), nil)
	uid := h.uai("Ann", "ann@example.com")
	up := h.realmPath("/user-authentication-info/" + uid)
	h.api(http.MethodGet, h.realmPath("/user-authentication-info"), nil, nil)
	h.api(http.MethodGet, up, nil, nil)
	h.api(http.MethodPut, up, body("user_authentication_info", map[string]any{"name": "A", "email": "a@example.com"}), nil)
	pi := h.password(uid, prof, "ann", "password1")
	h.api(http.MethodGet, h.uappiPath(uid), nil, nil)
	h.api(http.MethodGet, h.uappiPath(uid)+"/"+pi, nil, nil)
	h.api(http.MethodPut, h.uappiPath(uid)+"/"+pi, body(uappiType, map[string]any{"password_profile_id": prof, "password": "password2"}), nil)
	acct := h.account(map[string]any{"name": "Acme"})
	h.api(http.MethodGet, "/v2/accounts", nil, nil)
	h.api(http.MethodGet, "/v2/accounts/"+acct, nil, nil)
	h.api(http.MethodPut, "/v2/accounts/"+acct, body("account", map[string]any{"name": "B"}), nil)
	msBase := "/v2/accounts/" + acct + "/account-memberships"
	ms := h.mustCreate(msBase, "account_membership", map[string]any{"account_member_id": uid})["id"].(string)
	h.api(http.MethodGet, msBase, nil, nil)
	h.api(http.MethodGet, msBase+"/"+ms, nil, nil)
	h.api(http.MethodPut, msBase+"/"+ms, body("account_membership", nil), nil)
	h.api(http.MethodGet, "/v2/account-members", nil, nil)
	h.api(http.MethodGet, "/v2/account-members/"+uid, nil, nil)
	h.api(http.MethodGet, "/v2/account-members/"+uid+"/account-memberships", nil, nil)
	h.login(prof, "ann", "password2")
	h.api(http.MethodGet, "/v2/settings/account-authentication", nil, nil)
	h.api(http.MethodPut, "/v2/settings/account-authentication", body("account_authentication_settings", nil), nil)
	h.api(http.MethodGet, "/v2/authentication-realms", nil, nil)
	h.api(http.MethodGet, "/v2/authentication-realms/"+h.realm, nil, nil)
	h.api(http.MethodPut, "/v2/authentication-realms/"+h.realm, body("authentication-realm", nil), nil)
	h.api(http.MethodDelete, msBase+"/"+ms, nil, nil)
	h.api(http.MethodDelete, "/v2/accounts/"+acct, nil, nil)
	h.api(http.MethodDelete, h.uappiPath(uid)+"/"+pi, nil, nil)
	h.api(http.MethodDelete, up, nil, nil)
	h.api(http.MethodDelete, pp, nil, nil)
	h.api(http.MethodPatch, "/v2/accounts", nil, nil) // other

	want := []string{
		KindPasswordProfileCreate, KindPasswordProfileList, KindPasswordProfileGet, KindPasswordProfileUpdate,
		KindUAICreate, KindUAIList, KindUAIGet, KindUAIUpdate,
		KindUAPPICreate, KindUAPPIList, KindUAPPIGet, KindUAPPIUpdate,
		KindAccountCreate, KindAccountList, KindAccountGet, KindAccountUpdate,
		KindMembershipCreate, KindMembershipList, KindMembershipGet, KindMembershipUpdate,
		KindAccountMemberList, KindAccountMemberGet, KindAccountMemberMemberships, KindAccountMemberToken,
		KindAccountSettingsGet, KindAccountSettingsUpdate, KindRealmList, KindRealmGet, KindRealmUpdate,
		KindMembershipDelete, KindAccountDelete, KindUAPPIDelete, KindUAIDelete, KindPasswordProfileDelete, KindOther,
	}
	got := h.srv.Requests()
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d", len(got), len(want))
	}
	for i, q := range got {
		if q.Kind != want[i] {
			t.Errorf("request %d %s %s: kind %q, want %q", i, q.Method, q.Path, q.Kind, want[i])
		}
		if q.Status >= 400 && q.Kind != KindOther {
			t.Errorf("request %d %s %s: %d", i, q.Method, q.Path, q.Status)
		}
	}
	if st := h.srv.Stats(); st.ByKind[KindAccountCreate] != 1 || st.ByKind[KindUAPPIUpdate] != 1 {
		t.Errorf("stats %v", st.ByKind)
	}
	if c := h.srv.AccountCounts(); c != (AccountCounts{}) {
		t.Errorf("counts after deleting everything: %+v", c)
	}
}

func TestKindFaults(t *testing.T) {
	h := newAMHarness(t, -1)
	prof := h.profile("P", "")
	uid := h.uai("Ann", "ann@example.com")

	// Refuse the password info once: nothing is made, the next one goes through.
	h.srv.SetKindFault(KindUAPPICreate, KindFault{Status: 422, Times: 1})
	fields := map[string]any{"password_profile_id": prof, "username": "ann", "password": "password1"}
	r := h.api(http.MethodPost, h.uappiPath(uid), body(uappiType, fields), nil)
	if r.status != 422 || len(h.srv.PasswordProfileInfos()) != 0 {
		t.Fatalf("injected 422: %d, %d infos", r.status, len(h.srv.PasswordProfileInfos()))
	}
	h.mustCreate(h.uappiPath(uid), uappiType, fields)

	// Lose the answer to a membership POST: the membership is made.
	acct := h.account(map[string]any{"name": "Acme"})
	h.srv.SetKindFault(KindMembershipCreate, KindFault{Drop: true})
	if _, err := h.apiErr(http.MethodPost, "/v2/accounts/"+acct+"/account-memberships", body("account_membership", map[string]any{"account_member_id": uid}), nil); err == nil {
		t.Error("dropped POST answered")
	}
	if n := len(h.srv.AccountMemberships()); n != 1 {
		t.Errorf("%d memberships after a dropped POST", n)
	}
	reqs := h.srv.Requests()
	if last := reqs[len(reqs)-1]; last.Kind != KindMembershipCreate || last.Fault != FaultDrop {
		t.Errorf("log entry %+v", last)
	}

	// Delay one kind, and only that kind.
	h.srv.ClearKindFaults()
	h.srv.SetKindFault(KindAccountCreate, KindFault{Delay: 80 * time.Millisecond})
	start := time.Now()
	h.account(map[string]any{"name": "Slow"})
	slow := time.Since(start)
	start = time.Now()
	h.api(http.MethodGet, "/v2/accounts", nil, nil)
	if fast := time.Since(start); slow < 80*time.Millisecond || fast >= 80*time.Millisecond {
		t.Errorf("delayed create %v, list %v", slow, fast)
	}
	h.srv.ClearKindFaults()

	// The store-wide faults apply to the new kinds too.
	h.srv.SetFaults(Faults{Rate5xx: 1, Seed: 1})
	if r := h.api(http.MethodPost, "/v2/accounts", body("account", map[string]any{"name": "Never"}), nil); r.status < 500 {
		t.Errorf("account create under 5xx faults: %d", r.status)
	}
	h.srv.SetFaults(Faults{})
	for _, a := range h.srv.Accounts() {
		if a.Name == "Never" {
			t.Error("a 5xx create took effect")
		}
	}
}

func TestAccountAdminRoutes(t *testing.T) {
	h := newAMHarness(t, time.Hour)
	h.uai("Ann", "ann@example.com")
	h.account(map[string]any{"name": "Acme"})
	r := h.mustRaw(http.MethodGet, "/__emulator/accounts", "", nil)
	var got struct {
		Counts AccountCounts `json:"counts"`
		Store  AccountStore  `json:"store"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if got.Counts.Accounts != 1 || got.Counts.UserAuthenticationInfos != 1 || got.Counts.PendingMembers != 1 ||
		len(got.Store.Accounts) != 1 || got.Store.Settings.RealmID != h.realm || len(got.Store.Realms) != 3 {
		t.Errorf("admin accounts: %s", r.body)
	}

	r = h.mustRaw(http.MethodPut, "/__emulator/member-delay", "application/json", []byte(`{"delay":"25ms"}`))
	if r.status != http.StatusOK || h.srv.MemberDelay() != 25*time.Millisecond || !bytes.Contains(r.body, []byte(`"25ms"`)) {
		t.Errorf("member-delay: %d %s", r.status, r.body)
	}
	if r := h.mustRaw(http.MethodPut, "/__emulator/member-delay", "application/json", []byte(`{"delay":"-1s"}`)); r.status != http.StatusBadRequest {
		t.Errorf("negative delay: %d", r.status)
	}

	r = h.mustRaw(http.MethodPut, "/__emulator/kind-faults", "application/json", []byte(`{"account-create":{"status":503,"times":1}}`))
	if r.status != http.StatusNoContent {
		t.Fatalf("kind-faults: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodPost, "/v2/accounts", body("account", map[string]any{"name": "x"}), nil); r.status != 503 {
		t.Errorf("after kind-faults: %d", r.status)
	}
	if r := h.api(http.MethodPost, "/v2/accounts", body("account", map[string]any{"name": "x"}), nil); r.status != 201 {
		t.Errorf("after the one fault: %d", r.status)
	}
	if r := h.mustRaw(http.MethodPut, "/__emulator/kind-faults", "application/json", []byte(`{"account-create":{"status":200}}`)); r.status != http.StatusBadRequest {
		t.Errorf("status 200 fault: %d", r.status)
	}
	h.mustRaw(http.MethodPut, "/__emulator/kind-faults", "application/json", []byte(`{"account-list":{"status":500}}`))
	if r := h.mustRaw(http.MethodDelete, "/__emulator/kind-faults", "", nil); r.status != http.StatusNoContent {
		t.Errorf("delete kind-faults: %d", r.status)
	}
	if r := h.api(http.MethodGet, "/v2/accounts", nil, nil); r.status != 200 {
		t.Errorf("after clearing: %d", r.status)
	}
}
