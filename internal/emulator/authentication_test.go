package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAccountSettings(t *testing.T) {
	h := newAMHarness(t, 0)
	r := h.api(http.MethodGet, "/v2/settings/account-authentication", nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	d := r.data(t)
	if d["type"] != "account_authentication_settings" || d["enable_self_signup"] != false ||
		d["auto_create_account_for_account_members"] != false || d["account_member_self_management"] != "disabled" ||
		d["account_management_authentication_token_timeout_secs"] != float64(86400) {
		t.Errorf("defaults: %s", r.body)
	}
	realm := d["relationships"].(map[string]any)["authentication_realm"].(map[string]any)["data"].(map[string]any)
	if realm["id"] != h.realm || realm["type"] != "authentication_realm" || !uuidV4RE.MatchString(h.realm) {
		t.Errorf("realm relationship %v (account realm %s)", realm, h.realm)
	}
	if d["meta"].(map[string]any)["client_id"] == "" || !strings.HasSuffix(r.json(t)["links"].(map[string]any)["self"].(string), "/v2/settings/account-authentication") {
		t.Errorf("meta/links: %s", r.body)
	}

	// A PUT is partial: what it leaves out stays.
	r = h.api(http.MethodPut, "/v2/settings/account-authentication", body("account_authentication_settings", map[string]any{
		"enable_self_signup": true, "account_management_authentication_token_timeout_secs": 3600,
	}), nil)
	if d := r.data(t); r.status != http.StatusOK || d["enable_self_signup"] != true || d["account_management_authentication_token_timeout_secs"] != float64(3600) ||
		d["account_member_self_management"] != "disabled" || d["auto_create_account_for_account_members"] != false {
		t.Fatalf("partial put: %d %s", r.status, r.body)
	}
	r = h.api(http.MethodPut, "/v2/settings/account-authentication", body("account_authentication_settings", map[string]any{
		"account_member_self_management": "update_only", "auto_create_account_for_account_members": true,
	}), nil)
	if st := h.srv.AccountSettings(); r.status != http.StatusOK || !st.EnableSelfSignup || !st.AutoCreateAccountForAccountMembers ||
		st.AccountMemberSelfManagement != "update_only" || st.TokenTimeoutSecs != 3600 || st.RealmID != h.realm {
		t.Errorf("after second put: %d %+v", r.status, st)
	}

	for _, c := range []struct {
		name    string
		fields  map[string]any
		typ     string
		status  int
		pointer string
	}{
		{"self-management enum", map[string]any{"account_member_self_management": "sometimes"}, "", 422, "/data/account_member_self_management"},
		{"zero timeout", map[string]any{"account_management_authentication_token_timeout_secs": 0}, "", 422, "/data/account_management_authentication_token_timeout_secs"},
		{"negative timeout", map[string]any{"account_management_authentication_token_timeout_secs": -5}, "", 422, "/data/account_management_authentication_token_timeout_secs"},
		{"fractional timeout", map[string]any{"account_management_authentication_token_timeout_secs": 1.5}, "", 400, "/data/account_management_authentication_token_timeout_secs"},
		{"string bool", map[string]any{"enable_self_signup": "true"}, "", 400, "/data/enable_self_signup"},
		{"wrong type", map[string]any{}, "settings", 400, "/data/type"},
	} {
		typ := "account_authentication_settings"
		if c.typ != "" {
			typ = c.typ
		}
		wantError(t, c.name, h.api(http.MethodPut, "/v2/settings/account-authentication", body(typ, c.fields), nil), c.status, c.pointer)
	}
	if st := h.srv.AccountSettings(); st.TokenTimeoutSecs != 3600 || !st.EnableSelfSignup {
		t.Errorf("a refused PUT changed the settings: %+v", st)
	}
	if r := h.api(http.MethodPost, "/v2/settings/account-authentication", body("account_authentication_settings", nil), nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST settings: %d", r.status)
	}
}

func TestImplicitTokenCannotManageAccounts(t *testing.T) {
	h := newAMHarness(t, 0)
	form := url.Values{"grant_type": {"implicit"}, "client_id": {testClientID}}
	r := h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte(form.Encode()))
	h.token = r.json(t)["access_token"].(string)
	for _, p := range []string{"/v2/settings/account-authentication", "/v2/accounts", "/v2/account-members", "/v2/authentication-realms"} {
		if r := h.api(http.MethodGet, p, nil, nil); r.status != http.StatusForbidden {
			t.Errorf("implicit GET %s: %d", p, r.status)
		}
	}
	h.token = "nope"
	if r := h.api(http.MethodGet, "/v2/accounts", nil, nil); r.status != http.StatusUnauthorized {
		t.Errorf("bad token: %d", r.status)
	}
}

