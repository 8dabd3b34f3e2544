package moltin

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

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
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api, adopting)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
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

	a, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, home)
	if err != nil || !adopted || a.ID != left.ID {
		t.Fatalf("CreateOrAdoptAddress: %+v adopted=%v %v; want %s adopted", a, adopted, err, left.ID)
	}
	if !a.Equal(home) {
		t.Errorf("the adopted address is %+v; want %+v", a.AddressFields, home)
	}
	if got := addressRequests(api, cu.ID); got[http.MethodGet] != 1 || got[http.MethodPut] != 1 || got[http.MethodPost] != 0 {
		t.Errorf("requests %v; want one list and one PUT, no POST", got)
	}

	work := home
	work.Name, work.Line1 = "Work", "2 Mill Rd"
	w, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, work)
	if err != nil || adopted || w.ID == left.ID {
		t.Fatalf("the Work address: %+v adopted=%v %v; want a new one", w, adopted, err)
	}
	// A second "Home" does not take the one already taken.
	h2, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, home)
	if err != nil || adopted || h2.ID == left.ID {
		t.Fatalf("a second Home: %+v adopted=%v %v; want a new one", h2, adopted, err)
	}
	if list, _ := api.Addresses(cu.ID); len(list) != 3 {
		t.Errorf("%d addresses; want 3", len(list))
	}
}

// TestCreateOrAdoptAddressExact: a leftover with every field as configured
// is taken without a PUT.
func TestCreateOrAdoptAddressExact(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api, adopting)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	left, _ := api.CreateAddress(cu.ID, fieldsMap(home))
	a, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, home)
	if err != nil || !adopted || a.ID != left.ID {
		t.Fatalf("%+v adopted=%v %v", a, adopted, err)
	}
	if got := addressRequests(api, cu.ID); got[http.MethodPut] != 0 || got[http.MethodPost] != 0 {
		t.Errorf("requests %v; want the list alone", got)
	}
}

// TestCreateOrAdoptAddressUnnamed: without a name, an address without a
// name and with the same required fields is taken; a named one never is.
func TestCreateOrAdoptAddressUnnamed(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api, adopting)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
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
	a, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, want)
	if err != nil || !adopted {
		t.Fatalf("%+v adopted=%v %v", a, adopted, err)
	}
	got, _ := api.Address(cu.ID, a.ID)
	if got.Fields["name"] != "" || got.Fields["instructions"] != "Leave at the door" || got.Fields["city"] != "Leeds" {
		t.Errorf("adopted %+v; want the unnamed one, updated", got.Fields)
	}
	// Neither the named one nor the other postcode is a candidate.
	b, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, want)
	if err != nil || adopted || b.ID == a.ID {
		t.Fatalf("second: %+v adopted=%v %v; want a new one", b, adopted, err)
	}
	if list, _ := api.Addresses(cu.ID); len(list) != 4 {
		t.Errorf("%d addresses; want 4", len(list))
	}
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
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api, adopting)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	made, err := c.CreateAddress(t.Context(), cu.ID, home)
	if err != nil {
		t.Fatal(err)
	}
	a, adopted, err := c.CreateOrAdoptAddress(t.Context(), cu.ID, home)
	if err != nil || adopted || a.ID == made.ID {
		t.Fatalf("%+v adopted=%v %v; want a new address", a, adopted, err)
	}

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
	if list, _ := api.Addresses(cu2.ID); len(list) != 2 {
		t.Errorf("%d addresses; want 2", len(list))
	}
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
	if list, _ := api.Addresses(cu.ID); len(list) != 10 {
		t.Errorf("%d addresses; want 10", len(list))
	}
}

// TestCreateOrAdoptAddressNoLookup: with adoption off, or for a customer
// that this process created, nothing is looked up.
func TestCreateOrAdoptAddressNoLookup(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	off := newTestClient(t, api)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	_, _ = api.CreateAddress(cu.ID, fieldsMap(home))
	a, adopted, err := off.CreateOrAdoptAddress(t.Context(), cu.ID, home)
	if err != nil || adopted {
		t.Fatalf("adoption off: %+v adopted=%v %v", a, adopted, err)
	}
	if got := addressRequests(api, cu.ID); got[http.MethodGet] != 0 {
		t.Errorf("adoption off: requests %v; want no list", got)
	}

	on := newTestClient(t, api, adopting)
	fresh, err := on.CreateCustomer(t.Context(), CustomerCreate{Name: "Cy", Email: "cy@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, adopted, err := on.CreateOrAdoptAddress(t.Context(), fresh.ID, home); err != nil || adopted {
		t.Fatalf("fresh customer: adopted=%v %v", adopted, err)
	}
	if got := addressRequests(api, fresh.ID); got[http.MethodGet] != 0 || got[http.MethodPost] != 1 {
		t.Errorf("a customer made here: requests %v; want one POST and no list", got)
	}
}

// TestCreateOrAdoptAddressStopped: a stop before the lookup sends nothing.
func TestCreateOrAdoptAddressStopped(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api, adopting)
	cu, _ := api.CreateCustomer("Ann", "ann@example.com", "", nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := c.CreateOrAdoptAddress(ctx, cu.ID, home); err == nil {
		t.Fatal("a stopped create succeeded")
	}
	if got := addressRequests(api, cu.ID); len(got) != 0 {
		t.Errorf("a stopped create sent %v", got)
	}
}
