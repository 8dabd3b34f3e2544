package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestMembershipCRUD(t *testing.T) {
	h := newAMHarness(t, -1)
	acct := h.account(map[string]any{"name": "Acme"})
	ann, bob := h.uai("Ann", "ann@example.com"), h.uai("Bob", "bob@example.com")
	base := "/v2/accounts/" + acct + "/account-memberships"

	ms := h.mustCreate(base, "account_membership", map[string]any{"account_member_id": ann})
	id := ms["id"].(string)
	if ms["type"] != "account_membership" || !uuidV4RE.MatchString(id) ||
		!timestampRE.MatchString(ms["meta"].(map[string]any)["timestamps"].(map[string]any)["created_at"].(string)) {
		t.Errorf("created %v", ms)
	}
	h.mustCreate(base, "account_membership", map[string]any{"account_member_id": bob})

	r := h.api(http.MethodGet, base+"/"+id, nil, nil)
	if r.status != http.StatusOK || r.data(t)["relationships"].(map[string]any)["account_member"].(map[string]any)["data"].(map[string]any)["id"] != ann {
		t.Errorf("get: %d %s", r.status, r.body)
	}
	// List items carry account_member_id (S2); the list filters on it.
	r = h.api(http.MethodGet, base+"?filter="+url.QueryEscape("eq(account_member_id,"+bob+")"), nil, nil)
	list := r.json(t)["data"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["account_member_id"] != bob {
		t.Errorf("filtered list %s", r.body)
	}
	if got := ids(t, h.api(http.MethodGet, base, nil, nil)); len(got) != 2 {
		t.Errorf("list %v", got)
	}
	r = h.api(http.MethodGet, base+"?include=account_member", nil, nil)
	inc, _ := r.json(t)["included"].(map[string]any)["account_members"].([]any)
	if r.status != http.StatusOK || len(inc) != 2 {
		t.Errorf("include: %d %s", r.status, r.body)
	}
	r = h.api(http.MethodGet, base+"?include=account_member&page[limit]=1", nil, nil)
	inc, _ = r.json(t)["included"].(map[string]any)["account_members"].([]any)
	listed := r.json(t)["data"].([]any)[0].(map[string]any)["account_member_id"]
	if len(inc) != 1 || inc[0].(map[string]any)["id"] != listed {
		t.Errorf("include on a page of one: %s", r.body)
	}
	wantError(t, "include other", h.api(http.MethodGet, base+"?include=account", nil, nil), 400, "")

	// PUT carries core-flow data only; the member cannot change.
	if r := h.api(http.MethodPut, base+"/"+id, body("account_membership", nil), nil); r.status != http.StatusOK {
		t.Errorf("put: %d %s", r.status, r.body)
	}
	wantError(t, "put another member", h.api(http.MethodPut, base+"/"+id, body("account_membership", map[string]any{"account_member_id": bob}), nil), 400, "/data/account_member_id")

	if r := h.api(http.MethodDelete, base+"/"+id, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, "get deleted", h.api(http.MethodGet, base+"/"+id, nil, nil), 404, "")
	wantError(t, "delete deleted", h.api(http.MethodDelete, base+"/"+id, nil, nil), 404, "")
	// Deleted, the membership can be made again.
	h.mustCreate(base, "account_membership", map[string]any{"account_member_id": ann})
	// A membership is found only under its account.
	other := h.account(map[string]any{"name": "Other"})
	msOther := h.mustCreate("/v2/accounts/"+other+"/account-memberships", "account_membership", map[string]any{"account_member_id": ann})["id"].(string)
	wantError(t, "membership under another account", h.api(http.MethodGet, base+"/"+msOther, nil, nil), 404, "")
}

func TestMembershipErrors(t *testing.T) {
	h := newAMHarness(t, time.Hour)
	acct := h.account(map[string]any{"name": "Acme"})
	uid := h.uai("Ann", "ann@example.com")
	base := "/v2/accounts/" + acct + "/account-memberships"

	wantError(t, "unknown account", h.api(http.MethodPost, "/v2/accounts/"+newUUID()+"/account-memberships", body("account_membership", map[string]any{"account_member_id": uid}), nil), 404, "")
	wantError(t, "list of unknown account", h.api(http.MethodGet, "/v2/accounts/"+newUUID()+"/account-memberships", nil, nil), 404, "")
	wantError(t, "no member id", h.api(http.MethodPost, base, body("account_membership", nil), nil), 400, "/data/account_member_id")
	wantError(t, "type", h.api(http.MethodPost, base, body("account-membership", map[string]any{"account_member_id": uid}), nil), 400, "/data/type")
	// The member does not exist until its UAI's event is handled: 404 on the
	// member id, which is what a client retries on.
	r := h.api(http.MethodPost, base, body("account_membership", map[string]any{"account_member_id": uid}), nil)
	wantError(t, "member not there yet", r, 404, "/data/account_member_id")
	wantError(t, "unknown member", h.api(http.MethodPost, base, body("account_membership", map[string]any{"account_member_id": newUUID()}), nil), 404, "/data/account_member_id")
	h.srv.SettleMembers()
	h.mustCreate(base, "account_membership", map[string]any{"account_member_id": uid})
	r = h.api(http.MethodPost, base, body("account_membership", map[string]any{"account_member_id": uid}), nil)
	wantError(t, "duplicate", r, 409, "")
	if n := len(h.srv.AccountMemberships()); n != 1 {
		t.Errorf("%d memberships", n)
	}
}

func TestMembershipLimit(t *testing.T) {
	h := newAMHarness(t, -1)
	acct, err := h.srv.CreateAccount(Account{Name: "Big"})
	if err != nil {
		t.Fatal(err)
	}
	realm := h.srv.AccountRealmID()
	for i := range MaxMembershipsPerAccount {
		u, err := h.srv.CreateUserAuthenticationInfo(realm, "M", "m"+strconv.Itoa(i)+"@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.CreateAccountMembership(acct.ID, u.ID); err != nil {
			t.Fatalf("membership %d: %v", i, err)
		}
	}
	last := h.uai("Last", "last@example.com")
	r := h.api(http.MethodPost, "/v2/accounts/"+acct.ID+"/account-memberships", body("account_membership", map[string]any{"account_member_id": last}), nil)
	wantError(t, "membership 1,001", r, 422, "")
	other := h.account(map[string]any{"name": "Small"})
	h.mustCreate("/v2/accounts/"+other+"/account-memberships", "account_membership", map[string]any{"account_member_id": last})
}

// Many shoppers made at once, each membership retried until its member
// appears, as a parallel apply does: every one ends with exactly one member
// and one membership.
func TestConcurrentShoppers(t *testing.T) {
	h := newAMHarness(t, 30*time.Millisecond)
	prof := h.profile("Default", "")
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := "shopper" + strconv.Itoa(i) + "@example.com"
			post := func(path, typ string, fields map[string]any) (result, error) {
				return h.apiErr(http.MethodPost, path, body(typ, fields), nil)
			}
			r, err := post(h.realmPath("/user-authentication-info"), "user_authentication_info", map[string]any{"name": "S", "email": email})
			if err != nil || r.status != http.StatusCreated {
				errs <- "uai: " + string(r.body)
				return
			}
			var doc struct{ Data struct{ ID string } }
			_ = json.Unmarshal(r.body, &doc)
			uid := doc.Data.ID
			if r, err := post(h.uappiPath(uid), uappiType, map[string]any{"password_profile_id": prof, "username": email, "password": "password" + strconv.Itoa(i)}); err != nil || r.status != http.StatusCreated {
				errs <- "uappi: " + string(r.body)
				return
			}
			r, err = post("/v2/accounts", "account", map[string]any{"name": "A" + strconv.Itoa(i), "registration_id": "R" + strconv.Itoa(i)})
			if err != nil || r.status != http.StatusCreated {
				errs <- "account: " + string(r.body)
				return
			}
			_ = json.Unmarshal(r.body, &doc)
			acct := doc.Data.ID
			for tries := 0; ; tries++ {
				r, err := post("/v2/accounts/"+acct+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
				if err == nil && r.status == http.StatusCreated {
					return
				}
				if err != nil || r.status != http.StatusNotFound || tries > 200 {
					errs <- "membership: " + string(r.body)
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	c := h.srv.AccountCounts()
	if c.UserAuthenticationInfos != n || c.PasswordProfileInfos != n || c.AccountMembers != n || c.Accounts != n || c.AccountMemberships != n || c.PendingMembers != 0 {
		t.Errorf("counts %+v", c)
	}
	for i := range n {
		if !h.srv.CheckMemberPassword(prof, "SHOPPER"+strconv.Itoa(i)+"@example.com", "password"+strconv.Itoa(i)) {
			t.Errorf("shopper %d cannot log in", i)
		}
	}
}

func TestMembershipSettingsLimit(t *testing.T) {
	h := newAMHarness(t, -1)
	r := h.api(http.MethodGet, "/v2/settings/account-membership", nil, nil)
	if r.status != http.StatusOK || r.data(t)["membership_limit"] != float64(MaxMembershipLimit) || r.data(t)["type"] != "account_membership_setting" {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	uid := h.uai("Ann", "ann@example.com")
	a1, a2, a3 := h.account(map[string]any{"name": "1"}), h.account(map[string]any{"name": "2"}), h.account(map[string]any{"name": "3"})
	h.mustCreate("/v2/accounts/"+a1+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	h.mustCreate("/v2/accounts/"+a2+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	// Lowering the limit below what a member has keeps its memberships and
	// refuses new ones.
	if r := h.api(http.MethodPut, "/v2/settings/account-membership", body("account_membership_setting", map[string]any{"membership_limit": 1}), nil); r.status != http.StatusOK || r.data(t)["membership_limit"] != float64(1) {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	wantError(t, "over the member's limit", h.api(http.MethodPost, "/v2/accounts/"+a3+"/account-memberships", body("account_membership", map[string]any{"account_member_id": uid}), nil), 422, "/data/account_member_id")
	if n := len(h.srv.AccountMemberships()); n != 2 {
		t.Errorf("%d memberships", n)
	}
	for _, v := range []any{0, MaxMembershipLimit + 1} {
		wantError(t, "limit out of range", h.api(http.MethodPut, "/v2/settings/account-membership", body("account_membership_setting", map[string]any{"membership_limit": v}), nil), 422, "/data/membership_limit")
	}
}

func TestUnassignedMembers(t *testing.T) {
	h := newAMHarness(t, -1)
	acct := h.account(map[string]any{"name": "Acme"})
	ann, bob := h.uai("Ann", "ann@example.com"), h.uai("Bob", "bob@example.com")
	h.mustCreate("/v2/accounts/"+acct+"/account-memberships", "account_membership", map[string]any{"account_member_id": ann})
	path := "/v2/accounts/" + acct + "/account-memberships/unassigned-account-members"
	if got := ids(t, h.api(http.MethodGet, path, nil, nil)); len(got) != 1 || got[0] != bob {
		t.Errorf("unassigned %v", got)
	}
	if got := ids(t, h.api(http.MethodGet, path+"?filter="+url.QueryEscape("eq(email,ann@example.com)"), nil, nil)); len(got) != 0 {
		t.Errorf("filtered %v", got)
	}
	wantError(t, "unknown account", h.api(http.MethodGet, "/v2/accounts/"+newUUID()+"/account-memberships/unassigned-account-members", nil, nil), 404, "")
	if q := h.srv.Requests(); q[len(q)-1].Kind != KindUnassignedMemberList {
		t.Errorf("kind %q", q[len(q)-1].Kind)
	}
}
