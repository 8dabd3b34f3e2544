package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	testClientID     = "test-client-id"
	testClientSecret = "test-client-secret-7f3a9c"
)

var (
	uuidV4RE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	timestampRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	accessTokeRE = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// harness wraps a running emulator and a client that remembers its token.
type harness struct {
	t     *testing.T
	srv   *Running
	hc    *http.Client
	token string
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	if cfg.ClientID == "" {
		cfg.ClientID, cfg.ClientSecret = testClientID, testClientSecret
	}
	srv, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &harness{t: t, srv: srv, hc: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r result) data(t *testing.T) map[string]any {
	t.Helper()
	d, ok := r.json(t)["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %s", r.body)
	}
	return d
}

func (r result) firstError(t *testing.T) map[string]any {
	t.Helper()
	errs, ok := r.json(t)["errors"].([]any)
	if !ok || len(errs) == 0 {
		t.Fatalf("no errors array in %s", r.body)
	}
	return errs[0].(map[string]any)
}

func (h *harness) raw(method, path, contentType string, body []byte, hdr map[string]string) (result, error) {
	req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		return result{}, err
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := h.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{resp.StatusCode, resp.Header, b}, err
}

func (h *harness) mustRaw(method, path, contentType string, body []byte) result {
	h.t.Helper()
	r, err := h.raw(method, path, contentType, body, nil)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (h *harness) requestToken(id, secret string) result {
	h.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	return h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func (h *harness) login() {
	h.t.Helper()
	r := h.requestToken(testClientID, testClientSecret)
	if r.status != http.StatusOK {
		h.t.Fatalf("token: %d %s", r.status, r.body)
	}
	h.token = r.json(h.t)["access_token"].(string)
}

// api calls a /v2 endpoint with the current token; body is JSON-encoded
// unless it is already []byte.
func (h *harness) api(method, path string, body any, hdr map[string]string) result {
	h.t.Helper()
	r, err := h.apiErr(method, path, body, hdr)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (h *harness) apiErr(method, path string, body any, hdr map[string]string) (result, error) {
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return result{}, err
		}
	}
	all := map[string]string{"Authorization": "Bearer " + h.token}
	for k, v := range hdr {
		all[k] = v
	}
	ct := ""
	if b != nil {
		ct = "application/json"
	}
	return h.raw(method, path, ct, b, all)
}

// body is a request body {"data": {"type": typ, …fields}}.
func body(typ string, fields map[string]any) map[string]any {
	data := map[string]any{"type": typ}
	maps.Copy(data, fields)
	return map[string]any{"data": data}
}

func customerBody(fields map[string]any) map[string]any { return body("customer", fields) }

func (h *harness) create(fields map[string]any) map[string]any {
	h.t.Helper()
	r := h.api(http.MethodPost, "/v2/customers", customerBody(fields), nil)
	if r.status != http.StatusCreated {
		h.t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.data(h.t)
}

func listQuery(params map[string]string) string {
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	return "/v2/customers?" + q.Encode()
}

func ids(t *testing.T, r result) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	var out []string
	for _, d := range r.json(t)["data"].([]any) {
		out = append(out, d.(map[string]any)["id"].(string))
	}
	return out
}

func TestAccessToken(t *testing.T) {
	h := newHarness(t, Config{})

	r := h.requestToken(testClientID, testClientSecret)
	if r.status != http.StatusOK {
		t.Fatalf("good credentials: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if !accessTokeRE.MatchString(m["access_token"].(string)) {
		t.Errorf("access_token %q is not 40 hex", m["access_token"])
	}
	if m["token_type"] != "Bearer" || m["identifier"] != "client_credentials" || m["expires_in"] != float64(3600) {
		t.Errorf("unexpected token response %s", r.body)
	}
	if exp := int64(m["expires"].(float64)); exp < time.Now().Add(59*time.Minute).Unix() || exp > time.Now().Add(61*time.Minute).Unix() {
		t.Errorf("expires %d is not about an hour from now", exp)
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id header")
	}

	for name, form := range map[string]url.Values{
		"wrong secret":   {"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {"not-the-secret-123"}},
		"wrong id":       {"grant_type": {"client_credentials"}, "client_id": {"nope"}, "client_secret": {testClientSecret}},
		"missing secret": {"grant_type": {"client_credentials"}, "client_id": {testClientID}},
	} {
		r := h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte(form.Encode()))
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, r.status)
			continue
		}
		if e := r.firstError(t); e["detail"] != "invalid client credentials" || e["status"] != float64(401) {
			t.Errorf("%s: error %v", name, e)
		}
		if bytes.Contains(r.body, []byte("not-the-secret-123")) || bytes.Contains(r.body, []byte(testClientSecret)) {
			t.Errorf("%s: response echoes a secret: %s", name, r.body)
		}
	}

	r = h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte("grant_type=password&client_id=x"))
	if r.status != http.StatusBadRequest {
		t.Errorf("unsupported grant_type: %d, want 400", r.status)
	}

	// Endpoints need a valid bearer token.
	h.token = ""
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusUnauthorized {
		t.Errorf("no token: %d", r.status)
	}
	if r := h.mustRaw(http.MethodGet, "/v2/customers", "", nil); r.status != http.StatusUnauthorized || r.firstError(t)["status"] != float64(401) {
		t.Errorf("no Authorization header: %d %s", r.status, r.body)
	}
	h.token = strings.Repeat("0", 40)
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusUnauthorized {
		t.Errorf("bogus token: %d", r.status)
	}
	h.login()
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusOK {
		t.Errorf("good token: %d %s", r.status, r.body)
	}
	if got := h.srv.Stats().TokensIssued; got != 2 {
		t.Errorf("TokensIssued = %d, want 2", got)
	}
}

func TestImplicitTokenCannotManageCustomers(t *testing.T) {
	h := newHarness(t, Config{})
	r := h.mustRaw(http.MethodPost, "/oauth/access_token", "application/x-www-form-urlencoded", []byte("grant_type=implicit&client_id="+testClientID))
	if r.status != http.StatusOK || r.json(t)["identifier"] != "implicit" {
		t.Fatalf("implicit: %d %s", r.status, r.body)
	}
	h.token = r.json(t)["access_token"].(string)
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusForbidden {
		t.Errorf("implicit list: %d, want 403", r.status)
	}
}

