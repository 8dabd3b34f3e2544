// Package emulator is an in-memory emulator of the Moltin (Elastic Path
// Commerce Cloud) auth, customers and Account Management API (accounts,
// account members and their logins: account_management.go and its
// neighbours), served as an http.Handler.
//
// It exists so that unit tests, Terraform acceptance tests, the demo and the
// benchmark can run offline against something that behaves like the real API,
// including its failure modes (429s, 5xx, lost responses, latency and a
// server-side rate limit), which a real store cannot be made to produce on
// demand.
package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults used when Config leaves the credentials empty, so that New(Config{})
// still yields a usable server.
const (
	DefaultClientID     = "emulator-client-id"
	DefaultClientSecret = "emulator-client-secret"
)

const (
	defaultTokenLifetime  = time.Hour
	customerTokenLifetime = 24 * time.Hour
	maxBodyBytes          = 1 << 20
)

// Fault labels recorded in Request.Fault and counted in Stats.Faults.
const (
	Fault429           = "429"
	Fault429RetryAfter = "429-retry-after"
	Fault5xx           = "5xx"
	FaultDrop          = "drop"
	FaultRateLimit     = "rate-limit"
)

// Request kinds recorded in Request.Kind and counted in Stats.ByKind.
const (
	KindToken         = "token"
	KindCreate        = "create"
	KindGet           = "get"
	KindUpdate        = "update"
	KindDelete        = "delete"
	KindList          = "list"
	KindCustomerToken = "customer-token"
	KindAdmin         = "admin" // reserved: admin routes are never logged
	KindOther         = "other"
)

// Config configures a Server.
type Config struct {
	ClientID, ClientSecret string        // required credentials for client_credentials (defaults: DefaultClientID/DefaultClientSecret)
	TokenLifetime          time.Duration // default 1h; expires_in/expires reflect it
	Faults                 Faults
	// RejectUnknownFlowKeys answers 422 to a customer key that is no field
	// of its flow; by default such keys are dropped silently, as the real
	// API is believed to do (the fact sheet leaves it open).
	RejectUnknownFlowKeys bool
	// MemberDelay is how long an account member takes to appear after its
	// user-authentication-info is written: 0 means DefaultMemberDelay, a
	// negative value none. See SetMemberDelay.
	MemberDelay time.Duration
}

// Faults describes the failures injected into API requests. Admin routes are
// never faulted.
type Faults struct {
	Rate429         float64       `json:"rate_429"`          // share (0..1) of API requests answered 429
	RetryAfterShare float64       `json:"retry_after_share"` // share of injected 429s that carry `Retry-After: 1`
	Rate5xx         float64       `json:"rate_5xx"`          // share answered 500/502/503 before any effect
	DropAfterCommit float64       `json:"drop_after_commit"` // share of POST/PUT/DELETE committed, then the connection closed with no response
	Latency         time.Duration `json:"latency"`           // added to every API request; a change is made even if its client leaves meanwhile
	RateLimit       float64       `json:"rate_limit"`        // server-side requests/second over all API requests; 0 = unlimited
	Seed            int64         `json:"seed"`              // for the random fault draws; 0 = time-based
}

// MarshalJSON writes Latency as a Go duration string ("20ms") so the admin
// endpoint is readable by humans and scripts.
func (f Faults) MarshalJSON() ([]byte, error) {
	type plain Faults
	return marshal(struct {
		plain
		Latency string `json:"latency"`
	}{plain(f), f.Latency.String()}), nil
}

