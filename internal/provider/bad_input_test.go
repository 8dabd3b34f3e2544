package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// badProxy stands in front of an emulator like a load balancer: it forwards
// everything, except the requests that its rule answers itself.
type badProxy struct {
	URL string

	mu   sync.Mutex
	rule *badRule
	hits int
	seen []badSeen
}

type badSeen struct {
	method, path string
	at           time.Time
}

// badRule answers requests of one method whose path starts with pathPrefix.
type badRule struct {
	method, pathPrefix string
	status             int
	contentType, body  string
	delay              time.Duration // before answering
}

// newBadProxy makes the test's env (an emulator of its own) and starts a
// proxy in front of it, with no rule yet.
func newBadProxy(t *testing.T) (*testEnv, *badProxy) {
	t.Helper()
	env := newTestEnv(t, emulator.Config{})
	target, err := url.Parse(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	p := &badProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, badSeen{r.Method, r.URL.Path, time.Now()})
		rule := p.rule
		if rule != nil && r.Method == rule.method && strings.HasPrefix(r.URL.Path, rule.pathPrefix) {
			p.hits++
		} else {
			rule = nil
		}
		p.mu.Unlock()
		if rule == nil {
			forward.ServeHTTP(w, r)
			return
		}
		if rule.delay > 0 {
			select {
			case <-time.After(rule.delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", rule.contentType)
		w.WriteHeader(rule.status)
		_, _ = w.Write([]byte(rule.body))
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return env, p
}

func (p *badProxy) set(rule *badRule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rule = rule
}

// requests returns the requests seen whose method matches and whose path
// starts with prefix.
func (p *badProxy) requests(method, prefix string) []badSeen {
	return p.requestsSince(0, method, prefix)
}

// mark returns a position in the log, for requestsSince.
func (p *badProxy) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen)
}

func (p *badProxy) requestsSince(mark int, method, prefix string) []badSeen {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []badSeen
	for _, s := range p.seen[mark:] {
		if s.method == method && strings.HasPrefix(s.path, prefix) {
			out = append(out, s)
		}
	}
	return out
}

func (p *badProxy) answered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits
}

// fastFailing keeps failing rows quick: one retry, short attempts.
const fastFailing = `max_retries = 1
  request_timeout = "5s"`

// badProviderBlock configures the provider for baseURL with env's
// credentials (or the secret given).
func badProviderBlock(env *testEnv, baseURL, secret string) string {
	return badProviderSettings(env, baseURL, secret, fastFailing)
}