func TestTokenExpiry(t *testing.T) {
	h := newHarness(t, Config{TokenLifetime: 300 * time.Millisecond})
	r := h.requestToken(testClientID, testClientSecret)
	if got := r.json(t)["expires_in"]; got != float64(1) {
		t.Errorf("expires_in = %v, want 1 (rounded up)", got)
	}
	h.token = r.json(t)["access_token"].(string)
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusOK {
		t.Fatalf("fresh token: %d", r.status)
	}
	time.Sleep(350 * time.Millisecond)
	r = h.api(http.MethodGet, "/v2/customers", nil, nil)
	if r.status != http.StatusUnauthorized || !strings.Contains(r.firstError(t)["detail"].(string), "expired") {
		t.Errorf("expired token: %d %s", r.status, r.body)
	}
}

func TestExpireTokens(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	old := h.token
	h.srv.ExpireTokens()
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusUnauthorized {
		t.Errorf("after ExpireTokens: %d, want 401", r.status)
	}
	h.login()
	if h.token == old {
		t.Fatal("new token equals old token")
	}
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusOK {
		t.Errorf("token issued after ExpireTokens: %d, want 200", r.status)
	}
}

func TestCustomerCRUD(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()

	created := h.create(map[string]any{"name": "George Example", "email": "george@example.com", "password": "hunter2!", "external_ref": "crm-1"})
	id, _ := created["id"].(string)
	if !uuidV4RE.MatchString(id) {
		t.Errorf("id %q is not a UUID v4", id)
	}
	if created["type"] != "customer" || created["name"] != "George Example" || created["email"] != "george@example.com" ||
		created["password"] != true || created["external_ref"] != "crm-1" {
		t.Errorf("created customer: %v", created)
	}
	ts := created["meta"].(map[string]any)["timestamps"].(map[string]any)
	if !timestampRE.MatchString(ts["created_at"].(string)) || ts["created_at"] != ts["updated_at"] {
		t.Errorf("timestamps: %v", ts)
	}

	got := h.api(http.MethodGet, "/v2/customers/"+id, nil, nil)
	if got.status != http.StatusOK || got.data(t)["email"] != "george@example.com" {
		t.Fatalf("get: %d %s", got.status, got.body)
	}

	// Partial update: only name changes.
	r := h.api(http.MethodPut, "/v2/customers/"+id, customerBody(map[string]any{"name": "George Renamed"}), nil)
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	d := r.data(t)
	if d["name"] != "George Renamed" || d["email"] != "george@example.com" || d["external_ref"] != "crm-1" || d["password"] != true {
		t.Errorf("partial update changed other fields: %v", d)
	}
	upd := d["meta"].(map[string]any)["timestamps"].(map[string]any)
	if upd["updated_at"].(string) <= ts["updated_at"].(string) || upd["created_at"] != ts["created_at"] {
		t.Errorf("timestamps after update: %v (before %v)", upd, ts)
	}

	// external_ref null clears it.
	r = h.api(http.MethodPut, "/v2/customers/"+id, []byte(`{"data":{"type":"customer","external_ref":null}}`), nil)
	if r.status != http.StatusOK || r.data(t)["external_ref"] != nil {
		t.Errorf("clear external_ref: %d %s", r.status, r.body)
	}
	if c, _ := h.srv.Customer(id); c.ExternalRef != nil || c.Name != "George Renamed" {
		t.Errorf("store after clear: %+v", c)
	}

	// Password update replaces the hash.
	r = h.api(http.MethodPut, "/v2/customers/"+id, customerBody(map[string]any{"password": "new-pass-9"}), nil)
	if r.status != http.StatusOK {
		t.Fatalf("password update: %d %s", r.status, r.body)
	}
	if !h.srv.CheckPassword("GEORGE@example.com", "new-pass-9") || h.srv.CheckPassword("george@example.com", "hunter2!") {
		t.Error("password was not replaced")
	}
	if bytes.Contains(r.body, []byte("new-pass-9")) {
		t.Error("response echoes the password")
	}

	// Delete, then everything is 404.
	r = h.api(http.MethodDelete, "/v2/customers/"+id, nil, nil)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Errorf("delete: %d %q", r.status, r.body)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		var body any
		if m == http.MethodPut {
			body = customerBody(map[string]any{"name": "x"})
		}
		r := h.api(m, "/v2/customers/"+id, body, nil)
		if r.status != http.StatusNotFound {
			t.Errorf("%s after delete: %d", m, r.status)
			continue
		}
		if e := r.firstError(t); e["detail"] != "customer "+id+" not found" || e["title"] != "Not Found" {
			t.Errorf("%s 404 error: %v", m, e)
		}
	}
	if _, ok := h.srv.Customer(id); ok {
		t.Error("customer still in store")
	}
}

func TestCreateWithoutOptionalFields(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	d := h.create(map[string]any{"name": "Ann", "email": "ann@example.com"})
	if d["password"] != false || d["external_ref"] != nil {
		t.Errorf("defaults: %v", d)
	}
	if _, present := d["external_ref"]; !present {
		t.Error("external_ref key missing; want explicit null")
	}
}

