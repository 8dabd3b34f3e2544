package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"
)

// Customer is a customer as the API returns it. The password itself can
// never be read back: HasPassword says whether one is set.
type Customer struct {
	ID          string
	Name        string
	Email       string
	ExternalRef *string
	HasPassword bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Custom holds the other top-level keys of data: the values of the
	// customers flow's fields (custom_fields.go), as JSON. The API may
	// return a field as null, or leave out one with omit_null.
	Custom map[string]json.RawMessage
}

// wireCustomer is the legacy JSON:API shape, attributes directly under data.
type wireCustomer struct {
	Type        string                     `json:"type"`
	ID          string                     `json:"id"`
	Name        string                     `json:"name"`
	Email       string                     `json:"email"`
	Password    any                        `json:"password"`
	ExternalRef *string                    `json:"external_ref"`
	Meta        wireMeta                   `json:"meta"`
	Custom      map[string]json.RawMessage `json:"-"`
}

func (w *wireCustomer) UnmarshalJSON(b []byte) error {
	type plain wireCustomer
	if err := json.Unmarshal(b, (*plain)(w)); err != nil {
		return err
	}
	return decodeCustom(b, &w.Custom)
}

func (w *wireCustomer) customer() (Customer, error) {
	c := Customer{ID: w.ID, Name: w.Name, Email: w.Email, ExternalRef: w.ExternalRef, Custom: w.Custom}
	switch p := w.Password.(type) {
	case bool:
		c.HasPassword = p
	case string:
		c.HasPassword = p == "true"
	}
	var err error
	c.CreatedAt, c.UpdatedAt, err = w.Meta.stamps("a customer", c.ID)
	return c, err
}

// CustomerCreate is the body of a create. Password and ExternalRef are sent
// only when set.
type CustomerCreate struct {
	Name        string
	Email       string
	Password    *string
	ExternalRef *string
	// Custom are values of the customers flow's fields, sent as top-level
	// keys of data.
	Custom map[string]any
}

func (in CustomerCreate) MarshalJSON() ([]byte, error) {
	data := map[string]any{"type": "customer", "name": in.Name, "email": in.Email}
	if err := addCustom(data, in.Custom); err != nil {
		return nil, err
	}
	if in.Password != nil {
		data["password"] = *in.Password
	}
	if in.ExternalRef != nil {
		data["external_ref"] = *in.ExternalRef
	}
	return json.Marshal(map[string]any{"data": data})
}

// CustomerUpdate is a partial update: only the fields set are sent, and
// ClearExternalRef sends `"external_ref": null`.
type CustomerUpdate struct {
	Name             *string
	Email            *string
	Password         *string
	ExternalRef      *string
	ClearExternalRef bool
	// Custom are the flow values to change; a nil value sends null, which
	// clears it.
	Custom map[string]any
}

// IsEmpty reports whether the update would change nothing.
func (in CustomerUpdate) IsEmpty() bool {
	return in.Name == nil && in.Email == nil && in.Password == nil && in.ExternalRef == nil && !in.ClearExternalRef && len(in.Custom) == 0
}

func (in CustomerUpdate) MarshalJSON() ([]byte, error) {
	data := map[string]any{"type": "customer"}
	if err := addCustom(data, in.Custom); err != nil {
		return nil, err
	}
	if in.Name != nil {
		data["name"] = *in.Name
	}
	if in.Email != nil {
		data["email"] = *in.Email
	}
	if in.Password != nil {
		data["password"] = *in.Password
	}
	if in.ExternalRef != nil {
		data["external_ref"] = *in.ExternalRef
	} else if in.ClearExternalRef {
		data["external_ref"] = nil
	}
	return json.Marshal(map[string]any{"data": data})
}

func customerPath(id string) string { return objectPath("/v2/customers", id) }

// GetCustomer reads one customer; a missing one is an *APIError for which
// IsNotFound is true.
func (c *Client) GetCustomer(ctx context.Context, id string) (Customer, error) {
	return callObject(ctx, c, http.MethodGet, customerPath(id), nil, (*wireCustomer).customer)
}

// UpdateCustomer sends a partial update and returns the whole customer.
func (c *Client) UpdateCustomer(ctx context.Context, id string, in CustomerUpdate) (Customer, error) {
	return callObject(ctx, c, http.MethodPut, customerPath(id), in, (*wireCustomer).customer)
}

// DeleteCustomer deletes a customer; one that is already gone is no error.
func (c *Client) DeleteCustomer(ctx context.Context, id string) error {
	_, err := c.DeleteCustomerIfFound(ctx, id)
	return err
}

// DeleteCustomerIfFound deletes a customer with one DELETE (retried as any
// DELETE is) and reports whether the API still had it: a 404 is no error,
// but found is false. The API deletes the customer's addresses with it.
func (c *Client) DeleteCustomerIfFound(ctx context.Context, id string) (found bool, err error) {
	return c.deleteObject(ctx, customerPath(id))
}