// UnmarshalJSON accepts Latency as a Go duration string or as integer
// nanoseconds (what encoding/json would produce for a time.Duration).
func (f *Faults) UnmarshalJSON(b []byte) error {
	type plain Faults
	aux := struct {
		plain
		Latency json.RawMessage `json:"latency"`
	}{plain: plain(*f)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	latency := f.Latency
	if raw := strings.TrimSpace(string(aux.Latency)); raw != "" && raw != "null" {
		if raw[0] == '"' {
			var s string
			if err := json.Unmarshal(aux.Latency, &s); err != nil {
				return fmt.Errorf("latency: %w", err)
			}
			latency = 0
			if s != "" {
				d, err := time.ParseDuration(s)
				if err != nil {
					return fmt.Errorf("latency: %w", err)
				}
				latency = d
			}
		} else {
			var n json.Number
			if err := json.Unmarshal(aux.Latency, &n); err != nil {
				return fmt.Errorf("latency: %w", err)
			}
			if i, err := n.Int64(); err == nil {
				latency = time.Duration(i)
			} else if fl, err := n.Float64(); err == nil {
				latency = time.Duration(fl)
			} else {
				return fmt.Errorf("latency: %q is not a duration", raw)
			}
		}
	}
	*f = Faults(aux.plain)
	f.Latency = latency
	return nil
}

func (f Faults) validate() error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"rate_429", f.Rate429}, {"retry_after_share", f.RetryAfterShare}, {"rate_5xx", f.Rate5xx}, {"drop_after_commit", f.DropAfterCommit}} {
		if r.v < 0 || r.v > 1 {
			return fmt.Errorf("%s must be between 0 and 1", r.name)
		}
	}
	if f.Latency < 0 {
		return errors.New("latency must not be negative")
	}
	if f.RateLimit < 0 {
		return errors.New("rate_limit must not be negative")
	}
	return nil
}

// Request is one logged API request.
type Request struct {
	Method        string
	Path          string
	Query         string // r.URL.RawQuery decoded for readability (secrets redacted)
	Body          []byte // request body with secret values replaced by "REDACTED"
	Status        int    // status answered (0 if dropped or abandoned by the client)
	Fault         string // "" or one of the Fault* labels
	Kind          string // one of the Kind* labels
	CustomerToken bool   // X-Moltin-Customer-Token header was present
	UserAgent     string // the client's User-Agent header
}

type requestJSON struct {
	Method        string `json:"method"`
	Path          string `json:"path"`
	Query         string `json:"query"`
	Body          string `json:"body"`
	Status        int    `json:"status"`
	Fault         string `json:"fault"`
	Kind          string `json:"kind"`
	CustomerToken bool   `json:"customer_token"`
	UserAgent     string `json:"user_agent"`
}

// MarshalJSON writes Body as a string rather than base64, so logs are readable.
func (r Request) MarshalJSON() ([]byte, error) {
	return marshal(requestJSON{r.Method, r.Path, r.Query, string(r.Body), r.Status, r.Fault, r.Kind, r.CustomerToken, r.UserAgent}), nil
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (r *Request) UnmarshalJSON(b []byte) error {
	var j requestJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Request{j.Method, j.Path, j.Query, []byte(j.Body), j.Status, j.Fault, j.Kind, j.CustomerToken, j.UserAgent}
	return nil
}

// Stats summarises the API requests logged since the server started or since
// the last ResetRequests (the same window that Requests covers).
type Stats struct {
	ByKind       map[string]int `json:"by_kind"`
	Faults       map[string]int `json:"faults"`
	TokensIssued int            `json:"tokens_issued"` // access tokens issued by /oauth/access_token
	Total        int            `json:"total"`
}

// Server is the emulator. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	clientID, clientSecret string
	tokenLifetime          time.Duration

	faultMu sync.Mutex
	faults  Faults
	rng     *mathrand.Rand
	limiter *rate.Limiter
	// kindFaults: see SetKindFault.
	kindFaults map[string]*KindFault

	logMu sync.Mutex
	log   []*Request
	stats Stats

	mu             sync.Mutex // guards the store below
	customers      map[string]*customer
	byEmail        map[string]string // lower-cased email -> id
	accessTokens   map[string]accessToken
	customerTokens map[string]customerToken
	// addressRequired: see SetAddressRequired.
	addressRequired []string
	addressSeq      int64
	// flowState: flows, fields and their values (flows.go).
	flowState             flowState
	rejectUnknownFlowKeys bool
	// am is the Account Management store (accounts.go and its neighbours).
	am amState
}

type accessToken struct {
	expires time.Time
	grant   string
}

type customerToken struct {
	customerID string
	expires    time.Time
}

