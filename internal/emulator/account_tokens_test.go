package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestMemberTokens(t *testing.T) {
	h := newAMHarness(t, -1)
	prof, uid, _ := h.shopper("ann@example.com", "correct horse")
	a1, a2 := h.account(map[string]any{"name": "One"}), h.account(map[string]any{"name": "Two"})

	// A member with no memberships logs in and gets no token.
	r := h.login(prof, "ann@example.com", "correct horse")
	if r.status != http.StatusCreated || len(r.json(t)["data"].([]any)) != 0 ||
		r.json(t)["meta"].(map[string]any)["account_member_id"] != uid {
		t.Errorf("no memberships: %d %s", r.status, r.body)
	}

	for _, a := range []string{a1, a2} {
		h.mustCreate("/v2/accounts/"+a+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	}
	h.srv.UpdateAccountSettings(func(s *AccountSettings) { s.TokenTimeoutSecs = 120 })
	r = h.login(prof, "ann@example.com", "correct horse")
	if r.status != http.StatusCreated {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	data := r.json(t)["data"].([]any)
	if len(data) != 2 || r.json(t)["meta"].(map[string]any)["results"].(map[string]any)["total"] != float64(2) {
		t.Fatalf("tokens %s", r.body)
	}
	names := map[string]string{}
	for _, x := range data {
		tok := x.(map[string]any)
		names[tok["account_id"].(string)] = tok["account_name"].(string)
		exp, err := time.Parse(time.RFC3339, tok["expires"].(string))
		if err != nil || exp.Before(time.Now().Add(100*time.Second)) || exp.After(time.Now().Add(121*time.Second)) {
			t.Errorf("expires %v (timeout 120 s)", tok["expires"])
		}
		if parts := strings.Split(tok["token"].(string), "."); len(parts) != 3 {
			t.Errorf("token is not a JWT: %v", tok["token"])
		}
		if info, ok := h.srv.AccountMemberToken(tok["token"].(string)); !ok || info.AccountID != tok["account_id"] {
			t.Errorf("token info %+v %v", info, ok)
		}
	}
	if names[a1] != "One" || names[a2] != "Two" {
		t.Errorf("account names %v", names)
	}

	// Deleting a membership revokes its token.
	ms := h.srv.AccountMemberships()[0]
	var revoked string
	for _, x := range data {
		if x.(map[string]any)["account_id"] == ms.AccountID {
			revoked = x.(map[string]any)["token"].(string)
		}
	}
	h.srv.DeleteAccountMembership(ms.ID)
	if _, ok := h.srv.AccountMemberToken(revoked); ok {
		t.Error("token outlived its membership")
	}
	if got := h.srv.IssuedTokens(); !containsString(got, revoked) {
		t.Error("IssuedTokens lacks a member token")
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestMemberTokenRefusals(t *testing.T) {
	h := newAMHarness(t, -1)
	const secret = "correct horse battery"
	prof, _, _ := h.shopper("ann", secret)

	wrong := h.login(prof, "ann", "correct horse battery!")
	unknown := h.login(prof, "nobody", secret)
	otherProfile := h.login(h.profile("Other", ""), "ann", secret)
	for name, r := range map[string]result{"wrong password": wrong, "unknown username": unknown, "other profile": otherProfile} {
		wantError(t, name, r, 401, "")
		if b := string(r.body); strings.Contains(b, "correct horse") || strings.Contains(b, "nobody") || strings.Contains(b, `"ann"`) {
			t.Errorf("%s: the answer echoes the input: %s", name, b)
		}
	}
	if string(wrong.body) != string(unknown.body) {
		t.Errorf("a wrong password and an unknown username answer differently:\n%s\n%s", wrong.body, unknown.body)
	}

	// A profile of another realm does not log members in.
	buyer := h.srv.Realms()[0].ID
	bp, _ := h.srv.CreatePasswordProfile(buyer, "Buyers", "", false)
	bu, _ := h.srv.CreateUserAuthenticationInfo(buyer, "Buyer", "buyer@example.com")
	if _, err := h.srv.CreatePasswordProfileInfo(bu.ID, bp.ID, "buyer", secret); err != nil {
		t.Fatal(err)
	}
	wantError(t, "buyer realm", h.login(bp.ID, "buyer", secret), 401, "")

	base := map[string]any{"authentication_mechanism": "password", "password_profile_id": prof, "username": "ann", "password": secret}
	for _, key := range []string{"authentication_mechanism", "password_profile_id", "username", "password"} {
		f := map[string]any{}
		for k, v := range base {
			if k != key {
				f[k] = v
			}
		}
		wantError(t, "without "+key, h.api(http.MethodPost, "/v2/account-members/tokens", body("account_management_authentication_token", f), nil), 400, "/data/"+key)
	}
	oidc := map[string]any{"authentication_mechanism": "oidc", "password_profile_id": prof, "username": "ann", "password": secret}
	wantError(t, "oidc", h.api(http.MethodPost, "/v2/account-members/tokens", body("account_management_authentication_token", oidc), nil), 422, "/data/authentication_mechanism")
	bogus := map[string]any{"authentication_mechanism": "magic", "password_profile_id": prof, "username": "ann", "password": secret}
	wantError(t, "unknown mechanism", h.api(http.MethodPost, "/v2/account-members/tokens", body("account_management_authentication_token", bogus), nil), 400, "/data/authentication_mechanism")
	wantError(t, "type", h.api(http.MethodPost, "/v2/account-members/tokens", body("token", base), nil), 400, "/data/type")
	if r := h.api(http.MethodGet, "/v2/account-members/tokens", nil, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET tokens: %d", r.status)
	}

	// A storefront's implicit token may log members in.
	form := url.Values{"grant_type": {"implicit"}, "client_id": {testClientID}}
	h.token = h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte(form.Encode())).json(t)["access_token"].(string)
	if r := h.login(prof, "ann", secret); r.status != http.StatusCreated {
		t.Errorf("implicit login: %d %s", r.status, r.body)
	}
}

// A storefront (implicit token) reads its shopper's account with the member
// token, and the token refreshes itself through the
// account_management_authentication_token mechanism.
func TestMemberTokenUse(t *testing.T) {
	h := newAMHarness(t, -1)
	prof, uid, _ := h.shopper("ann", "password1")
	mine, other := h.account(map[string]any{"name": "Mine"}), h.account(map[string]any{"name": "Other"})
	h.mustCreate("/v2/accounts/"+mine+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	tok := h.login(prof, "ann", "password1").json(t)["data"].([]any)[0].(map[string]any)["token"].(string)

	form := url.Values{"grant_type": {"implicit"}, "client_id": {testClientID}}
	h.token = h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte(form.Encode())).json(t)["access_token"].(string)
	hdr := map[string]string{"EP-Account-Management-Authentication-Token": tok}
	if r := h.api(http.MethodGet, "/v2/accounts/"+mine, nil, hdr); r.status != http.StatusOK || r.data(t)["name"] != "Mine" {
		t.Errorf("own account with the member token: %d %s", r.status, r.body)
	}
	wantError(t, "another account", h.api(http.MethodGet, "/v2/accounts/"+other, nil, hdr), 403, "")
	if r := h.api(http.MethodGet, "/v2/accounts/"+mine, nil, nil); r.status != http.StatusForbidden {
		t.Errorf("without the member token: %d", r.status)
	}
	wantError(t, "bad member token", h.api(http.MethodGet, "/v2/accounts/"+mine, nil, map[string]string{"EP-Account-Management-Authentication-Token": "x"}), 401, "")
	if r := h.api(http.MethodPut, "/v2/accounts/"+mine, body("account", map[string]any{"name": "x"}), hdr); r.status != http.StatusForbidden {
		t.Errorf("PUT with the member token: %d", r.status)
	}

	switchBody := body("account_management_authentication_token", map[string]any{"authentication_mechanism": "account_management_authentication_token"})
	r := h.api(http.MethodPost, "/v2/account-members/tokens", switchBody, hdr)
	if r.status != http.StatusCreated || len(r.json(t)["data"].([]any)) != 1 {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	if fresh := r.json(t)["data"].([]any)[0].(map[string]any)["token"].(string); fresh == tok {
		t.Error("refresh returned the same token")
	}
	wantError(t, "refresh without a token", h.api(http.MethodPost, "/v2/account-members/tokens", switchBody, nil), 401, "")
	h.srv.DeleteUserAuthenticationInfo(uid)
	wantError(t, "refresh after the member was deleted", h.api(http.MethodPost, "/v2/account-members/tokens", switchBody, hdr), 401, "")
}
