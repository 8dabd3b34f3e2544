package moltin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

var home = AddressFields{
	Name: "Home", FirstName: "Ann", LastName: "Lee", Line1: "1 High St", City: "Leeds", Postcode: "LS1 1AA", Country: "GB",
}

func TestAddressCRUD(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api)
	ctx := t.Context()
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)

	a, err := c.CreateAddress(ctx, cu.ID, home)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || !a.AddressFields.Equal(home) || a.CreatedAt.IsZero() || a.UpdatedAt.IsZero() {
		t.Fatalf("created %+v", a)
	}
	got, err := c.GetAddress(ctx, cu.ID, a.ID)
	if err != nil || got.ID != a.ID || got.City != "Leeds" || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("get %+v %v", got, err)
	}

	// Every field in one PUT: the unset ones as null, so that a store that
	// reads PUT as a full replace and one that reads it as a patch agree.
	next := home
	next.City, next.Line2 = "", "Flat 2"
	up, err := c.UpdateAddress(ctx, cu.ID, a.ID, next)
	if err != nil || up.City != "" || up.Line2 != "Flat 2" || !up.UpdatedAt.After(a.UpdatedAt) {
		t.Fatalf("update %+v %v", up, err)
	}
	var puts []map[string]any
	for _, r := range api.Requests() {
		if r.Kind == emulator.KindAddressUpdate {
			var doc struct{ Data map[string]any }
			if err := json.Unmarshal(r.Body, &doc); err != nil {
				t.Fatal(err)
			}
			puts = append(puts, doc.Data)
		}
	}
	if len(puts) != 1 || len(puts[0]) != 15 || puts[0]["id"] != a.ID || puts[0]["type"] != "address" {
		t.Fatalf("PUT bodies %v", puts)
	}
	for _, k := range []string{"city", "county", "region", "company_name", "phone_number", "instructions"} {
		if v, ok := puts[0][k]; !ok || v != nil {
			t.Errorf("PUT %s = %v (sent %v), want null", k, v, ok)
		}
	}

	list, err := c.ListAddresses(ctx, cu.ID)
	if err != nil || len(list) != 1 || list[0].ID != a.ID || list[0].Line2 != "Flat 2" {
		t.Fatalf("list %+v %v", list, err)
	}
	if err := c.DeleteAddress(ctx, cu.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAddress(ctx, cu.ID, a.ID); !IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
	if err := c.DeleteAddress(ctx, cu.ID, a.ID); err != nil {
		t.Errorf("second delete: %v", err)
	}
	// The customer gone, its addresses read as not found.
	api.DeleteCustomer(cu.ID)
	if _, err := c.ListAddresses(ctx, cu.ID); !IsNotFound(err) {
		t.Errorf("list of a deleted customer: %v", err)
	}
	if _, err := c.CreateAddress(ctx, cu.ID, home); !IsNotFound(err) || !strings.Contains(err.Error(), "/addresses: 404") {
		t.Errorf("create for a deleted customer: %v", err)
	}
}

// The reference pages show answers without the data wrapper and the OpenAPI
// file a 200 on create: both are read.
func TestAddressAnswersWithoutWrapper(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api)
	path := "/v2/customers/c-1/addresses"
	bare := `{"type":"address","id":"a-1","first_name":"Ann","line_2":null,"country":"GB","meta":{"timestamps":{"created_at":"2024-01-02T03:04:05.000Z","updated_at":"2024-01-02T03:04:05.000Z"}}}`
	api.script(http.MethodPost, path, 1, http.StatusOK, jsonHeader, bare)
	api.script(http.MethodGet, path+"/a-1", 1, http.StatusOK, jsonHeader, bare)
	api.script(http.MethodGet, path+"/a-2", 1, http.StatusOK, jsonHeader, `{"data":`+strings.Replace(bare, "a-1", "a-2", 1)+`}`)
	for _, get := range []func() (Address, error){
		func() (Address, error) { return c.CreateAddress(t.Context(), "c-1", home) },
		func() (Address, error) { return c.GetAddress(t.Context(), "c-1", "a-1") },
		func() (Address, error) { return c.GetAddress(t.Context(), "c-1", "a-2") },
	} {
		a, err := get()
		if err != nil || (a.ID != "a-1" && a.ID != "a-2") || a.FirstName != "Ann" || a.Line2 != "" || a.CreatedAt.Year() != 2024 {
			t.Errorf("%+v %v", a, err)
		}
	}
}

// A create whose answer is lost is looked up among the customer's addresses
// and adopted, not sent again; a 5xx with nothing created is sent again.
func TestAddressCreateOfUnknownOutcome(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	path := "/v2/customers/" + cu.ID + "/addresses"
	// An older address with other fields is not mistaken for ours.
	if _, err := api.CreateAddress(cu.ID, map[string]string{"first_name": "Someone"}); err != nil {
		t.Fatal(err)
	}

	api.scriptRule(rule{method: http.MethodPost, path: path, times: 1, dropAfter: true})
	a, err := c.CreateAddress(t.Context(), cu.ID, home)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := api.Addresses(cu.ID)
	if len(list) != 2 || list[1].ID != a.ID || list[1].Fields["line_1"] != "1 High St" {
		t.Fatalf("addresses %+v, adopted %+v", list, a)
	}
	if n := len(api.requests(http.MethodPost, path)); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}

	api.script(http.MethodPost, path, 1, http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, "<html>502</html>")
	work := home
	work.Name = "Work"
	if _, err := c.CreateAddress(t.Context(), cu.ID, work); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range api.Requests() {
		if r.Path == path && r.Kind != emulator.KindOther {
			order = append(order, r.Kind)
		}
	}
	// The emulator never sees the scripted 502: the lookup, then one POST.
	if got := strings.Join(order, ","); got != "address-create,address-list,address-list,address-create" {
		t.Errorf("requests %s", got)
	}
	if list, _ := api.Addresses(cu.ID); len(list) != 3 {
		t.Errorf("%d addresses, want 3", len(list))
	}
}

func TestAddressFieldsEqual(t *testing.T) {
	t.Parallel()
	lower := home
	lower.Country = "gb"
	if !home.Equal(lower) {
		t.Error("country case should not matter")
	}
	other := home
	other.Instructions = "ring twice"
	if home.Equal(other) {
		t.Error("instructions differ")
	}
}