// New returns a Server configured by cfg.
func New(cfg Config) *Server {
	s := &Server{
		clientID:       cfg.ClientID,
		clientSecret:   cfg.ClientSecret,
		tokenLifetime:  cfg.TokenLifetime,
		customers:      map[string]*customer{},
		byEmail:        map[string]string{},
		accessTokens:   map[string]accessToken{},
		customerTokens: map[string]customerToken{},

		rejectUnknownFlowKeys: cfg.RejectUnknownFlowKeys,
	}
	if s.clientID == "" {
		s.clientID = DefaultClientID
	}
	if s.clientSecret == "" {
		s.clientSecret = DefaultClientSecret
	}
	if s.tokenLifetime <= 0 {
		s.tokenLifetime = defaultTokenLifetime
	}
	s.am.init(cfg.MemberDelay)
	s.stats = newStats()
	s.SetFaults(cfg.Faults)
	return s
}

func newStats() Stats {
	return Stats{ByKind: map[string]int{}, Faults: map[string]int{}}
}

// SetFaults replaces the fault configuration. Out-of-range rates are clamped.
// The random source is reseeded from f.Seed so a test that sets faults gets a
// reproducible sequence of draws from then on.
func (s *Server) SetFaults(f Faults) {
	f.Rate429 = clamp01(f.Rate429)
	f.RetryAfterShare = clamp01(f.RetryAfterShare)
	f.Rate5xx = clamp01(f.Rate5xx)
	f.DropAfterCommit = clamp01(f.DropAfterCommit)
	f.Latency = max(f.Latency, 0)
	f.RateLimit = max(f.RateLimit, 0)

	seed := f.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	var lim *rate.Limiter
	if f.RateLimit > 0 {
		lim = rate.NewLimiter(rate.Limit(f.RateLimit), max(1, int(f.RateLimit)))
	}

	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = f
	s.rng = mathrand.New(mathrand.NewSource(seed))
	s.limiter = lim
}

func (s *Server) currentFaults() Faults {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults
}

func clamp01(v float64) float64 {
	return min(max(v, 0), 1)
}

// chance draws from the shared random source; p of 0 or 1 consumes no draw so
// that rates of 1.0 are deterministic regardless of the seed.
func (s *Server) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.rng.Float64() < p
}

func (s *Server) intn(n int) int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.rng.Intn(n)
}

// Requests returns a copy of the request log in arrival order.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = *r
		out[i].Body = append([]byte(nil), r.Body...)
	}
	return out
}

// ResetRequests clears the request log and the Stats counters.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
	s.stats = newStats()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := Stats{ByKind: map[string]int{}, Faults: map[string]int{}, TokensIssued: s.stats.TokensIssued, Total: s.stats.Total}
	for k, v := range s.stats.ByKind {
		out.ByKind[k] = v
	}
	for k, v := range s.stats.Faults {
		out.Faults[k] = v
	}
	return out
}

func (s *Server) record(r *Request) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = append(s.log, r)
	s.stats.Total++
	s.stats.ByKind[r.Kind]++
}

// finish fills in the outcome of a logged request. The entry is updated in
// place (under the log lock) so a ResetRequests in between is harmless.
func (s *Server) finish(r *Request, status int, fault string) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	r.Status = status
	r.Fault = fault
	if fault != "" {
		s.stats.Faults[fault]++
	}
}

func (s *Server) countTokenIssued() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.stats.TokensIssued++
}

// call carries one API request through the handlers.
type call struct {
	r         *http.Request
	body      []byte
	bodyErr   error
	requestID string
	kind      string
}

