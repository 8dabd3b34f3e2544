package emulator

import (
	"net/http"
	"testing"
)

const uappiType = "user_authentication_password_profile_info"

func TestUAPPICreate(t *testing.T) {
	h := newAMHarness(t, -1)
	prof, emailProf := h.profile("Any", ""), h.profile("Email", "email")
	uid := h.uai("Ann", "ann@example.com")
	base := h.uappiPath(uid)

	for _, c := range []struct {
		name    string
		fields  map[string]any
		pointer string
	}{
		{"no profile", map[string]any{"username": "ann", "password": "password1"}, "/data/password_profile_id"},
		{"no username", map[string]any{"password_profile_id": prof, "password": "password1"}, "/data/username"},
		{"no password", map[string]any{"password_profile_id": prof, "username": "ann"}, "/data/password"},
		{"short password", map[string]any{"password_profile_id": prof, "username": "ann", "password": "seven77"}, "/data/password"},
		{"non-email username for an email profile", map[string]any{"password_profile_id": emailProf, "username": "ann", "password": "password1"}, "/data/username"},
		{"unknown profile", map[string]any{"password_profile_id": newUUID(), "username": "ann", "password": "password1"}, "/data/password_profile_id"},
	} {
		wantError(t, c.name, h.api(http.MethodPost, base, body(uappiType, c.fields), nil), 422, c.pointer)
	}
	// A profile of another realm is not one of this realm's.
	buyer := h.srv.Realms()[0].ID
	foreign, err := h.srv.CreatePasswordProfile(buyer, "Buyers", "", false)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, "profile of another realm", h.api(http.MethodPost, base, body(uappiType, map[string]any{"password_profile_id": foreign.ID, "username": "ann", "password": "password1"}), nil), 422, "/data/password_profile_id")
	wantError(t, "type", h.api(http.MethodPost, base, body("user-authentication-password-profile-info", map[string]any{"password_profile_id": prof, "username": "ann", "password": "password1"}), nil), 400, "/data/type")
	if n := len(h.srv.PasswordProfileInfos()); n != 0 {
		t.Fatalf("%d infos after refused creates", n)
	}

	before := h.api(http.MethodGet, h.realmPath("/user-authentication-info/"+uid), nil, nil).data(t)["meta"].(map[string]any)["updated_at"]
	d := h.mustCreate(base, uappiType, map[string]any{"password_profile_id": prof, "username": "Ann", "password": "eight888"})
	if _, has := d["password"]; has || d["type"] != uappiType || d["username"] != "Ann" || d["password_profile_id"] != prof ||
		!timestampRE.MatchString(d["meta"].(map[string]any)["created_at"].(string)) {
		t.Errorf("created %v", d)
	}
	if after := h.api(http.MethodGet, h.realmPath("/user-authentication-info/"+uid), nil, nil).data(t)["meta"].(map[string]any)["updated_at"]; after == before {
		t.Error("the UAI's updated_at did not move with its password info")
	}
	h.mustCreate(base, uappiType, map[string]any{"password_profile_id": emailProf, "username": "ann@example.com", "password": "eight888"})

	// Usernames are unique per profile, without regard to case; the same
	// username is fine under another profile.
	bob := h.uai("Bob", "bob@example.com")
	wantError(t, "duplicate username", h.api(http.MethodPost, h.uappiPath(bob), body(uappiType, map[string]any{"password_profile_id": prof, "username": "ANN", "password": "password1"}), nil), 409, "/data/username")
	other := h.profile("Other", "")
	h.password(bob, other, "ann", "password1")
	// One password info per UAI and profile.
	wantError(t, "second info for the profile", h.api(http.MethodPost, base, body(uappiType, map[string]any{"password_profile_id": prof, "username": "ann2", "password": "password1"}), nil), 409, "/data/password_profile_id")

	if r := h.api(http.MethodGet, base, nil, nil); r.status != http.StatusOK || len(r.json(t)["data"].([]any)) != 2 {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	wantError(t, "list of unknown uai", h.api(http.MethodGet, h.uappiPath(newUUID()), nil, nil), 404, "")
	wantError(t, "post to unknown uai", h.api(http.MethodPost, h.uappiPath(newUUID()), body(uappiType, map[string]any{"password_profile_id": prof, "username": "x", "password": "password1"}), nil), 404, "")
}

