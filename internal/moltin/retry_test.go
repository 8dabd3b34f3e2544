package moltin

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

var jsonHeader = map[string]string{"Content-Type": "application/json"}

const body429 = `{"errors":[{"status":429,"title":"Too Many Requests","detail":"slow down"}]}`

func TestRetry429WithoutRetryAfter(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	cu, _ := api.CreateCustomer("R", "r@example.com", "", nil)
	path := "/v2/customers/" + cu.ID
	api.script(http.MethodGet, path, 3, http.StatusTooManyRequests, jsonHeader, body429)

	start := time.Now()
	got, err := c.GetCustomer(t.Context(), cu.ID)
	if err != nil || got.ID != cu.ID {
		t.Fatalf("GET after three 429s: %+v %v", got, err)
	}
	api.wantSent(t, http.MethodGet, path, 4, "three 429s, then the answer")
	// Backoff without Retry-After is the client's own: at most RetryWaitMax
	// (50 ms here) per wait.
	if d := time.Since(start); d > time.Second {
		t.Errorf("three retries took %v; the backoff should stay below RetryWaitMax", d)
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	cu, _ := api.CreateCustomer("R", "r@example.com", "", nil)
	path := "/v2/customers/" + cu.ID
	api.script(http.MethodGet, path, 2, http.StatusTooManyRequests, map[string]string{"Retry-After": "1", "Content-Type": "application/json"}, body429)

	if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
		t.Fatal(err)
	}
	seen := api.requests(http.MethodGet, path)
	if len(seen) != 3 {
		t.Fatalf("%d attempts, want 3", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		// Retry-After: 1 must win over the 50 ms RetryWaitMax.
		if gap := seen[i].At.Sub(seen[i-1].At); gap < 950*time.Millisecond || gap > 3*time.Second {
			t.Errorf("attempt %d came %v after the 429 with Retry-After: 1", i+1, gap)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-5", 0, true},
		{"3600", maxRetryAfter, true},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{now.Add(-10 * time.Second).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
	} {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for attempt := range 20 {
		if d := backoff(100*time.Millisecond, 2*time.Second, attempt, nil); d < 50*time.Millisecond || d > 2*time.Second {
			t.Errorf("backoff attempt %d = %v, outside [min/2, max]", attempt, d)
		}
	}
}

// A 429 or 408 means the request was not processed: even a POST is sent again.
func TestRetry429And408OnCreate(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	api.script(http.MethodPost, "/v2/customers", 1, http.StatusTooManyRequests, jsonHeader, body429)
	api.script(http.MethodPost, "/v2/customers", 1, http.StatusRequestTimeout, nil, "")
	cu, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "P", Email: "p@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 3, "")
	api.wantSent(t, http.MethodGet, "/v2/customers", 0, "a 429 or 408 says nothing was done: no lookup is needed")
	api.wantOnlyCustomer(t, cu.ID, cu)
}

func TestRetry5xxOnIdempotentCalls(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	ctx := t.Context()
	cu, _ := api.CreateCustomer("R", "r@example.com", "", nil)
	path := "/v2/customers/" + cu.ID
	for m, st := range map[string]int{http.MethodGet: 500, http.MethodPut: 502, http.MethodDelete: 503} {
		api.script(m, path, 1, st, map[string]string{"Content-Type": "text/html"}, "<html>bad gateway</html>")
	}

	if _, err := c.GetCustomer(ctx, cu.ID); err != nil {
		t.Fatalf("GET after a 500: %v", err)
	}
	if _, err := c.UpdateCustomer(ctx, cu.ID, CustomerUpdate{Name: strp("R2")}); err != nil {
		t.Fatalf("PUT after a 502: %v", err)
	}
	if err := c.DeleteCustomer(ctx, cu.ID); err != nil {
		t.Fatalf("DELETE after a 503: %v", err)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		api.wantSent(t, m, path, 2, "one 5xx, one answer")
	}
	if len(api.Customers()) != 0 {
		t.Error("the customer survived the DELETE")
	}

	// 501 says the call will never work: not retried.
	api.script(http.MethodGet, "/v2/customers/x", 5, http.StatusNotImplemented, nil, "")
	if _, err := c.GetCustomer(ctx, "x"); StatusOf(err) != http.StatusNotImplemented {
		t.Errorf("501: %v", err)
	}
	api.wantSent(t, http.MethodGet, "/v2/customers/x", 1, "a 501 is not retried")

	// Retries run out: the last answer is the error, with its detail.
	api.script(http.MethodGet, "/v2/customers/y", 100, http.StatusServiceUnavailable, jsonHeader,
		`{"errors":[{"status":503,"title":"Service Unavailable","detail":"maintenance","request_id":"req-9"}]}`)
	c2 := newTestClient(t, api, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c2.GetCustomer(ctx, "y")
	if StatusOf(err) != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "maintenance") || !strings.Contains(err.Error(), "req-9") {
		t.Errorf("after the retries: %v", err)
	}
	api.wantSent(t, http.MethodGet, "/v2/customers/y", 3, "MaxRetries 2")
}

// A 5xx to a POST may or may not have created the customer: the client looks
// it up before any second POST, and sends one only when none exists.
func TestCreateAfter5xxLooksUpBeforeResending(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	api.script(http.MethodPost, "/v2/customers", 1, http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, "<html>502</html>")

	cu, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "F", Email: "f@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	api.mu.Lock()
	for _, s := range api.seen {
		if s.Path == "/v2/customers" {
			order = append(order, s.Method)
		}
	}
	api.mu.Unlock()
	if strings.Join(order, ",") != "POST,GET,POST" {
		t.Errorf("requests to /v2/customers: %v, want POST (502), GET (lookup: none), POST", order)
	}
	api.wantOnlyCustomer(t, cu.ID, cu)

	// Every POST answered 5xx: each resend follows a lookup, and the number
	// of POSTs is bounded by MaxRetries.
	api.script(http.MethodPost, "/v2/customers", 100, http.StatusServiceUnavailable, jsonHeader, `{"errors":[{"status":503,"detail":"down"}]}`)
	c2 := newTestClient(t, api, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err = c2.CreateCustomer(t.Context(), CustomerCreate{Name: "G", Email: "g@example.com"})
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) || StatusOf(err) != 503 ||
		!strings.HasPrefix(err.Error(), "POST /v2/customers: the outcome is unknown: 503 Service Unavailable; down") {
		t.Errorf("after 5xx on every POST: %v", err)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 2+3, "2 before, then 3 with MaxRetries 2")
	if len(api.Customers()) != 1 {
		t.Error("a customer was created by a 503'd POST")
	}
}

// A POST whose answer is lost after the customer was created is adopted:
// one POST, one lookup, one customer.
func TestCreateDroppedAfterCommitIsAdoptedOnce(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, dropAfter: true})

	in := CustomerCreate{Name: "D", Email: "d@example.com", Password: strp("pw-dropped-1"), ExternalRef: strp("x-1")}
	cu, err := c.CreateCustomer(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	cs := api.Customers()
	if len(cs) != 1 || cs[0].ID != cu.ID || cu.Name != "D" || !cu.HasPassword {
		t.Fatalf("customers %+v, adopted %+v", cs, cu)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 1, "a committed create must not be sent again")

	// The emulator's own drop fault, on every mutating request: the create is
	// still adopted once.
	api.SetFaults(emulator.Faults{DropAfterCommit: 1, Seed: 7})
	cu2, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "E", Email: "e@example.com"})
	api.SetFaults(emulator.Faults{})
	if err != nil {
		t.Fatal(err)
	}
	if got := api.Customers(); len(got) != 2 {
		t.Errorf("%d customers, want 2", len(got))
	}
	if st := api.Stats(); st.ByKind[emulator.KindCreate] != 2 {
		t.Errorf("%d creates reached the emulator, want 2", st.ByKind[emulator.KindCreate])
	}
	if _, ok := api.Customer(cu2.ID); !ok {
		t.Error("the adopted customer is not the one in the emulator")
	}

	// A PUT or DELETE whose answer is lost is simply sent again.
	api.scriptRule(rule{method: http.MethodPut, path: "/v2/customers/" + cu.ID, times: 1, dropAfter: true})
	if up, err := c.UpdateCustomer(t.Context(), cu.ID, CustomerUpdate{Name: strp("D2")}); err != nil || up.Name != "D2" {
		t.Errorf("PUT after a lost answer: %+v %v", up, err)
	}
	api.scriptRule(rule{method: http.MethodDelete, path: "/v2/customers/" + cu.ID, times: 1, dropAfter: true})
	if err := c.DeleteCustomer(t.Context(), cu.ID); err != nil {
		t.Errorf("DELETE after a lost answer (the retry sees 404): %v", err)
	}
	if _, ok := api.Customer(cu.ID); ok {
		t.Error("not deleted")
	}
}

// A customer found after an unknown outcome that differs from the one asked
// for may be someone else's: it is neither adopted nor overwritten.
func TestCreateUnknownOutcomeMismatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		existing func(api *testAPI) emulator.Customer
	}{
		{"other name", func(api *testAPI) emulator.Customer {
			c, _ := api.CreateCustomer("Someone Else", "m@example.com", "pw-other-1", nil)
			return c
		}},
		{"no password", func(api *testAPI) emulator.Customer {
			c, _ := api.CreateCustomer("M", "m@example.com", "", nil)
			return c
		}},
		{"other external_ref", func(api *testAPI) emulator.Customer {
			c, _ := api.CreateCustomer("M", "M@example.com", "pw-other-1", strp("theirs"))
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api, c := newEmulatedClient(t)
			existing := tc.existing(api)
			api.script(http.MethodPost, "/v2/customers", 1, http.StatusInternalServerError, jsonHeader, `{"errors":[{"status":500,"detail":"oops"}]}`)
			_, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "M", Email: "m@example.com", Password: strp("pw-mine-1")})
			var mismatch *ErrCustomerMismatch
			if !errors.As(err, &mismatch) || mismatch.Existing.ID != existing.ID {
				t.Fatalf("err %v, want ErrCustomerMismatch naming %s", err, existing.ID)
			}
			if !strings.Contains(err.Error(), existing.ID) || strings.Contains(err.Error(), "pw-mine-1") {
				t.Errorf("error %q should name the customer found and no password", err)
			}
			api.wantSent(t, http.MethodPost, "/v2/customers", 1, "")
			api.wantSent(t, http.MethodPut, "/v2/customers/"+existing.ID, 0, "the customer found must not be overwritten")
		})
	}
}

