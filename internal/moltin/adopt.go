package moltin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// localCreates remembers, for the whole process (one Terraform run), the
// emails of the creates that are under way or may have made a customer, and
// the customers made, per store. A customer of this run is never adopted:
// two resources of one configuration with one email must fail, not share a
// customer, even while the other create's answer is still on its way.
var localCreates = &createRegistry{emails: map[string]int{}, ids: map[string]bool{}}

type createRegistry struct {
	mu     sync.Mutex
	emails map[string]int  // store + email (lower case) -> creates under way or done
	ids    map[string]bool // store + id -> created or adopted here
}

func (r *createRegistry) claim(store, email string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emails[store+"\x00"+strings.ToLower(email)]++
}

// release forgets a create that made no customer (such as one refused with
// a conflict), so that the email's customer may be adopted.
func (r *createRegistry) release(store, email string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := store + "\x00" + strings.ToLower(email)
	if r.emails[key]--; r.emails[key] <= 0 {
		delete(r.emails, key)
	}
}

func (r *createRegistry) created(store, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[store+"\x00"+id] = true
}

// known reports whether the object id was created or adopted by this
// process: a lookup after a create of unknown outcome must not take it for
// its own.
func (r *createRegistry) known(store, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[store+"\x00"+id]
}

// takeOverID marks the object id (found by a key other than a customer's
// email) as this process's, unless it already is.
func (r *createRegistry) takeOverID(store, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := store + "\x00" + id
	if r.ids[key] {
		return false
	}
	r.ids[key] = true
	return true
}

// takeOver marks c as this process's, unless it is already: created or
// adopted here, or its email is that of another create under way or done
// (the caller's own create, refused, was released). Check and mark are one
// step, so that of two resources that meet one customer only one adopts it.
func (r *createRegistry) takeOver(store string, c Customer) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := store + "\x00" + c.ID
	if r.ids[id] || r.emails[store+"\x00"+strings.ToLower(c.Email)] > 0 {
		return false
	}
	r.ids[id] = true
	return true
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
	if !localCreates.takeOver(c.base.String(), existing) {
		return Customer{}, false, &AdoptionRefusedError{Existing: existing, Err: createErr}
	}
	update := adoptionUpdate(existing, in)
	if update.IsEmpty() {
		return existing, true, nil
	}
	updated, err := c.UpdateCustomer(ctx, existing.ID, update)
	if err != nil {
		return Customer{}, false, fmt.Errorf("adopting customer %s, which has the email: %w", existing.ID, err)
	}
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

// AlreadyManagedError says that a create met an object (an account, an
// account member) with its unique key that this same run created or adopted
// for another resource, so it is not adopted again.
type AlreadyManagedError struct {
	Kind, ID, Key string
	Err           error // the create's own error, or nil
}

func (e *AlreadyManagedError) Error() string {
	msg := fmt.Sprintf("%s %s, which has the %s, was created or adopted by this same run for another resource, so it is not adopted", e.Kind, e.ID, e.Key)
	if e.Err != nil {
		return e.Err.Error() + "; " + msg
	}
	return msg
}

func (e *AlreadyManagedError) Unwrap() error { return e.Err }
