package moltin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// Account is an Account Management account (a company or a household that
// shoppers buy for) as the API returns it.
type Account struct {
	ID             string
	Name           string
	LegalName      *string
	RegistrationID *string
	ExternalRef    *string
	ParentID       *string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Custom holds the accounts flow's values, as JSON (see Customer.Custom).
	Custom map[string]json.RawMessage
}

type wireAccount struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	LegalName      *string  `json:"legal_name"`
	RegistrationID *string  `json:"registration_id"`
	ExternalRef    *string  `json:"external_ref"`
	ParentID       *string  `json:"parent_id"`
	Meta           wireMeta `json:"meta"`
	Relationships  struct {
		Parent struct {
			Data *struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"parent"`
	} `json:"relationships"`
	Custom map[string]json.RawMessage `json:"-"`
}

func (w *wireAccount) UnmarshalJSON(b []byte) error {
	type plain wireAccount
	if err := json.Unmarshal(b, (*plain)(w)); err != nil {
		return err
	}
	return decodeCustomOf(b, &w.Custom, accountOwnKeys)
}

func (w *wireAccount) account() (Account, error) {
	a := Account{ID: w.ID, Name: w.Name, LegalName: nonEmpty(w.LegalName), RegistrationID: nonEmpty(w.RegistrationID),
		ExternalRef: nonEmpty(w.ExternalRef), ParentID: nonEmpty(w.ParentID), Custom: w.Custom}
	// S1 answers the parent only as a relationship.
	if a.ParentID == nil && w.Relationships.Parent.Data != nil && w.Relationships.Parent.Data.ID != "" {
		id := w.Relationships.Parent.Data.ID
		a.ParentID = &id
	}
	var err error
	a.CreatedAt, a.UpdatedAt, err = w.Meta.stamps("an account", a.ID)
	return a, err
}

// nonEmpty reads "" as unset: the API answers either null or "" for an
// optional field that was never set.
func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

// AccountCreate is the body of an account create; nil fields are left out.
type AccountCreate struct {
	Name           string
	LegalName      *string
	RegistrationID *string
	ExternalRef    *string
	ParentID       *string
	// Custom are values of the accounts flow's fields.
	Custom map[string]any
}

func (in AccountCreate) body() map[string]any {
	data := map[string]any{"type": "account", "name": in.Name}
	for k, v := range in.Custom {
		if !accountOwnKeys[k] {
			data[k] = v
		}
	}
	for k, v := range map[string]*string{"legal_name": in.LegalName, "registration_id": in.RegistrationID,
		"external_ref": in.ExternalRef, "parent_id": in.ParentID} {
		if v != nil {
			data[k] = *v
		}
	}
	return map[string]any{"data": data}
}

// Patch is one field of a partial update: Value nil sends null (clears it).
type Patch struct{ Value *string }

// Set is a Patch that sends v.
func Set(v string) *Patch { return &Patch{Value: &v} }

// Clear is a Patch that sends null.
func Clear() *Patch { return &Patch{} }

// PatchOf is the patch that sends v, or null when v is nil.
func PatchOf(v *string) *Patch { return &Patch{Value: v} }

// AccountUpdate is a partial update: only the non-nil fields are sent.
// parent_id is not among them: the API sets it at create time only.
type AccountUpdate struct {
	Name           *string
	LegalName      *Patch
	RegistrationID *Patch
	ExternalRef    *Patch
	// Custom are the flow values to change; nil sends null (clears it).
	Custom map[string]any
}

// IsEmpty reports whether the update would send nothing.
func (in AccountUpdate) IsEmpty() bool {
	return in.Name == nil && in.LegalName == nil && in.RegistrationID == nil && in.ExternalRef == nil && len(in.Custom) == 0
}

func (in AccountUpdate) body() map[string]any {
	data := map[string]any{"type": "account"}
	for k, v := range in.Custom {
		if !accountOwnKeys[k] {
			data[k] = v
		}
	}
	if in.Name != nil {
		data["name"] = *in.Name
	}
	for k, p := range map[string]*Patch{"legal_name": in.LegalName, "registration_id": in.RegistrationID, "external_ref": in.ExternalRef} {
		if p == nil {
			continue
		}
		if p.Value == nil {
			data[k] = nil
		} else {
			data[k] = *p.Value
		}
	}
	return map[string]any{"data": data}
}

func accountPath(id string) string { return objectPath("/v2/accounts", id) }

// GetAccount reads one account; a missing one is a 404 *APIError.
func (c *Client) GetAccount(ctx context.Context, id string) (Account, error) {
	return callObject(ctx, c, http.MethodGet, accountPath(id), nil, (*wireAccount).account)
}

// UpdateAccount sends a partial update and returns the whole account.
func (c *Client) UpdateAccount(ctx context.Context, id string, in AccountUpdate) (Account, error) {
	return callObject(ctx, c, http.MethodPut, accountPath(id), in.body(), (*wireAccount).account)
}

// DeleteAccount deletes an account; one already gone is no error.
func (c *Client) DeleteAccount(ctx context.Context, id string) error {
	_, err := c.deleteObject(ctx, accountPath(id))
	return err
}

// Accounts walks the accounts that match opts.
func (c *Client) Accounts(ctx context.Context, opts ListOptions) iter.Seq2[Account, error] {
	return listPages(ctx, c, "/v2/accounts", opts, (*wireAccount).account)
}

// FindAccountByRegistrationID looks up the account with a registration id,
// which the API keeps unique.
func (c *Client) FindAccountByRegistrationID(ctx context.Context, regID string) (Account, bool, error) {
	match, err := filterAll(c.Accounts(ctx, ListOptions{Filters: []Filter{Eq("registration_id", regID)}, Limit: 2}),
		func(a Account) bool { return a.RegistrationID != nil && *a.RegistrationID == regID })
	return onlyOne(match, err, func(n int) error { return fmt.Errorf("%d accounts have the registration id %s", n, regID) })
}

// CreateAccount creates an account with one POST. After a create of unknown
// outcome the account is looked up before the POST is sent again: by its
// registration id when it has one, otherwise by name and every other field
// among the accounts this process does not know already.
func (c *Client) CreateAccount(ctx context.Context, in AccountCreate) (Account, error) {
	store := c.base.String()
	a, err := createOnce(ctx, c, createFlow[Account]{
		what:   "account",
		path:   "/v2/accounts",
		body:   in.body(),
		decode: decodeObject((*wireAccount).account),
		find: func(ctx context.Context) (Account, bool, error) {
			filter := Eq("name", in.Name)
			if in.RegistrationID != nil {
				filter = Eq("registration_id", *in.RegistrationID)
			}
			match, err := filterAll(c.Accounts(ctx, ListOptions{Filters: []Filter{filter}}),
				func(a Account) bool { return accountMatches(a, in) && !localCreates.known(store, a.ID) })
			return onlyOne(match, err, func(n int) error {
				return fmt.Errorf("%d accounts match the one asked for (name %q): cannot tell which one the create made; set registration_id to make accounts unique", n, in.Name)
			})
		},
		logID: func(a Account) map[string]any { return map[string]any{"account_id": a.ID} },
	})
	if err == nil {
		localCreates.created(store, a.ID)
	}
	return a, err
}

func accountMatches(a Account, in AccountCreate) bool {
	return a.Name == in.Name && ptrEqual(a.LegalName, in.LegalName) && ptrEqual(a.RegistrationID, in.RegistrationID) &&
		ptrEqual(a.ExternalRef, in.ExternalRef) && ptrEqual(a.ParentID, in.ParentID)
}

// AdoptExistingAccount takes over the account whose registration id made a
// create fail with a conflict (adopt_existing_customers): it sends one
// partial update of the fields that differ. An account that this process
// made or adopted already is refused with an *AlreadyManagedError; any
// other error is returned as it is (adopted false).
func (c *Client) AdoptExistingAccount(ctx context.Context, in AccountCreate, createErr error) (_ Account, adopted bool, _ error) {
	if in.RegistrationID == nil || !IsConflict(createErr) {
		return Account{}, false, createErr
	}
	existing, found, err := c.FindAccountByRegistrationID(ctx, *in.RegistrationID)
	if err != nil {
		return Account{}, false, fmt.Errorf("%w; looking up the account to adopt also failed: %v", createErr, err)
	}
	if !found {
		return Account{}, false, fmt.Errorf("%w; yet no account has the registration id, so there is none to adopt", createErr)
	}
	if !localCreates.takeOverID(c.base.String(), existing.ID) {
		return Account{}, false, &AlreadyManagedError{Kind: "account", ID: existing.ID, Key: "registration id", Err: createErr}
	}
	if !ptrEqual(existing.ParentID, in.ParentID) {
		return Account{}, false, fmt.Errorf("%w; account %s has the registration id but another parent, which cannot change: it is not adopted", createErr, existing.ID)
	}
	var u AccountUpdate
	if existing.Name != in.Name {
		u.Name = &in.Name
	}
	if !ptrEqual(existing.LegalName, in.LegalName) {
		u.LegalName = PatchOf(in.LegalName)
	}
	if !ptrEqual(existing.ExternalRef, in.ExternalRef) {
		u.ExternalRef = PatchOf(in.ExternalRef)
	}
	u.Custom = customChanges(existing.Custom, in.Custom)
	if u.IsEmpty() {
		return existing, true, nil
	}
	updated, err := c.UpdateAccount(ctx, existing.ID, u)
	if err != nil {
		return Account{}, false, fmt.Errorf("adopting account %s, which has the registration id: %w", existing.ID, err)
	}
	return updated, true, nil
}
