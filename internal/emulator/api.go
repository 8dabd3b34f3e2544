package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

func (s *Server) route(c *call) *response {
	if c.bodyErr != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(c.bodyErr, &tooLarge) {
			return errorResponse(http.StatusRequestEntityTooLarge, "Request Entity Too Large", "request body is too large")
		}
		return errorsResponse(http.StatusBadRequest, []apiError{badRequest("could not read request body", "")})
	}
	r := c.r
	path := r.URL.Path
	switch {
	case path == "/oauth/access_token":
		if r.Method != http.MethodPost {
			return methodNotAllowed(http.MethodPost)
		}
		return s.handleAccessToken(c)
	case strings.HasPrefix(path, "/v2/"):
	default:
		return notFound("no route for " + path)
	}

	grant, errResp := s.authenticate(r)
	if errResp != nil {
		return errResp
	}
	if resp, ok := s.routeAM(c, grant); ok {
		return resp
	}

	switch {
	case isFlowPath(path):
		return s.routeFlows(c, grant)
	case path == "/v2/customers" || path == "/v2/customers/":
		if grant != "client_credentials" {
			return forbidden("this token cannot manage customers; use a client_credentials token")
		}
		switch r.Method {
		case http.MethodGet:
			return s.handleList(c)
		case http.MethodPost:
			return s.handleCreate(c)
		}
		return methodNotAllowed("GET, POST")
	case path == "/v2/customers/tokens" && r.Method == http.MethodPost:
		return s.handleCustomerToken(c)
	case strings.HasPrefix(path, "/v2/customers/"):
		id := strings.TrimPrefix(path, "/v2/customers/")
		if customerID, rest, ok := splitAddressPath(path); ok {
			if errResp := s.authorizeCustomer(r, grant, customerID); errResp != nil {
				return errResp
			}
			return s.routeAddresses(c, customerID, rest)
		}
		if strings.Contains(id, "/") {
			return notFound("no route for " + path)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodPut && r.Method != http.MethodDelete {
			return methodNotAllowed("GET, PUT, DELETE")
		}
		if errResp := s.authorizeCustomer(r, grant, id); errResp != nil {
			return errResp
		}
		switch r.Method {
		case http.MethodGet:
			return s.handleGet(id)
		case http.MethodPut:
			return s.handleUpdate(c, id)
		default:
			return s.handleDelete(id)
		}
	}
	return notFound("no route for " + path)
}

// crud holds the handlers of a collection (list, create) and of one of its
// objects (get, put, del).
type crud struct {
	list, create  func() *response
	get, put, del func() *response
}

// serve calls the handler of the method, or answers 405 with the methods
// the path takes.
func (h crud) serve(method string, collection bool) *response {
	if collection {
		switch method {
		case http.MethodGet:
			return h.list()
		case http.MethodPost:
			return h.create()
		}
		return methodNotAllowed("GET, POST")
	}
	switch method {
	case http.MethodGet:
		return h.get()
	case http.MethodPut:
		return h.put()
	case http.MethodDelete:
		return h.del()
	}
	return methodNotAllowed("GET, PUT, DELETE")
}

// crudKind is the request kind of a method on a collection or one object of
// area, as crud.serve routes it: area-list, area-create, area-get,
// area-update or area-delete; KindOther for a method it refuses.
func crudKind(area, method string, collection bool) string {
	verb := ""
	switch {
	case collection && method == http.MethodGet:
		verb = "list"
	case collection && method == http.MethodPost:
		verb = "create"
	case !collection && method == http.MethodGet:
		verb = "get"
	case !collection && method == http.MethodPut:
		verb = "update"
	case !collection && method == http.MethodDelete:
		verb = "delete"
	default:
		return KindOther
	}
	return area + "-" + verb
}

// authenticate checks the bearer token and returns its grant type.
func (s *Server) authenticate(r *http.Request) (string, *response) {
	auth := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(auth, " ")
	if auth == "" {
		return "", unauthorized("missing Authorization header; expected a Bearer access token")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", unauthorized("Authorization header must be of the form 'Bearer <access_token>'")
	}
	s.mu.Lock()
	t, found := s.accessTokens[strings.TrimSpace(tok)]
	s.mu.Unlock()
	if !found {
		return "", unauthorized("invalid access token")
	}
	if !time.Now().Before(t.expires) {
		return "", unauthorized("access token expired")
	}
	return t.grant, nil
}