func TestRealms(t *testing.T) {
	h := newAMHarness(t, 0)
	r := h.api(http.MethodGet, "/v2/authentication-realms", nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	list := r.json(t)["data"].([]any)
	if len(list) != 3 || r.json(t)["meta"].(map[string]any)["results"].(map[string]any)["total"] != float64(3) {
		t.Fatalf("realms: %s", r.body)
	}
	names := map[string]bool{}
	accountRealms := 0
	for _, x := range list {
		rm := x.(map[string]any)
		names[rm["name"].(string)] = true
		origin := rm["relationships"].(map[string]any)["origin"].(map[string]any)["data"].(map[string]any)
		if origin["type"] == "account_authentication_settings" {
			accountRealms++
			if rm["id"] != h.realm || origin["id"] != h.srv.AccountSettings().ID {
				t.Errorf("account realm %v", rm)
			}
		}
		if rm["type"] != "authentication-realm" || !timestampRE.MatchString(rm["meta"].(map[string]any)["created_at"].(string)) {
			t.Errorf("realm shape %v", rm)
		}
	}
	if accountRealms != 1 || !names[RealmBuyerOrganization] || !names[RealmMerchantOrganization] || !names[RealmAccountManagement] {
		t.Errorf("names %v, account realms %d", names, accountRealms)
	}
	if r := h.api(http.MethodGet, "/v2/authentication-realms?page[limit]=2", nil, nil); len(r.json(t)["data"].([]any)) != 2 {
		t.Errorf("paged: %s", r.body)
	}

	path := "/v2/authentication-realms/" + h.realm
	r = h.api(http.MethodPut, path, body("authentication-realm", map[string]any{
		"name": "Shoppers", "redirect_uris": []string{"https://shop.example.com/cb", "http://localhost:3000/cb"}, "duplicate_email_policy": "api_only",
	}), nil)
	if d := r.data(t); r.status != http.StatusOK || d["name"] != "Shoppers" || d["duplicate_email_policy"] != "api_only" || len(d["redirect_uris"].([]any)) != 2 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodGet, path, nil, nil); r.data(t)["name"] != "Shoppers" {
		t.Errorf("get after put: %s", r.body)
	}
	wantError(t, "http redirect", h.api(http.MethodPut, path, body("authentication-realm", map[string]any{"redirect_uris": []string{"http://shop.example.com"}}), nil), 422, "/data/redirect_uris")
	wantError(t, "policy", h.api(http.MethodPut, path, body("authentication-realm", map[string]any{"duplicate_email_policy": "sometimes"}), nil), 422, "/data/duplicate_email_policy")
	wantError(t, "realm type", h.api(http.MethodPut, path, body("authentication_realm", nil), nil), 400, "/data/type")
	wantError(t, "unknown realm", h.api(http.MethodGet, "/v2/authentication-realms/"+newUUID(), nil, nil), 404, "")
	if r := h.api(http.MethodPost, "/v2/authentication-realms", body("authentication-realm", map[string]any{"name": "x"}), nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST realm: %d", r.status)
	}
	if r := h.api(http.MethodDelete, path, nil, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE realm: %d", r.status)
	}
}
