package moltin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

var home = AddressFields{
	Name: "Home", FirstName: "Ann", LastName: "Lee", Line1: "1 High St", City: "Leeds", Postcode: "LS1 1AA", Country: "GB",
}

func TestAddressCRUD(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
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
	api, c := newEmulatedClient(t)
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
	api, c := newEmulatedClient(t)
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
	api.wantSent(t, http.MethodPost, path, 1, "")

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
	wantAddresses(t, api, cu.ID, 3)
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

func adopting(cfg *Config) { cfg.AdoptExistingCustomers = true }

// fieldsMap is f as the emulator's direct CreateAddress takes it.
func fieldsMap(f AddressFields) map[string]string {
	m := map[string]string{}
	for _, fl := range f.Fields() {
		if *fl.Value != "" {
			m[fl.Key] = *fl.Value
		}
	}
	return m
}

// newAdoptionTest is a client that adopts leftovers, of an emulator with one
// customer, Ann, whose addresses the test makes and adopts.
func newAdoptionTest(t *testing.T) (*testAPI, *Client, emulator.Customer) {
	t.Helper()
	api, c := newEmulatedClient(t, adopting)
	cu, err := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return api, c, cu
}

// wantAdopted is CreateOrAdoptAddress, which must adopt the address id (any
// address, when id is "").
func wantAdopted(t *testing.T, c *Client, customerID string, in AddressFields, id string) Address {
	t.Helper()
	a, adopted, err := c.CreateOrAdoptAddress(t.Context(), customerID, in)
	if err != nil || !adopted || (id != "" && a.ID != id) {
		t.Fatalf("CreateOrAdoptAddress: %+v adopted=%v %v; want %q adopted", a, adopted, err, id)
	}
	return a
}

// wantCreated is CreateOrAdoptAddress, which must create a new address: not
// adopt one, and least of all the address notID.
func wantCreated(t *testing.T, c *Client, customerID string, in AddressFields, notID string) {
	t.Helper()
	a, adopted, err := c.CreateOrAdoptAddress(t.Context(), customerID, in)
	if err != nil || adopted || a.ID == notID {
		t.Fatalf("CreateOrAdoptAddress: %+v adopted=%v %v; want a new address, not %q", a, adopted, err, notID)
	}
}

// wantAddresses checks how many addresses the customer has in the emulator.
func wantAddresses(t *testing.T, api *testAPI, customerID string, want int) {
	t.Helper()
	if list, _ := api.Addresses(customerID); len(list) != want {
		t.Errorf("%d addresses; want %d", len(list), want)
	}
}

// addressRequests counts the requests to the customer's addresses that
// reached the API, by method.
func addressRequests(api *testAPI, customerID string) map[string]int {
	n := map[string]int{}
	for _, r := range api.Requests() {
		if r.Path == addressesPath(customerID) || strings.HasPrefix(r.Path, addressesPath(customerID)+"/") {
			n[r.Method]++
		}
	}
	return n
}

// TestCreateOrAdoptAddressByName: with adoption on, an address that a killed
// run left with the configured name is taken over with one PUT of the
// configured fields; a name with no leftover is created.
func TestCreateOrAdoptAddressByName(t *testing.T) {
	t.Parallel()
	api, c, cu := newAdoptionTest(t)
	old := home
	old.Line2, old.City = "Flat 2", "York"
	left, err := api.CreateAddress(cu.ID, fieldsMap(old))
	if err != nil {
		t.Fatal(err)
	}
	// Another shopper's address of the same name is not a candidate: the
	// lookup is the customer's alone.
	other, _ := api.CreateCustomer("Bo", "bo@example.com", "", nil)
	if _, err := api.CreateAddress(other.ID, fieldsMap(home)); err != nil {
		t.Fatal(err)
	}

	a := wantAdopted(t, c, cu.ID, home, left.ID)
	if !a.Equal(home) {
		t.Errorf("the adopted address is %+v; want %+v", a.AddressFields, home)
	}
	if got := addressRequests(api, cu.ID); got[http.MethodGet] != 1 || got[http.MethodPut] != 1 || got[http.MethodPost] != 0 {
		t.Errorf("requests %v; want one list and one PUT, no POST", got)
	}

	work := home
	work.Name, work.Line1 = "Work", "2 Mill Rd"
	wantCreated(t, c, cu.ID, work, left.ID)
	// A second "Home" does not take the one already taken.
	wantCreated(t, c, cu.ID, home, left.ID)
	wantAddresses(t, api, cu.ID, 3)
}

// TestCreateOrAdoptAddressExact: a leftover with every field as configured
// is taken without a PUT.
func TestCreateOrAdoptAddressExact(t *testing.T) {
	t.Parallel()
	api, c, cu := newAdoptionTest(t)
	left, _ := api.CreateAddress(cu.ID, fieldsMap(home))
	wantAdopted(t, c, cu.ID, home, left.ID)
	if got := addressRequests(api, cu.ID); got[http.MethodPut] != 0 || got[http.MethodPost] != 0 {
		t.Errorf("requests %v; want the list alone", got)
	}
}

// TestCreateOrAdoptAddressUnnamed: without a name, an address without a
// name and with the same required fields is taken; a named one never is.
func TestCreateOrAdoptAddressUnnamed(t *testing.T) {
	t.Parallel()
	api, c, cu := newAdoptionTest(t)
	want := home
	want.Name, want.Instructions = "", "Leave at the door"
	named := home // same required fields, a name
	differs := want
	differs.Postcode = "LS2 2BB"
	unnamed := want
	unnamed.Instructions, unnamed.City = "", "Bradford"
	for _, f := range []AddressFields{named, differs, unnamed} {
		if _, err := api.CreateAddress(cu.ID, fieldsMap(f)); err != nil {
			t.Fatal(err)
		}
	}
	a := wantAdopted(t, c, cu.ID, want, "")
	got, _ := api.Address(cu.ID, a.ID)
	if got.Fields["name"] != "" || got.Fields["instructions"] != "Leave at the door" || got.Fields["city"] != "Leeds" {
		t.Errorf("adopted %+v; want the unnamed one, updated", got.Fields)
	}
	// Neither the named one nor the other postcode is a candidate.
	wantCreated(t, c, cu.ID, want, a.ID)
	wantAddresses(t, api, cu.ID, 4)
}

func TestAdoptableAddress(t *testing.T) {
	t.Parallel()
	lower := home
	lower.Country = "gb"
	renamed := home
	renamed.Name = "Office"
	moved := home
	moved.Line1 = "9 Low St"
	unnamed := home
	unnamed.Name = ""
	unnamedMoved := unnamed
	unnamedMoved.Line1 = "9 Low St"
	withInstructions := func(f AddressFields) AddressFields { f.Instructions = "Ring twice"; return f }
	for _, c := range []struct {
		name             string
		existing, want   AddressFields
		rank             int
		exact, adoptable bool
	}{
		{"equal", home, home, 2, true, true},
		{"country case", lower, home, 2, true, true},
		{"same name, other fields", moved, home, 1, false, true},
		{"other name", renamed, home, 0, false, false},
		{"unnamed want, named existing", home, unnamed, 0, false, false},
		{"unnamed want, unnamed existing, other instructions", withInstructions(unnamed), unnamed, 1, false, true},
		{"unnamed want, other line_1", unnamedMoved, unnamed, 0, false, false},
	} {
		r, exact := AdoptableAddress(c.existing, c.want)
		if (r > 0) != c.adoptable || exact != c.exact || (c.rank != 0 && r != c.rank) {
			t.Errorf("%s: rank %d exact %v; want %d %v", c.name, r, exact, c.rank, c.exact)
		}
	}
}

// TestCreateOrAdoptAddressNeverTakesThisProcesss: an address that this
// process made is not adopted, even one whose POST is still on its way
// when the adopting create looks.
func TestCreateOrAdoptAddressNeverTakesThisProcesss(t *testing.T) {
	t.Parallel()
	api, c, cu := newAdoptionTest(t)
	made, err := c.CreateAddress(t.Context(), cu.ID, home)
	if err != nil {
		t.Fatal(err)
	}
	wantCreated(t, c, cu.ID, home, made.ID)

	// A slow POST (its address made at once, its answer 300 ms later) and
	// an adopting create of the same fields started meanwhile.
	cu2, _ := api.CreateCustomer("Bo", "bo@example.com", "", nil)
	arrived := make(chan struct{})
	api.scriptRule(rule{method: http.MethodPost, path: addressesPath(cu2.ID), times: 1, afterCommit: true, delay: 300 * time.Millisecond,
		onArrive: func() { close(arrived) }})
	var wg sync.WaitGroup
	var first Address
	var firstErr error
	wg.Go(func() { first, firstErr = c.CreateAddress(t.Context(), cu2.ID, home) })
	<-arrived
	time.Sleep(50 * time.Millisecond) // the address exists; its answer does not yet
	second, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu2.ID, home)
	wg.Wait()
	if firstErr != nil || err != nil {
		t.Fatal(firstErr, err)
	}
	if adopted || second.ID == first.ID {
		t.Errorf("the adopting create took %s, which the slow create of this process made (adopted=%v)", second.ID, adopted)
	}
	wantAddresses(t, api, cu2.ID, 2)
}

