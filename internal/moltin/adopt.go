package moltin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/semaphore"
)

// localCreates remembers, for the whole process (one Terraform run), the
// emails of the creates that are under way or may have made a customer, and
// the customers made, per store. A customer of this run is never adopted:
// two resources of one configuration with one email must fail, not share a
// customer, even while the other create's answer is still on its way.
var localCreates = &createRegistry{emails: map[string]int{}, ids: map[string]bool{}, made: map[string]bool{}}

type createRegistry struct {
	mu     sync.Mutex
	emails map[string]int  // store + email (lower case) -> creates under way or done
	ids    map[string]bool // store + id -> created or adopted here
	made   map[string]bool // store + id -> created here
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
	r.made[store+"\x00"+id] = true
}

// madeHere reports whether this process created the customer id: then
// nothing under it was left by another run.
func (r *createRegistry) madeHere(store, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.made[store+"\x00"+id]
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
	u.Custom = customChanges(existing.Custom, in.Custom)
	return u
}

// Adoption of what a killed run left under a parent: a customer's addresses
// (moltin_customer_address, and the customer's nested addresses), and the
// like for other parents (an account's memberships).
//
// A child may be adopted only if this process neither made it nor took it
// over; and since a create's POST may have made its child before its answer
// tells this process so, an adopting create looks at the parent's children
// only while no other create under the parent is under way: creates under
// one parent share its lock, and an adopting create holds it alone.

// localChildren holds the children that this process made or took over,
// and the lock of each parent that a create is under way for.
var localChildren = &childRegistry{locks: map[string]*parentLock{}, ids: map[string]bool{}}

type childRegistry struct {
	mu    sync.Mutex
	locks map[string]*parentLock // parent -> its lock, while creates use it
	ids   map[string]bool        // parent + child id -> made or taken over here
}

// allCreates is the weight of an adopting create: all of a parent's lock.
const allCreates = 1 << 30

type parentLock struct {
	sem   *semaphore.Weighted // a create holds 1, an adopting create allCreates
	users int
}

// lock takes parent's lock with weight, or fails when ctx ends first.
func (r *childRegistry) lock(ctx context.Context, parent string, weight int64) (unlock func(), _ error) {
	r.mu.Lock()
	l, ok := r.locks[parent]
	if !ok {
		l = &parentLock{sem: semaphore.NewWeighted(allCreates)}
		r.locks[parent] = l
	}
	l.users++
	r.mu.Unlock()
	done := func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		// Forgotten when unused, so that a run over thousands of customers
		// keeps no lock per customer.
		if l.users--; l.users == 0 {
			delete(r.locks, parent)
		}
	}
	if err := l.sem.Acquire(ctx, weight); err != nil {
		done()
		return nil, err
	}
	return func() {
		l.sem.Release(weight)
		done()
	}, nil
}

// known reports whether this process made or took over parent's child id.
func (r *childRegistry) known(parent, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[parent+"\x00"+id]
}

func (r *childRegistry) add(parent, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[parent+"\x00"+id] = true
}

// childCreate is the create of one child under a parent, and how to adopt
// one that a killed run left there instead.
type childCreate[T any] struct {
	what string // "address", for errors
	// parent is the store and the parent's path: the scope of the lock and
	// of the children known here.
	parent string
	id     func(T) string
	// adopt looks for a child to take over before creating one.
	adopt bool
	// list returns the parent's children, best candidates first where
	// rank ties (such as newest first).
	list func(ctx context.Context) ([]T, error)
	// rank says how well a child fits the create: 0 not at all; the
	// highest rank is taken. exact: it needs no update.
	rank func(T) (rank int, exact bool)
	// update makes the taken child what the create asks for.
	update func(ctx context.Context, found T) (T, error)
	// create makes a new child; known tells the children that this
	// process made or took over, which its lookup after an unknown outcome
	// must not take as its own.
	create func(ctx context.Context, known func(id string) bool) (T, error)
}

// createChild creates flow's child, or, with flow.adopt, takes over the
// best-ranked child of the parent that this process did not make or take,
// with at most one update; adopted says which.
func createChild[T any](ctx context.Context, flow childCreate[T]) (_ T, adopted bool, _ error) {
	var zero T
	weight := int64(1)
	if flow.adopt {
		weight = allCreates
	}
	unlock, err := localChildren.lock(ctx, flow.parent, weight)
	if err != nil {
		return zero, false, stoppedBeforeSending(ctx, "waiting for the other "+flow.what+" creates of its parent")
	}
	defer unlock()
	known := func(id string) bool { return localChildren.known(flow.parent, id) }
	if flow.adopt {
		children, err := flow.list(ctx)
		if err != nil {
			return zero, false, fmt.Errorf("looking for a leftover %s to adopt: %w", flow.what, err)
		}
		best, bestRank, bestExact := -1, 0, false
		for i, ch := range children {
			if known(flow.id(ch)) {
				continue
			}
			if r, exact := flow.rank(ch); r > bestRank {
				best, bestRank, bestExact = i, r, exact
			}
		}
		if best >= 0 {
			found := children[best]
			localChildren.add(flow.parent, flow.id(found))
			if bestExact {
				return found, true, nil
			}
			updated, err := flow.update(ctx, found)
			if err != nil {
				return zero, false, fmt.Errorf("adopting %s %s: %w", flow.what, flow.id(found), err)
			}
			return updated, true, nil
		}
	}
	created, err := flow.create(ctx, known)
	if err != nil {
		return zero, false, err
	}
	localChildren.add(flow.parent, flow.id(created))
	return created, false, nil
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
