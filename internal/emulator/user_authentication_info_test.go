package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"testing"
)

func TestUAICRUD(t *testing.T) {
	h := newAMHarness(t, -1)
	base := h.realmPath("/user-authentication-info")
	u := h.mustCreate(base, "user_authentication_info", map[string]any{"name": "Ann Lee", "email": "ann@example.com", "given_name": "Ann"})
	id := u["id"].(string)
	meta := u["meta"].(map[string]any)
	if u["type"] != "user_authentication_info" || u["name"] != "Ann Lee" || u["email"] != "ann@example.com" || u["given_name"] != "Ann" ||
		u["family_name"] != nil || meta["creation_status"] != "COMPLETE" || !timestampRE.MatchString(meta["created_at"].(string)) ||
		!timestampRE.MatchString(meta["updated_at"].(string)) {
		t.Errorf("created %v", u)
	}

	// PUT requires name and email (both specs), each with its pointer.
	r := h.api(http.MethodPut, base+"/"+id, body("user_authentication_info", map[string]any{"name": "Ann B"}), nil)
	wantError(t, "put without email", r, 400, "/data/email")
	r = h.api(http.MethodPut, base+"/"+id, body("user_authentication_info", nil), nil)
	if p := pointers(t, r); r.status != 400 || len(p) != 2 || p[0] != "/data/name" || p[1] != "/data/email" {
		t.Errorf("put without both: %d %v", r.status, p)
	}
	r = h.api(http.MethodPut, base+"/"+id, body("user_authentication_info", map[string]any{"name": "Ann B", "email": "annb@example.com", "given_name": nil}), nil)
	if d := r.data(t); r.status != http.StatusOK || d["name"] != "Ann B" || d["email"] != "annb@example.com" || d["given_name"] != nil ||
		d["meta"].(map[string]any)["updated_at"] == meta["updated_at"] {
		t.Errorf("put: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodGet, base+"/"+id, nil, nil); r.data(t)["email"] != "annb@example.com" {
		t.Errorf("get: %s", r.body)
	}
	if r := h.api(http.MethodDelete, base+"/"+id, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, "get deleted", h.api(http.MethodGet, base+"/"+id, nil, nil), 404, "")
	wantError(t, "delete deleted", h.api(http.MethodDelete, base+"/"+id, nil, nil), 404, "")
	wantError(t, "unknown realm", h.api(http.MethodPost, "/v2/authentication-realms/"+newUUID()+"/user-authentication-info",
		body("user_authentication_info", map[string]any{"name": "A", "email": "a@example.com"}), nil), 404, "")
}

func TestUAIValidation(t *testing.T) {
	h := newAMHarness(t, -1)
	base := h.realmPath("/user-authentication-info")
	r := h.api(http.MethodPost, base, body("user_authentication_info", nil), nil)
	if p := pointers(t, r); r.status != 400 || len(p) != 2 || p[0] != "/data/name" || p[1] != "/data/email" {
		t.Errorf("post without both: %d %v", r.status, p)
	}
	wantError(t, "bad email", h.api(http.MethodPost, base, body("user_authentication_info", map[string]any{"name": "A", "email": "not-an-email"}), nil), 422, "/data/email")
	wantError(t, "numeric name", h.api(http.MethodPost, base, body("user_authentication_info", map[string]any{"name": 1, "email": "a@example.com"}), nil), 400, "/data/name")
	wantError(t, "type", h.api(http.MethodPost, base, body("user-authentication-info", map[string]any{"name": "A", "email": "a@example.com"}), nil), 400, "/data/type")
	if n := len(h.srv.UserAuthenticationInfos()); n != 0 {
		t.Errorf("%d UAIs after refused creates", n)
	}
}

func TestUAIListFilters(t *testing.T) {
	h := newAMHarness(t, -1)
	base := h.realmPath("/user-authentication-info")
	ann := h.uai("Ann Lee", "Ann@Example.com")
	bob := h.uai("Bob, Jr", "bob@example.org")
	cat := h.uai("Cat Lee", "cat@example.com")
	// A UAI of another realm is not listed here.
	if _, err := h.srv.CreateUserAuthenticationInfo(h.srv.Realms()[0].ID, "Dan", "dan@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{"", []string{cat, bob, ann}},
		{"eq(email,ann@example.com)", []string{ann}},
		{"like(name,*Lee)", []string{cat, ann}},
		{"ilike(email,*EXAMPLE.COM)", []string{cat, ann}},
		{`eq(name,"Bob, Jr")`, []string{bob}},
		{"like(name,*Lee):eq(email,cat@example.com)", []string{cat}},
		{"eq(name,nobody)", nil},
	} {
		q := ""
		if c.filter != "" {
			q = "?filter=" + url.QueryEscape(c.filter)
		}
		got := ids(t, h.api(http.MethodGet, base+q, nil, nil))
		if len(got) != len(c.want) {
			t.Errorf("%q: %v, want %v", c.filter, got, c.want)
			continue
		}
		if c.filter != "" {
			sort.Strings(got)
			sort.Strings(c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %v, want %v", c.filter, got, c.want)
				break
			}
		}
	}
	for _, bad := range []string{"eq(password,x)", "gt(name,a)", "eq(name,a", "eq(name,a,b)"} {
		r := h.api(http.MethodGet, base+"?filter="+url.QueryEscape(bad), nil, nil)
		wantError(t, "filter "+bad, r, 400, "")
	}
	if got := ids(t, h.api(http.MethodGet, base+"?sort=created_at&page[limit]=1&page[offset]=1", nil, nil)); len(got) != 1 || got[0] != bob {
		t.Errorf("sorted page: %v", got)
	}
}
