package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// amHarness is a harness with a short member delay and the account realm.
type amHarness struct {
	*harness
	realm string
}

func newAMHarness(t *testing.T, delay time.Duration) *amHarness {
	t.Helper()
	h := newHarness(t, Config{MemberDelay: delay})
	h.login()
	return &amHarness{harness: h, realm: h.srv.AccountRealmID()}
}

func (h *amHarness) realmPath(rest string) string {
	return "/v2/authentication-realms/" + h.realm + rest
}

// mustCreate POSTs and fails the test unless the answer is 201; it returns
// data.
func (h *amHarness) mustCreate(path, typ string, fields map[string]any) map[string]any {
	h.t.Helper()
	r := h.api(http.MethodPost, path, body(typ, fields), nil)
	if r.status != http.StatusCreated {
		h.t.Fatalf("POST %s: %d %s", path, r.status, r.body)
	}
	return r.data(h.t)
}

func (h *amHarness) profile(name, format string) string {
	h.t.Helper()
	f := map[string]any{"name": name}
	if format != "" {
		f["username_format"] = format
	}
	return h.mustCreate(h.realmPath("/password-profiles"), "password_profile", f)["id"].(string)
}

func (h *amHarness) uai(name, email string) string {
	h.t.Helper()
	return h.mustCreate(h.realmPath("/user-authentication-info"), "user_authentication_info", map[string]any{"name": name, "email": email})["id"].(string)
}

func (h *amHarness) uappiPath(uaiID string) string {
	return h.realmPath("/user-authentication-info/" + uaiID + "/user-authentication-password-profile-info")
}

func (h *amHarness) password(uaiID, profileID, username, password string) string {
	h.t.Helper()
	return h.mustCreate(h.uappiPath(uaiID), "user_authentication_password_profile_info",
		map[string]any{"password_profile_id": profileID, "username": username, "password": password})["id"].(string)
}

// shopper makes the tests' usual member: Ann (ann@example.com) with a
// password under username in a new "Default" profile; it returns the
// profile's, the UAI's and the password info's ids.
func (h *amHarness) shopper(username, password string) (prof, uid, info string) {
	h.t.Helper()
	prof = h.profile("Default", "")
	uid = h.uai("Ann", "ann@example.com")
	return prof, uid, h.password(uid, prof, username, password)
}

func (h *amHarness) account(fields map[string]any) string {
	h.t.Helper()
	return h.mustCreate("/v2/accounts", "account", fields)["id"].(string)
}

func (h *amHarness) login(profileID, username, password string) result {
	h.t.Helper()
	return h.api(http.MethodPost, "/v2/account-members/tokens", body("account_management_authentication_token", map[string]any{
		"authentication_mechanism": "password", "password_profile_id": profileID, "username": username, "password": password,
	}), nil)
}

func pointers(t *testing.T, r result) []string {
	t.Helper()
	var out []string
	for _, e := range r.json(t)["errors"].([]any) {
		if src, ok := e.(map[string]any)["source"].(map[string]any); ok {
			out = append(out, src["pointer"].(string))
		}
	}
	return out
}

func wantError(t *testing.T, what string, r result, status int, pointer string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.status, status, r.body)
		return
	}
	e := r.firstError(t)
	if st, _ := e["status"].(string); st != strconv.Itoa(status) {
		t.Errorf("%s: error status %v, want the string %q", what, e["status"], strconv.Itoa(status))
	}
	if pointer != "" {
		if p := pointers(t, r); len(p) == 0 || p[0] != pointer {
			t.Errorf("%s: pointers %v, want %s", what, p, pointer)
		}
	}
}

// TestAccountManagementFlow walks one shopper through every area: profile,
// account, UAI (the member, after its delay), password, membership, login;
// then deletes it all.
func TestAccountManagementFlow(t *testing.T) {
	h := newAMHarness(t, 50*time.Millisecond)
	prof := h.profile("Default", "email")
	acct := h.account(map[string]any{"name": "Acme", "legal_name": "Acme Ltd", "registration_id": "REG-1"})
	uid := h.uai("Ann Lee", "ann@example.com")
	h.password(uid, prof, "ann@example.com", "correct horse")

	// The member is not there yet: a membership is refused with a 404 that
	// points at the member id.
	r := h.api(http.MethodPost, "/v2/accounts/"+acct+"/account-memberships", body("account_membership", map[string]any{"account_member_id": uid}), nil)
	wantError(t, "membership before the member appears", r, http.StatusNotFound, "/data/account_member_id")
	if r := h.api(http.MethodGet, "/v2/account-members/"+uid, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("member before the delay: %d", r.status)
	}

	time.Sleep(60 * time.Millisecond)
	r = h.api(http.MethodGet, "/v2/account-members/"+uid, nil, nil)
	if r.status != http.StatusOK || r.data(t)["email"] != "ann@example.com" || r.data(t)["type"] != "account_member" {
		t.Fatalf("member after the delay: %d %s", r.status, r.body)
	}
	ms := h.mustCreate("/v2/accounts/"+acct+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	if rel := ms["relationships"].(map[string]any)["account_member"].(map[string]any)["data"].(map[string]any); rel["id"] != uid || rel["type"] != "account_member" {
		t.Errorf("membership relationships %v", ms["relationships"])
	}
	r = h.api(http.MethodPost, "/v2/accounts/"+acct+"/account-memberships", body("account_membership", map[string]any{"account_member_id": uid}), nil)
	wantError(t, "duplicate membership", r, http.StatusConflict, "")
	if d := r.firstError(t)["detail"].(string); !strings.Contains(d, "already exists") {
		t.Errorf("duplicate detail %q", d)
	}

	r = h.login(prof, "ANN@example.com", "correct horse")
	if r.status != http.StatusCreated {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	toks := r.json(t)["data"].([]any)
	if len(toks) != 1 {
		t.Fatalf("tokens %s", r.body)
	}
	tok := toks[0].(map[string]any)
	if tok["account_id"] != acct || tok["account_name"] != "Acme" || tok["type"] != "account_management_authentication_token" {
		t.Errorf("token element %v", tok)
	}
	if _, err := time.Parse(time.RFC3339, tok["expires"].(string)); err != nil {
		t.Errorf("expires %v", tok["expires"])
	}
	if info, ok := h.srv.AccountMemberToken(tok["token"].(string)); !ok || info.AccountMemberID != uid || info.AccountID != acct {
		t.Errorf("token info %+v %v", info, ok)
	}

	wantError(t, "wrong password", h.login(prof, "ann@example.com", "wrong horse!"), http.StatusUnauthorized, "")

	if r := h.api(http.MethodDelete, h.realmPath("/user-authentication-info/"+uid), nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete uai: %d %s", r.status, r.body)
	}
	if n := len(h.srv.AccountMembers()) + len(h.srv.AccountMemberships()) + len(h.srv.PasswordProfileInfos()); n != 0 {
		t.Errorf("%d objects left after the UAI was deleted", n)
	}
	if _, ok := h.srv.AccountMemberToken(tok["token"].(string)); ok {
		t.Error("the token outlived its member")
	}
}