// ErrCustomerMismatch is returned by CreateCustomer when, after a create of
// unknown outcome, a customer with the email exists but differs from the one
// asked for: it may not be ours, so it is neither adopted nor overwritten.
type ErrCustomerMismatch struct {
	Existing Customer
	Cause    error
}

func (e *ErrCustomerMismatch) Error() string {
	return fmt.Sprintf("a create of %s had an unknown outcome (%v), and customer %s now has that email with other attributes",
		e.Existing.Email, e.Cause, e.Existing.ID)
}

// CreateCustomer creates a customer with one POST. A POST whose outcome is
// unknown (connection lost after sending, or a 5xx) is never blindly sent
// again: the customer is first looked up by email. None found, the POST is
// sent again; one found with the asked-for attributes is adopted (it is the
// one this POST created); one found with others is an *ErrCustomerMismatch.
// A success whose answer cannot be read is looked up the same way, but never
// sent again: the API said it created the customer.
//
// When ctx is cancelled (Terraform's stop) a POST already sent is still
// awaited, and the lookup after an unknown outcome still runs, bounded by the
// request timeout; but nothing is sent again, so that a stopped run leaves no
// customer behind that the state does not know.
func (c *Client) CreateCustomer(ctx context.Context, in CustomerCreate) (Customer, error) {
	store := c.base.String()
	localCreates.claim(store, in.Email)
	created, err := c.createCustomer(ctx, in)
	switch {
	case err == nil:
		localCreates.created(store, created.ID)
	case !mayHaveCreated(err):
		localCreates.release(store, in.Email)
	}
	return created, err
}

// mayHaveCreated reports whether a failed create may have made a customer
// all the same.
func mayHaveCreated(err error) bool {
	var unknown *OutcomeUnknownError
	var unreadable *ResponseDecodeError
	return errors.As(err, &unknown) || errors.As(err, &unreadable)
}

func (c *Client) createCustomer(ctx context.Context, in CustomerCreate) (Customer, error) {
	return createOnce(ctx, c, createFlow[Customer]{
		what:   "customer",
		path:   "/v2/customers",
		body:   in,
		decode: decodeObject((*wireCustomer).customer),
		find: func(ctx context.Context) (Customer, bool, error) {
			return c.FindCustomerByEmail(ctx, in.Email)
		},
		reject: func(existing Customer, cause error) error {
			if matchesCreate(existing, in) {
				return nil
			}
			return &ErrCustomerMismatch{Existing: existing, Cause: cause}
		},
		logID: func(cu Customer) map[string]any { return map[string]any{"customer_id": cu.ID} },
	})
}

// createFlow describes a create that must never make two of a thing: the
// POST, how to read its answer, and how to find what it may have created.
type createFlow[T any] struct {
	what, path string
	body       any
	decode     func(raw []byte) (T, error)
	// find looks for what an earlier attempt may have created.
	find func(ctx context.Context) (T, bool, error)
	// reject, when set, says why a found one is not the one asked for (so
	// it is neither adopted nor created again), or nil to adopt it.
	reject func(found T, cause error) error
	logID  func(T) map[string]any
}

