package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// The customer methods of testEnv: on the emulator they go through its
// in-process store; in live mode through the moltin client, as any outside
// change to a real store would. Both return emulator.Customer, so that a
// test reads the same fields either way.

func (e *testEnv) liveAPI() *moltin.Client {
	e.apiOnce.Do(func() { e.api = e.client(e.t) })
	return e.api
}

func fromAPI(c moltin.Customer) emulator.Customer {
	return emulator.Customer{ID: c.ID, Name: c.Name, Email: c.Email, ExternalRef: c.ExternalRef,
		HasPassword: c.HasPassword, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// CreateCustomer makes a customer outside Terraform; an empty password
// means none. In live mode the email must be one of env.email's.
func (e *testEnv) CreateCustomer(name, email, password string, externalRef *string) (emulator.Customer, error) {
	if !e.live() {
		return e.emu.CreateCustomer(name, email, password, externalRef)
	}
	if !strings.HasPrefix(strings.ToLower(email), acctest.RunPrefix()+e.tag+"-") {
		return emulator.Customer{}, fmt.Errorf("live mode: %s is not under this test's prefix; make emails with env.email", email)
	}
	in := moltin.CustomerCreate{Name: name, Email: email, ExternalRef: externalRef}
	if password != "" {
		in.Password = &password
	}
	c, err := e.liveAPI().CreateCustomer(e.t.Context(), in)
	return fromAPI(c), err
}

// Customer reads a customer; false when there is none with that id.
func (e *testEnv) Customer(id string) (emulator.Customer, bool) {
	if !e.live() {
		return e.emu.Customer(id)
	}
	c, err := e.liveAPI().GetCustomer(e.t.Context(), id)
	if err != nil {
		if !moltin.IsNotFound(err) {
			e.t.Errorf("reading customer %s: %v", id, err)
		}
		return emulator.Customer{}, false
	}
	return fromAPI(c), true
}

// UpdateCustomer changes a customer's name, email and external_ref behind
// Terraform's back: fn edits a copy, and what it changed is sent.
func (e *testEnv) UpdateCustomer(id string, fn func(c *emulator.Customer)) error {
	if !e.live() {
		return e.emu.UpdateCustomer(id, fn)
	}
	cur, ok := e.Customer(id)
	if !ok {
		return fmt.Errorf("customer %s not found", id)
	}
	next := cur
	fn(&next)
	var up moltin.CustomerUpdate
	if next.Name != cur.Name {
		up.Name = &next.Name
	}
	if next.Email != cur.Email {
		up.Email = &next.Email
	}
	switch {
	case next.ExternalRef == nil && cur.ExternalRef != nil:
		up.ClearExternalRef = true
	case next.ExternalRef != nil && (cur.ExternalRef == nil || *cur.ExternalRef != *next.ExternalRef):
		up.ExternalRef = next.ExternalRef
	}
	if up.IsEmpty() {
		return nil
	}
	_, err := e.liveAPI().UpdateCustomer(e.t.Context(), id, up)
	return err
}

// DeleteCustomer deletes a customer behind Terraform's back; it reports
// whether one existed.
func (e *testEnv) DeleteCustomer(id string) bool {
	if !e.live() {
		return e.emu.DeleteCustomer(id)
	}
	if _, ok := e.Customer(id); !ok {
		return false
	}
	if err := e.liveAPI().DeleteCustomer(e.t.Context(), id); err != nil {
		e.t.Errorf("deleting customer %s: %v", id, err)
		return false
	}
	return true
}

// CheckPassword reports whether the store accepts the password for the
// email; in live mode, whether a customer login with it succeeds.
func (e *testEnv) CheckPassword(email, password string) bool {
	if !e.live() {
		return e.emu.CheckPassword(email, password)
	}
	_, err := e.liveAPI().CreateCustomerToken(e.t.Context(), email, password)
	var apiErr *moltin.APIError
	if err != nil && !errors.As(err, &apiErr) {
		e.t.Errorf("customer login for %s: %v", email, err)
	}
	return err == nil
}

// Customers lists the customers of the emulator, or in live mode the
// customers of this test (emails under its prefix) and no one else's.
func (e *testEnv) Customers() []emulator.Customer {
	if !e.live() {
		return e.emu.Customers()
	}
	own, err := listByPrefix(e.t.Context(), e.liveAPI(), acctest.RunPrefix()+e.tag+"-")
	if err != nil {
		e.t.Errorf("listing this test's customers: %v", err)
	}
	out := make([]emulator.Customer, len(own))
	for i, c := range own {
		out[i] = fromAPI(c)
	}
	return out
}

// listByPrefix lists the customers whose email begins with prefix
// (compared case-insensitively), narrowing the listing with like() and then
// checking every email itself, whatever the store's like() does.
// The listing is made in lower and in upper case, in case the store's like()
// minds case: a test may have changed an email's case outside Terraform.
func listByPrefix(ctx context.Context, c *moltin.Client, prefix string) ([]moltin.Customer, error) {
	seen := map[string]bool{}
	var out []moltin.Customer
	for _, p := range []string{strings.ToLower(prefix), strings.ToUpper(prefix)} {
		all, err := c.ListCustomers(ctx, moltin.ListOptions{Filters: []moltin.Filter{moltin.Like("email", p+"*")}})
		if err != nil {
			return nil, err
		}
		for _, cu := range all {
			if !seen[cu.ID] && strings.HasPrefix(strings.ToLower(cu.Email), strings.ToLower(prefix)) {
				seen[cu.ID] = true
				out = append(out, cu)
			}
		}
	}
	return out, nil
}

// The address methods of testEnv, like the customer ones: on the emulator
// through its store, in live mode through the moltin client. They return
// emulator.Address, whose Fields hold the fields that are set.

func fromAPIAddress(customerID string, a moltin.Address) emulator.Address {
	return emulator.Address{ID: a.ID, CustomerID: customerID, Fields: addressFieldMap(a.AddressFields),
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// addressFieldMap is the fields that are set, by their API names.
func addressFieldMap(f moltin.AddressFields) map[string]string {
	var all map[string]string
	b, _ := json.Marshal(f)
	_ = json.Unmarshal(b, &all)
	maps.DeleteFunc(all, func(_, v string) bool { return v == "" })
	return all
}

// addressFieldsOf is the inverse of addressFieldMap.
func addressFieldsOf(m map[string]string) (moltin.AddressFields, error) {
	var f moltin.AddressFields
	b, err := json.Marshal(m)
	if err != nil {
		return f, err
	}
	return f, json.Unmarshal(b, &f)
}

// CreateAddress saves an address for a customer outside Terraform.
func (e *testEnv) CreateAddress(customerID string, fields map[string]string) (emulator.Address, error) {
	if !e.live() {
		return e.emu.CreateAddress(customerID, fields)
	}
	in, err := addressFieldsOf(fields)
	if err != nil {
		return emulator.Address{}, err
	}
	a, err := e.liveAPI().CreateAddress(e.t.Context(), customerID, in)
	return fromAPIAddress(customerID, a), err
}

// Address reads one address; false when the customer or the address is gone.
func (e *testEnv) Address(customerID, id string) (emulator.Address, bool) {
	if !e.live() {
		return e.emu.Address(customerID, id)
	}
	a, err := e.liveAPI().GetAddress(e.t.Context(), customerID, id)
	if err != nil {
		if !moltin.IsNotFound(err) {
			e.t.Errorf("reading address %s of customer %s: %v", id, customerID, err)
		}
		return emulator.Address{}, false
	}
	return fromAPIAddress(customerID, a), true
}

// Addresses lists a customer's addresses; false when the customer is gone.
func (e *testEnv) Addresses(customerID string) ([]emulator.Address, bool) {
	if !e.live() {
		return e.emu.Addresses(customerID)
	}
	list, err := e.liveAPI().ListAddresses(e.t.Context(), customerID)
	if err != nil {
		if !moltin.IsNotFound(err) {
			e.t.Errorf("listing the addresses of customer %s: %v", customerID, err)
		}
		return nil, false
	}
	out := make([]emulator.Address, len(list))
	for i, a := range list {
		out[i] = fromAPIAddress(customerID, a)
	}
	return out, true
}

// UpdateAddress changes an address behind Terraform's back: fn edits a copy
// of its fields, and the result is sent whole.
func (e *testEnv) UpdateAddress(customerID, id string, fn func(fields map[string]string)) error {
	if !e.live() {
		return e.emu.UpdateAddress(customerID, id, fn)
	}
	cur, ok := e.Address(customerID, id)
	if !ok {
		return fmt.Errorf("address %s of customer %s not found", id, customerID)
	}
	fn(cur.Fields)
	in, err := addressFieldsOf(cur.Fields)
	if err != nil {
		return err
	}
	_, err = e.liveAPI().UpdateAddress(e.t.Context(), customerID, id, in)
	return err
}

// DeleteAddress deletes an address behind Terraform's back; it reports
// whether one existed.
func (e *testEnv) DeleteAddress(customerID, id string) bool {
	if !e.live() {
		return e.emu.DeleteAddress(customerID, id)
	}
	if _, ok := e.Address(customerID, id); !ok {
		return false
	}
	if err := e.liveAPI().DeleteAddress(e.t.Context(), customerID, id); err != nil {
		e.t.Errorf("deleting address %s of customer %s: %v", id, customerID, err)
		return false
	}
	return true
}
