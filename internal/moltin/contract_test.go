package moltin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestContract records the facts about the API that the documentation
// leaves open, against whatever it is pointed at: in live mode
// (MOLTIN_ACC_LIVE=1 and EPCC_*) the store, otherwise an emulator of its
// own. A burst to meet a 429 is sent to a live store only with
// MOLTIN_CONTRACT_BURST=1. It prints them as a table (and writes it to MOLTIN_CONTRACT_TABLE
// when set), so that the emulator's table and a real store's can be
// compared line by line. Against the emulator it also asserts the
// emulator's answers; against a store it only records.
//
// It speaks plain HTTP rather than through Client, so that what it records
// is what the API does, not what the client makes of it.
func TestContract(t *testing.T) {
	store, live, err := acctest.Live()
	if err != nil {
		t.Fatal(err)
	}
	target := "a live store (" + store.BaseURL + ")"
	if !live {
		// The limit of a production store, so that a burst meets a 429 as it
		// would there.
		secret := "contract-secret-" + strings.ToLower(acctest.NewRunID())
		emu, err := emulator.Start(emulator.Config{ClientID: "contract", ClientSecret: secret, Faults: emulator.Faults{RateLimit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = emu.Close() })
		store = acctest.Store{BaseURL: emu.URL, ClientID: "contract", ClientSecret: secret}
		target = "the emulator (internal/emulator)"
	}
	api := &contractAPI{t: t, base: strings.TrimRight(store.BaseURL, "/"), hc: &http.Client{Timeout: 30 * time.Second}}
	tag := "contract" + acctest.NewRunID()[:4]
	var facts []contractFact
	record := func(f contractFact) { facts = append(facts, f) }

	record(api.accessToken(store))
	created, fact := api.createCustomer(acctest.Email(tag, "first"))
	record(fact)
	if created == "" {
		t.Fatalf("could not create a customer: %s", fact.Measured)
	}
	defer api.deleteCustomer(created)
	record(api.duplicate("duplicate email, same case: status", acctest.Email(tag, "first")))
	record(api.duplicate("duplicate email, other case: status", strings.ToUpper(acctest.Email(tag, "first"))))
	record(api.errorStatusType(acctest.Email(tag, "first")))
	record(api.filterFinds(`eq(email,…) in another case finds the customer`, fmt.Sprintf(`eq(email,"%s")`, strings.ToUpper(acctest.Email(tag, "first"))), created))
	record(api.filterFinds(`like(email,"<prefix>*") finds the customer (the sweeper's filter)`, fmt.Sprintf(`like(email,"%s*")`, acctest.RunPrefix()), created))
	record(api.putPartial("customer PUT: partial or whole", "partial", "/v2/customers/"+url.PathEscape(created), "customer", "email", "external_ref"))
	addressCreate, addressPut := api.address(created)
	record(addressCreate)
	record(addressPut)
	record(api.customerTokenLifetime(tag))
	// A burst makes a shared store answer 429 to everyone on it for a moment,
	// so against a live store it is asked for.
	if !live || os.Getenv("MOLTIN_CONTRACT_BURST") == "1" {
		record(api.retryAfter())
	} else {
		record(contractFact{Fact: "429: carries Retry-After", Docs: "not documented",
			Measured: "not measured: set MOLTIN_CONTRACT_BURST=1 to send a burst of up to 200 requests"})
	}
	deleted, gone := api.deleteCustomer(created)
	record(deleted)
	record(gone)

	table := formatContract(target, facts)
	t.Log("\n" + table)
	if path := os.Getenv("MOLTIN_CONTRACT_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
	if live {
		return
	}
	for _, f := range facts {
		if f.Emulator != "" && f.Measured != f.Emulator {
			t.Errorf("the emulator's %q is %q, want %q", f.Fact, f.Measured, f.Emulator)
		}
	}
}

// contractFact is one line of the table. Emulator is what the emulator
// must answer ("" for facts it has no opinion on).
type contractFact struct {
	Fact, Docs, Measured, Emulator string
}

func formatContract(target string, facts []contractFact) string {
	var b strings.Builder
	fmt.Fprintf(&b, "API contract, measured against %s:\n", target)
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "fact\tdocs say\tmeasured")
	for _, f := range facts {
		fmt.Fprintf(w, "%s\t%s\t%s\n", f.Fact, f.Docs, f.Measured)
	}
	_ = w.Flush()
	return b.String()
}

type contractAPI struct {
	t     *testing.T
	base  string
	hc    *http.Client
	token string
}

type contractAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a contractAnswer) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(a.body, &m)
	return m
}