// authorizeCustomer enforces X-Moltin-Customer-Token: when present it must be
// a live token of the very customer addressed. Without it only a
// client_credentials token may act on customers.
func (s *Server) authorizeCustomer(r *http.Request, grant, id string) *response {
	ct := r.Header.Get("X-Moltin-Customer-Token")
	if ct == "" {
		if grant != "client_credentials" {
			return forbidden("this token cannot manage customers without a customer token")
		}
		return nil
	}
	s.mu.Lock()
	t, ok := s.customerTokens[ct]
	s.mu.Unlock()
	if !ok || !time.Now().Before(t.expires) || t.customerID != id {
		return forbidden("customer token is not valid for this customer")
	}
	return nil
}

func (s *Server) handleAccessToken(c *call) *response {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return errorsResponse(http.StatusBadRequest, []apiError{badRequest("request body must be form-encoded", "")})
	}
	grant := form.Get("grant_type")
	switch grant {
	case "client_credentials":
		if !equalSecret(form.Get("client_id"), s.clientID) || !equalSecret(form.Get("client_secret"), s.clientSecret) {
			return unauthorized("invalid client credentials")
		}
	case "implicit":
		if !equalSecret(form.Get("client_id"), s.clientID) {
			return unauthorized("invalid client credentials")
		}
	case "":
		return errorsResponse(http.StatusBadRequest, []apiError{badRequest("grant_type is required", "")})
	default:
		return errorsResponse(http.StatusBadRequest, []apiError{badRequest("unsupported grant_type; use client_credentials or implicit", "")})
	}

	tok := randomHex(20)
	expires := time.Now().Add(s.tokenLifetime)
	s.mu.Lock()
	s.accessTokens[tok] = accessToken{expires: expires, grant: grant}
	s.mu.Unlock()
	s.countTokenIssued()
	return jsonResponse(http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int64(math.Ceil(s.tokenLifetime.Seconds())),
		"expires":      expires.Unix(),
		"identifier":   grant,
	})
}