// TestCreateOrAdoptAddressConcurrent: ten creates of "Home" at once for a
// customer with three leftovers: three are adopted, each by one create.
func TestCreateOrAdoptAddressConcurrent(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{Faults: emulator.Faults{Latency: 5 * time.Millisecond}})
	c := newTestClient(t, api, adopting)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	for range 3 {
		if _, err := api.CreateAddress(cu.ID, fieldsMap(home)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	ids := map[string]int{}
	adoptedN := 0
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			a, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, home)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			ids[a.ID]++
			if adopted {
				adoptedN++
			}
		})
	}
	wg.Wait()
	if len(ids) != 10 || adoptedN != 3 {
		t.Errorf("%d distinct addresses for 10 creates, %d adopted; want 10 and 3", len(ids), adoptedN)
	}
	wantAddresses(t, api, cu.ID, 10)
}

// TestCreateOrAdoptAddressNoLookup: with adoption off, or for a customer
// that this process created, nothing is looked up.
func TestCreateOrAdoptAddressNoLookup(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	off := newTestClient(t, api)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	_, _ = api.CreateAddress(cu.ID, fieldsMap(home))
	wantCreated(t, off, cu.ID, home, "")
	if got := addressRequests(api, cu.ID); got[http.MethodGet] != 0 {
		t.Errorf("adoption off: requests %v; want no list", got)
	}

	on := newTestClient(t, api, adopting)
	fresh, err := on.CreateCustomer(t.Context(), CustomerCreate{Name: "Cy", Email: "cy@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	wantCreated(t, on, fresh.ID, home, "")
	if got := addressRequests(api, fresh.ID); got[http.MethodGet] != 0 || got[http.MethodPost] != 1 {
		t.Errorf("a customer made here: requests %v; want one POST and no list", got)
	}
}

// TestCreateOrAdoptAddressStopped: a stop before the lookup sends nothing.
func TestCreateOrAdoptAddressStopped(t *testing.T) {
	t.Parallel()
	api, c, cu := newAdoptionTest(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := c.CreateOrAdoptAddress(ctx, cu.ID, home); err == nil {
		t.Fatal("a stopped create succeeded")
	}
	if got := addressRequests(api, cu.ID); len(got) != 0 {
		t.Errorf("a stopped create sent %v", got)
	}
}

// TestAddressesWalk lists a customer's addresses from an endpoint that
// answers every address at once whatever page[...] says (as documented, and
// as the emulator does) and from one that pages as the customers listing
// does: each address once, in order, up to the limit, and no request beyond
// what is needed (one, when the endpoint does not page).
func TestAddressesWalk(t *testing.T) {
	t.Parallel()
	for _, paged := range []bool{false, true} {
		for _, n := range []int{0, 5, 100, 101, 250} {
			for _, limit := range []int{0, 30, 100, 120} {
				t.Run(fmt.Sprintf("paged=%v/n=%d/limit=%d", paged, n, limit), func(t *testing.T) {
					t.Parallel()
					queries := addressesWalk(t, paged, n, limit)
					want := n
					if limit > 0 {
						want = min(n, limit)
					}
					wantRequests := 1
					if paged {
						wantRequests = max(1, (want+maxPageSize-1)/maxPageSize)
					}
					if len(queries) != wantRequests {
						t.Errorf("%d requests, want %d: %q", len(queries), wantRequests, queries)
					}
				})
			}
		}
	}
}

// addressesWalk walks n addresses with that limit, checks what it got, and
// returns the queries of the list requests sent.
func addressesWalk(t *testing.T, paged bool, n, limit int) []string {
	t.Helper()
	emu := emulator.New(emulator.Config{ClientID: testClientID, ClientSecret: testClientSecret})
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/addresses") {
			emu.ServeHTTP(w, r) // the token
			return
		}
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		data := make([]map[string]any, 0, n)
		for i := range n {
			data = append(data, map[string]any{"type": "address", "id": fmt.Sprintf("a-%03d", i), "line_1": "1 Main St"})
		}
		doc := map[string]any{"data": data}
		if paged {
			size, _ := strconv.Atoi(r.URL.Query().Get("page[limit]"))
			offset, _ := strconv.Atoi(r.URL.Query().Get("page[offset]"))
			doc["data"] = data[min(offset, n):min(offset+size, n)]
			doc["meta"] = map[string]any{
				"page":    map[string]int{"limit": size, "offset": offset, "current": offset/size + 1, "total": (n + size - 1) / size},
				"results": map[string]int{"total": n},
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, &testAPI{URL: srv.URL})

	want := n
	if limit > 0 {
		want = min(n, limit)
	}
	i := 0
	for a, err := range c.Addresses(t.Context(), "c-1", ListOptions{Limit: limit}) {
		if err != nil {
			t.Fatalf("after %d addresses: %v", i, err)
		}
		if wantID := fmt.Sprintf("a-%03d", i); a.ID != wantID {
			t.Fatalf("address %d is %s, want %s", i, a.ID, wantID)
		}
		i++
	}
	if i != want {
		t.Errorf("%d addresses, want %d", i, want)
	}
	mu.Lock()
	defer mu.Unlock()
	return queries
}