func TestValidation(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	existing := h.create(map[string]any{"name": "Val", "email": "val@example.com"})
	long := strings.Repeat("x", 2049)

	cases := []struct {
		name, method, path string
		body               string
		pointer            string
		detail             string
	}{
		{"malformed JSON", "POST", "/v2/customers", `{"data":`, "", "JSON"},
		{"data not object", "POST", "/v2/customers", `{"data":[1]}`, "/data", "data"},
		{"missing type", "POST", "/v2/customers", `{"data":{"name":"A","email":"a@example.com"}}`, "/data/type", "type"},
		{"wrong type", "POST", "/v2/customers", `{"data":{"type":"product","name":"A","email":"a@example.com"}}`, "/data/type", "type"},
		{"missing name", "POST", "/v2/customers", `{"data":{"type":"customer","email":"a@example.com"}}`, "/data/name", "name"},
		{"empty name", "POST", "/v2/customers", `{"data":{"type":"customer","name":"","email":"a@example.com"}}`, "/data/name", "name"},
		{"missing email", "POST", "/v2/customers", `{"data":{"type":"customer","name":"A"}}`, "/data/email", "email"},
		{"invalid email", "POST", "/v2/customers", `{"data":{"type":"customer","name":"A","email":"not-an-email"}}`, "/data/email", "email"},
		{"display name email", "POST", "/v2/customers", `{"data":{"type":"customer","name":"A","email":"A <a@example.com>"}}`, "/data/email", "email"},
		{"email not string", "POST", "/v2/customers", `{"data":{"type":"customer","name":"A","email":5}}`, "/data/email", "email"},
		{"long external_ref", "POST", "/v2/customers", `{"data":{"type":"customer","name":"A","email":"a@example.com","external_ref":"` + long + `"}}`, "/data/external_ref", "external_ref"},
		{"update wrong type", "PUT", "/v2/customers/" + existing["id"].(string), `{"data":{"type":"token","name":"B"}}`, "/data/type", "type"},
		{"update invalid email", "PUT", "/v2/customers/" + existing["id"].(string), `{"data":{"type":"customer","email":"bad@"}}`, "/data/email", "email"},
		{"update empty name", "PUT", "/v2/customers/" + existing["id"].(string), `{"data":{"type":"customer","name":""}}`, "/data/name", "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.api(tc.method, tc.path, []byte(tc.body), nil)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			e := r.firstError(t)
			if e["status"] != float64(400) || !strings.Contains(e["detail"].(string), tc.detail) {
				t.Errorf("error %v, want detail mentioning %q", e, tc.detail)
			}
			if tc.pointer != "" {
				src, _ := e["source"].(map[string]any)
				if src["pointer"] != tc.pointer {
					t.Errorf("source %v, want pointer %s", e["source"], tc.pointer)
				}
			}
		})
	}

	// The boundary is inclusive, and nothing above was stored or changed.
	h.create(map[string]any{"name": "Max", "email": "max@example.com", "external_ref": strings.Repeat("é", 2048)})
	if n := len(h.srv.Customers()); n != 2 {
		t.Errorf("%d customers stored, want 2", n)
	}
	if c, _ := h.srv.Customer(existing["id"].(string)); c.Name != "Val" || c.Email != "val@example.com" {
		t.Errorf("rejected update changed the customer: %+v", c)
	}
}

func TestDuplicateEmail(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	a := h.create(map[string]any{"name": "A", "email": "dup@example.com"})
	b := h.create(map[string]any{"name": "B", "email": "other@example.com"})

	r := h.api(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "A2", "email": "DUP@Example.COM"}), nil)
	if r.status != http.StatusConflict {
		t.Fatalf("duplicate create: %d %s", r.status, r.body)
	}
	if e := r.firstError(t); e["title"] != "Conflict" || e["detail"] != "a customer with email DUP@Example.COM already exists" {
		t.Errorf("conflict error: %v", e)
	}

	r = h.api(http.MethodPut, "/v2/customers/"+b["id"].(string), customerBody(map[string]any{"email": "Dup@example.com"}), nil)
	if r.status != http.StatusConflict {
		t.Errorf("update to another's email: %d", r.status)
	}
	if c, _ := h.srv.Customer(b["id"].(string)); c.Email != "other@example.com" {
		t.Errorf("conflicting update changed email to %s", c.Email)
	}

	r = h.api(http.MethodPut, "/v2/customers/"+a["id"].(string), customerBody(map[string]any{"email": "DUP@example.com"}), nil)
	if r.status != http.StatusOK || r.data(t)["email"] != "DUP@example.com" {
		t.Errorf("case change of own email: %d %s", r.status, r.body)
	}
	// The old spelling is free only for its owner; a new customer still conflicts.
	if _, err := h.srv.CreateCustomer("C", "dup@EXAMPLE.com", "", nil); !errors.Is(err, ErrDuplicateEmail) {
		t.Errorf("CreateCustomer duplicate: %v", err)
	}
}