func equalSecret(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// customerJSON is the legacy JSON:API wire shape of a customer.
type customerJSON struct {
	Type        string  `json:"type"`
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Email       string  `json:"email"`
	Password    bool    `json:"password"`
	ExternalRef *string `json:"external_ref"`
	Meta        struct {
		Timestamps struct {
			CreatedAt string `json:"created_at"`
			UpdatedAt string `json:"updated_at"`
		} `json:"timestamps"`
	} `json:"meta"`
	// flowValues are the customers flow's fields, top-level keys of data.
	flowValues map[string]any
}

// MarshalJSON adds the flow's fields to the customer's own keys.
func (j customerJSON) MarshalJSON() ([]byte, error) {
	type plain customerJSON
	b := marshal(plain(j))
	if len(j.flowValues) == 0 {
		return b, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range j.flowValues {
		if _, own := m[k]; !own {
			m[k] = v
		}
	}
	return marshal(m), nil
}

// customerKeys are the customer's own keys of a body; the others are its
// flow's fields.
var customerKeys = map[string]bool{"type": true, "id": true, "name": true, "email": true, "password": true,
	"external_ref": true, "meta": true, "links": true, "relationships": true}

func toJSON(c Customer) customerJSON {
	j := customerJSON{Type: "customer", ID: c.ID, Name: c.Name, Email: c.Email, Password: c.HasPassword, ExternalRef: c.ExternalRef}
	j.Meta.Timestamps.CreatedAt = c.CreatedAt.UTC().Format(timestampLayout)
	j.Meta.Timestamps.UpdatedAt = c.UpdatedAt.UTC().Format(timestampLayout)
	return j
}

func customerResponse(status int, c Customer, flowValues map[string]any) *response {
	j := toJSON(c)
	j.flowValues = flowValues
	return jsonResponse(status, map[string]any{"data": j})
}

func customerNotFound(id string) *response {
	return notFound(fmt.Sprintf("customer %s not found", id))
}

func conflict(email string) *response {
	return errorResponse(http.StatusConflict, "Conflict", fmt.Sprintf("a customer with email %s already exists", email))
}

// decodeData parses {"data":{...}} into its raw members, so that an absent key
// can be told apart from an explicit null (needed for partial updates).
func decodeData(body []byte) (map[string]json.RawMessage, *response) {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, errorsResponse(http.StatusBadRequest, []apiError{badRequest("request body is not valid JSON", "")})
	}
	raw := bytes.TrimSpace(env.Data)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errorsResponse(http.StatusBadRequest, []apiError{badRequest("data must be an object", "/data")})
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, errorsResponse(http.StatusBadRequest, []apiError{badRequest("data must be an object", "/data")})
	}
	return data, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// stringField reads data[key] as a string. present reports the key was sent;
// null reports it was sent as JSON null.
func stringField(data map[string]json.RawMessage, key string) (val string, present, null bool, e *apiError) {
	raw, ok := data[key]
	if !ok {
		return "", false, false, nil
	}
	if isNull(raw) {
		return "", true, true, nil
	}
	if err := json.Unmarshal(raw, &val); err != nil {
		be := badRequest(key+" must be a string", "/data/"+key)
		return "", true, false, &be
	}
	return val, true, false, nil
}

// errList collects the validation errors of a body.
type errList []apiError

// add appends the errors that are not nil.
func (l *errList) add(errs ...*apiError) {
	for _, e := range errs {
		if e != nil {
			*l = append(*l, *e)
		}
	}
}

// decodeTyped is decodeData for a body whose data.type must be want; a wrong
// or missing type is the first error of the list.
func decodeTyped(body []byte, want string) (map[string]json.RawMessage, errList, *response) {
	data, errResp := decodeData(body)
	if errResp != nil {
		return nil, nil, errResp
	}
	var errs errList
	errs.add(checkType(data, want))
	return data, errs, nil
}

func checkType(data map[string]json.RawMessage, want string) *apiError {
	typ, present, null, e := stringField(data, "type")
	if e != nil {
		return e
	}
	if !present || null {
		be := badRequest("type is required and must be \""+want+"\"", "/data/type")
		return &be
	}
	if typ != want {
		be := badRequest("type must be \""+want+"\"", "/data/type")
		return &be
	}
	return nil
}

// customerInput holds the fields of a create or update body; nil means absent.
type customerInput struct {
	name, email, password *string
	externalRefSet        bool
	externalRef           *string
}

func parseCustomerInput(body []byte, create bool) (customerInput, *response) {
	var in customerInput
	data, errs, errResp := decodeTyped(body, "customer")
	if errResp != nil {
		return in, errResp
	}

	if v, present, null, e := stringField(data, "name"); e != nil {
		errs.add(e)
	} else if present && !null && validName(v) {
		in.name = &v
	} else if present || create {
		errs = append(errs, badRequest("name is required and must not be empty", "/data/name"))
	}

	if v, present, null, e := stringField(data, "email"); e != nil {
		errs.add(e)
	} else if present && !null && validEmail(v) {
		in.email = &v
	} else if present && !null {
		errs = append(errs, badRequest("email must be a valid email address", "/data/email"))
	} else if present || create {
		errs = append(errs, badRequest("email is required", "/data/email"))
	}

	if v, present, null, e := stringField(data, "password"); e != nil {
		errs.add(e)
	} else if present && !null {
		if v == "" {
			errs = append(errs, badRequest("password must not be empty", "/data/password"))
		} else {
			in.password = &v
		}
	} else if present && !create {
		errs = append(errs, badRequest("password cannot be null; send a new password string", "/data/password"))
	}

	if v, present, null, e := stringField(data, "external_ref"); e != nil {
		errs.add(e)
	} else if present {
		in.externalRefSet = true
		if !null {
			if !validExternalRef(&v) {
				errs = append(errs, badRequest(fmt.Sprintf("external_ref must be at most %d characters", maxExternalRefLen), "/data/external_ref"))
			}
			in.externalRef = &v
		}
	}

	if len(errs) > 0 {
		return in, errorsResponse(http.StatusBadRequest, errs)
	}
	return in, nil
}

func (s *Server) handleCreate(c *call) *response {
	in, errResp := parseCustomerInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	password := ""
	if in.password != nil {
		password = *in.password
	}
	data, _ := decodeData(c.body) // parsed once already
	s.mu.Lock()
	// Checked before the customer is made: every value or no customer.
	if errs := s.applyFlowValuesLocked("customers", "", data, customerKeys, true); len(errs) > 0 {
		s.mu.Unlock()
		return unprocessableResponse(errs...)
	}
	cust, err := s.createLocked(*in.name, *in.email, password, in.externalRef)
	var snap Customer
	var values map[string]any
	if err == nil {
		_ = s.applyFlowValuesLocked("customers", cust.id, data, customerKeys, true)
		snap, values = cust.snapshot(), s.flowValuesLocked("customers", cust.id)
	}
	s.mu.Unlock()
	if err != nil {
		return conflict(*in.email)
	}
	return customerResponse(http.StatusCreated, snap, values)
}

func (s *Server) handleGet(id string) *response {
	cust, ok := s.Customer(id)
	if !ok {
		return customerNotFound(id)
	}
	return customerResponse(http.StatusOK, cust, s.flowValues("customers", id))
}

func (s *Server) handleUpdate(c *call, id string) *response {
	in, errResp := parseCustomerInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	data, _ := decodeData(c.body) // parsed once already
	s.mu.Lock()
	defer s.mu.Unlock()
	cust, ok := s.customers[id]
	if !ok {
		return customerNotFound(id)
	}
	// Checked first: a refused value changes nothing of the customer.
	if errs := s.applyFlowValuesLocked("customers", "", data, customerKeys, false); len(errs) > 0 {
		return unprocessableResponse(errs...)
	}
	if in.email != nil {
		if err := s.changeEmailLocked(cust, *in.email); err != nil {
			return conflict(*in.email)
		}
	}
	if in.name != nil {
		cust.name = *in.name
	}
	if in.externalRefSet {
		cust.externalRef = cloneString(in.externalRef)
	}
	if in.password != nil {
		cust.setPassword(*in.password)
	}
	_ = s.applyFlowValuesLocked("customers", id, data, customerKeys, false)
	cust.touch()
	return customerResponse(http.StatusOK, cust.snapshot(), s.flowValuesLocked("customers", id))
}

func (s *Server) handleDelete(id string) *response {
	if !s.DeleteCustomer(id) {
		return customerNotFound(id)
	}
	return noContent()
}

func (s *Server) handleCustomerToken(c *call) *response {
	data, errs, errResp := decodeTyped(c.body, "token")
	if errResp != nil {
		return errResp
	}
	email, _, _, e1 := stringField(data, "email")
	password, _, _, e2 := stringField(data, "password")
	mech, mechPresent, _, e3 := stringField(data, "authentication_mechanism")
	errs.add(e1, e2, e3)
	if e1 == nil && email == "" {
		errs = append(errs, badRequest("email is required", "/data/email"))
	}
	if e2 == nil && password == "" {
		errs = append(errs, badRequest("password is required", "/data/password"))
	}
	if e3 == nil && mechPresent && mech != "password" {
		errs = append(errs, badRequest("authentication_mechanism must be \"password\"", "/data/authentication_mechanism"))
	}
	if len(errs) > 0 {
		return errorsResponse(http.StatusBadRequest, errs)
	}

	s.mu.Lock()
	cust := s.findByPasswordLocked(email, password)
	if cust == nil {
		s.mu.Unlock()
		return unauthorized("invalid email or password")
	}
	tok := randomHex(32)
	expires := time.Now().Add(customerTokenLifetime)
	s.customerTokens[tok] = customerToken{customerID: cust.id, expires: expires}
	customerID := cust.id
	s.mu.Unlock()

	return jsonResponse(http.StatusOK, map[string]any{"data": map[string]any{
		"type":        "token",
		"id":          newUUID(),
		"customer_id": customerID,
		"token":       tok,
		"expires":     expires.Unix(),
	}})
}