func badProviderSettings(env *testEnv, baseURL, secret, settings string) string {
	if secret == "" {
		secret = env.ClientSecret
	}
	return fmt.Sprintf(`
provider "moltin" {
  api_base_url  = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, baseURL, env.ClientID, secret, settings)
}

func badCustomer(body string) string {
	return "resource \"moltin_customer\" \"bad\" {\n" + body + "\n}\n"
}

// wrapRegexp matches the phrases in order, whatever line wrapping the CLI
// applied to the diagnostic in between and within them.
func wrapRegexp(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(parts, `[\s\S]*`))
}

// TestAccBadInput runs one configuration per kind of bad input and checks
// the diagnostic (naming the attribute, or the remote cause) and that
// nothing was created and the state holds nothing. Plan-time rows also check
// that no request at all reached the API.
func TestAccBadInput(t *testing.T) {
	emulatorOnly(t, "puts a proxy that answers errors no store would give on demand in front of the emulator")
	t.Parallel()
	const okCustomer = `  name  = "Bad Input"
  email = "bad.input@example.com"`
	jsonErr := func(status int, title, detail, pointer string) string {
		return fmt.Sprintf(`{"errors":[{"status":%d,"title":%q,"detail":%q,"source":{"pointer":%q}}]}`, status, title, detail, pointer)
	}

	for _, row := range []struct {
		name     string
		planTime bool
		// config builds the configuration; proxyURL is the URL of a proxy
		// in front of the emulator that answers with rule, if one is set.
		config func(t *testing.T, env *testEnv, proxyURL string) string
		rule   *badRule
		expect *regexp.Regexp
	}{
		{
			name:     "invalid email",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return env.providerBlock(fastFailing) + badCustomer(`  name = "A"`+"\n"+`  email = "not-an-email"`)
			},
			expect: wrapRegexp(`Invalid email address`, `email "not-an-email" is not an email address such as jane@example.com`),
		},
		{
			name:     "email with a display name",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return env.providerBlock(fastFailing) + badCustomer(`  name = "A"`+"\n"+`  email = "Ann <ann@example.com>"`)
			},
			expect: wrapRegexp(`Invalid email address`, `is not an email address`),
		},
		{
			name:     "empty name",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return env.providerBlock(fastFailing) + badCustomer(`  name = ""`+"\n"+`  email = "a@example.com"`)
			},
			expect: wrapRegexp(`Attribute name string length must be at least 1, got: 0`),
		},
		{
			name:     "external_ref too long",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return env.providerBlock(fastFailing) + badCustomer(okCustomer+"\n"+fmt.Sprintf("  external_ref = %q", strings.Repeat("r", 2049)))
			},
			expect: wrapRegexp(`Attribute external_ref string length must be at most 2048, got: 2049`),
		},
		{
			name:     "password_wo_version without password_wo",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return env.providerBlock(fastFailing) + badCustomer(okCustomer+"\n  password_wo_version = 1")
			},
			expect: wrapRegexp(`Attribute "password_wo" must be specified when "password_wo_version" is specified`),
		},
		{
			name:     "client_id unknown at plan time",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				// A second provider whose client_id is another resource's id,
				// known only after that resource is created.
				return env.providerBlock(fastFailing) + `
resource "moltin_customer" "seed" {
  name  = "Seed"
  email = "seed@example.com"
}

provider "moltin" {
  alias         = "derived"
  api_base_url  = "` + env.URL + `"
  client_id     = moltin_customer.seed.id
  client_secret = "` + env.ClientSecret + `"
}

resource "moltin_customer" "derived" {
  provider = moltin.derived
  name     = "Derived"
  email    = "derived@example.com"
}
`
			},
			expect: wrapRegexp(`Unknown provider setting`, `client_id is not known until apply`, `EPCC_CLIENT_ID or MOLTIN_CLIENT_ID`),
		},
		{
			name:     "plain http to a remote host",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return badProviderBlock(env, "http://api.moltin.com", "") + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Invalid api_base_url`, `"http://api.moltin.com" uses plain http to a host that is not loopback: use https`),
		},
		{
			name:     "max_retries out of range",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return badProviderSettings(env, env.URL, "", "max_retries = 101") + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Attribute max_retries value must be between 0 and 100, got: 101`),
		},
		{
			name:     "request_timeout not a duration",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return badProviderSettings(env, env.URL, "", `request_timeout = "soon"`) + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Invalid Time Duration String Value`, `Given Value: soon`),
		},
		{
			name:     "request_timeout not positive",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return badProviderSettings(env, env.URL, "", `request_timeout = "0s"`) + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Invalid request_timeout`, `0s is not a positive duration such as 30s or 2m`),
		},
		{
			name:     "max_requests_per_second zero",
			planTime: true,
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return badProviderSettings(env, env.URL, "", "max_requests_per_second = 0") + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Attribute max_requests_per_second value must be at least`),
		},
		{
			name: "wrong client secret",
			config: func(_ *testing.T, env *testEnv, _ string) string {
				return badProviderBlock(env, env.URL, "not-the-secret-3f9a") + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Could not create the customer`, `authentication failed (401 Unauthorized): check client_id and client_secret`, `invalid client credentials`),
		},
		{
			name: "unreachable host",
			config: func(t *testing.T, env *testEnv, _ string) string {
				return badProviderBlock(env, acctest.ClosedURL(t), "") + badCustomer(okCustomer)
			},
			expect: wrapRegexp(`Could not create the customer`, `could not obtain an access token`, `connection refused`),
		},
		{
			name: "502 with an HTML page from a proxy",
			config: func(_ *testing.T, env *testEnv, proxyURL string) string {
				return badProviderBlock(env, proxyURL, "") + badCustomer(okCustomer)
			},
			rule: &badRule{method: http.MethodPost, pathPrefix: "/v2/customers", status: http.StatusBadGateway, contentType: "text/html",
				body: "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"},
			expect: wrapRegexp(`Could not create the customer`, `the outcome is unknown`, `502 Bad Gateway (the body was not the API's JSON but text/html: a proxy or load balancer answered)`),
		},
		{
			name: "no answer within request_timeout",
			config: func(_ *testing.T, env *testEnv, proxyURL string) string {
				return badProviderSettings(env, proxyURL, "", "max_retries = 1\n  request_timeout = \"2s\"") + badCustomer(okCustomer)
			},
			rule: &badRule{method: http.MethodPost, pathPrefix: "/v2/customers", status: http.StatusGatewayTimeout, contentType: "text/plain",
				body: "too late", delay: 5 * time.Second},
			expect: wrapRegexp(`Could not create the customer`, `the outcome is unknown: no answer within the request timeout (2s)`),
		},
		{
			name: "malformed JSON on 200",
			config: func(_ *testing.T, env *testEnv, proxyURL string) string {
				return badProviderBlock(env, proxyURL, "") + badCustomer(okCustomer)
			},
			rule:   &badRule{method: http.MethodPost, pathPrefix: "/v2/customers", status: http.StatusOK, contentType: "application/json", body: `{"data":{"type":"customer","id":`},
			expect: wrapRegexp(`Could not create the customer`, `the API answered 200 with a body that is not the expected JSON (application/json)`),
		},
		{
			name: "400 from the API",
			config: func(_ *testing.T, env *testEnv, proxyURL string) string {
				return badProviderBlock(env, proxyURL, "") + badCustomer(okCustomer)
			},
			rule: &badRule{method: http.MethodPost, pathPrefix: "/v2/customers", status: http.StatusBadRequest, contentType: "application/json",
				body: jsonErr(400, "Bad Request", "email domain example.com is not allowed in this store", "/data/email")},
			// The error's source pointer puts the diagnostic on the email line.
			expect: wrapRegexp(`Could not create the customer`, `with moltin_customer.`, `email =`, `400 Bad Request`, `email domain example.com is not allowed in this store (at /data/email)`),
		},
		{
			name: "422 from the API",
			config: func(_ *testing.T, env *testEnv, proxyURL string) string {
				return badProviderBlock(env, proxyURL, "") + badCustomer(okCustomer)
			},
			rule: &badRule{method: http.MethodPost, pathPrefix: "/v2/customers", status: http.StatusUnprocessableEntity, contentType: "application/json",
				body: jsonErr(422, "Unprocessable Entity", "name must not contain control characters", "/data/name")},
			expect: wrapRegexp(`Could not create the customer`, `with moltin_customer.`, `name =`, `422 Unprocessable Entity`, `name must not contain control characters (at /data/name)`),
		},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			env, proxy := newBadProxy(t)
			proxy.set(row.rule)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:      row.config(t, env, proxy.URL),
						ExpectError: row.expect,
					},
					{
						// The state holds nothing: an empty configuration
						// plans no change (a customer in the state would be
						// planned for destruction).
						Config: env.providerBlock(),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: func(*terraform.State) error {
							if cs := env.Customers(); len(cs) != 0 {
								return fmt.Errorf("a failed configuration left %d customers in the emulator: %+v", len(cs), cs)
							}
							if row.planTime {
								if st := env.Stats(); st.Total != 0 {
									return fmt.Errorf("a configuration refused at plan time sent %d requests: %v", st.Total, st.ByKind)
								}
							}
							if row.rule != nil && proxy.answered() == 0 {
								return fmt.Errorf("the proxy never answered with its %d: the row tested nothing", row.rule.status)
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// TestAccBadInput_updateRejected: an update that the API refuses is an
// error naming the remote cause, and leaves the customer and the state as
// they were.
func TestAccBadInput_updateRejected(t *testing.T) {
	emulatorOnly(t, "puts a proxy that refuses an update on demand in front of the emulator")
	t.Parallel()
	env, proxy := newBadProxy(t)
	cfg := func(name string) string {
		return badProviderBlock(env, proxy.URL, "") + badCustomer(fmt.Sprintf("  name  = %q\n  email = \"upd@example.com\"", name))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("Before")},
			{
				PreConfig: func() {
					proxy.set(&badRule{method: http.MethodPut, pathPrefix: "/v2/customers/", status: http.StatusUnprocessableEntity, contentType: "application/json",
						body: `{"errors":[{"status":"422","title":"Unprocessable Entity","detail":"name is reserved","source":{"pointer":"/data/name"}}]}`})
				},
				Config:      cfg("After"),
				ExpectError: wrapRegexp(`Could not update the customer`, `PUT /v2/customers/`, `422 Unprocessable Entity`, `name is reserved (at /data/name)`),
			},
			{
				// The old configuration plans nothing: the state still says
				// "Before", and so does the API.
				PreConfig: func() { proxy.set(nil) },
				Config:    cfg("Before"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					cs := env.Customers()
					if len(cs) != 1 || cs[0].Name != "Before" {
						return fmt.Errorf("customers after the refused update: %+v", cs)
					}
					if proxy.answered() != 1 {
						return fmt.Errorf("the proxy answered %d PUTs, want 1 (a 422 is not retried)", proxy.answered())
					}
					return nil
				},
			},
		},
	})
}

// TestAccProviderSettings_applied checks that max_requests_per_second and
// max_retries reach the client: the creates of one apply are paced at the
// configured rate, and a read that keeps failing is tried max_retries + 1
// times, after which the state is as it was.
func TestAccProviderSettings_applied(t *testing.T) {
	emulatorOnly(t, "measures request pacing and retries through an injected failure")
	t.Parallel()
	env, proxy := newBadProxy(t)
	const perSecond = 4
	var failingSince int
	config := badProviderSettings(env, proxy.URL, "", fmt.Sprintf("max_requests_per_second = %d\n  max_retries = 2\n  request_timeout = \"5s\"", perSecond)) + `
resource "moltin_customer" "paced" {
  count = 6
  name  = "Paced ${count.index}"
  email = "paced-${count.index}@example.com"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					// The token request and six creates, one limiter apart.
					reqs := append(proxy.requests(http.MethodPost, "/oauth/"), proxy.requests(http.MethodPost, "/v2/customers")...)
					if len(reqs) != 7 {
						return fmt.Errorf("%d token and create requests, want 7", len(reqs))
					}
					first, last := reqs[0].at, reqs[0].at
					for _, r := range reqs {
						if r.at.Before(first) {
							first = r.at
						}
						if r.at.After(last) {
							last = r.at
						}
					}
					rate := 6 / last.Sub(first).Seconds()
					t.Logf("7 requests in %v: %.1f/s with max_requests_per_second = %d", last.Sub(first), rate, perSecond)
					if rate > perSecond*1.15 || rate < perSecond*0.5 {
						return fmt.Errorf("achieved %.1f requests/s, want about %d", rate, perSecond)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					failingSince = proxy.mark()
					proxy.set(&badRule{method: http.MethodGet, pathPrefix: "/v2/customers/", status: http.StatusServiceUnavailable,
						contentType: "application/json", body: `{"errors":[{"status":503,"title":"Service Unavailable","detail":"down for maintenance"}]}`})
				},
				Config:      config,
				ExpectError: wrapRegexp(`Could not read the customer`, `503 Service Unavailable`, `down for maintenance`),
			},
			{
				PreConfig: func() {
					proxy.set(nil)
					perPath := map[string]int{}
					for _, r := range proxy.requestsSince(failingSince, http.MethodGet, "/v2/customers/") {
						perPath[r.path]++
					}
					if len(perPath) == 0 {
						t.Error("no read reached the proxy")
					}
					for p, n := range perPath {
						if n != 3 {
							t.Errorf("%s read %d times, want 3 (max_retries = 2)", p, n)
						}
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