func TestListFilters(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	ref := "crm-42"
	mk := func(name, email string, ref *string) Customer {
		c, err := h.srv.CreateCustomer(name, email, "", ref)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	jon := mk("Jon Snow", "jon@winterfell.example", nil)
	jonny := mk("Jonny Walker", "Jonny@Example.com", &ref)
	smith := mk("Smith, John (QA)", "smith@example.com", nil)
	boss := mk(`The "Boss" \ Chief`, "boss@example.com", nil)
	arya := mk("Arya", "arya@winterfell.example", nil)

	// A distinctly later created_at gives the time filters a boundary.
	time.Sleep(5 * time.Millisecond)
	late := mk("Late", "late@example.com", nil)
	cut := late.CreatedAt.Format(timestampLayout)

	cases := []struct {
		filter string
		want   []string
	}{
		{"eq(email,JON@winterfell.example)", []string{jon.ID}},
		{"eq(email,jonny@example.com)", []string{jonny.ID}},
		{"like(name,jon*)", []string{jon.ID, jonny.ID}},
		{"like(email,*@WINTERFELL.*)", []string{jon.ID, arya.ID}},
		{"like(name,*o*n*)", []string{jon.ID, jonny.ID, smith.ID}},
		{"eq(name,Jon Snow)", []string{jon.ID}},
		{"eq(name,jon snow)", nil}, // name eq is exact
		{`eq(name,"Smith, John (QA)")`, []string{smith.ID}},
		{`like(name,"smith, j*(qa)")`, []string{smith.ID}},
		{`eq(name,"The \"Boss\" \\ Chief")`, []string{boss.ID}},
		{`eq(email,"jon@winterfell.example"):like(name,jon*)`, []string{jon.ID}},
		{"eq(email,jon@winterfell.example):like(name,arya)", nil},
		{"eq(external_ref,crm-42)", []string{jonny.ID}},
		{"eq(id," + arya.ID + ")", []string{arya.ID}},
		{"ge(created_at," + cut + ")", []string{late.ID}},
		{"lt(created_at," + cut + ")", []string{jon.ID, jonny.ID, smith.ID, boss.ID, arya.ID}},
		{"eq(created_at," + cut + ")", []string{late.ID}},
		{"gt(updated_at," + cut + ")", nil},
	}
	for _, tc := range cases {
		t.Run(tc.filter, func(t *testing.T) {
			got := ids(t, h.api(http.MethodGet, listQuery(map[string]string{"filter": tc.filter, "sort": "created_at"}), nil, nil))
			if !sameSet(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	// id comparisons are lexicographic.
	all := h.srv.Customers()
	sortCustomers(all, "id", false)
	got := ids(t, h.api(http.MethodGet, listQuery(map[string]string{"filter": "gt(id," + all[2].ID + ")", "sort": "id"}), nil, nil))
	if len(got) != len(all)-3 || got[0] != all[3].ID {
		t.Errorf("gt(id): got %v", got)
	}

	for _, bad := range []string{
		"eq(email", "eq(email,x", "foo(email,x)", "like(id,x)", "gt(email,x)", "eq(password,x)",
		"eq(name,Smith, John)", `eq(name,"unterminated)`, `eq(name,"x"y)`, `eq(name,"bad \n escape")`,
		"eq(created_at,yesterday)", "eq(email,a@b.c)eq(name,x)", "eq(email,a@b.c):", "eq(email,a@b.c)::eq(name,x)",
	} {
		r := h.api(http.MethodGet, listQuery(map[string]string{"filter": bad}), nil, nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("filter %q: %d, want 400", bad, r.status)
			continue
		}
		if d := r.firstError(t)["detail"].(string); !strings.Contains(d, "filter") {
			t.Errorf("filter %q: detail %q does not mention the filter", bad, d)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestListSortAndPaging(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	const n = 260
	for i := range n {
		if _, err := h.srv.CreateCustomer(fmt.Sprintf("Name %03d", (i*7)%n), fmt.Sprintf("user%03d@example.com", i), "", nil); err != nil {
			t.Fatal(err)
		}
	}

	meta := func(r result) (page map[string]any, results map[string]any) {
		m := r.json(t)["meta"].(map[string]any)
		return m["page"].(map[string]any), m["results"].(map[string]any)
	}

	r := h.api(http.MethodGet, "/v2/customers", nil, nil)
	page, results := meta(r)
	if len(ids(t, r)) != 25 || page["limit"] != float64(25) || page["offset"] != float64(0) || page["current"] != float64(1) ||
		page["total"] != float64(11) || results["total"] != float64(n) {
		t.Errorf("default page meta %v %v", page, results)
	}
	links := r.json(t)["links"].(map[string]any)
	if links["prev"] != nil || !strings.Contains(links["next"].(string), "page%5Boffset%5D=25") {
		t.Errorf("links %v", links)
	}
	// Default order is newest first, ties by id reversed: exactly the reverse of Customers().
	oldestFirst := h.srv.Customers()
	if got := ids(t, r); got[0] != oldestFirst[n-1].ID || got[24] != oldestFirst[n-25].ID {
		t.Errorf("default order starts %v, want the reverse of Customers()", got[:2])
	}
	var prev string
	for i, d := range r.json(t)["data"].([]any) {
		ca := d.(map[string]any)["meta"].(map[string]any)["timestamps"].(map[string]any)["created_at"].(string)
		if i > 0 && ca > prev {
			t.Fatalf("default order not newest first: %s after %s", ca, prev)
		}
		prev = ca
	}

	r = h.api(http.MethodGet, listQuery(map[string]string{"page[limit]": "25", "page[offset]": "250"}), nil, nil)
	page, _ = meta(r)
	if len(ids(t, r)) != 10 || page["current"] != float64(11) || page["total"] != float64(11) {
		t.Errorf("last page: %d items, meta %v", len(ids(t, r)), page)
	}
	if r.json(t)["links"].(map[string]any)["next"] != nil {
		t.Error("last page has a next link")
	}

	r = h.api(http.MethodGet, listQuery(map[string]string{"page[limit]": "500"}), nil, nil)
	page, _ = meta(r)
	if len(ids(t, r)) != 100 || page["limit"] != float64(100) || page["total"] != float64(3) {
		t.Errorf("clamped limit: %d items, meta %v", len(ids(t, r)), page)
	}

	for _, bad := range []map[string]string{
		{"page[limit]": "0"}, {"page[limit]": "-1"}, {"page[limit]": "ten"}, {"page[offset]": "10001"}, {"page[offset]": "-1"},
		{"sort": "password"}, {"sort": "--email"},
	} {
		if r := h.api(http.MethodGet, listQuery(bad), nil, nil); r.status != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", bad, r.status)
		}
	}
	if r := h.api(http.MethodGet, listQuery(map[string]string{"page[offset]": "10000"}), nil, nil); r.status != http.StatusOK || len(ids(t, r)) != 0 {
		t.Errorf("offset 10000: %d", r.status)
	}

	// Walking all pages by email yields every customer once, in order.
	var walked []string
	for off := 0; off < n; off += 100 {
		r := h.api(http.MethodGet, listQuery(map[string]string{"sort": "email", "page[limit]": "100", "page[offset]": fmt.Sprint(off)}), nil, nil)
		for _, d := range r.json(t)["data"].([]any) {
			walked = append(walked, d.(map[string]any)["email"].(string))
		}
	}
	if len(walked) != n || walked[0] != "user000@example.com" || walked[n-1] != "user259@example.com" {
		t.Fatalf("walk by email: %d items, first %v", len(walked), walked[:min(3, len(walked))])
	}
	for i := 1; i < n; i++ {
		if walked[i-1] >= walked[i] {
			t.Fatalf("not ascending at %d: %s, %s", i, walked[i-1], walked[i])
		}
	}

	first := func(sort string) map[string]any {
		r := h.api(http.MethodGet, listQuery(map[string]string{"sort": sort, "page[limit]": "1"}), nil, nil)
		return r.json(t)["data"].([]any)[0].(map[string]any)
	}
	if got := first("-email")["email"]; got != "user259@example.com" {
		t.Errorf("-email first = %v", got)
	}
	if got := first("name")["name"]; got != "Name 000" {
		t.Errorf("name first = %v", got)
	}
	if got := first("-name")["name"]; got != "Name 259" {
		t.Errorf("-name first = %v", got)
	}
	all := h.srv.Customers()
	if got := first("created_at")["id"]; got != all[0].ID {
		t.Errorf("created_at first = %v, want oldest %v", got, all[0].ID)
	}
	sortCustomers(all, "id", false)
	if got := first("id")["id"]; got != all[0].ID {
		t.Errorf("id first = %v, want %v", got, all[0].ID)
	}
	if got := first("-id")["id"]; got != all[n-1].ID {
		t.Errorf("-id first = %v, want %v", got, all[n-1].ID)
	}
}

func TestCustomerTokens(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	a := h.create(map[string]any{"name": "A", "email": "a@example.com", "password": "pa55-word-A"})
	b := h.create(map[string]any{"name": "B", "email": "b@example.com", "password": "pa55-word-B"})

	tokenBody := func(email, password string) map[string]any {
		return map[string]any{"data": map[string]any{"type": "token", "email": email, "password": password, "authentication_mechanism": "password"}}
	}
	r := h.api(http.MethodPost, "/v2/customers/tokens", tokenBody("A@EXAMPLE.COM", "pa55-word-A"), nil)
	if r.status != http.StatusOK {
		t.Fatalf("customer token: %d %s", r.status, r.body)
	}
	d := r.data(t)
	if d["type"] != "token" || d["customer_id"] != a["id"] || d["token"] == "" || !uuidV4RE.MatchString(d["id"].(string)) {
		t.Errorf("token response %v", d)
	}
	exp := int64(d["expires"].(float64))
	if want := time.Now().Add(24 * time.Hour).Unix(); exp < want-5 || exp > want+5 {
		t.Errorf("expires %d, want about %d", exp, want)
	}
	ct := d["token"].(string)

	for _, tc := range []struct{ email, password string }{{"a@example.com", "wrong-pass"}, {"nobody@example.com", "pa55-word-A"}, {"b@example.com", "pa55-word-A"}} {
		r := h.api(http.MethodPost, "/v2/customers/tokens", tokenBody(tc.email, tc.password), nil)
		if r.status != http.StatusUnauthorized || r.firstError(t)["detail"] != "invalid email or password" {
			t.Errorf("%v: %d %s", tc, r.status, r.body)
		}
		if bytes.Contains(r.body, []byte(tc.password)) {
			t.Errorf("%v: response echoes the password", tc)
		}
	}
	if r := h.api(http.MethodPost, "/v2/customers/tokens", []byte(`{"data":{"type":"customer","email":"a@example.com","password":"pa55-word-A"}}`), nil); r.status != http.StatusBadRequest {
		t.Errorf("wrong type: %d", r.status)
	}

	hdr := map[string]string{"X-Moltin-Customer-Token": ct}
	if r := h.api(http.MethodGet, "/v2/customers/"+a["id"].(string), nil, hdr); r.status != http.StatusOK {
		t.Errorf("own customer with customer token: %d", r.status)
	}
	if r := h.api(http.MethodPut, "/v2/customers/"+a["id"].(string), customerBody(map[string]any{"name": "A2"}), hdr); r.status != http.StatusOK {
		t.Errorf("update own customer with customer token: %d", r.status)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		var body any
		if m == http.MethodPut {
			body = customerBody(map[string]any{"name": "B2"})
		}
		if r := h.api(m, "/v2/customers/"+b["id"].(string), body, hdr); r.status != http.StatusForbidden {
			t.Errorf("%s other customer with customer token: %d, want 403", m, r.status)
		}
	}
	if r := h.api(http.MethodGet, "/v2/customers/"+a["id"].(string), nil, map[string]string{"X-Moltin-Customer-Token": "bogus"}); r.status != http.StatusForbidden {
		t.Errorf("bogus customer token: %d, want 403", r.status)
	}
	if c, _ := h.srv.Customer(b["id"].(string)); c.Name != "B" {
		t.Errorf("forbidden update changed the customer: %+v", c)
	}
	reqs := h.srv.Requests()
	if last := reqs[len(reqs)-1]; !last.CustomerToken || last.Kind != KindGet {
		t.Errorf("log entry %+v, want CustomerToken and kind get", last)
	}
}

func TestRedaction(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	const pw, pw2 = "Sup3r-Secret-Pw", "An0ther-Secret-Pw"
	c := h.create(map[string]any{"name": "R", "email": "r@example.com", "password": pw})
	h.api(http.MethodPut, "/v2/customers/"+c["id"].(string), customerBody(map[string]any{"password": pw2}), nil)
	h.api(http.MethodPost, "/v2/customers/tokens", map[string]any{"data": map[string]any{"type": "token", "email": "r@example.com", "password": pw2}}, nil)
	h.api(http.MethodPost, "/v2/customers", []byte(`{"data":{"type":"customer","password":"`+pw+`"`), nil) // malformed
	h.api(http.MethodPost, "/v2/customers", []byte(`{"data":{"type":"customer","name":"x","email":"x@example.com","Password":"`+pw+`","nested":[{"token":"`+pw+`"}]}}`), nil)
	h.mustRaw(http.MethodPost, "/oauth/access_token?client_secret="+testClientSecret, "", []byte("grant_type=client_credentials&client_id="+testClientID+"&client_secret="+testClientSecret))

	reqs := h.srv.Requests()
	if len(reqs) != 7 {
		t.Fatalf("%d requests logged, want 7", len(reqs))
	}
	for _, r := range reqs {
		for _, secret := range []string{pw, pw2, testClientSecret} {
			if bytes.Contains(r.Body, []byte(secret)) || strings.Contains(r.Query, secret) {
				t.Errorf("secret %q logged in %s %s: query %q body %s", secret, r.Method, r.Path, r.Query, r.Body)
			}
		}
	}
	if !bytes.Contains(reqs[0].Body, []byte("client_secret=REDACTED")) || !bytes.Contains(reqs[0].Body, []byte("grant_type=client_credentials")) {
		t.Errorf("token body not redacted as a form: %s", reqs[0].Body)
	}
	if !bytes.Contains(reqs[1].Body, []byte(`"password":"REDACTED"`)) || !bytes.Contains(reqs[1].Body, []byte(`"email":"r@example.com"`)) {
		t.Errorf("create body: %s", reqs[1].Body)
	}
	if !bytes.Contains(reqs[4].Body, []byte(`"password":"REDACTED"`)) {
		t.Errorf("malformed body: %s", reqs[4].Body)
	}
	if reqs[6].Query != "client_secret=REDACTED" {
		t.Errorf("query %q", reqs[6].Query)
	}

	// The admin endpoint serves the same redacted log with bodies as strings.
	ar := h.mustRaw(http.MethodGet, "/__emulator/requests", "", nil)
	var logged []Request
	if err := json.Unmarshal(ar.body, &logged); err != nil || len(logged) != 7 {
		t.Fatalf("admin requests: %v, %d entries", err, len(logged))
	}
	if bytes.Contains(ar.body, []byte(pw)) || !bytes.Contains(ar.body, []byte(`"body":"{\"data\"`)) {
		t.Errorf("admin log body: %s", ar.body[:min(400, len(ar.body))])
	}
}

func TestRequestLogAndStats(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	c := h.create(map[string]any{"name": "L", "email": "l@example.com"})
	id := c["id"].(string)
	h.api(http.MethodGet, "/v2/customers/"+id, nil, nil)
	h.api(http.MethodGet, "/v2/customers?filter=eq(email,l@example.com)", nil, nil)
	h.api(http.MethodPut, "/v2/customers/"+id, customerBody(map[string]any{"name": "M"}), nil)
	h.api(http.MethodDelete, "/v2/customers/"+id, nil, nil)
	h.api(http.MethodGet, "/v2/nothing", nil, nil)
	// Admin routes are not logged.
	h.mustRaw(http.MethodGet, "/__emulator/stats", "", nil)
	h.mustRaw(http.MethodGet, "/__emulator/customers", "", nil)

	reqs := h.srv.Requests()
	var kinds []string
	for _, r := range reqs {
		kinds = append(kinds, r.Kind)
	}
	want := []string{"token", "create", "get", "list", "update", "delete", "other"}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	if reqs[3].Query != "filter=eq(email,l@example.com)" || reqs[1].Status != 201 || reqs[5].Status != 204 || reqs[6].Status != 404 {
		t.Errorf("log entries %+v", reqs)
	}
	st := h.srv.Stats()
	if st.Total != 7 || st.ByKind["create"] != 1 || st.ByKind["token"] != 1 || st.TokensIssued != 1 || st.ByKind["admin"] != 0 {
		t.Errorf("stats %+v", st)
	}

	// Requests returns a copy.
	reqs[0].Body[0] = 'X'
	if h.srv.Requests()[0].Body[0] == 'X' {
		t.Error("Requests shares memory with the log")
	}

	if r := h.mustRaw(http.MethodDelete, "/__emulator/requests", "", nil); r.status != http.StatusNoContent {
		t.Errorf("admin reset: %d", r.status)
	}
	if n := len(h.srv.Requests()); n != 0 || h.srv.Stats().Total != 0 {
		t.Errorf("after reset: %d requests, stats %+v", n, h.srv.Stats())
	}
}

func TestAdminRoutes(t *testing.T) {
	h := newHarness(t, Config{})
	if _, err := h.srv.CreateCustomer("Adm", "adm@example.com", "admin-pass-xyz", nil); err != nil {
		t.Fatal(err)
	}
	r := h.mustRaw(http.MethodGet, "/__emulator/customers", "", nil)
	var cs []Customer
	if err := json.Unmarshal(r.body, &cs); err != nil || len(cs) != 1 || cs[0].Email != "adm@example.com" || !cs[0].HasPassword {
		t.Fatalf("admin customers: %v %s", err, r.body)
	}
	if bytes.Contains(r.body, []byte("admin-pass-xyz")) || bytes.Contains(r.body, []byte("salt")) || bytes.Contains(r.body, []byte("hash")) {
		t.Errorf("admin customers leaks password material: %s", r.body)
	}

	r = h.mustRaw(http.MethodPut, "/__emulator/faults", "application/json", []byte(`{"rate_429":0.25,"latency":"20ms","seed":7}`))
	if r.status != http.StatusOK {
		t.Fatalf("put faults: %d %s", r.status, r.body)
	}
	if f := h.srv.currentFaults(); f.Rate429 != 0.25 || f.Latency != 20*time.Millisecond || f.Seed != 7 {
		t.Errorf("faults after PUT %+v", f)
	}
	r = h.mustRaw(http.MethodGet, "/__emulator/faults", "", nil)
	if !bytes.Contains(r.body, []byte(`"latency":"20ms"`)) || !bytes.Contains(r.body, []byte(`"rate_429":0.25`)) {
		t.Errorf("get faults: %s", r.body)
	}
	if r := h.mustRaw(http.MethodPut, "/__emulator/faults", "", []byte(`{"rate_5xx":2}`)); r.status != http.StatusBadRequest {
		t.Errorf("out-of-range fault: %d", r.status)
	}
	if r := h.mustRaw(http.MethodPut, "/__emulator/faults", "", []byte(`{"latency":"soon"}`)); r.status != http.StatusBadRequest {
		t.Errorf("bad latency: %d", r.status)
	}
	if r := h.mustRaw(http.MethodPut, "/__emulator/faults", "", []byte(`{}`)); r.status != http.StatusOK || h.srv.currentFaults().Rate429 != 0 {
		t.Errorf("reset faults: %d %+v", r.status, h.srv.currentFaults())
	}
	r = h.mustRaw(http.MethodGet, "/__emulator/stats", "", nil)
	if !bytes.Contains(r.body, []byte(`"tokens_issued":0`)) {
		t.Errorf("stats: %s", r.body)
	}
	if len(h.srv.Requests()) != 0 {
		t.Errorf("admin routes were logged: %+v", h.srv.Requests())
	}
}

func TestFaultsJSON(t *testing.T) {
	for _, in := range []string{`{"latency":"20ms"}`, `{"latency":20000000}`} {
		var f Faults
		if err := json.Unmarshal([]byte(in), &f); err != nil || f.Latency != 20*time.Millisecond {
			t.Errorf("%s: %v %v", in, f.Latency, err)
		}
	}
	b, err := json.Marshal(Faults{Latency: 1500 * time.Millisecond, RateLimit: 25, Seed: 3})
	if err != nil || !bytes.Contains(b, []byte(`"latency":"1.5s"`)) || !bytes.Contains(b, []byte(`"rate_limit":25`)) {
		t.Errorf("marshal: %s %v", b, err)
	}
	var back Faults
	if err := json.Unmarshal(b, &back); err != nil || back != (Faults{Latency: 1500 * time.Millisecond, RateLimit: 25, Seed: 3}) {
		t.Errorf("round trip: %+v %v", back, err)
	}
}

func TestFault429(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	h.srv.SetFaults(Faults{Rate429: 1, Seed: 1})
	r := h.api(http.MethodGet, "/v2/customers", nil, nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "" || r.firstError(t)["status"] != float64(429) {
		t.Errorf("429 without Retry-After: %d %v %s", r.status, r.header, r.body)
	}
	h.srv.SetFaults(Faults{Rate429: 1, RetryAfterShare: 1, Seed: 1})
	r = h.api(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "N", "email": "n@example.com"}), nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Errorf("429 with Retry-After: %d %v", r.status, r.header)
	}
	if len(h.srv.Customers()) != 0 {
		t.Error("a 429'd create took effect")
	}
	reqs := h.srv.Requests()
	if reqs[1].Fault != Fault429 || reqs[2].Fault != Fault429RetryAfter || reqs[2].Status != 429 {
		t.Errorf("log %+v", reqs)
	}
	if st := h.srv.Stats(); st.Faults[Fault429] != 1 || st.Faults[Fault429RetryAfter] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestFault5xx(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	h.srv.SetFaults(Faults{Rate5xx: 1, Seed: 42})
	seen := map[int]bool{}
	for i := range 12 {
		r := h.api(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "N", "email": fmt.Sprintf("n%d@example.com", i)}), nil)
		if r.status != 500 && r.status != 502 && r.status != 503 {
			t.Fatalf("status %d, want 500/502/503", r.status)
		}
		seen[r.status] = true
		e := r.firstError(t)
		if id := r.header.Get("X-Request-Id"); id == "" || e["request_id"] != id || e["status"] != float64(r.status) {
			t.Errorf("5xx error %v, header id %q", e, id)
		}
	}
	if len(seen) < 2 {
		t.Errorf("only statuses %v in 12 draws", seen)
	}
	if n := len(h.srv.Customers()); n != 0 {
		t.Errorf("%d customers created by 5xx'd requests", n)
	}
	if st := h.srv.Stats(); st.Faults[Fault5xx] != 12 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultDropAfterCommit(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	h.srv.SetFaults(Faults{DropAfterCommit: 1, Seed: 1})

	_, err := h.apiErr(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "D", "email": "d@example.com"}), nil)
	if err == nil {
		t.Fatal("dropped create returned a response")
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("client error %v, want EOF or connection reset", err)
	}
	cs := h.srv.Customers()
	if len(cs) != 1 || cs[0].Email != "d@example.com" {
		t.Fatalf("effect not committed: %+v", cs)
	}

	// GETs are never dropped.
	if r := h.api(http.MethodGet, "/v2/customers/"+cs[0].ID, nil, nil); r.status != http.StatusOK {
		t.Errorf("get under drop faults: %d", r.status)
	}
	if _, err := h.apiErr(http.MethodDelete, "/v2/customers/"+cs[0].ID, nil, nil); err == nil {
		t.Error("dropped delete returned a response")
	}
	if len(h.srv.Customers()) != 0 {
		t.Error("dropped delete was not committed")
	}

	reqs := h.srv.Requests()
	if d := reqs[1]; d.Fault != FaultDrop || d.Status != 0 || d.Kind != KindCreate {
		t.Errorf("log entry %+v", d)
	}
	if h.srv.Stats().Faults[FaultDrop] != 2 {
		t.Errorf("stats %+v", h.srv.Stats())
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Config{Faults: Faults{Latency: 150 * time.Millisecond}})
	start := time.Now()
	h.login()
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Errorf("request took %v, want >= 150ms", el)
	}

	// A client giving up early is not kept waiting for the full latency.
	h.srv.SetFaults(Faults{Latency: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.srv.URL+"/v2/customers", nil)
	start = time.Now()
	if _, err := h.hc.Do(req); err == nil {
		t.Fatal("request succeeded despite the deadline")
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		reqs := h.srv.Requests()
		if len(reqs) == 2 && reqs[1].Status == 0 && time.Since(start) < 2*time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not abandon the request: %+v", reqs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLatencyAbandonedChangeIsMade checks that a POST whose client gives up
// while the API is still working on it creates the customer all the same, as
// the real API does: that is how an interrupted run leaves orphans behind.
func TestLatencyAbandonedChangeIsMade(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	h.srv.SetFaults(Faults{Latency: 300 * time.Millisecond})
	b, _ := json.Marshal(customerBody(map[string]any{"name": "Ann", "email": "ann@example.com"}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/v2/customers", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	if _, err := h.hc.Do(req); err == nil {
		t.Fatal("request succeeded despite the deadline")
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(h.srv.Customers()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the abandoned create was not made: %+v", h.srv.Requests())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if c := h.srv.Customers(); len(c) != 1 || c[0].Email != "ann@example.com" {
		t.Errorf("customers %+v", c)
	}
}

func TestServerRateLimit(t *testing.T) {
	h := newHarness(t, Config{})
	h.login()
	h.srv.ResetRequests()
	h.srv.SetFaults(Faults{RateLimit: 5})
	ok, limited := 0, 0
	began := time.Now()
	for range 20 {
		r := h.api(http.MethodGet, "/v2/customers", nil, nil)
		switch r.status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
			if r.header.Get("Retry-After") != "" {
				t.Error("rate-limit 429 carries Retry-After")
			}
		default:
			t.Fatalf("status %d", r.status)
		}
	}
	// The burst of 5 plus whatever refilled (5/s) while the loop ran.
	refilled := int(time.Since(began).Seconds()*5) + 1
	if ok < 5 || ok > 5+refilled || limited != 20-ok || limited == 0 {
		t.Errorf("%d ok, %d limited", ok, limited)
	}
	if got := h.srv.Stats().Faults[FaultRateLimit]; got != limited {
		t.Errorf("stats rate-limit %d, want %d", got, limited)
	}
	time.Sleep(250 * time.Millisecond) // refills at least one token
	if r := h.api(http.MethodGet, "/v2/customers", nil, nil); r.status != http.StatusOK {
		t.Errorf("after refill: %d", r.status)
	}
}

func TestSeedDeterminism(t *testing.T) {
	pattern := func() string {
		h := newHarness(t, Config{})
		h.login()
		h.srv.SetFaults(Faults{Rate429: 0.5, RetryAfterShare: 0.5, Rate5xx: 0.3, Seed: 99})
		var b strings.Builder
		for range 30 {
			fmt.Fprint(&b, h.api(http.MethodGet, "/v2/customers", nil, nil).status, " ")
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b {
		t.Errorf("same seed gave different faults:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "200") || !strings.Contains(a, "429") {
		t.Errorf("expected a mix of outcomes: %s", a)
	}
}

func TestDirectStoreAccess(t *testing.T) {
	s := New(Config{})
	ref := "r1"
	c, err := s.CreateCustomer("Direct", "direct@example.com", "pw-direct", &ref)
	if err != nil || !c.HasPassword || *c.ExternalRef != "r1" {
		t.Fatalf("CreateCustomer: %+v %v", c, err)
	}
	ref = "mutated"
	if got, _ := s.Customer(c.ID); *got.ExternalRef != "r1" {
		t.Error("store aliases the caller's external_ref")
	}
	if _, err := s.CreateCustomer("", "x@example.com", "", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
	if _, err := s.CreateCustomer("X", "x@", "", nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad email: %v", err)
	}

	if err := s.UpdateCustomer(c.ID, func(c *Customer) { c.Name = "Changed"; c.ExternalRef = nil; c.HasPassword = false }); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Customer(c.ID)
	if got.Name != "Changed" || got.ExternalRef != nil || !got.HasPassword || !got.UpdatedAt.After(c.UpdatedAt) {
		t.Errorf("after UpdateCustomer: %+v", got)
	}
	if err := s.UpdateCustomer("missing", func(*Customer) {}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}

	if !s.CheckPassword("DIRECT@example.com", "pw-direct") || s.CheckPassword("direct@example.com", "nope") {
		t.Error("CheckPassword")
	}
	if err := s.SetPassword(c.ID, "pw-new"); err != nil || !s.CheckPassword("direct@example.com", "pw-new") {
		t.Errorf("SetPassword: %v", err)
	}
	if err := s.SetPassword(c.ID, ""); err != nil || s.CheckPassword("direct@example.com", "") {
		t.Errorf("clear password: %v", err)
	}
	if got, _ := s.Customer(c.ID); got.HasPassword {
		t.Error("password not cleared")
	}
	if !s.DeleteCustomer(c.ID) || s.DeleteCustomer(c.ID) {
		t.Error("DeleteCustomer")
	}
	// The email is free again.
	if _, err := s.CreateCustomer("Again", "direct@example.com", "", nil); err != nil {
		t.Errorf("reuse email after delete: %v", err)
	}
	if len(s.Requests()) != 0 {
		t.Error("direct store access was logged")
	}
}

func TestConcurrentClients(t *testing.T) {
	h := newHarness(t, Config{Faults: Faults{Rate429: 0.1, Rate5xx: 0.05, Seed: 5}})
	const workers, perWorker = 12, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	var token string
	h.srv.SetFaults(Faults{})
	h.login()
	token = h.token
	h.srv.SetFaults(Faults{Rate429: 0.1, Rate5xx: 0.05, Seed: 5})

	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wh := &harness{t: t, srv: h.srv, hc: h.hc, token: token}
			for i := range perWorker {
				email := fmt.Sprintf("w%d-%d@example.com", w, i)
				var r result
				var err error
				for { // retry injected faults; a create is safe to retry here since faults precede effects
					r, err = wh.apiErr(http.MethodPost, "/v2/customers", customerBody(map[string]any{"name": "W", "email": email, "password": "pw"}), nil)
					if err != nil || (r.status != 429 && r.status < 500) {
						break
					}
				}
				if err != nil || r.status != http.StatusCreated {
					errs <- fmt.Errorf("create %s: %v %d %s", email, err, r.status, r.body)
					return
				}
				var env struct{ Data customerJSON }
				_ = json.Unmarshal(r.body, &env)
				_, _ = wh.apiErr(http.MethodGet, "/v2/customers/"+env.Data.ID, nil, nil)
				_, _ = wh.apiErr(http.MethodPut, "/v2/customers/"+env.Data.ID, customerBody(map[string]any{"name": "W2"}), nil)
				_, _ = wh.apiErr(http.MethodGet, "/v2/customers?filter=like(email,w*)&page[limit]=5", nil, nil)
				_ = h.srv.Requests()
				_ = h.srv.Stats()
				if i%3 == 0 {
					for {
						r, err = wh.apiErr(http.MethodDelete, "/v2/customers/"+env.Data.ID, nil, nil)
						if err != nil || (r.status != 429 && r.status < 500) {
							break
						}
					}
					if err != nil || r.status != http.StatusNoContent {
						errs <- fmt.Errorf("delete: %v %d", err, r.status)
						return
					}
				}
			}
		}()
	}
	// Fault settings may change mid-flight.
	h.srv.SetFaults(Faults{Rate429: 0.1, Rate5xx: 0.05, Seed: 6})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(h.srv.Customers()), workers*(perWorker-5); got != want {
		t.Errorf("%d customers, want %d", got, want)
	}
	if st := h.srv.Stats(); st.Total != len(h.srv.Requests()) || st.Faults[Fault429] == 0 {
		t.Errorf("stats %+v vs %d logged", st, len(h.srv.Requests()))
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:80"} {
		if err := CheckLoopback(addr); err == nil {
			t.Errorf("CheckLoopback(%q) accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "localhost:0"} {
		if err := CheckLoopback(addr); err != nil {
			t.Errorf("CheckLoopback(%q): %v", addr, err)
		}
	}
	r, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:") {
		t.Errorf("URL %q", r.URL)
	}
}
