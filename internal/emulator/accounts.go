package emulator

import (
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"
)

// Accounts: /v2/accounts.

const maxRegistrationIDLen = 63

type account struct {
	id, name                               string
	legalName, registrationID, externalRef *string
	parentID                               string
	createdAt, updatedAt                   time.Time
	seq                                    int64
}

// Account is a snapshot of an account.
type Account struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	LegalName      *string   `json:"legal_name"`
	RegistrationID *string   `json:"registration_id"`
	ExternalRef    *string   `json:"external_ref"`
	ParentID       string    `json:"parent_id"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func (a *account) snapshot() Account {
	return Account{a.id, a.name, cloneString(a.legalName), cloneString(a.registrationID), cloneString(a.externalRef), a.parentID, a.createdAt, a.updatedAt}
}

func (s *Server) accountJSON(c *call, a *account) map[string]any {
	rel := map[string]any{}
	var parent any
	if a.parentID != "" {
		parent = a.parentID
		rel["parent"] = map[string]any{"data": map[string]any{"id": a.parentID, "type": "account"}}
	}
	// ancestors, root first.
	ancestors := []any{}
	for p := s.am.accounts[a.parentID]; p != nil; p = s.am.accounts[p.parentID] {
		ancestors = append([]any{map[string]any{"data": map[string]any{"id": p.id, "type": "account"}}}, ancestors...)
	}
	rel["ancestors"] = ancestors
	out := map[string]any{
		"id":              a.id,
		"type":            "account",
		"name":            a.name,
		"legal_name":      optString(a.legalName),
		"registration_id": optString(a.registrationID),
		"external_ref":    optString(a.externalRef),
		"parent_id":       parent,
		"relationships":   rel,
		"meta":            metaTimestamps(a.createdAt, a.updatedAt),
		"links":           selfLink(c, "/v2/accounts/"+a.id),
	}
	// The accounts flow's fields, top-level keys beside the account's own.
	for k, v := range s.flowValuesLocked("accounts", a.id) {
		if _, own := out[k]; !own {
			out[k] = v
		}
	}
	return out
}

// accountKeys are the account's own keys of a body; the others are its
// flow's fields.
var accountKeys = map[string]bool{"type": true, "id": true, "name": true, "legal_name": true, "registration_id": true,
	"external_ref": true, "parent_id": true, "meta": true, "links": true, "relationships": true}

// accountInput holds the fields of a POST or PUT; *Set says a key was sent
// (its value nil for null).
type accountInput struct {
	name                          *string
	legalName, regID, externalRef *string
	legalSet, regSet, extSet      bool
	parentID                      *string
}

// tagError is the accounts service's validation message style.
func tagError(field, tag string) string {
	return fmt.Sprintf("Validation failed: field '%s' on the '%s' tag.", field, tag)
}

func parseAccountInput(body []byte, create bool) (accountInput, *response) {
	var in accountInput
	b, errResp := parseAMBody(body, "account")
	if errResp != nil {
		return in, errResp
	}
	if v := b.str("name"); !b.badType("name") {
		if v == nil || *v == "" {
			if create || b.has("name") {
				b.fail(http.StatusBadRequest, tagError("Name", "min"), "name")
			}
		} else {
			in.name = v
		}
	}
	optional := func(key string) (*string, bool) {
		v := b.str(key)
		return v, b.has(key) && !b.badType(key)
	}
	in.legalName, in.legalSet = optional("legal_name")
	in.regID, in.regSet = optional("registration_id")
	if in.regID != nil && utf8.RuneCountInString(*in.regID) > maxRegistrationIDLen {
		b.fail(http.StatusBadRequest, tagError("RegistrationId", "max"), "registration_id")
	}
	in.externalRef, in.extSet = optional("external_ref")
	if in.externalRef != nil && utf8.RuneCountInString(*in.externalRef) > maxExternalRefLen {
		b.fail(http.StatusBadRequest, tagError("ExternalRef", "max"), "external_ref")
	}
	if v, set := optional("parent_id"); set && v != nil && *v != "" {
		in.parentID = v
	}
	return in, b.result()
}

// accountListSpec: eq/like on the string fields (S1 and S2 agree),
// comparisons on id and the timestamps.
var accountListSpec = listSpec{
	ops: map[string]map[string]bool{
		"name": opSet("eq", "like"), "legal_name": opSet("eq", "like"),
		"registration_id": opSet("eq", "like"), "external_ref": opSet("eq", "like"),
		"id": timeOps, "created_at": timeOps, "updated_at": timeOps,
	},
	sorts: opSet("name"),
}

func (s *Server) handleAccountList(c *call) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := make([]row, 0, len(s.am.accounts))
	for _, a := range s.am.accounts {
		name := a.name
		rows = append(rows, row{id: a.id, seq: a.seq, created: a.createdAt, updated: a.updatedAt,
			fields: map[string]*string{"name": &name, "legal_name": cloneString(a.legalName),
				"registration_id": cloneString(a.registrationID), "external_ref": cloneString(a.externalRef)},
			render: func() map[string]any { return s.accountJSON(c, a) }})
	}
	return listResponse(c, rows, accountListSpec)
}

func registrationConflict(id string) *response {
	return amError(http.StatusConflict, fmt.Sprintf("an account with registration_id %q already exists", id), "/data/registration_id")
}

// handleAccountCreate: a duplicate registration_id is a 409 (the sources list
// both 409 and 422 without saying which); an unknown parent is a 404.
func (s *Server) handleAccountCreate(c *call) *response {
	in, errResp := parseAccountInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := ""
	if in.parentID != nil {
		if _, ok := s.am.accounts[*in.parentID]; !ok {
			return amError(http.StatusNotFound, fmt.Sprintf("parent account %s not found", *in.parentID), "/data/parent_id")
		}
		parent = *in.parentID
	}
	if in.regID != nil && *in.regID != "" {
		if _, dup := s.am.registrations[*in.regID]; dup {
			return registrationConflict(*in.regID)
		}
	}
	data, _ := decodeData(c.body) // parsed once already
	if errs := s.applyFlowValuesLocked("accounts", "", data, accountKeys, true); len(errs) > 0 {
		return unprocessableResponse(errs...)
	}
	a := s.createAccountLocked(*in.name, in.legalName, in.regID, in.externalRef, parent)
	_ = s.applyFlowValuesLocked("accounts", a.id, data, accountKeys, true)
	return jsonResponse(http.StatusCreated, map[string]any{"data": s.accountJSON(c, a)})
}

func (s *Server) createAccountLocked(name string, legal, regID, ext *string, parentID string) *account {
	now := nowMillis()
	a := &account{id: newUUID(), name: name, legalName: cloneString(legal), registrationID: cloneString(regID),
		externalRef: cloneString(ext), parentID: parentID, createdAt: now, updatedAt: now, seq: s.am.next()}
	s.am.accounts[a.id] = a
	if regID != nil && *regID != "" {
		s.am.registrations[*regID] = a.id
	}
	return a
}

// accountLocked finds an account, or the 404 to answer.
func (s *Server) accountLocked(id string) (*account, *response) {
	return objectLocked(s.am.accounts, "account", id)
}

func (s *Server) handleAccountGet(c *call, id string) *response {
	return getOne(s, c, func() (*account, *response) { return s.accountLocked(id) }, s.accountJSON)
}

// handleAccountUpdate is a partial PUT. parent_id is set only at create: S2
// marks it read-only, so a PUT that would change it is a 400 (sending the
// current parent again is harmless and ignored).
func (s *Server) handleAccountUpdate(c *call, id string) *response {
	in, errResp := parseAccountInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	return putOne(s, c, func() (*account, *response) { return s.accountLocked(id) }, func(a *account) *response {
		return s.updateAccountLocked(c, a, in)
	}, s.accountJSON)
}

// updateAccountLocked applies a PUT of the account, or gives the error to
// answer.
func (s *Server) updateAccountLocked(c *call, a *account, in accountInput) *response {
	if in.parentID != nil && *in.parentID != a.parentID {
		return amError(http.StatusBadRequest, "parent_id is read-only: an account's parent is set when it is created", "/data/parent_id")
	}
	// Checked first: a refused value changes nothing of the account.
	data, _ := decodeData(c.body)
	if errs := s.applyFlowValuesLocked("accounts", "", data, accountKeys, false); len(errs) > 0 {
		return unprocessableResponse(errs...)
	}
	if in.regSet {
		old := deref(a.registrationID)
		if in.regID != nil && *in.regID != "" && *in.regID != old {
			if _, dup := s.am.registrations[*in.regID]; dup {
				return registrationConflict(*in.regID)
			}
		}
		if old != "" && s.am.registrations[old] == a.id {
			delete(s.am.registrations, old)
		}
		a.registrationID = cloneString(in.regID)
		if in.regID != nil && *in.regID != "" {
			s.am.registrations[*in.regID] = a.id
		}
	}
	if in.name != nil {
		a.name = *in.name
	}
	if in.legalSet {
		a.legalName = cloneString(in.legalName)
	}
	if in.extSet {
		a.externalRef = cloneString(in.externalRef)
	}
	_ = s.applyFlowValuesLocked("accounts", a.id, data, accountKeys, false)
	a.updatedAt = nextUpdate(a.updatedAt)
	return nil
}

// handleAccountDelete deletes an account with its memberships. What the API
// does to sub-accounts is undocumented: the emulator refuses (409) to delete
// an account that still has sub-accounts, so that nothing is lost silently.
func (s *Server) handleAccountDelete(id string) *response {
	return deleteOne(s, func() (*account, *response) { return s.accountLocked(id) }, func(*account) *response {
		if s.hasChildrenLocked(id) {
			return amError(http.StatusConflict, fmt.Sprintf("account %s has sub-accounts; delete them first", id), "")
		}
		s.deleteAccountLocked(id)
		return nil
	})
}

func (s *Server) hasChildrenLocked(id string) bool {
	for _, a := range s.am.accounts {
		if a.parentID == id {
			return true
		}
	}
	return false
}

func (s *Server) deleteAccountLocked(id string) {
	a := s.am.accounts[id]
	if r := deref(a.registrationID); r != "" && s.am.registrations[r] == id {
		delete(s.am.registrations, r)
	}
	delete(s.am.accounts, id)
	s.dropFlowValuesLocked("accounts", id)
	for _, ms := range s.am.memberships {
		if ms.accountID == id {
			s.deleteMembershipLocked(ms)
		}
	}
	for tok, t := range s.am.memberTokens {
		if t.accountID == id {
			delete(s.am.memberTokens, tok)
		}
	}
}

// Accounts returns every account in the order they were created.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	return inCreationOrder(s.am.accounts, func(a *account) int64 { return a.seq }, (*account).snapshot)
}

// Account returns one account.
func (s *Server) Account(id string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	a, ok := s.am.accounts[id]
	if !ok {
		return Account{}, false
	}
	return a.snapshot(), true
}

// CreateAccount adds an account directly, as if made outside Terraform, with
// the API's rules (ErrConflict for a registration_id in use).
func (s *Server) CreateAccount(a Account) (Account, error) {
	if a.Name == "" || utf8.RuneCountInString(deref(a.RegistrationID)) > maxRegistrationIDLen || !validExternalRef(a.ExternalRef) {
		return Account{}, ErrInvalidInput
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ParentID != "" {
		if _, ok := s.am.accounts[a.ParentID]; !ok {
			return Account{}, ErrObjectNotFound
		}
	}
	if r := deref(a.RegistrationID); r != "" {
		if _, dup := s.am.registrations[r]; dup {
			return Account{}, ErrConflict
		}
	}
	return s.createAccountLocked(a.Name, a.LegalName, a.RegistrationID, a.ExternalRef, a.ParentID).snapshot(), nil
}

// UpdateAccount applies fn to a copy of the account and stores its Name,
// LegalName and ExternalRef (as if changed outside Terraform); fn runs
// without the lock held.
func (s *Server) UpdateAccount(id string, fn func(*Account)) error {
	cur, ok := s.Account(id)
	if !ok {
		return ErrObjectNotFound
	}
	fn(&cur)
	if cur.Name == "" || !validExternalRef(cur.ExternalRef) {
		return ErrInvalidInput
	}
	if !withObject(s, s.am.accounts, id, func(a *account) {
		a.name, a.legalName, a.externalRef = cur.Name, cloneString(cur.LegalName), cloneString(cur.ExternalRef)
		a.updatedAt = nextUpdate(a.updatedAt)
	}) {
		return ErrObjectNotFound
	}
	return nil
}

// DeleteAccount deletes an account and its memberships (sub-accounts too,
// unlike the API handler, so a test can clean up a tree in one call); it
// reports whether one existed.
func (s *Server) DeleteAccount(id string) bool {
	return withObject(s, s.am.accounts, id, func(*account) { s.deleteAccountTreeLocked(id) })
}

func (s *Server) deleteAccountTreeLocked(id string) {
	for _, a := range s.am.accounts {
		if a.parentID == id {
			s.deleteAccountTreeLocked(a.id)
		}
	}
	s.deleteAccountLocked(id)
}
