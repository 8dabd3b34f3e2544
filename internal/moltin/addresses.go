package moltin

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AddressFields are the fields of a customer's saved address. All are
// strings; "" means unset (the API answers null or "" for those).
type AddressFields struct {
	Name         string `json:"name"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	CompanyName  string `json:"company_name"`
	PhoneNumber  string `json:"phone_number"`
	Line1        string `json:"line_1"`
	Line2        string `json:"line_2"`
	City         string `json:"city"`
	County       string `json:"county"`
	Region       string `json:"region"`
	Postcode     string `json:"postcode"`
	Country      string `json:"country"`
	Instructions string `json:"instructions"`
}

// Address is a saved address as the API returns it.
type Address struct {
	ID string
	AddressFields
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AddressField is one field of AddressFields: its JSON name, which the
// provider's attribute of the same field takes too, and where its value is.
type AddressField struct {
	Key   string
	Value *string
}

// Fields names every field of f once, in the API's order: request bodies
// and comparisons here, and the provider's schema and model mapping, all go
// through this table.
func (f *AddressFields) Fields() []AddressField {
	return []AddressField{
		{"name", &f.Name}, {"first_name", &f.FirstName}, {"last_name", &f.LastName},
		{"company_name", &f.CompanyName}, {"phone_number", &f.PhoneNumber},
		{"line_1", &f.Line1}, {"line_2", &f.Line2}, {"city", &f.City}, {"county", &f.County},
		{"region", &f.Region}, {"postcode", &f.Postcode}, {"country", &f.Country},
		{"instructions", &f.Instructions},
	}
}

// Equal reports whether two sets of fields are the same; the country code
// is compared without regard to case.
func (f AddressFields) Equal(o AddressFields) bool {
	a, b := f.Fields(), o.Fields()
	for i := range a {
		if *a[i].Value != *b[i].Value && (a[i].Key != "country" || !strings.EqualFold(*a[i].Value, *b[i].Value)) {
			return false
		}
	}
	return true
}

// body is the request body of a create (unset fields left out) or, with
// id set, of an update: every field, unset ones as null, so that the PUT is
// right whether the store reads it as a partial or as a full update.
func (f AddressFields) body(id string) map[string]any {
	data := map[string]any{"type": "address"}
	if id != "" {
		data["id"] = id
	}
	for _, fl := range f.Fields() {
		switch {
		case *fl.Value != "":
			data[fl.Key] = *fl.Value
		case id != "":
			data[fl.Key] = nil
		}
	}
	return map[string]any{"data": data}
}

type wireAddress struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	AddressFields
	Meta wireMeta `json:"meta"`
}

// addressDoc reads one address with or without the `data` wrapper: the
// reference pages show it bare, the OpenAPI file and SDK wrapped.
type addressDoc struct {
	wireAddress
}

func (d *addressDoc) UnmarshalJSON(b []byte) error {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if data := bytes.TrimSpace(env.Data); len(data) > 0 && data[0] == '{' {
		b = data
	}
	return json.Unmarshal(b, &d.wireAddress)
}

func (w *wireAddress) address() (Address, error) {
	a := Address{ID: w.ID, AddressFields: w.AddressFields}
	var err error
	a.CreatedAt, a.UpdatedAt, err = w.Meta.stamps("an address", a.ID)
	return a, err
}

func decodeAddress(raw []byte) (Address, error) {
	var doc addressDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return Address{}, err
	}
	return doc.address()
}

func addressesPath(customerID string) string { return customerPath(customerID) + "/addresses" }

func addressPath(customerID, addressID string) string {
	return objectPath(addressesPath(customerID), addressID)
}

// CreateAddress saves a new address for a customer with one POST. A POST of
// unknown outcome is not sent again before the customer's addresses are
// looked through for one with the same fields (the newest such, should
// there be several, that this process did not make or take): found, it is
// adopted.
func (c *Client) CreateAddress(ctx context.Context, customerID string, in AddressFields) (Address, error) {
	a, _, err := c.createAddress(ctx, customerID, in, false)
	return a, err
}

// CreateOrAdoptAddress is CreateAddress, except that with the provider's
// adopt_existing_customers (Config.AdoptExistingCustomers) it first looks
// through the customer's addresses for one that a killed run may have left
// (see AdoptableAddress), and takes it over instead, with one PUT if any
// field differs; adopted says so. The addresses of a customer that this
// process created are not looked through: none can be left over.
//
// Every create of an address, the customer's nested addresses' included,
// must go through CreateAddress or this, so that no adoption takes an
// address that another create of this process made.
func (c *Client) CreateOrAdoptAddress(ctx context.Context, customerID string, in AddressFields) (_ Address, adopted bool, _ error) {
	adopt := c.adopt && !localCreates.madeHere(c.base.String(), customerID)
	return c.createAddress(ctx, customerID, in, adopt)
}

func (c *Client) createAddress(ctx context.Context, customerID string, in AddressFields, adopt bool) (Address, bool, error) {
	return createChild(ctx, childCreate[Address]{
		what:   "address",
		parent: c.base.String() + addressesPath(customerID),
		id:     func(a Address) string { return a.ID },
		adopt:  adopt,
		list: func(ctx context.Context) ([]Address, error) {
			list, err := c.ListAddresses(ctx, customerID)
			newestFirst(list)
			return list, err
		},
		rank: func(a Address) (int, bool) { return AdoptableAddress(a.AddressFields, in) },
		update: func(ctx context.Context, a Address) (Address, error) {
			return c.UpdateAddress(ctx, customerID, a.ID, in)
		},
		create: func(ctx context.Context, known func(string) bool) (Address, error) {
			return createOnce(ctx, c, createFlow[Address]{
				what:   "address",
				path:   addressesPath(customerID),
				body:   in.body(""),
				decode: decodeAddress,
				find: func(ctx context.Context) (Address, bool, error) {
					list, err := c.ListAddresses(ctx, customerID)
					if err != nil {
						return Address{}, false, err
					}
					newestFirst(list)
					for _, a := range list {
						if a.Equal(in) && !known(a.ID) {
							return a, true, nil
						}
					}
					return Address{}, false, nil
				},
				logID: func(a Address) map[string]any { return map[string]any{"customer_id": customerID, "address_id": a.ID} },
			})
		},
	})
}

func newestFirst(list []Address) {
	slices.SortStableFunc(list, func(a, b Address) int { return b.CreatedAt.Compare(a.CreatedAt) })
}

// AdoptableAddress says whether a customer's existing address may be taken
// over for a create of want: rank 0 if not; higher ranks fit better. With a
// name, only an address of the same name fits; without one, an address
// without a name either and with the same required fields (first_name,
// last_name, line_1, postcode, country). A named address never fits an
// unnamed create: it is more likely another resource's than a leftover of
// this one. exact: nothing differs, so no update is needed.
func AdoptableAddress(existing, want AddressFields) (rank int, exact bool) {
	if existing.Equal(want) {
		return 2, true
	}
	if existing.Name != want.Name {
		return 0, false
	}
	if want.Name != "" {
		return 1, false
	}
	same := existing.FirstName == want.FirstName && existing.LastName == want.LastName &&
		existing.Line1 == want.Line1 && existing.Postcode == want.Postcode &&
		strings.EqualFold(existing.Country, want.Country)
	if !same {
		return 0, false
	}
	return 1, false
}

// GetAddress reads one address; a missing address or customer is an
// *APIError for which IsNotFound is true.
func (c *Client) GetAddress(ctx context.Context, customerID, addressID string) (Address, error) {
	var doc addressDoc
	if err := c.do(ctx, http.MethodGet, addressPath(customerID, addressID), nil, nil, &doc); err != nil {
		return Address{}, err
	}
	return doc.address()
}

// UpdateAddress sends every field with one PUT (see AddressFields.body) and
// returns the address.
func (c *Client) UpdateAddress(ctx context.Context, customerID, addressID string, in AddressFields) (Address, error) {
	var doc addressDoc
	if err := c.do(ctx, http.MethodPut, addressPath(customerID, addressID), nil, in.body(addressID), &doc); err != nil {
		return Address{}, err
	}
	return doc.address()
}

// DeleteAddress deletes an address; one already gone (or whose customer is
// gone) is no error.
func (c *Client) DeleteAddress(ctx context.Context, customerID, addressID string) error {
	_, err := c.deleteObject(ctx, addressPath(customerID, addressID))
	return err
}

// Addresses walks a customer's addresses lazily, up to opts.Limit (opts.Filters
// and opts.Sort are not for this endpoint). It sends page[limit] and
// page[offset], and is right whether the endpoint pages or, as documented,
// answers every address at once. A missing customer is a not-found *APIError.
func (c *Client) Addresses(ctx context.Context, customerID string, opts ListOptions) iter.Seq2[Address, error] {
	return listPages(ctx, c, addressesPath(customerID), opts, (*wireAddress).address)
}

// ListAddresses returns every address of a customer, in the API's order. The
// endpoint is not paged; a missing customer is a not-found *APIError.
func (c *Client) ListAddresses(ctx context.Context, customerID string) ([]Address, error) {
	var doc struct {
		Data []wireAddress `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, addressesPath(customerID), nil, nil, &doc); err != nil {
		return nil, err
	}
	out := make([]Address, 0, len(doc.Data))
	for i := range doc.Data {
		a, err := doc.Data[i].address()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
