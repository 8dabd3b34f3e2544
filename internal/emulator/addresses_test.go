package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func addressBody(fields map[string]any) map[string]any { return body("address", fields) }

var homeAddress = map[string]any{
	"name": "Home", "first_name": "Ann", "last_name": "Lee", "line_1": "1 High St",
	"city": "Leeds", "postcode": "LS1 1AA", "country": "GB",
}

// annWithAddresses is a logged-in harness holding the customer Ann; it
// returns her id and the path of her addresses.
func annWithAddresses(t *testing.T) (h *harness, id, addresses string) {
	t.Helper()
	h = newHarness(t, Config{})
	h.login()
	id = h.create(map[string]any{"name": "Ann", "email": "ann@example.com"})["id"].(string)
	return h, id, "/v2/customers/" + id + "/addresses"
}

func TestAddressCRUD(t *testing.T) {
	h, _, base := annWithAddresses(t)

	r := h.api(http.MethodPost, base, addressBody(homeAddress), nil)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	a := r.data(t)
	id, _ := a["id"].(string)
	if !uuidV4RE.MatchString(id) || a["type"] != "address" || a["line_1"] != "1 High St" || a["county"] != nil {
		t.Fatalf("created %s", r.body)
	}
	meta := a["meta"].(map[string]any)["timestamps"].(map[string]any)
	if !timestampRE.MatchString(meta["created_at"].(string)) {
		t.Errorf("timestamps %v", meta)
	}
	if self := a["links"].(map[string]any)["self"].(string); !strings.HasSuffix(self, base+"/"+id) {
		t.Errorf("links.self %s", self)
	}

	if r := h.api(http.MethodGet, base+"/"+id, nil, nil); r.status != http.StatusOK || r.data(t)["city"] != "Leeds" {
		t.Errorf("get: %d %s", r.status, r.body)
	}
	if got := ids(t, h.api(http.MethodGet, base, nil, nil)); len(got) != 1 || got[0] != id {
		t.Errorf("list ids %v", got)
	}

	// A PUT changes what it sends, clears what it sends as null, and leaves
	// what it leaves out.
	r = h.api(http.MethodPut, base+"/"+id, addressBody(map[string]any{"id": id, "city": nil, "line_2": "Flat 2"}), nil)
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if d := r.data(t); d["city"] != nil || d["line_2"] != "Flat 2" || d["first_name"] != "Ann" {
		t.Errorf("after update %s", r.body)
	}
	if r := h.api(http.MethodPut, base+"/"+id, addressBody(map[string]any{"id": "other"}), nil); r.status != http.StatusBadRequest {
		t.Errorf("update with another id: %d", r.status)
	}

	if r := h.api(http.MethodDelete, base+"/"+id, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		if r := h.api(m, base+"/"+id, addressBody(map[string]any{"name": "x"}), nil); r.status != http.StatusNotFound {
			t.Errorf("%s of a deleted address: %d", m, r.status)
		}
	}

	kinds := map[string]int{}
	for _, q := range h.srv.Requests() {
		kinds[q.Kind]++
	}
	if kinds[KindAddressCreate] != 1 || kinds[KindAddressGet] != 2 || kinds[KindAddressUpdate] != 3 ||
		kinds[KindAddressDelete] != 2 || kinds[KindAddressList] != 1 || kinds[KindCreate] != 1 {
		t.Errorf("request kinds %v", kinds)
	}
}

func TestAddressValidation(t *testing.T) {
	h, _, base := annWithAddresses(t)
	h.srv.SetAddressRequired("county")

	pointers := func(r result) []string {
		var out []string
		for _, e := range r.json(t)["errors"].([]any) {
			if src, ok := e.(map[string]any)["source"].(map[string]any); ok {
				out = append(out, src["pointer"].(string))
			}
		}
		return out
	}
	r := h.api(http.MethodPost, base, addressBody(map[string]any{"first_name": "A", "country": "Britain", "postcode": 42}), nil)
	got := strings.Join(pointers(r), " ")
	if r.status != http.StatusBadRequest || got != "/data/last_name /data/line_1 /data/county /data/postcode /data/country" {
		t.Errorf("create: %d pointers %q", r.status, got)
	}

	withCounty := map[string]any{"county": "West Yorkshire"}
	for k, v := range homeAddress {
		withCounty[k] = v
	}
	r = h.api(http.MethodPost, base, addressBody(withCounty), nil)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.data(t)["id"].(string)
	r = h.api(http.MethodPut, base+"/"+id, addressBody(map[string]any{"county": nil}), nil)
	if p := pointers(r); r.status != http.StatusBadRequest || len(p) != 1 || p[0] != "/data/county" {
		t.Errorf("clearing a required field: %d %v", r.status, p)
	}
	h.srv.SetAddressRequired()
	if r := h.api(http.MethodPut, base+"/"+id, addressBody(map[string]any{"county": nil}), nil); r.status != http.StatusOK {
		t.Errorf("clearing county once not required: %d %s", r.status, r.body)
	}
}

func TestAddressesGoWithTheirCustomer(t *testing.T) {
	h, cid, base := annWithAddresses(t)
	a, err := h.srv.CreateAddress(cid, map[string]string{"first_name": "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.api(http.MethodDelete, "/v2/customers/"+cid, nil, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete customer: %d", r.status)
	}
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, base + "/" + a.ID}, {http.MethodGet, base}, {http.MethodDelete, base + "/" + a.ID},
		{http.MethodPost, base}, {http.MethodPut, base + "/" + a.ID},
	} {
		r := h.api(c.method, c.path, addressBody(homeAddress), nil)
		if r.status != http.StatusNotFound || !strings.Contains(r.firstError(t)["detail"].(string), "customer") {
			t.Errorf("%s %s after the customer was deleted: %d %s", c.method, c.path, r.status, r.body)
		}
	}
	// A new customer does not inherit the old one's addresses.
	if _, ok := h.srv.Addresses(cid); ok {
		t.Error("Addresses of a deleted customer")
	}
}

func TestAddressFaults(t *testing.T) {
	h, cid, base := annWithAddresses(t)

	h.srv.SetFaults(Faults{Rate5xx: 1, Seed: 1})
	if r := h.api(http.MethodPost, base, addressBody(homeAddress), nil); r.status < 500 {
		t.Errorf("create under 5xx faults: %d", r.status)
	}
	if list, _ := h.srv.Addresses(cid); len(list) != 0 {
		t.Error("a 5xx create took effect")
	}
	h.srv.SetFaults(Faults{DropAfterCommit: 1, Seed: 1})
	if _, err := h.apiErr(http.MethodPost, base, addressBody(homeAddress), nil); err == nil {
		t.Error("dropped create returned a response")
	}
	if list, _ := h.srv.Addresses(cid); len(list) != 1 {
		t.Errorf("dropped create not committed: %v", list)
	}
	reqs := h.srv.Requests()
	if last := reqs[len(reqs)-1]; last.Kind != KindAddressCreate || last.Fault != FaultDrop {
		t.Errorf("log entry %+v", last)
	}
}
