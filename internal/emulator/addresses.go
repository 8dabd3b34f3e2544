package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Address request kinds, recorded in Request.Kind and counted in Stats.ByKind
// (classifyAddress names them with crudKind).
const (
	KindAddressCreate = "address-create"
	KindAddressGet    = "address-get"
	KindAddressUpdate = "address-update"
	KindAddressDelete = "address-delete"
	KindAddressList   = "address-list"
)

// addressFieldNames are the string fields of an address, in the API's order.
var addressFieldNames = []string{
	"name", "first_name", "last_name", "company_name", "phone_number", "line_1", "line_2",
	"city", "county", "region", "postcode", "country", "instructions",
}

// DefaultAddressRequired are the fields every source agrees a store requires;
// SetAddressRequired adds others (the sources disagree on county, city
// and region).
var DefaultAddressRequired = []string{"first_name", "last_name", "line_1", "postcode", "country"}

// Address is a snapshot of a customer's saved address. Fields holds every
// field that is set, by its API name.
type Address struct {
	ID         string            `json:"id"`
	CustomerID string            `json:"customer_id"`
	Fields     map[string]string `json:"fields"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

type address struct {
	// seq orders a customer's addresses by creation, even within one
	// millisecond.
	seq                  int64
	id                   string
	fields               map[string]string
	createdAt, updatedAt time.Time
}

func (a *address) snapshot(customerID string) Address {
	f := make(map[string]string, len(a.fields))
	for k, v := range a.fields {
		f[k] = v
	}
	return Address{ID: a.id, CustomerID: customerID, Fields: f, CreatedAt: a.createdAt, UpdatedAt: a.updatedAt}
}

// addressJSON is the wire shape of an address: attributes under data, as
// for customers, plus links and the owning customer.
func addressJSON(host string, a Address) map[string]any {
	j := map[string]any{"type": "address", "id": a.ID}
	for _, k := range addressFieldNames {
		if v, ok := a.Fields[k]; ok {
			j[k] = v
		} else {
			j[k] = nil
		}
	}
	j["links"] = map[string]any{"self": "http://" + host + "/v2/customers/" + a.CustomerID + "/addresses/" + a.ID}
	j["meta"] = map[string]any{"timestamps": map[string]string{
		"created_at": a.CreatedAt.UTC().Format(timestampLayout),
		"updated_at": a.UpdatedAt.UTC().Format(timestampLayout),
	}}
	j["relationships"] = map[string]any{"customer": map[string]any{"data": map[string]string{"type": "customer", "id": a.CustomerID}}}
	return j
}

// SetAddressRequired replaces the extra fields that the store insists on in
// an address, beyond DefaultAddressRequired (such as "county" or "region"):
// the sources disagree on what a store requires. (A setter rather than a
// Config field keeps Config comparable.)
func (s *Server) SetAddressRequired(fields ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addressRequired = append([]string(nil), fields...)
}

func (s *Server) isAddressRequired(field string) bool {
	for _, f := range DefaultAddressRequired {
		if f == field {
			return true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.addressRequired {
		if f == field {
			return true
		}
	}
	return false
}

// addressInput is the fields sent: set holds the strings, cleared the keys
// sent as null.
type addressInput struct {
	id      string
	set     map[string]string
	cleared map[string]bool
}

// parseAddressInput validates a create (every required field present) or
// an update (a required field may be left out, never sent null or empty).
func (s *Server) parseAddressInput(body []byte, create bool) (addressInput, *response) {
	in := addressInput{set: map[string]string{}, cleared: map[string]bool{}}
	data, errResp := decodeData(body)
	if errResp != nil {
		return in, errResp
	}
	var errs []apiError
	if e := checkType(data, "address"); e != nil {
		errs = append(errs, *e)
	}
	if !create {
		if v, present, _, e := stringField(data, "id"); e != nil {
			errs = append(errs, *e)
		} else if present {
			in.id = v
		}
	}
	for _, k := range addressFieldNames {
		v, present, null, e := stringField(data, k)
		switch {
		case e != nil:
			errs = append(errs, *e)
		case present && !null && strings.TrimSpace(v) != "":
			if k == "country" && !validCountry(v) {
				errs = append(errs, badRequest("country must be a two-letter ISO 3166-1 alpha-2 code such as GB", "/data/country"))
				continue
			}
			in.set[k] = v
		case s.isAddressRequired(k) && (present || create):
			errs = append(errs, badRequest(k+" is required", "/data/"+k))
		case present:
			in.cleared[k] = true
		}
	}
	if len(errs) > 0 {
		return in, errorsResponse(http.StatusBadRequest, errs)
	}
	return in, nil
}

func validCountry(v string) bool {
	if len(v) != 2 {
		return false
	}
	for _, r := range v {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

func addressNotFound(id string) *response {
	return notFound(fmt.Sprintf("address %s not found", id))
}

// routeAddresses serves /v2/customers/:id/addresses[/:addressId]; rest is
// what follows "addresses" in the path.
func (s *Server) routeAddresses(c *call, customerID, rest string) *response {
	id, collection, ok := addressTarget(rest)
	if !ok {
		return notFound("no route for " + c.r.URL.Path)
	}
	return crud{
		list:   func() *response { return s.handleAddressList(c, customerID) },
		create: func() *response { return s.handleAddressCreate(c, customerID) },
		get:    func() *response { return s.handleAddressGet(c, customerID, id) },
		put:    func() *response { return s.handleAddressUpdate(c, customerID, id) },
		del:    func() *response { return s.handleAddressDelete(customerID, id) },
	}.serve(c.r.Method, collection)
}

// addressTarget reads what follows …/addresses: the collection ("" or "/")
// or one address ("/id"); ok is false for any other path.
func addressTarget(rest string) (id string, collection, ok bool) {
	switch {
	case rest == "" || rest == "/":
		return "", true, true
	case strings.Count(rest, "/") == 1:
		return strings.TrimPrefix(rest, "/"), false, true
	}
	return "", false, false
}

func (s *Server) handleAddressList(c *call, customerID string) *response {
	list, ok := s.Addresses(customerID)
	if !ok {
		return customerNotFound(customerID)
	}
	data := make([]map[string]any, 0, len(list))
	for _, a := range list {
		data = append(data, addressJSON(c.r.Host, a))
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": data})
}

func (s *Server) handleAddressCreate(c *call, customerID string) *response {
	in, errResp := s.parseAddressInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	a, err := s.CreateAddress(customerID, in.set)
	if err != nil {
		return customerNotFound(customerID)
	}
	return jsonResponse(http.StatusCreated, map[string]any{"data": addressJSON(c.r.Host, a)})
}

func (s *Server) handleAddressGet(c *call, customerID, id string) *response {
	if _, ok := s.Customer(customerID); !ok {
		return customerNotFound(customerID)
	}
	a, ok := s.Address(customerID, id)
	if !ok {
		return addressNotFound(id)
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": addressJSON(c.r.Host, a)})
}

func (s *Server) handleAddressUpdate(c *call, customerID, id string) *response {
	in, errResp := s.parseAddressInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	if in.id != "" && in.id != id {
		return errorsResponse(http.StatusBadRequest, []apiError{badRequest("id does not match the address in the path", "/data/id")})
	}
	if _, ok := s.Customer(customerID); !ok {
		return customerNotFound(customerID)
	}
	err := s.UpdateAddress(customerID, id, func(fields map[string]string) {
		for k, v := range in.set {
			fields[k] = v
		}
		for k := range in.cleared {
			delete(fields, k)
		}
	})
	if err != nil {
		return addressNotFound(id)
	}
	a, _ := s.Address(customerID, id)
	return jsonResponse(http.StatusOK, map[string]any{"data": addressJSON(c.r.Host, a)})
}

func (s *Server) handleAddressDelete(customerID, id string) *response {
	if _, ok := s.Customer(customerID); !ok {
		return customerNotFound(customerID)
	}
	if !s.DeleteAddress(customerID, id) {
		return addressNotFound(id)
	}
	return noContent()
}

// Addresses returns a customer's addresses in the order they were created; ok is false when
// the customer does not exist.
func (s *Server) Addresses(customerID string) ([]Address, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[customerID]
	if !ok {
		return nil, false
	}
	list := make([]*address, 0, len(c.addresses))
	for _, a := range c.addresses {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	out := make([]Address, len(list))
	for i, a := range list {
		out[i] = a.snapshot(customerID)
	}
	return out, true
}

// Address returns one address of a customer.
func (s *Server) Address(customerID, id string) (Address, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[customerID]
	if !ok {
		return Address{}, false
	}
	a, ok := c.addresses[id]
	if !ok {
		return Address{}, false
	}
	return a.snapshot(customerID), true
}

// CreateAddress adds an address directly, as if saved outside Terraform.
// Fields are taken as given (the API's validation is the handler's).
func (s *Server) CreateAddress(customerID string, fields map[string]string) (Address, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[customerID]
	if !ok {
		return Address{}, ErrNotFound
	}
	now := nowMillis()
	s.addressSeq++
	a := &address{seq: s.addressSeq, id: newUUID(), fields: map[string]string{}, createdAt: now, updatedAt: now}
	for k, v := range fields {
		a.fields[k] = v
	}
	if c.addresses == nil {
		c.addresses = map[string]*address{}
	}
	c.addresses[a.id] = a
	return a.snapshot(customerID), nil
}

// UpdateAddress changes an address's fields in place through fn (as if
// changed outside Terraform) and bumps its updated_at.
func (s *Server) UpdateAddress(customerID, id string, fn func(fields map[string]string)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[customerID]
	if !ok {
		return ErrNotFound
	}
	a, ok := c.addresses[id]
	if !ok {
		return ErrNotFound
	}
	fn(a.fields)
	a.updatedAt = nextUpdate(a.updatedAt)
	return nil
}

// DeleteAddress removes an address; it reports whether one existed.
func (s *Server) DeleteAddress(customerID, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[customerID]
	if !ok {
		return false
	}
	if _, ok := c.addresses[id]; !ok {
		return false
	}
	delete(c.addresses, id)
	return true
}

// splitAddressPath splits /v2/customers/:id/addresses[/…] into the customer
// id and what follows "addresses".
func splitAddressPath(path string) (customerID, rest string, ok bool) {
	tail, found := strings.CutPrefix(path, "/v2/customers/")
	if !found {
		return "", "", false
	}
	customerID, rest, found = strings.Cut(tail, "/")
	if !found || customerID == "" || customerID == "tokens" {
		return "", "", false
	}
	rest, found = strings.CutPrefix(rest, "addresses")
	if !found || (rest != "" && rest[0] != '/') {
		return "", "", false
	}
	return customerID, rest, true
}

func isAddressPath(path string) bool {
	_, _, ok := splitAddressPath(path)
	return ok
}

func classifyAddress(method, path string) string {
	_, rest, _ := splitAddressPath(path)
	_, collection, ok := addressTarget(rest)
	if !ok {
		return KindOther
	}
	return crudKind("address", method, collection)
}
