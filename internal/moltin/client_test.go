package moltin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

func TestCustomerCRUD(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	ctx := t.Context()

	created, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com", Password: strp("pw-123456"), ExternalRef: strp("crm-1")})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.ID == "" || created.Name != "Ann" || created.Email != "ann@example.com" || !created.HasPassword ||
		created.ExternalRef == nil || *created.ExternalRef != "crm-1" || created.CreatedAt.IsZero() || created.UpdatedAt.IsZero() {
		t.Fatalf("created %+v", created)
	}
	if !api.CheckPassword("ann@example.com", "pw-123456") {
		t.Error("the emulator does not accept the password sent on create")
	}

	got, err := c.GetCustomer(ctx, created.ID)
	if err != nil || got.ID != created.ID || got.Name != "Ann" || !got.CreatedAt.Equal(created.CreatedAt) {
		t.Fatalf("get: %+v %v", got, err)
	}

	updated, err := c.UpdateCustomer(ctx, created.ID, CustomerUpdate{Name: strp("Ann B")})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.Name != "Ann B" || updated.Email != "ann@example.com" || updated.ExternalRef == nil || *updated.ExternalRef != "crm-1" ||
		!updated.HasPassword || !updated.UpdatedAt.After(created.UpdatedAt) {
		t.Errorf("a name-only update changed more or less than the name: %+v", updated)
	}

	if err := c.DeleteCustomer(ctx, created.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, ok := api.Customer(created.ID); ok {
		t.Error("the customer is still in the emulator after delete")
	}
	// Deleting what is already gone is no error (a destroy after drift).
	if err := c.DeleteCustomer(ctx, created.ID); err != nil {
		t.Errorf("second delete: %v", err)
	}
}

// TestPartialUpdateBodies checks from the emulator's log that an update sends
// exactly the fields set, and null to clear external_ref.
func TestPartialUpdateBodies(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	ctx := t.Context()
	cu, err := api.CreateCustomer("Bo", "bo@example.com", "", strp("ref"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   CustomerUpdate
		want string // the data object sent, keys sorted
	}{
		{"name", CustomerUpdate{Name: strp("Bo 2")}, `{"name":"Bo 2","type":"customer"}`},
		{"email", CustomerUpdate{Email: strp("bo2@example.com")}, `{"email":"bo2@example.com","type":"customer"}`},
		{"external_ref", CustomerUpdate{ExternalRef: strp("ref-2")}, `{"external_ref":"ref-2","type":"customer"}`},
		{"clear external_ref", CustomerUpdate{ClearExternalRef: true}, `{"external_ref":null,"type":"customer"}`},
		{"password", CustomerUpdate{Password: strp("new-pw-1")}, `{"password":"REDACTED","type":"customer"}`},
	} {
		api.ResetRequests()
		if _, err := c.UpdateCustomer(ctx, cu.ID, tc.in); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var puts []emulator.Request
		for _, r := range api.Requests() {
			if r.Kind == emulator.KindUpdate {
				puts = append(puts, r)
			}
		}
		if len(puts) != 1 {
			t.Fatalf("%s: %d PUTs", tc.name, len(puts))
		}
		var doc struct {
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(puts[0].Body, &doc); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, _ := json.Marshal(doc.Data) // encoding/json sorts map keys
		if string(got) != tc.want {
			t.Errorf("%s: sent %s, want %s", tc.name, got, tc.want)
		}
	}
	final, _ := api.Customer(cu.ID)
	if final.Name != "Bo 2" || final.Email != "bo2@example.com" || final.ExternalRef != nil || !final.HasPassword {
		t.Errorf("after the updates: %+v", final)
	}
	if !(CustomerUpdate{}).IsEmpty() || (CustomerUpdate{ClearExternalRef: true}).IsEmpty() {
		t.Error("IsEmpty")
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	ctx := t.Context()
	const id = "00000000-0000-4000-8000-000000000000"

	_, err := c.GetCustomer(ctx, id)
	if !IsNotFound(err) {
		t.Errorf("get: %v, want a 404", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID == "" || !strings.Contains(err.Error(), "404 Not Found") ||
		!strings.Contains(err.Error(), "customer "+id+" not found") {
		t.Errorf("get error %q should name the status, the API's detail and a request id", err)
	}
	if _, err := c.UpdateCustomer(ctx, id, CustomerUpdate{Name: strp("x")}); !IsNotFound(err) {
		t.Errorf("update: %v, want a 404", err)
	}
	if err := c.DeleteCustomer(ctx, id); err != nil {
		t.Errorf("delete of a missing customer: %v, want nil", err)
	}
	// A 404 is an answer, not a failure: it is never retried.
	api.wantSent(t, http.MethodGet, "/v2/customers/"+id, 1, "a 404 is an answer, never retried")
	// An id is one path segment, whatever it holds.
	if _, err := c.GetCustomer(ctx, "../oauth/access_token"); !IsNotFound(err) {
		t.Errorf("an id with a slash: %v", err)
	}
}

func TestCreateConflict(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	if _, err := api.CreateCustomer("Cy", "cy@example.com", "", nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "Cy 2", Email: "CY@example.com"})
	if !IsConflict(err) || StatusOf(err) != http.StatusConflict {
		t.Fatalf("create of a taken email: %v, want a 409", err)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "cy@example.com") {
		t.Errorf("conflict error %q should name the email", err)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 1, "a 409 is not retried")
	if n := len(api.Customers()); n != 1 {
		t.Errorf("%d customers, want 1", n)
	}

	// The API documents no status for duplicates: a 422 naming the value
	// counts too, a 422 about something else does not.
	for _, tc := range []struct {
		status int
		body   string
		want   bool
	}{
		{422, `{"errors":[{"status":422,"title":"Unprocessable Entity","detail":"The email has already been taken"}]}`, true},
		{422, `{"errors":[{"status":"422","detail":"email must be valid"}]}`, false},
		{400, `{"errors":[{"status":400,"detail":"already exists"}]}`, false},
	} {
		api.script(http.MethodPost, "/v2/customers", 1, tc.status, map[string]string{"Content-Type": "application/json"}, tc.body)
		_, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "Dee", Email: "dee@example.com"})
		if StatusOf(err) != tc.status || IsConflict(err) != tc.want {
			t.Errorf("%d %s: err %v, IsConflict %v, want %v", tc.status, tc.body, err, IsConflict(err), tc.want)
		}
	}
}

func TestListPagingAndFilters(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	ctx := t.Context()
	var all []string
	for i := range 23 {
		name := fmt.Sprintf("Lister %02d", i)
		if i%2 == 1 {
			name = fmt.Sprintf("Other, (odd) \"%02d\"", i)
		}
		cu, err := api.CreateCustomer(name, fmt.Sprintf("l%02d@example.com", i), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, cu.ID)
	}

	api.ResetRequests()
	got, err := c.ListCustomers(ctx, ListOptions{PageSize: 5, Sort: "email"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 23 {
		t.Fatalf("listed %d customers, want 23", len(got))
	}
	for i, cu := range got {
		if want := fmt.Sprintf("l%02d@example.com", i); cu.Email != want {
			t.Fatalf("position %d: %s, want %s (sorted by email across pages)", i, cu.Email, want)
		}
	}
	if pages := api.Stats().ByKind[emulator.KindList]; pages != 5 {
		t.Errorf("%d list requests for 23 customers in pages of 5, want 5", pages)
	}
	var gotIDs []string
	for _, cu := range got {
		gotIDs = append(gotIDs, cu.ID)
	}
	sort.Strings(gotIDs)
	sort.Strings(all)
	if strings.Join(gotIDs, ",") != strings.Join(all, ",") {
		t.Error("the listing is not the set of customers created")
	}

	limited, err := c.ListCustomers(ctx, ListOptions{Limit: 7, PageSize: 5})
	if err != nil || len(limited) != 7 {
		t.Errorf("Limit 7: %d customers, %v", len(limited), err)
	}

	// Values with commas, parentheses and quotes are quoted, not parsed.
	odd, err := c.ListCustomers(ctx, ListOptions{Filters: []Filter{Eq("name", `Other, (odd) "03"`)}})
	if err != nil || len(odd) != 1 || odd[0].Email != "l03@example.com" {
		t.Errorf("eq on a name with punctuation: %+v %v", odd, err)
	}
	likes, err := c.ListCustomers(ctx, ListOptions{Filters: []Filter{Like("name", "Lister*")}})
	if err != nil || len(likes) != 12 {
		t.Errorf("like(name,Lister*): %d customers, %v; want 12", len(likes), err)
	}

	found, ok, err := c.FindCustomerByEmail(ctx, "L05@EXAMPLE.COM")
	if err != nil || !ok || found.Email != "l05@example.com" {
		t.Errorf("find by email, other case: %+v %v %v", found, ok, err)
	}
	if _, ok, err := c.FindCustomerByEmail(ctx, "nobody@example.com"); err != nil || ok {
		t.Errorf("find a missing email: %v %v", ok, err)
	}
}

func TestCustomerToken(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	cu, err := api.CreateCustomer("Tok", "tok@example.com", "pw-abcdef", nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.CreateCustomerToken(t.Context(), "tok@example.com", "pw-abcdef")
	if err != nil || tok.CustomerID != cu.ID || tok.Token == "" || tok.ExpiresAt.IsZero() {
		t.Fatalf("token: %+v %v", tok, err)
	}
	_, err = c.CreateCustomerToken(t.Context(), "tok@example.com", "wrong-password")
	if StatusOf(err) != http.StatusUnauthorized || strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw string
		ok  bool
	}{
		{"https://api.moltin.com", true},
		{"https://useast.api.elasticpath.com/", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:1", true},
		{"http://[::1]:9", true},
		{"http://api.moltin.com", false},
		{"http://10.0.0.1", false},
		{"ftp://api.moltin.com", false},
		{"api.moltin.com", false},
		{"https://user:pw@api.moltin.com", false},
		{"https://api.moltin.com?x=1", false},
		{"", false},
	} {
		_, err := ParseBaseURL(tc.raw)
		if (err == nil) != tc.ok {
			t.Errorf("ParseBaseURL(%q) = %v, want ok=%v", tc.raw, err, tc.ok)
		}
		// A password in the URL is a secret too.
		if err != nil && strings.Contains(tc.raw, ":pw@") && strings.Contains(err.Error(), ":pw@") {
			t.Errorf("ParseBaseURL(%q): the error %q repeats the URL's password", tc.raw, err)
		}
	}
	if _, err := New(Config{BaseURL: "https://api.moltin.com", ClientID: "x"}); err == nil {
		t.Error("New without a client secret should fail")
	}
	if _, err := New(Config{BaseURL: "https://api.moltin.com", ClientID: "x", ClientSecret: "y", MaxRetries: -1}); err == nil {
		t.Error("New with negative MaxRetries should fail: retries are turned off with RetriesOff")
	}
}

// TestCustomersIsLazy checks that a consumer that stops reading stops the
// paging: no page is fetched that no one asked for.
func TestCustomersIsLazy(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	for i := range 12 {
		if _, err := api.CreateCustomer(fmt.Sprintf("Lazy %02d", i), fmt.Sprintf("lazy%02d@example.com", i), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	api.ResetRequests()
	n := 0
	for _, err := range c.Customers(t.Context(), ListOptions{PageSize: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 6 {
			break
		}
	}
	var queries []string
	for _, r := range api.Requests() {
		if r.Kind == emulator.KindList {
			queries = append(queries, r.Query)
		}
	}
	// The sixth customer is the first of the second page; the third page is
	// never asked for.
	want := []string{"page[limit]=5&page[offset]=0", "page[limit]=5&page[offset]=5"}
	if strings.Join(queries, " ; ") != strings.Join(want, " ; ") {
		t.Errorf("list requests %q, want %q", queries, want)
	}
}

// TestNoSecretInLogsOrErrors drives the client through successes and every
// kind of failure and checks that no log line and no error holds the client
// secret, an access token or a customer password.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{TokenLifetime: 2 * time.Minute})
	log := &recordingLogger{}
	c := newTestClient(t, api, func(cfg *Config) { cfg.Logger = log; cfg.MaxRetries = 2 })
	ctx := t.Context()
	const (
		password    = "customer-pw-5e1d0a"
		newPassword = "customer-pw-rotated-77b2"
		wrongSecret = "wrong-secret-0c9e4f"
	)
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	cu, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Sec", Email: "sec@example.com", Password: strp(password)})
	if err != nil {
		t.Fatal(err)
	}
	api.script(http.MethodPut, "/v2/customers/"+cu.ID, 1, http.StatusTooManyRequests, map[string]string{"Retry-After": "0"}, body429)
	_, err = c.UpdateCustomer(ctx, cu.ID, CustomerUpdate{Password: strp(newPassword)})
	keep(err)
	api.ExpireTokens()
	_, err = c.GetCustomer(ctx, cu.ID)
	keep(err)
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, dropAfter: true})
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec2", Email: "sec2@example.com", Password: strp(password)})
	keep(err)
	api.script(http.MethodPost, "/v2/customers", 5, http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, "<html>"+password+"</html>")
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec3", Email: "sec3@example.com", Password: strp(password)})
	keep(err)
	// The API rejects these; the errors say why without the values sent.
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec4", Email: "not-an-email", Password: strp(password)})
	keep(err)
	_, err = c.CreateCustomer(ctx, CustomerCreate{Name: "Sec5", Email: "sec@example.com", Password: strp(password)})
	keep(err)
	_, err = c.CreateCustomerToken(ctx, "sec@example.com", password)
	keep(err)
	tok, err := c.CreateCustomerToken(ctx, "sec@example.com", newPassword)
	keep(err)
	_, err = c.GetCustomer(ctx, "missing")
	keep(err)
	wrong := newTestClient(t, api, func(cfg *Config) { cfg.Logger = log; cfg.ClientSecret = wrongSecret })
	_, err = wrong.GetCustomer(ctx, cu.ID)
	keep(err)
	closed := newTestClient(t, api, func(cfg *Config) {
		cfg.Logger = log
		cfg.BaseURL = acctest.ClosedURL(t)
		cfg.MaxRetries = 1
	})
	_, err = closed.GetCustomer(ctx, cu.ID)
	keep(err)

	for _, e := range errs {
		t.Log(e)
	}
	if len(errs) < 6 {
		t.Fatalf("only %d of the failures happened: %v", len(errs), errs)
	}
	tokens := api.accessTokens()
	if len(tokens) < 2 || tok.Token == "" {
		t.Fatalf("%d access tokens seen, customer token %q: the scenario did not run", len(tokens), tok.Token)
	}
	secrets := append([]string{testClientSecret, wrongSecret, password, newPassword, tok.Token}, tokens...)
	lines := log.all()
	if len(lines) < 20 {
		t.Fatalf("only %d log lines", len(lines))
	}
	for _, s := range secrets {
		for _, l := range lines {
			if strings.Contains(l, s) {
				t.Errorf("a log line holds a secret (%d chars): %s", len(s), strings.ReplaceAll(l, s, "<SECRET>"))
			}
		}
		for _, e := range errs {
			if strings.Contains(e.Error(), s) {
				t.Errorf("an error holds a secret (%d chars): %s", len(s), strings.ReplaceAll(e.Error(), s, "<SECRET>"))
			}
		}
	}

	// Redact is the last line of defence for text from elsewhere.
	cur := c.tokens.current()
	if got := c.Redact("a "+testClientSecret+" b "+cur+" c "+password, password); strings.Contains(got, testClientSecret) ||
		strings.Contains(got, password) || (cur != "" && strings.Contains(got, cur)) || !strings.Contains(got, "(redacted)") {
		t.Errorf("Redact left a secret: %q", got)
	}
}