func TestDialErrorsAreRetried(t *testing.T) {
	t.Parallel()
	log := &recordingLogger{}
	c, err := New(Config{BaseURL: acctest.ClosedURL(t), ClientID: "id", ClientSecret: "secret-dial-1", MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCustomer(t.Context(), "x")
	var authErr *AuthError
	if !errors.As(err, &authErr) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err %v, want an AuthError saying the connection was refused", err)
	}
	failed := 0
	for _, l := range log.all() {
		if strings.Contains(l, "request failed") && strings.Contains(l, "/oauth/access_token") {
			failed++
		}
	}
	if failed != 3 {
		t.Errorf("%d failed token attempts logged, want 3 (MaxRetries 2)", failed)
	}
}

func TestRequestTimeoutAndMaxElapsed(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	cu, _ := api.CreateCustomer("T", "t@example.com", "", nil)
	path := "/v2/customers/" + cu.ID

	// A slow attempt is cut at RequestTimeout and retried.
	api.scriptRule(rule{method: http.MethodGet, path: path, times: 1, delay: 3 * time.Second})
	c := newTestClient(t, api, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond })
	start := time.Now()
	if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
		t.Fatalf("GET after one slow attempt: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v: the slow attempt was not cut at the request timeout", d)
	}

	// Every attempt slow: the error says so, without the URL.
	api.scriptRule(rule{method: http.MethodGet, path: "/v2/customers/slow", times: 2, delay: 3 * time.Second})
	c1 := newTestClient(t, api, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond; cfg.MaxRetries = 1 })
	_, err := c1.GetCustomer(t.Context(), "slow")
	if err == nil || !strings.Contains(err.Error(), "GET /v2/customers/slow: no answer within the request timeout (200ms)") || strings.Contains(err.Error(), "http://") {
		t.Errorf("every attempt slow: %v", err)
	}

	// 429s without end: MaxElapsed ends the operation, not MaxRetries.
	api.script(http.MethodGet, "/v2/customers/z", 1000, http.StatusTooManyRequests, jsonHeader, body429)
	c2 := newTestClient(t, api, func(cfg *Config) { cfg.MaxRetries = 100; cfg.MaxElapsed = 400 * time.Millisecond })
	start = time.Now()
	_, err = c2.GetCustomer(t.Context(), "z")
	// Cut off while waiting to retry, or during an attempt (then the last
	// answer is the error).
	if err == nil || !strings.Contains(err.Error(), "gave up") && StatusOf(err) != http.StatusTooManyRequests {
		t.Errorf("err %v, want a give-up or the last 429", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("MaxElapsed 400ms, but the call took %v", d)
	}
}

