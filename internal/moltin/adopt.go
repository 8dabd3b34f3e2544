package moltin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// localCreates remembers, for the whole process (one Terraform run), the
// emails that creates were sent for and the customers they made, per store.
// A customer of this run is never adopted: two resources of one
// configuration with one email must fail, not share a customer.
var localCreates = &createRegistry{emails: map[string]int{}, ids: map[string]bool{}}

type createRegistry struct {
	mu     sync.Mutex
	emails map[string]int  // store + email (lower case) -> creates begun
	ids    map[string]bool // store + id -> created or adopted here
}

func (r *createRegistry) claim(store, email string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emails[store+"\x00"+strings.ToLower(email)]++
}

func (r *createRegistry) created(store, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[store+"\x00"+id] = true
}

// ours reports whether this process created c, or began more than one create
// for its email (the caller's own, and another's).
func (r *createRegistry) ours(store string, c Customer) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[store+"\x00"+c.ID] || r.emails[store+"\x00"+strings.ToLower(c.Email)] > 1
}

// AdoptionRefusedError says that a create met a customer with its email
// that this same run created (or is creating) for another resource.
type AdoptionRefusedError struct {
	Existing Customer
	Err      error // the create's own error
}

func (e *AdoptionRefusedError) Error() string {
	return fmt.Sprintf("%v; customer %s, which has the email, was created by this same run for another resource, so it is not adopted",
		e.Err, e.Existing.ID)
}

func (e *AdoptionRefusedError) Unwrap() error { return e.Err }

// AdoptExisting takes over the customer that made a create fail, for the
// provider's adopt_existing_customers: createErr must be CreateCustomer's
// error for in, either a conflict on the email (409, or 422 "already
// taken") or an *ErrCustomerMismatch. It sends one partial update with only
// the attributes that differ from in, and the password when in has one,
// since a password cannot be read back. Any other error is returned as it is
// (adopted false); so is a customer that this process created, as an
// *AdoptionRefusedError.
func (c *Client) AdoptExisting(ctx context.Context, in CustomerCreate, createErr error) (_ Customer, adopted bool, _ error) {
	var existing Customer
	var mismatch *ErrCustomerMismatch
	switch {
	case errors.As(createErr, &mismatch):
		existing = mismatch.Existing
	case IsConflict(createErr):
		found, ok, err := c.FindCustomerByEmail(ctx, in.Email)
		if err != nil {
			return Customer{}, false, fmt.Errorf("%w; looking up the customer to adopt also failed: %v", createErr, err)
		}
		if !ok {
			return Customer{}, false, fmt.Errorf("%w; yet no customer has the email, so there is none to adopt", createErr)
		}
		existing = found
	default:
		return Customer{}, false, createErr
	}
	store := c.base.String()
	if localCreates.ours(store, existing) {
		return Customer{}, false, &AdoptionRefusedError{Existing: existing, Err: createErr}
	}
	update := adoptionUpdate(existing, in)
	if update.IsEmpty() {
		localCreates.created(store, existing.ID)
		return existing, true, nil
	}
	updated, err := c.UpdateCustomer(ctx, existing.ID, update)
	if err != nil {
		return Customer{}, false, fmt.Errorf("adopting customer %s, which has the email: %w", existing.ID, err)
	}
	localCreates.created(store, updated.ID)
	return updated, true, nil
}

// adoptionUpdate is the partial update that makes existing what in asks for.
// The email matches already (case aside, which the API ignores).
func adoptionUpdate(existing Customer, in CustomerCreate) CustomerUpdate {
	var u CustomerUpdate
	if existing.Name != in.Name {
		u.Name = &in.Name
	}
	if !ptrEqual(existing.ExternalRef, in.ExternalRef) {
		if in.ExternalRef == nil {
			u.ClearExternalRef = true
		} else {
			u.ExternalRef = in.ExternalRef
		}
	}
	u.Password = in.Password
	return u
}
