package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
)

func TestAccountCRUD(t *testing.T) {
	h := newAMHarness(t, -1)
	a := h.mustCreate("/v2/accounts", "account", map[string]any{"name": "Acme", "legal_name": "Acme Ltd", "registration_id": "REG-1", "external_ref": "crm-1"})
	id := a["id"].(string)
	ts := a["meta"].(map[string]any)["timestamps"].(map[string]any)
	if a["type"] != "account" || a["name"] != "Acme" || a["legal_name"] != "Acme Ltd" || a["registration_id"] != "REG-1" ||
		a["external_ref"] != "crm-1" || a["parent_id"] != nil || !timestampRE.MatchString(ts["created_at"].(string)) ||
		!strings.HasSuffix(a["links"].(map[string]any)["self"].(string), "/v2/accounts/"+id) {
		t.Errorf("created %v", a)
	}
	if anc := a["relationships"].(map[string]any)["ancestors"].([]any); len(anc) != 0 {
		t.Errorf("ancestors of a root %v", anc)
	}
	// legal_name is optional (S2).
	bare := h.mustCreate("/v2/accounts", "account", map[string]any{"name": "Bare"})
	if bare["legal_name"] != nil || bare["registration_id"] != nil || bare["external_ref"] != nil {
		t.Errorf("bare %v", bare)
	}

	// A PUT is partial; null clears.
	r := h.api(http.MethodPut, "/v2/accounts/"+id, body("account", map[string]any{"name": "Acme 2", "external_ref": nil}), nil)
	d := r.data(t)
	if r.status != http.StatusOK || d["name"] != "Acme 2" || d["legal_name"] != "Acme Ltd" || d["registration_id"] != "REG-1" || d["external_ref"] != nil ||
		d["meta"].(map[string]any)["timestamps"].(map[string]any)["updated_at"] == ts["updated_at"] {
		t.Errorf("put: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodGet, "/v2/accounts/"+id, nil, nil); r.status != http.StatusOK || r.data(t)["name"] != "Acme 2" {
		t.Errorf("get: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodDelete, "/v2/accounts/"+id, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		wantError(t, m+" deleted account", h.api(m, "/v2/accounts/"+id, body("account", map[string]any{"name": "x"}), nil), 404, "")
	}
	// Its registration_id is free again.
	h.account(map[string]any{"name": "Again", "registration_id": "REG-1"})
}

func TestAccountValidation(t *testing.T) {
	h := newAMHarness(t, -1)
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, c := range []struct {
		name    string
		fields  map[string]any
		status  int
		pointer string
		detail  string
	}{
		{"no name", map[string]any{}, 400, "/data/name", "'Name' on the 'min' tag"},
		{"empty name", map[string]any{"name": ""}, 400, "/data/name", "'Name' on the 'min' tag"},
		{"numeric name", map[string]any{"name": 3}, 400, "/data/name", ""},
		{"registration_id 64", map[string]any{"name": "a", "registration_id": long(64)}, 400, "/data/registration_id", "'max' tag"},
		{"external_ref 2049", map[string]any{"name": "a", "external_ref": long(2049)}, 400, "/data/external_ref", "'max' tag"},
		{"unknown parent", map[string]any{"name": "a", "parent_id": newUUID()}, 404, "/data/parent_id", "parent"},
	} {
		r := h.api(http.MethodPost, "/v2/accounts", body("account", c.fields), nil)
		wantError(t, c.name, r, c.status, c.pointer)
		if c.detail != "" && r.status == c.status && !strings.Contains(r.firstError(t)["detail"].(string), c.detail) {
			t.Errorf("%s: detail %q", c.name, r.firstError(t)["detail"])
		}
	}
	wantError(t, "type", h.api(http.MethodPost, "/v2/accounts", body("accounts", map[string]any{"name": "a"}), nil), 400, "/data/type")
	wantError(t, "malformed JSON", h.api(http.MethodPost, "/v2/accounts", []byte(`{"data":`), nil), 400, "")
	wantError(t, "data not an object", h.api(http.MethodPost, "/v2/accounts", []byte(`{"data":[]}`), nil), 400, "/data")
	h.account(map[string]any{"name": "edge", "registration_id": long(63), "external_ref": long(2048)})
	if n := len(h.srv.Accounts()); n != 1 {
		t.Errorf("%d accounts", n)
	}
	id := h.srv.Accounts()[0].ID
	wantError(t, "put empty name", h.api(http.MethodPut, "/v2/accounts/"+id, body("account", map[string]any{"name": ""}), nil), 400, "/data/name")
}

func TestAccountRegistrationIDUnique(t *testing.T) {
	h := newAMHarness(t, -1)
	a := h.account(map[string]any{"name": "A", "registration_id": "R1"})
	b := h.account(map[string]any{"name": "B", "registration_id": "R2"})
	wantError(t, "duplicate on create", h.api(http.MethodPost, "/v2/accounts", body("account", map[string]any{"name": "C", "registration_id": "R1"}), nil), 409, "/data/registration_id")
	wantError(t, "duplicate on update", h.api(http.MethodPut, "/v2/accounts/"+b, body("account", map[string]any{"registration_id": "R1"}), nil), 409, "/data/registration_id")
	if r := h.api(http.MethodPut, "/v2/accounts/"+a, body("account", map[string]any{"registration_id": "R1"}), nil); r.status != http.StatusOK {
		t.Errorf("re-sending its own registration_id: %d", r.status)
	}
	if r := h.api(http.MethodPut, "/v2/accounts/"+a, body("account", map[string]any{"registration_id": nil}), nil); r.status != http.StatusOK || r.data(t)["registration_id"] != nil {
		t.Fatalf("clear: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodPut, "/v2/accounts/"+b, body("account", map[string]any{"registration_id": "R1"}), nil); r.status != http.StatusOK {
		t.Errorf("take a freed registration_id: %d %s", r.status, r.body)
	}
	// Accounts without registration_id never conflict.
	h.account(map[string]any{"name": "D"})
	h.account(map[string]any{"name": "E"})
}

func TestSubAccounts(t *testing.T) {
	h := newAMHarness(t, -1)
	root := h.account(map[string]any{"name": "Root"})
	child := h.account(map[string]any{"name": "Child", "parent_id": root})
	gc := h.mustCreate("/v2/accounts", "account", map[string]any{"name": "Grandchild", "parent_id": child})
	rel := gc["relationships"].(map[string]any)
	anc := rel["ancestors"].([]any)
	if gc["parent_id"] != child || rel["parent"].(map[string]any)["data"].(map[string]any)["id"] != child || len(anc) != 2 ||
		anc[0].(map[string]any)["data"].(map[string]any)["id"] != root || anc[1].(map[string]any)["data"].(map[string]any)["id"] != child {
		t.Errorf("grandchild %v", gc)
	}
	gcID := gc["id"].(string)

	// parent_id is set at create only: a PUT changing it is refused, the
	// same value is harmless.
	wantError(t, "reparent", h.api(http.MethodPut, "/v2/accounts/"+gcID, body("account", map[string]any{"parent_id": root}), nil), 400, "/data/parent_id")
	if r := h.api(http.MethodPut, "/v2/accounts/"+gcID, body("account", map[string]any{"parent_id": child, "name": "GC"}), nil); r.status != http.StatusOK {
		t.Errorf("same parent: %d %s", r.status, r.body)
	}

	// An account with sub-accounts is not deleted.
	wantError(t, "delete a parent", h.api(http.MethodDelete, "/v2/accounts/"+child, nil, nil), 409, "")
	for _, id := range []string{gcID, child, root} {
		if r := h.api(http.MethodDelete, "/v2/accounts/"+id, nil, nil); r.status != http.StatusNoContent {
			t.Errorf("delete %s: %d %s", id, r.status, r.body)
		}
	}
	// The direct store method deletes a whole tree.
	a, _ := h.srv.CreateAccount(Account{Name: "T"})
	if _, err := h.srv.CreateAccount(Account{Name: "T1", ParentID: a.ID}); err != nil {
		t.Fatal(err)
	}
	if !h.srv.DeleteAccount(a.ID) || len(h.srv.Accounts()) != 0 {
		t.Errorf("DeleteAccount left %+v", h.srv.Accounts())
	}
}

func TestAccountListFilters(t *testing.T) {
	h := newAMHarness(t, -1)
	acme := h.account(map[string]any{"name": "Acme", "legal_name": "Acme Ltd", "registration_id": "GB-1", "external_ref": "crm-1"})
	beta := h.account(map[string]any{"name": "Beta, Inc", "legal_name": "Beta Incorporated", "registration_id": "US-2"})
	acmeEU := h.account(map[string]any{"name": "Acme EU", "external_ref": "crm-2"})
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{"", []string{acmeEU, beta, acme}},
		{"eq(registration_id,US-2)", []string{beta}},
		{"like(name,Acme*)", []string{acme, acmeEU}},
		{`eq(name,"Beta, Inc")`, []string{beta}},
		{"like(legal_name,*Ltd)", []string{acme}},
		{"eq(external_ref,crm-2)", []string{acmeEU}},
		{"like(registration_id,*-*):like(name,A*)", []string{acme}},
		{"eq(id," + beta + ")", []string{beta}},
	} {
		q := ""
		if c.filter != "" {
			q = "?filter=" + url.QueryEscape(c.filter)
		}
		got := ids(t, h.api(http.MethodGet, "/v2/accounts"+q, nil, nil))
		if c.filter != "" {
			sort.Strings(got)
			sort.Strings(c.want)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%q: %v, want %v", c.filter, got, c.want)
		}
	}
	wantError(t, "ilike is not an accounts operator", h.api(http.MethodGet, "/v2/accounts?filter="+url.QueryEscape("ilike(name,a*)"), nil, nil), 400, "")
	wantError(t, "11 filters", h.api(http.MethodGet, "/v2/accounts?filter="+url.QueryEscape(strings.Repeat("eq(name,a):", 10)+"eq(name,a)"), nil, nil), 400, "")
	if got := ids(t, h.api(http.MethodGet, "/v2/accounts?sort=name", nil, nil)); strings.Join(got, ",") != strings.Join([]string{acme, acmeEU, beta}, ",") {
		t.Errorf("sort=name: %v", got)
	}
}

// Deleting an account deletes its memberships, not its members.
func TestAccountDeleteCascadesMemberships(t *testing.T) {
	h := newAMHarness(t, -1)
	uid := h.uai("Ann", "ann@example.com")
	a, b := h.account(map[string]any{"name": "A"}), h.account(map[string]any{"name": "B"})
	for _, acct := range []string{a, b} {
		h.mustCreate("/v2/accounts/"+acct+"/account-memberships", "account_membership", map[string]any{"account_member_id": uid})
	}
	if r := h.api(http.MethodDelete, "/v2/accounts/"+a, nil, nil); r.status != http.StatusNoContent {
		t.Fatal(r.status)
	}
	ms := h.srv.AccountMemberships()
	if len(ms) != 1 || ms[0].AccountID != b {
		t.Errorf("memberships %+v", ms)
	}
	if _, ok := h.srv.AccountMember(uid); !ok {
		t.Error("the member went with the account")
	}
}