// A create that succeeded but whose answer cannot be read is adopted from a
// lookup; if the lookup finds nothing, it is an error and is never resent.
func TestCreateWithUnreadableAnswer(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, afterCommit: true,
		status: http.StatusCreated, header: jsonHeader, body: `{"data":{"type":"customer","id":`})
	cu, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "U", Email: "u@example.com"})
	if err != nil {
		t.Fatalf("committed create with a truncated answer: %v", err)
	}
	api.wantOnlyCustomer(t, cu.ID, cu)

	// Answered by something in front of the API, which created nothing.
	api.script(http.MethodPost, "/v2/customers", 5, http.StatusOK, jsonHeader, `{"data":{"id":""}}`)
	_, err = c.CreateCustomer(t.Context(), CustomerCreate{Name: "V", Email: "v@example.com"})
	var unreadable *ResponseDecodeError
	if !errors.As(err, &unreadable) || !strings.Contains(err.Error(), "without an id") {
		t.Errorf("err %v, want a ResponseDecodeError", err)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 2, "a 2xx is never resent")
}

// With retries turned off, a lost answer is still looked up and adopted.
func TestCreateDroppedWithoutRetriesIsAdopted(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t, func(cfg *Config) { cfg.RetriesOff = true })
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, dropAfter: true})
	cu, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "W", Email: "w@example.com"})
	if err != nil {
		t.Fatalf("lost answer with retries off: %v", err)
	}
	api.wantOnlyCustomer(t, cu.ID, cu)
	// And a 5xx before any effect is reported, not resent.
	api.script(http.MethodPost, "/v2/customers", 1, http.StatusBadGateway, nil, "")
	if _, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "X", Email: "x@example.com"}); StatusOf(err) != http.StatusBadGateway {
		t.Errorf("err %v, want the 502", err)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 2, "")
}

// A create that takes effect but answers after the request timeout has an
// unknown outcome like a lost answer: it is looked up and adopted.
func TestCreateTimedOutAfterCommitIsAdopted(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t, func(cfg *Config) { cfg.RequestTimeout = 300 * time.Millisecond })
	api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, afterCommit: true, delay: 2 * time.Second})
	cu, err := c.CreateCustomer(t.Context(), CustomerCreate{Name: "Slow", Email: "slow@example.com"})
	if err != nil {
		t.Fatalf("slow create: %v", err)
	}
	api.wantOnlyCustomer(t, cu.ID, cu)
	api.wantSent(t, http.MethodPost, "/v2/customers", 1, "")
}
