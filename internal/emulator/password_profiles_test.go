package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestPasswordProfileCRUD(t *testing.T) {
	h := newAMHarness(t, -1)
	base := h.realmPath("/password-profiles")
	p := h.mustCreate(base, "password_profile", map[string]any{"name": "Default"})
	id := p["id"].(string)
	if p["type"] != "password_profile" || p["username_format"] != "any" || p["enable_one_time_password_token"] != false ||
		!timestampRE.MatchString(p["meta"].(map[string]any)["created_at"].(string)) ||
		!strings.HasSuffix(p["links"].(map[string]any)["self"].(string), base+"/"+id) {
		t.Errorf("created %v", p)
	}
	p2 := h.mustCreate(base, "password_profile", map[string]any{"name": "Emails", "username_format": "email", "enable_one_time_password_token": true})
	if p2["username_format"] != "email" || p2["enable_one_time_password_token"] != true {
		t.Errorf("created %v", p2)
	}

	// A partial PUT keeps what it leaves out and bumps updated_at.
	r := h.api(http.MethodPut, base+"/"+id, body("password_profile", map[string]any{"name": "Renamed"}), nil)
	d := r.data(t)
	if r.status != http.StatusOK || d["name"] != "Renamed" || d["username_format"] != "any" ||
		d["meta"].(map[string]any)["updated_at"] == p["meta"].(map[string]any)["updated_at"] {
		t.Errorf("put: %d %s", r.status, r.body)
	}
	if r := h.api(http.MethodGet, base+"/"+id, nil, nil); r.status != http.StatusOK || r.data(t)["name"] != "Renamed" {
		t.Errorf("get: %d %s", r.status, r.body)
	}

	h.profile("Third", "")
	r = h.api(http.MethodGet, base+"?page[limit]=2", nil, nil)
	meta := r.json(t)["meta"].(map[string]any)
	if len(r.json(t)["data"].([]any)) != 2 || meta["results"].(map[string]any)["total"] != float64(3) || meta["page"].(map[string]any)["total"] != float64(2) {
		t.Errorf("paged list: %s", r.body)
	}

	if r := h.api(http.MethodDelete, base+"/"+id, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		wantError(t, m+" deleted profile", h.api(m, base+"/"+id, body("password_profile", map[string]any{"name": "x"}), nil), 404, "")
	}
	// A profile is found only under its own realm.
	other := h.srv.Realms()[0].ID
	wantError(t, "profile under another realm", h.api(http.MethodGet, "/v2/authentication-realms/"+other+"/password-profiles/"+p2["id"].(string), nil, nil), 404, "")
	wantError(t, "unknown realm", h.api(http.MethodPost, "/v2/authentication-realms/"+newUUID()+"/password-profiles", body("password_profile", map[string]any{"name": "x"}), nil), 404, "")
	wantError(t, "unknown realm list", h.api(http.MethodGet, "/v2/authentication-realms/"+newUUID()+"/password-profiles", nil, nil), 404, "")
}

func TestPasswordProfileValidation(t *testing.T) {
	h := newAMHarness(t, -1)
	base := h.realmPath("/password-profiles")
	for _, c := range []struct {
		name    string
		fields  map[string]any
		status  int
		pointer string
	}{
		{"no name", map[string]any{}, 400, "/data/name"},
		{"blank name", map[string]any{"name": " "}, 400, "/data/name"},
		{"number name", map[string]any{"name": 5}, 400, "/data/name"},
		{"format", map[string]any{"name": "x", "username_format": "phone"}, 422, "/data/username_format"},
		{"null format", map[string]any{"name": "x", "username_format": nil}, 422, "/data/username_format"},
		{"otp", map[string]any{"name": "x", "enable_one_time_password_token": "yes"}, 400, "/data/enable_one_time_password_token"},
	} {
		wantError(t, c.name, h.api(http.MethodPost, base, body("password_profile", c.fields), nil), c.status, c.pointer)
	}
	wantError(t, "type", h.api(http.MethodPost, base, body("password-profile", map[string]any{"name": "x"}), nil), 400, "/data/type")
	if n := len(h.srv.PasswordProfiles()); n != 0 {
		t.Errorf("%d profiles after refused creates", n)
	}
	id := h.profile("ok", "")
	wantError(t, "put blank name", h.api(http.MethodPut, base+"/"+id, body("password_profile", map[string]any{"name": ""}), nil), 400, "/data/name")
	wantError(t, "put format", h.api(http.MethodPut, base+"/"+id, body("password_profile", map[string]any{"username_format": "EMAIL"}), nil), 422, "/data/username_format")
}

// Deleting a profile deletes every password info tied to it: the username is
// free again and no longer logs in.
func TestPasswordProfileDeleteCascades(t *testing.T) {
	h := newAMHarness(t, -1)
	prof, keep := h.profile("Doomed", ""), h.profile("Kept", "")
	uid := h.uai("Ann", "ann@example.com")
	pi := h.password(uid, prof, "ann", "password-1")
	h.password(uid, keep, "ann", "password-2")
	if r := h.api(http.MethodDelete, h.realmPath("/password-profiles/"+prof), nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, "password info of a deleted profile", h.api(http.MethodGet, h.uappiPath(uid)+"/"+pi, nil, nil), 404, "")
	if infos := h.srv.PasswordProfileInfos(); len(infos) != 1 || infos[0].PasswordProfileID != keep {
		t.Errorf("infos left %+v", infos)
	}
	if h.srv.CheckMemberPassword(prof, "ann", "password-1") || !h.srv.CheckMemberPassword(keep, "ann", "password-2") {
		t.Error("passwords after the cascade")
	}
	if len(h.srv.UserAuthenticationInfos()) != 1 {
		t.Error("the UAI went with the profile")
	}
}
