package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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

// deleteOwnCustomers deletes, when a live test ends, whatever it made and
// did not destroy: the customers made by CreateCustomer for its setup, and
// any a failed step left.
func (e *testEnv) deleteOwnCustomers() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	own, err := listByPrefix(ctx, e.liveAPI(), acctest.RunPrefix()+e.tag+"-")
	if err != nil {
		e.t.Errorf("listing this test's customers to delete them: %v (the sweeper will find them)", err)
		return
	}
	for _, c := range own {
		if err := e.liveAPI().DeleteCustomer(ctx, c.ID); err != nil {
			e.t.Errorf("deleting customer %s: %v (the sweeper will find it)", c.ID, err)
		}
	}
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

// The sweeper: `go test ./internal/provider -sweep=live` (make sweep-live)
// deletes the customers that crashed runs left in the store that EPCC_*
// name. It deletes only customers whose email a test run made
// (tfacc-<run id>-…@example.com, acctest.RunOf), never anything else; and
// of those only the ones older than MOLTIN_ACC_SWEEP_MIN_AGE (default 1h),
// so that another run going on in the same store keeps its customers, or,
// with MOLTIN_ACC_RUN set, exactly that run's, whatever their age.
func init() {
	resource.AddTestSweepers("moltin_customer", &resource.Sweeper{
		Name: "moltin_customer",
		F: func(string) error {
			store, err := acctest.StoreFromEnv()
			if err != nil {
				return err
			}
			c, err := moltin.New(moltin.Config{BaseURL: store.BaseURL, ClientID: store.ClientID, ClientSecret: store.ClientSecret})
			if err != nil {
				return err
			}
			opts := sweepOptions{MinAge: time.Hour, Now: time.Now()}
			if run := os.Getenv(acctest.RunEnv); run != "" {
				opts.Run, opts.MinAge = run, 0
			} else if v := os.Getenv("MOLTIN_ACC_SWEEP_MIN_AGE"); v != "" {
				if opts.MinAge, err = time.ParseDuration(v); err != nil {
					return fmt.Errorf("MOLTIN_ACC_SWEEP_MIN_AGE: %v", err)
				}
			}
			deleted, err := sweepCustomers(context.Background(), c, opts)
			fmt.Fprintf(os.Stderr, "sweeper moltin_customer: deleted %d customers left by test runs\n", len(deleted))
			return err
		},
	})
}

type sweepOptions struct {
	Run    string        // only this run's customers; "" for every run's
	MinAge time.Duration // only customers created at least this long before Now
	Now    time.Time
}

// sweepCustomers deletes the customers left by test runs that opts selects
// and returns their emails.
func sweepCustomers(ctx context.Context, c *moltin.Client, opts sweepOptions) ([]string, error) {
	candidates, err := listByPrefix(ctx, c, acctest.SweepFilterPrefix)
	if err != nil {
		return nil, err
	}
	var deleted []string
	var errs []error
	for _, cu := range candidates {
		run, ok := acctest.RunOf(cu.Email)
		if !ok || (opts.Run != "" && run != opts.Run) || opts.Now.Sub(cu.CreatedAt) < opts.MinAge {
			continue
		}
		if err := c.DeleteCustomer(ctx, cu.ID); err != nil {
			errs = append(errs, fmt.Errorf("deleting %s: %w", cu.ID, err))
			continue
		}
		deleted = append(deleted, cu.Email)
	}
	return deleted, errors.Join(errs...)
}

// TestSweepCustomers_leavesOthersAlone runs the sweeper against an emulator
// holding test runs' customers among others' (some with emails close to a
// test run's): it deletes what it is asked to, of test runs only.
func TestSweepCustomers_leavesOthersAlone(t *testing.T) {
	t.Parallel()
	secret := "sweep-secret-" + randomSuffix(t)
	emu, err := emulator.Start(emulator.Config{ClientID: "sweep", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	c, err := moltin.New(moltin.Config{BaseURL: emu.URL, ClientID: "sweep", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	thisRun := acctest.Email("sweep1", "left")
	otherRun := "tfacc-zz9zz9zz-q1-left@example.com"
	shouted := "TFACC-YY8YY8YY-Q2-LEFT@EXAMPLE.COM"
	others := []string{
		"alice@example.com",
		"tfacc@example.com",
		"tfacc-zz9zz9zz@example.com",           // no test part
		"tfacc-short-left@example.com",         // not a run id
		"tfacc-zz9zz9zz9-left@example.com",     // nor this
		"xtfacc-zz9zz9zz-left@example.com",     // does not begin with the prefix
		"tfacc-zz9zz9zz-left@example.org",      // another domain
		"tfacc-zz9zz9zz-left@example.com.test", // nor this
		"tfacc-zz9zz9zz-left@sub.example.com",  // nor this
	}
	for _, email := range append([]string{thisRun, otherRun, shouted}, others...) {
		if _, err := emu.CreateCustomer("Sweep Candidate", email, "", nil); err != nil {
			t.Fatalf("creating %s: %v", email, err)
		}
	}
	remaining := func() []string {
		var out []string
		for _, cu := range emu.Customers() {
			out = append(out, strings.ToLower(cu.Email))
		}
		slices.Sort(out)
		return out
	}
	lower := func(emails ...string) []string {
		out := make([]string, len(emails))
		for i, e := range emails {
			out[i] = strings.ToLower(e)
		}
		slices.Sort(out)
		return out
	}
	sweep := func(opts sweepOptions, want ...string) {
		t.Helper()
		deleted, err := sweepCustomers(t.Context(), c, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := lower(deleted...); !slices.Equal(got, lower(want...)) {
			t.Fatalf("sweep %+v deleted %q, want %q", opts, got, lower(want...))
		}
	}
	now := time.Now()

	// Everything is fresh: a sweep of old leftovers deletes nothing, so that
	// a run going on in the same store keeps its customers.
	sweep(sweepOptions{MinAge: time.Hour, Now: now})
	// One run, named: only its customers, however young.
	sweep(sweepOptions{Run: "zz9zz9zz", Now: now}, otherRun)
	// Two hours on, every test run's leftovers go, in whatever case, and
	// nothing else.
	sweep(sweepOptions{MinAge: time.Hour, Now: now.Add(2 * time.Hour)}, thisRun, shouted)
	if got, want := remaining(), lower(others...); !slices.Equal(got, want) {
		t.Fatalf("after the sweeps the store holds %q, want %q", got, want)
	}
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