// createOnce sends flow's POST. One whose outcome is unknown is looked up
// with flow.find before it is sent again; found, the thing is adopted. A
// success whose answer cannot be read is looked up but never sent again.
func createOnce[T any](ctx context.Context, c *Client, flow createFlow[T]) (T, error) {
	var zero T
	ctx, cancel := context.WithTimeout(ctx, c.maxElapsed)
	defer cancel()
	for attempt := 0; ; attempt++ {
		var raw json.RawMessage
		err := c.do(ctx, http.MethodPost, flow.path, nil, flow.body, &raw)
		if err == nil {
			created, convErr := flow.decode(raw)
			if convErr == nil {
				return created, nil
			}
			err = &ResponseDecodeError{Method: http.MethodPost, Path: flow.path, StatusCode: http.StatusCreated, Cause: clip(convErr.Error(), maxErrorText)}
		}
		var unknown *OutcomeUnknownError
		var unreadable *ResponseDecodeError
		cause := err
		switch {
		case errors.As(err, &unknown):
			cause = unknown.Err
		case errors.As(err, &unreadable):
		default:
			return zero, err
		}
		c.log.Warn(ctx, "Moltin "+flow.what+" create had an unknown outcome; looking it up before sending it again",
			map[string]any{"attempt": attempt + 1, "error": cause.Error()})
		lookupCtx, endLookup := c.outcomeContext(ctx)
		existing, found, lookupErr := flow.find(lookupCtx)
		endLookup()
		if lookupErr != nil {
			return zero, fmt.Errorf("%w; looking the %s up afterwards also failed: %v", err, flow.what, lookupErr)
		}
		if found && flow.reject != nil {
			if rejected := flow.reject(existing, cause); rejected != nil {
				return zero, rejected
			}
		}
		if found {
			c.log.Warn(ctx, "Moltin "+flow.what+" create had taken effect; adopting the created "+flow.what, flow.logID(existing))
			return existing, nil
		}
		// Even out of retries, the lookup above ran: a create that took
		// effect on the last attempt is adopted, not left behind.
		if unreadable != nil || attempt >= c.retry.RetryMax {
			return zero, err
		}
		// Nothing was found: the create did not take effect. After a stop
		// it is not sent again.
		wait := backoff(c.retry.RetryWaitMin, c.retry.RetryWaitMax, attempt, nil)
		if ctx.Err() == nil {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if errors.Is(ctx.Err(), context.Canceled) {
			return zero, fmt.Errorf("%w; no such %s was found, so it did not take effect, and it was not sent again: %w", err, flow.what, ErrInterrupted)
		}
		if ctx.Err() != nil {
			return zero, fmt.Errorf("%w (gave up waiting to retry: %v)", err, ctx.Err())
		}
	}
}

// outcomeContext is for learning the outcome of a create already sent: the
// end of ctx (a stop, or its deadline) does not cancel it, but leaves it the
// request timeout at most from then on.
func (c *Client) outcomeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	octx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopAfterFunc := context.AfterFunc(ctx, func() { time.AfterFunc(c.requestTimeout, cancel) })
	return octx, func() {
		stopAfterFunc()
		cancel()
	}
}

func matchesCreate(c Customer, in CustomerCreate) bool {
	if c.Name != in.Name || !strings.EqualFold(c.Email, in.Email) {
		return false
	}
	if (in.Password != nil) != c.HasPassword {
		return false
	}
	return ptrEqual(c.ExternalRef, in.ExternalRef)
}

func ptrEqual(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// FindCustomerByEmail looks a customer up by email, case-insensitively. More
// than one match (the API keeps emails unique, so this means a fault) is an
// error.
func (c *Client) FindCustomerByEmail(ctx context.Context, email string) (Customer, bool, error) {
	matches, err := filterAll(c.Customers(ctx, ListOptions{Filters: []Filter{Eq("email", email)}, Limit: 2}),
		func(cu Customer) bool { return strings.EqualFold(cu.Email, email) })
	return onlyOne(matches, err, func(n int) error { return fmt.Errorf("%d customers have the email %s", n, email) })
}

// Customers walks the customers that match opts, page by page, as the
// consumer asks for them (see listPages).
func (c *Client) Customers(ctx context.Context, opts ListOptions) iter.Seq2[Customer, error] {
	return listPages(ctx, c, "/v2/customers", opts, (*wireCustomer).customer)
}

// ListCustomers walks every page of a listing, up to opts.Limit customers.
func (c *Client) ListCustomers(ctx context.Context, opts ListOptions) ([]Customer, error) {
	return collect(c.Customers(ctx, opts))
}

// CustomerToken is a customer's login token.
type CustomerToken struct {
	ID         string
	CustomerID string
	Token      string
	ExpiresAt  time.Time
}

// CreateCustomerToken logs a customer in with email and password.
func (c *Client) CreateCustomerToken(ctx context.Context, email, password string) (CustomerToken, error) {
	body := map[string]any{"data": map[string]any{
		"type": "token", "email": email, "password": password, "authentication_mechanism": "password",
	}}
	var doc struct {
		Data struct {
			ID         string `json:"id"`
			CustomerID string `json:"customer_id"`
			Token      string `json:"token"`
			Expires    int64  `json:"expires"`
		} `json:"data"`
	}
	if err := c.do(ctx, http.MethodPost, "/v2/customers/tokens", nil, body, &doc); err != nil {
		return CustomerToken{}, err
	}
	if doc.Data.Token == "" {
		return CustomerToken{}, errors.New("POST /v2/customers/tokens: the API returned no token")
	}
	return CustomerToken{
		ID:         doc.Data.ID,
		CustomerID: doc.Data.CustomerID,
		Token:      doc.Data.Token,
		ExpiresAt:  time.Unix(doc.Data.Expires, 0).UTC(),
	}, nil
}

// CustomerMatches reports whether c meets every filter term as the API
// documents them, for callers that act on a listing's results and must not
// act on one that the API returned although it does not match (a filter the
// store ignored, say). A term it cannot judge is not met.
func CustomerMatches(c Customer, fs []Filter) bool {
	return matchesAll(fs, c.CreatedAt, func(field string) *string {
		switch field {
		case "email":
			return &c.Email
		case "name":
			return &c.Name
		case "external_ref":
			return c.ExternalRef
		}
		return nil
	})
}
