package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

const maxExternalRefLen = 2048

// Errors returned by the direct store methods.
var (
	ErrNotFound       = errors.New("customer not found")
	ErrDuplicateEmail = errors.New("a customer with this email already exists")
	ErrInvalid        = errors.New("invalid customer")
)

// Customer is a snapshot of a stored customer; it never holds password
// material, only whether a password is set.
type Customer struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	ExternalRef *string   `json:"external_ref"`
	HasPassword bool      `json:"has_password"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type customer struct {
	id, name, email      string
	externalRef          *string
	salt                 []byte
	passwordHash         []byte // sha256(salt || password); nil when no password is set
	createdAt, updatedAt time.Time
	// addresses go with their customer: deleting it deletes them.
	addresses map[string]*address
}

func (c *customer) snapshot() Customer {
	return Customer{
		ID:          c.id,
		Name:        c.name,
		Email:       c.email,
		ExternalRef: cloneString(c.externalRef),
		HasPassword: c.passwordHash != nil,
		CreatedAt:   c.createdAt,
		UpdatedAt:   c.updatedAt,
	}
}

func (c *customer) setPassword(password string) {
	if password == "" {
		c.salt, c.passwordHash = nil, nil
		return
	}
	c.salt = make([]byte, 16)
	_, _ = rand.Read(c.salt)
	c.passwordHash = hashPassword(c.salt, password)
}

func (c *customer) passwordMatches(password string) bool {
	if c.passwordHash == nil {
		return false
	}
	return subtle.ConstantTimeCompare(hashPassword(c.salt, password), c.passwordHash) == 1
}

func hashPassword(salt []byte, password string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(password))
	return h.Sum(nil)
}

// touch bumps UpdatedAt, strictly later than before so that a change is
// always observable even within the same millisecond.
func (c *customer) touch() { c.updatedAt = nextUpdate(c.updatedAt) }

// nextUpdate is now, or just after prev should now not be later.
func nextUpdate(prev time.Time) time.Time {
	now := nowMillis()
	if !now.After(prev) {
		now = prev.Add(time.Millisecond)
	}
	return now
}

// nowMillis is the current UTC time at the millisecond precision the API
// reports, so stored values equal what clients see and filter on.
func nowMillis() time.Time {
	return time.Now().UTC().Truncate(time.Millisecond)
}

func cloneString(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func validName(name string) bool { return strings.TrimSpace(name) != "" }

// validEmail accepts a bare address only: no display name, no angle brackets,
// no surrounding spaces.
func validEmail(email string) bool {
	addr, err := mail.ParseAddress(email)
	return err == nil && addr.Name == "" && addr.Address == email
}

func validExternalRef(ref *string) bool {
	return ref == nil || utf8.RuneCountInString(*ref) <= maxExternalRefLen
}

// Customers returns every customer sorted by CreatedAt then ID.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	out := make([]Customer, 0, len(s.customers))
	for _, c := range s.customers {
		out = append(out, c.snapshot())
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Customer returns the customer with the given id.
func (s *Server) Customer(id string) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return Customer{}, false
	}
	return c.snapshot(), true
}

// CreateCustomer adds a customer directly, as if created outside Terraform.
// It applies the API's validation and duplicate-email rules; an empty
// password means none is set.
func (s *Server) CreateCustomer(name, email, password string, externalRef *string) (Customer, error) {
	switch {
	case !validName(name):
		return Customer{}, fmt.Errorf("%w: name is required", ErrInvalid)
	case !validEmail(email):
		return Customer{}, fmt.Errorf("%w: email is not a valid address", ErrInvalid)
	case !validExternalRef(externalRef):
		return Customer{}, fmt.Errorf("%w: external_ref exceeds %d characters", ErrInvalid, maxExternalRefLen)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.createLocked(name, email, password, externalRef)
	if err != nil {
		return Customer{}, err
	}
	return c.snapshot(), nil
}

func (s *Server) createLocked(name, email, password string, externalRef *string) (*customer, error) {
	key := strings.ToLower(email)
	if _, dup := s.byEmail[key]; dup {
		return nil, fmt.Errorf("%w: %s", ErrDuplicateEmail, email)
	}
	now := nowMillis()
	c := &customer{id: newUUID(), name: name, email: email, externalRef: cloneString(externalRef), createdAt: now, updatedAt: now}
	c.setPassword(password)
	s.customers[c.id] = c
	s.byEmail[key] = c.id
	return c, nil
}

// UpdateCustomer applies fn to a copy of the customer and stores the changed
// Name, Email and ExternalRef (other fields are ignored). fn runs without any
// lock held, so it may call other Server methods.
func (s *Server) UpdateCustomer(id string, fn func(c *Customer)) error {
	cur, ok := s.Customer(id)
	if !ok {
		return ErrNotFound
	}
	fn(&cur)
	switch {
	case !validName(cur.Name):
		return fmt.Errorf("%w: name is required", ErrInvalid)
	case !validEmail(cur.Email):
		return fmt.Errorf("%w: email is not a valid address", ErrInvalid)
	case !validExternalRef(cur.ExternalRef):
		return fmt.Errorf("%w: external_ref exceeds %d characters", ErrInvalid, maxExternalRefLen)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return ErrNotFound
	}
	if err := s.changeEmailLocked(c, cur.Email); err != nil {
		return err
	}
	c.name = cur.Name
	c.externalRef = cloneString(cur.ExternalRef)
	c.touch()
	return nil
}

// changeEmailLocked re-keys the email index; changing only the case of the
// customer's own email is not a conflict.
func (s *Server) changeEmailLocked(c *customer, email string) error {
	oldKey, newKey := strings.ToLower(c.email), strings.ToLower(email)
	if newKey != oldKey {
		if _, dup := s.byEmail[newKey]; dup {
			return fmt.Errorf("%w: %s", ErrDuplicateEmail, email)
		}
		delete(s.byEmail, oldKey)
		s.byEmail[newKey] = c.id
	}
	c.email = email
	return nil
}

// SetPassword sets (or, with "", clears) a customer's password.
func (s *Server) SetPassword(id, password string) error {
	if !withObject(s, s.customers, id, func(c *customer) {
		c.setPassword(password)
		c.touch()
	}) {
		return ErrNotFound
	}
	return nil
}

// DeleteCustomer removes a customer; it reports whether one existed.
func (s *Server) DeleteCustomer(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteLocked(id)
}

func (s *Server) deleteLocked(id string) bool {
	c, ok := s.customers[id]
	if !ok {
		return false
	}
	delete(s.customers, id)
	delete(s.byEmail, strings.ToLower(c.email))
	s.dropFlowValuesLocked("customers", id)
	return true
}

// CheckPassword reports whether the customer with that email (compared
// case-insensitively) has exactly that password.
func (s *Server) CheckPassword(email, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.findByPasswordLocked(email, password) != nil
}

func (s *Server) findByPasswordLocked(email, password string) *customer {
	id, ok := s.byEmail[strings.ToLower(email)]
	if !ok {
		return nil
	}
	c := s.customers[id]
	if !c.passwordMatches(password) {
		return nil
	}
	return c
}

// ExpireTokens invalidates every access token issued so far; later requests
// using them get 401, as after a real expiry.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, t := range s.accessTokens {
		t.expires = now
		s.accessTokens[k] = t
	}
}

// IssuedTokens returns every access token, customer token and account member
// token issued so far, expired ones included, so that leak tests can search
// logs and state for them.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.accessTokens)+len(s.customerTokens))
	for tok := range s.accessTokens {
		out = append(out, tok)
	}
	for tok := range s.customerTokens {
		out = append(out, tok)
	}
	out = append(out, s.am.issuedMemberTokens...)
	sort.Strings(out)
	return out
}