func TestUAPPIUpdate(t *testing.T) {
	h := newAMHarness(t, -1)
	prof := h.profile("Any", "")
	uid := h.uai("Ann", "ann@example.com")
	id := h.password(uid, prof, "ann", "first-password")
	path := h.uappiPath(uid) + "/" + id

	// The stricter S2 body: type, username, password_profile_id and password.
	r := h.api(http.MethodPut, path, body(uappiType, map[string]any{"username": "ann", "password_profile_id": prof, "password": "second-password"}), nil)
	if r.status != http.StatusOK || r.data(t)["username"] != "ann" {
		t.Fatalf("put (S2 body): %d %s", r.status, r.body)
	}
	if _, has := r.data(t)["password"]; has {
		t.Error("password returned")
	}
	if h.srv.CheckMemberPassword(prof, "ann", "first-password") || !h.srv.CheckMemberPassword(prof, "ann", "second-password") {
		t.Error("rotation (S2 body) did not take")
	}
	// S1's body: password and password_profile_id only.
	if r := h.api(http.MethodPut, path, body(uappiType, map[string]any{"password_profile_id": prof, "password": "third-password"}), nil); r.status != http.StatusOK {
		t.Fatalf("put (S1 body): %d %s", r.status, r.body)
	}
	if !h.srv.CheckMemberPassword(prof, "ANN", "third-password") {
		t.Error("rotation (S1 body) did not take")
	}
	wantError(t, "put without profile id", h.api(http.MethodPut, path, body(uappiType, map[string]any{"password": "fourth-password"}), nil), 422, "/data/password_profile_id")
	wantError(t, "put short password", h.api(http.MethodPut, path, body(uappiType, map[string]any{"password_profile_id": prof, "password": "short"}), nil), 422, "/data/password")
	wantError(t, "put empty username", h.api(http.MethodPut, path, body(uappiType, map[string]any{"password_profile_id": prof, "username": ""}), nil), 422, "/data/username")
	wantError(t, "put other profile", h.api(http.MethodPut, path, body(uappiType, map[string]any{"password_profile_id": h.profile("B", ""), "password": "fourth-password"}), nil), 422, "/data/password_profile_id")
	if !h.srv.CheckMemberPassword(prof, "ann", "third-password") {
		t.Error("a refused PUT changed the password")
	}

	// A new username is checked for uniqueness and frees the old one.
	bob := h.uai("Bob", "bob@example.com")
	h.password(bob, prof, "bob", "bobs-password")
	wantError(t, "rename onto a taken username", h.api(http.MethodPut, path, body(uappiType, map[string]any{"password_profile_id": prof, "username": "Bob"}), nil), 409, "/data/username")
	if r := h.api(http.MethodPut, path, body(uappiType, map[string]any{"password_profile_id": prof, "username": "ann.lee"}), nil); r.status != http.StatusOK {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	if h.srv.CheckMemberPassword(prof, "ann", "third-password") || !h.srv.CheckMemberPassword(prof, "ann.lee", "third-password") {
		t.Error("rename did not move the login")
	}
	carl := h.uai("Carl", "carl@example.com")
	h.password(carl, prof, "ann", "carls-password") // the old username is free

	if r := h.api(http.MethodDelete, path, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, "get deleted", h.api(http.MethodGet, path, nil, nil), 404, "")
	if h.srv.CheckMemberPassword(prof, "ann.lee", "third-password") {
		t.Error("a deleted password info still logs in")
	}
	wantError(t, "info under another uai", h.api(http.MethodGet, h.uappiPath(bob)+"/"+id, nil, nil), 404, "")
}
