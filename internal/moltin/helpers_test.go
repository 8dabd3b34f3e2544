package moltin

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

const (
	testClientID     = "unit-client-id"
	testClientSecret = "unit-client-secret-4b7f0c2e9a"
)

// testAPI is an in-process emulator behind a scripting proxy: rules answer
// chosen requests themselves (a 429, a 502, a proxy page) before the
// emulator sees them, so that a test decides exactly which attempt fails.
// Every request that reaches the proxy is recorded, answered by a rule or not.
type testAPI struct {
	*emulator.Server
	URL string

	mu    sync.Mutex
	rules []*rule
	seen  []seenRequest
}

type seenRequest struct {
	Method, Path string
	At           time.Time
	Auth         string // the Authorization header, to check that no token leaks
	Scripted     bool   // answered by a rule, not by the emulator
}

// rule answers the next `times` requests that match method and path (an
// empty field matches anything).
type rule struct {
	method, path string
	times        int
	status       int
	header       map[string]string
	body         string
	// dropAfter lets the emulator commit the request, then closes the
	// connection without an answer, as a lost response would.
	dropAfter bool
	// afterCommit lets the emulator commit the request first, then answers
	// (after delay) with the rule's status and body, or with the emulator's
	// answer when status is 0.
	afterCommit bool
	delay       time.Duration
	// onArrive runs when the request has arrived, before anything else:
	// the interrupt tests stop the operation there.
	onArrive func()
}

func newTestAPI(t *testing.T, cfg emulator.Config) *testAPI {
	t.Helper()
	if cfg.ClientID == "" {
		cfg.ClientID = testClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = testClientSecret
	}
	if cfg.Faults.Seed == 0 {
		cfg.Faults.Seed = 1
	}
	api := &testAPI{Server: emulator.New(cfg)}
	srv := httptest.NewServer(http.HandlerFunc(api.serve))
	t.Cleanup(srv.Close)
	api.URL = srv.URL
	return api
}

func (a *testAPI) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	var hit *rule
	for _, ru := range a.rules {
		if ru.times > 0 && (ru.method == "" || ru.method == r.Method) && (ru.path == "" || ru.path == r.URL.Path) {
			ru.times--
			hit = ru
			break
		}
	}
	a.seen = append(a.seen, seenRequest{Method: r.Method, Path: r.URL.Path, At: time.Now(), Auth: r.Header.Get("Authorization"), Scripted: hit != nil})
	a.mu.Unlock()
	if hit != nil && hit.onArrive != nil {
		hit.onArrive()
	}
	if hit == nil {
		a.Server.ServeHTTP(w, r)
		return
	}
	var committed *httptest.ResponseRecorder
	if hit.afterCommit {
		committed = httptest.NewRecorder()
		a.Server.ServeHTTP(committed, r)
	}
	if hit.delay > 0 {
		select {
		case <-time.After(hit.delay):
		case <-r.Context().Done():
			return
		}
	}
	if hit.status == 0 && committed != nil {
		for k, v := range committed.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(committed.Code)
		_, _ = w.Write(committed.Body.Bytes())
		return
	}
	if hit.status == 0 && !hit.dropAfter {
		a.Server.ServeHTTP(w, r)
		return
	}
	if hit.dropAfter {
		a.Server.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, v := range hit.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(hit.status)
	_, _ = w.Write([]byte(hit.body))
}

// script adds a rule.
func (a *testAPI) script(method, path string, times, status int, header map[string]string, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rules = append(a.rules, &rule{method: method, path: path, times: times, status: status, header: header, body: body})
}

// scriptRule adds a rule built by the caller.
func (a *testAPI) scriptRule(r rule) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rules = append(a.rules, &r)
}

// requests returns the requests seen with that method and path.
func (a *testAPI) requests(method, path string) []seenRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []seenRequest
	for _, s := range a.seen {
		if s.Method == method && s.Path == path {
			out = append(out, s)
		}
	}
	return out
}

// wantSent checks that the API saw want requests with that method and
// path; why, if any, says what the count shows.
func (a *testAPI) wantSent(t *testing.T, method, path string, want int, why string) {
	t.Helper()
	if n := len(a.requests(method, path)); n != want {
		if why != "" {
			why = " (" + why + ")"
		}
		t.Errorf("%s %s sent %d times, want %d%s", method, path, n, want, why)
	}
}

// wantOnlyCustomer checks that the emulator holds one customer, the one with
// that id (what the client returned: got).
func (a *testAPI) wantOnlyCustomer(t *testing.T, id string, got any) {
	t.Helper()
	if cs := a.Customers(); len(cs) != 1 || cs[0].ID != id {
		t.Errorf("customers %+v, want only the one returned: %+v", cs, got)
	}
}

// accessTokens returns every bearer token that a request carried.
func (a *testAPI) accessTokens() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	set := map[string]bool{}
	for _, s := range a.seen {
		if tok := strings.TrimPrefix(s.Auth, "Bearer "); tok != "" {
			set[tok] = true
		}
	}
	var out []string
	for tok := range set {
		out = append(out, tok)
	}
	return out
}

// newTestClient returns a client of api with fast retries; mods adjust it.
func newTestClient(t *testing.T, api *testAPI, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:              api.URL,
		ClientID:             testClientID,
		ClientSecret:         testClientSecret,
		MaxRequestsPerSecond: 1000,
		RetryWaitMin:         5 * time.Millisecond,
		RetryWaitMax:         50 * time.Millisecond,
		RequestTimeout:       5 * time.Second,
		MaxElapsed:           30 * time.Second,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// newEmulatedClient is newTestClient of a fresh emulator with the default
// configuration.
func newEmulatedClient(t *testing.T, mods ...func(*Config)) (*testAPI, *Client) {
	t.Helper()
	api := newTestAPI(t, emulator.Config{})
	return api, newTestClient(t, api, mods...)
}

// recordingLogger keeps every line the client logs.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}

func (l *recordingLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("WARN", msg, fields)
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recordingLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func strp(s string) *string { return &s }

// countStatus counts the emulator's log entries of a kind answered with status.
func countStatus(reqs []emulator.Request, kind string, status int) int {
	n := 0
	for _, r := range reqs {
		if r.Kind == kind && r.Status == status {
			n++
		}
	}
	return n
}