// ServeHTTP serves admin routes directly and runs API requests through the
// fault pipeline: record, latency, rate limit, random 429, random 5xx,
// handle, and possibly drop the response after committing the effect.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isAdminPath(r.URL.Path) {
		s.serveAdmin(w, r)
		return
	}

	c := &call{r: r, requestID: newRequestID(), kind: classify(r.Method, r.URL.Path)}
	c.body, c.bodyErr = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	// The raw body may hold a password; only the redacted copy outlives the request.
	defer clear(c.body)

	entry := &Request{
		Method:        r.Method,
		Path:          r.URL.Path,
		Query:         decodeQuery(redactForm(r.URL.RawQuery)),
		Body:          redactBody(r.URL.Path, r.Header.Get("Content-Type"), c.body),
		Kind:          c.kind,
		CustomerToken: r.Header.Get("X-Moltin-Customer-Token") != "",
		UserAgent:     r.UserAgent(),
	}
	s.record(entry)

	f := s.currentFaults()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		// A change that has reached the API is carried out whether or not
		// its client is still there to read the answer, as by the real
		// API: a client that gives up on a POST, PUT or DELETE after
		// sending it leaves the change made. A read is dropped at once.
		var gone <-chan struct{}
		if !isMutating(r.Method) {
			gone = r.Context().Done()
		}
		select {
		case <-t.C:
		case <-gone:
			t.Stop()
			s.finish(entry, 0, "")
			return
		}
	}

	s.faultMu.Lock()
	lim := s.limiter
	s.faultMu.Unlock()
	if lim != nil && !lim.Allow() {
		resp := errorResponse(http.StatusTooManyRequests, "Too Many Requests", "rate limit exceeded, retry later")
		s.write(w, c, resp)
		s.finish(entry, resp.status, FaultRateLimit)
		return
	}

	if s.chance(f.Rate429) {
		resp := errorResponse(http.StatusTooManyRequests, "Too Many Requests", "too many requests, retry later")
		fault := Fault429
		if s.chance(f.RetryAfterShare) {
			resp.header.Set("Retry-After", "1")
			fault = Fault429RetryAfter
		}
		s.write(w, c, resp)
		s.finish(entry, resp.status, fault)
		return
	}

	if s.chance(f.Rate5xx) {
		statuses := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}
		st := statuses[s.intn(len(statuses))]
		resp := errorResponse(st, http.StatusText(st), "injected server error")
		s.write(w, c, resp)
		s.finish(entry, resp.status, Fault5xx)
		return
	}

	kf, aimed := s.takeKindFault(c.kind)
	if aimed {
		if !wait(r, kf.Delay) {
			s.finish(entry, 0, "")
			return
		}
		if kf.Status != 0 {
			resp := amError(kf.Status, "injected fault for "+c.kind+" requests", "")
			s.write(w, c, resp)
			s.finish(entry, resp.status, FaultInjected)
			return
		}
	}

	resp := s.route(c)

	if aimed && kf.Drop {
		s.finish(entry, 0, FaultDrop)
		dropConnection(w)
		return
	}
	if isMutating(r.Method) && s.chance(f.DropAfterCommit) {
		s.finish(entry, 0, FaultDrop)
		dropConnection(w)
		return
	}
	s.write(w, c, resp)
	s.finish(entry, resp.status, "")
}

func isMutating(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodDelete
}

// dropConnection closes the TCP connection without writing a response, so the
// client sees EOF/reset although the effect was committed.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2 or a recorder: aborting the handler is the closest equivalent.
	panic(http.ErrAbortHandler)
}

func (s *Server) write(w http.ResponseWriter, c *call, resp *response) {
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("X-Request-Id", c.requestID)
	if resp.status >= 500 {
		resp.setRequestID(c.requestID)
	}
	if resp.body != nil {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.status)
	if resp.body != nil {
		_, _ = w.Write(resp.body)
	}
}

func decodeQuery(raw string) string {
	if q, err := url.QueryUnescape(raw); err == nil {
		return q
	}
	return raw
}

func isAdminPath(p string) bool {
	return p == "/__emulator" || strings.HasPrefix(p, "/__emulator/")
}

// classify names the kind of an API request from its method and path.
func classify(method, path string) string {
	if kind, ok := classifyAM(method, path); ok {
		return kind
	}
	switch {
	case path == "/oauth/access_token":
		if method == http.MethodPost {
			return KindToken
		}
	case path == "/v2/customers" || path == "/v2/customers/":
		switch method {
		case http.MethodGet:
			return KindList
		case http.MethodPost:
			return KindCreate
		}
	case path == "/v2/customers/tokens" && method == http.MethodPost:
		return KindCustomerToken
	case isAddressPath(path):
		return classifyAddress(method, path)
	case isFlowPath(path):
		return classifyFlows(method, path)
	case strings.HasPrefix(path, "/v2/customers/") && !strings.Contains(strings.TrimPrefix(path, "/v2/customers/"), "/"):
		switch method {
		case http.MethodGet:
			return KindGet
		case http.MethodPut:
			return KindUpdate
		case http.MethodDelete:
			return KindDelete
		}
	}
	return KindOther
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

func newRequestID() string { return newUUID() }

// newUUID returns a random RFC 4122 version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