func (a *contractAPI) call(method, path string, query url.Values, body any) contractAnswer {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			a.t.Error(err)
		}
		rd = bytes.NewReader(raw)
	}
	u := a.base + path
	if query != nil {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(a.t.Context(), method, u, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.roundTrip(req)
}

func (a *contractAPI) roundTrip(req *http.Request) contractAnswer {
	a.t.Helper()
	resp, err := a.hc.Do(req)
	if err != nil {
		// Errorf, not Fatalf: the burst calls this from other goroutines.
		a.t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return contractAnswer{header: http.Header{}}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return contractAnswer{status: resp.StatusCode, header: resp.Header, body: raw}
}

func (a *contractAPI) accessToken(s acctest.Store) contractFact {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	req, err := http.NewRequestWithContext(a.t.Context(), http.MethodPost, a.base+"/oauth/access_token", strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ans := a.roundTrip(req)
	var tok struct {
		AccessToken string  `json:"access_token"`
		ExpiresIn   float64 `json:"expires_in"`
		Expires     float64 `json:"expires"`
	}
	if err := json.Unmarshal(ans.body, &tok); err != nil || ans.status != http.StatusOK || tok.AccessToken == "" {
		a.t.Fatalf("access token: status %d", ans.status)
	}
	a.token = tok.AccessToken
	left := time.Until(time.Unix(int64(tok.Expires), 0)).Round(time.Minute)
	return contractFact{Fact: "access token lifetime", Docs: "1 h",
		Measured: fmt.Sprintf("expires_in %.0f s; expires − now ≈ %s", tok.ExpiresIn, fmtDuration(left)),
		Emulator: "expires_in 3600 s; expires − now ≈ 1h"}
}

func fmtDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func customerBody(name, email string, extra map[string]any) map[string]any {
	data := map[string]any{"type": "customer", "name": name, "email": email}
	for k, v := range extra {
		data[k] = v
	}
	return map[string]any{"data": data}
}

func dataID(ans contractAnswer) string {
	if d, ok := ans.json()["data"].(map[string]any); ok {
		id, _ := d["id"].(string)
		return id
	}
	return ""
}

func (a *contractAPI) createCustomer(email string) (string, contractFact) {
	ans := a.call(http.MethodPost, "/v2/customers", nil, customerBody("Contract First", email, map[string]any{"external_ref": "contract-ref"}))
	return dataID(ans), contractFact{Fact: "create: status", Docs: "201 (some mocks 200)", Measured: fmt.Sprint(ans.status), Emulator: "201"}
}

func (a *contractAPI) duplicate(fact, email string) contractFact {
	ans := a.call(http.MethodPost, "/v2/customers", nil, customerBody("Contract Duplicate", email, nil))
	if id := dataID(ans); id != "" {
		a.deleteCustomer(id)
	}
	return contractFact{Fact: fact, Docs: "not documented (409 or 422?)", Measured: fmt.Sprint(ans.status), Emulator: "409"}
}

// errorStatusType records whether errors[].status is a number or a string,
// from the answer to a duplicate.
func (a *contractAPI) errorStatusType(email string) contractFact {
	ans := a.call(http.MethodPost, "/v2/customers", nil, customerBody("Contract Duplicate", email, nil))
	if id := dataID(ans); id != "" {
		a.deleteCustomer(id)
	}
	measured := "no errors[] in the answer"
	if errs, ok := ans.json()["errors"].([]any); ok && len(errs) > 0 {
		e, _ := errs[0].(map[string]any)
		switch e["status"].(type) {
		case float64:
			measured = "number"
		case string:
			measured = "string"
		default:
			measured = fmt.Sprintf("%T", e["status"])
		}
	}
	return contractFact{Fact: "errors[].status: number or string", Docs: "either", Measured: measured, Emulator: "number"}
}

func (a *contractAPI) filterFinds(fact, filter, id string) contractFact {
	ans := a.call(http.MethodGet, "/v2/customers", url.Values{"filter": {filter}, "page[limit]": {"100"}}, nil)
	measured := fmt.Sprintf("status %d", ans.status)
	if ans.status == http.StatusOK {
		measured = "no"
		list, _ := ans.json()["data"].([]any)
		for _, item := range list {
			if m, _ := item.(map[string]any); m["id"] == id {
				measured = "yes"
			}
		}
	}
	return contractFact{Fact: fact, Docs: "not documented", Measured: measured, Emulator: "yes"}
}

// putPartial sends a PUT to path (an object of type typ) changing only the
// name, and records whether the fields in kept are kept.
func (a *contractAPI) putPartial(fact, docs, path, typ string, kept ...string) contractFact {
	get := func() map[string]any {
		d, _ := a.call(http.MethodGet, path, nil, nil).json()["data"].(map[string]any)
		return d
	}
	before := get()
	ans := a.call(http.MethodPut, path, nil, map[string]any{"data": map[string]any{"type": typ, "name": "Contract Renamed"}})
	measured := fmt.Sprintf("status %d", ans.status)
	if ans.status == http.StatusOK {
		after := get()
		measured = "partial (fields left out are kept)"
		var lost []string
		for _, k := range kept {
			if after[k] != before[k] {
				lost = append(lost, fmt.Sprintf("%s %v→%v", k, before[k], after[k]))
			}
		}
		if after["name"] != "Contract Renamed" || len(lost) > 0 {
			measured = fmt.Sprintf("whole (after a name-only PUT: %s)", strings.Join(lost, ", "))
		}
	}
	return contractFact{Fact: fact, Docs: docs, Measured: measured, Emulator: "partial (fields left out are kept)"}
}

// address makes an address of the customer with every field that any
// source calls required, recording the create's status, then measures a
// name-only PUT of it.
func (a *contractAPI) address(customerID string) (contractFact, contractFact) {
	const fact, docs = "address PUT: partial or whole", "unclear (docs: whole; SDK: partial)"
	base := "/v2/customers/" + url.PathEscape(customerID) + "/addresses"
	made := a.call(http.MethodPost, base, nil, map[string]any{"data": map[string]any{
		"type": "address", "name": "Contract Home", "first_name": "Con", "last_name": "Tract",
		"line_1": "1 Contract Street", "city": "Leeds", "county": "West Yorkshire", "region": "England",
		"postcode": "LS1 1AA", "country": "GB"}})
	created := contractFact{Fact: "address create: status", Docs: "201 (OpenAPI file: 200)", Measured: fmt.Sprint(made.status), Emulator: "201"}
	id := dataID(made)
	if id == "" {
		return created, contractFact{Fact: fact, Docs: docs, Measured: fmt.Sprintf("not measured: address create answered %d", made.status)}
	}
	defer a.call(http.MethodDelete, base+"/"+url.PathEscape(id), nil, nil)
	return created, a.putPartial(fact, docs, base+"/"+url.PathEscape(id), "address", "line_1", "city", "postcode", "country")
}

func (a *contractAPI) customerTokenLifetime(tag string) contractFact {
	email, password := acctest.Email(tag, "login"), "Contract-pw-"+acctest.NewRunID()
	made := a.call(http.MethodPost, "/v2/customers", nil, customerBody("Contract Login", email, map[string]any{"password": password}))
	id := dataID(made)
	if id == "" {
		return contractFact{Fact: "customer token lifetime", Docs: "24 h", Measured: fmt.Sprintf("not measured: create answered %d", made.status)}
	}
	defer a.deleteCustomer(id)
	ans := a.call(http.MethodPost, "/v2/customers/tokens", nil, map[string]any{"data": map[string]any{
		"type": "token", "email": email, "password": password, "authentication_mechanism": "password"}})
	measured := fmt.Sprintf("status %d", ans.status)
	if d, ok := ans.json()["data"].(map[string]any); ok {
		if exp, ok := d["expires"].(float64); ok {
			measured = "expires − now ≈ " + fmtDuration(time.Until(time.Unix(int64(exp), 0)).Round(time.Minute))
		}
	}
	return contractFact{Fact: "customer token lifetime", Docs: "24 h", Measured: measured, Emulator: "expires − now ≈ 24h"}
}

// retryAfter sends a bounded burst of one-customer listings, 20 at a time,
// until the first 429, and records whether it carried Retry-After.
func (a *contractAPI) retryAfter() contractFact {
	const burst, workers = 200, 20
	var (
		mu    sync.Mutex
		first *contractAnswer
		sent  int
	)
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range jobs {
				ans := a.call(http.MethodGet, "/v2/customers", url.Values{"page[limit]": {"1"}}, nil)
				mu.Lock()
				sent++
				if ans.status == http.StatusTooManyRequests && first == nil {
					first = &ans
				}
				mu.Unlock()
			}
		})
	}
	for range burst {
		mu.Lock()
		done := first != nil
		mu.Unlock()
		if done {
			break
		}
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	fact := contractFact{Fact: "429: carries Retry-After", Docs: "not documented", Emulator: "no (429 after a burst; no Retry-After)"}
	switch {
	case first == nil:
		fact.Measured = fmt.Sprintf("not measured: no 429 in a burst of %d requests", sent)
	case first.header.Get("Retry-After") != "":
		fact.Measured = fmt.Sprintf("yes, Retry-After: %s (429 after a burst)", first.header.Get("Retry-After"))
	default:
		fact.Measured = "no (429 after a burst; no Retry-After)"
	}
	// Let the store's window pass before anything else is asked of it.
	time.Sleep(time.Second)
	return fact
}

// deleteCustomer deletes a customer and records the delete's status and
// what a read of it answers afterwards.
func (a *contractAPI) deleteCustomer(id string) (contractFact, contractFact) {
	del := a.call(http.MethodDelete, "/v2/customers/"+url.PathEscape(id), nil, nil)
	get := a.call(http.MethodGet, "/v2/customers/"+url.PathEscape(id), nil, nil)
	return contractFact{Fact: "delete: status", Docs: "204", Measured: fmt.Sprint(del.status), Emulator: "204"},
		contractFact{Fact: "read after delete: status", Docs: "404", Measured: fmt.Sprint(get.status), Emulator: "404"}
}
