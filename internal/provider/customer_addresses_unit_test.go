package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

func addressesTestResource(t *testing.T) (*customerResource, *emulator.Running) {
	t.Helper()
	srv, err := emulator.Start(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := moltin.New(moltin.Config{BaseURL: srv.URL, ClientID: emulator.DefaultClientID, ClientSecret: emulator.DefaultClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	return &customerResource{resourceClient{client: c}}, srv
}

func plannedAddresses(keys ...string) types.Map {
	entries := map[string]addressEntry{}
	for _, k := range keys {
		var e addressEntry
		e.fromAPI(moltin.AddressFields{FirstName: "Ann", LastName: "Lee", Line1: k + " Street", Postcode: "LS1 1AA", Country: "GB"})
		e.ID, e.CreatedAt, e.UpdatedAt = types.StringUnknown(), timetypes.NewRFC3339Unknown(), timetypes.NewRFC3339Unknown()
		entries[k] = e
	}
	return mapOfEntries(entries)
}

// A run stopped between a new customer's addresses: nothing more is sent,
// the customer is not deleted (no request may start after a stop) but kept
// for the state with the addresses made, and the error says it is tainted.
func TestCreateAddresses_stoppedKeepsCustomer(t *testing.T) {
	r, srv := addressesTestResource(t)
	cu, err := srv.CreateCustomer("Ann Lee", "ann@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	m := customerModel{Addresses: plannedAddresses("Home", "Work")}
	m.ID = types.StringValue(cu.ID)
	var diags diag.Diagnostics
	if keep := r.createAddresses(ctx, &m, false, &diags); !keep {
		t.Fatal("a stopped create dropped the customer from the state")
	}
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "tainted") {
		t.Fatalf("diagnostics %v, want an error saying the customer is kept tainted", diags)
	}
	if _, ok := srv.Customer(cu.ID); !ok {
		t.Error("the customer was deleted after the stop")
	}
	if n := len(m.Addresses.Elements()); n != 0 {
		t.Errorf("the state holds %d addresses, none was made", n)
	}
	if list, _ := srv.Addresses(cu.ID); len(list) != 0 {
		t.Errorf("addresses were sent after the stop: %v", list)
	}
}

// An address that fails on a new customer deletes the customer again.
func TestCreateAddresses_failureRollsBack(t *testing.T) {
	r, srv := addressesTestResource(t)
	srv.SetAddressRequired("county")
	cu, err := srv.CreateCustomer("Ann Lee", "ann@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	m := customerModel{Addresses: plannedAddresses("Home")}
	m.ID = types.StringValue(cu.ID)
	var diags diag.Diagnostics
	if keep := r.createAddresses(t.Context(), &m, false, &diags); keep {
		t.Fatal("the customer was kept after its address failed and it could be deleted")
	}
	if _, ok := srv.Customer(cu.ID); ok {
		t.Error("the customer is still in the store")
	}
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "deleted again") {
		t.Fatalf("diagnostics %v", diags)
	}
}

// readAddresses keys by the store's name: one renamed outside shows under
// its new name, one without a name is left out, and of two with one name
// the one the state knows is kept.
func TestReadAddresses(t *testing.T) {
	prior := mapOfEntries(map[string]addressEntry{"Home": {ID: types.StringValue("a-2")}})
	list := []moltin.Address{
		{ID: "a-1", AddressFields: moltin.AddressFields{Name: "Home", Line1: "first"}},
		{ID: "a-2", AddressFields: moltin.AddressFields{Name: "Home", Line1: "known"}},
		{ID: "a-3", AddressFields: moltin.AddressFields{Name: ""}},
		{ID: "a-4", AddressFields: moltin.AddressFields{Name: "Work 2"}},
	}
	got := entriesOf(readAddresses(t.Context(), prior, list))
	if len(got) != 2 || got["Home"].ID.ValueString() != "a-2" || got["Work 2"].ID.ValueString() != "a-4" {
		t.Errorf("readAddresses = %v", got)
	}
	// No state entry for the name: the first in the API's order.
	got = entriesOf(readAddresses(t.Context(), mapOfEntries(nil), list))
	if got["Home"].ID.ValueString() != "a-1" {
		t.Errorf("readAddresses without state kept %v, want a-1", got["Home"].ID)
	}
}
