package provider

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the real
// CLI that TF_ACC_TERRAFORM_PATH names.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"moltin": NewProtocol6ServerWithError(New("test")()),
}

func TestMain(m *testing.M) {
	// A CLI config file that does not exist makes the CLI print a warning
	// that breaks the testing library's version check; use an empty one.
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			dir, _ := os.MkdirTemp("", "moltin-cli-config")
			empty := filepath.Join(dir, "empty.tfrc")
			_ = os.WriteFile(empty, nil, 0o600)
			os.Setenv("TF_CLI_CONFIG_FILE", empty)
		}
	}
	// Live mode with a variable missing stops at once, naming the three.
	if _, on, err := acctest.Live(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	} else if on {
		fmt.Fprintf(os.Stderr, "live mode: every customer made has an email beginning %s\n", acctest.RunPrefix())
	}
	// resource.TestMain runs the sweepers instead of the tests under -sweep.
	resource.TestMain(m)
}

// TestAccProvider_lazyToken checks that the token is taken on the first API
// call, not when the provider is configured: planning a new customer needs
// no API call, so it must take no token.
func TestAccProvider_lazyToken(t *testing.T) {
	emulatorOnly(t, "counts the tokens taken in the emulator's log (none may be)")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             env.providerBlock() + customerConfig{Name: "Lazy", Email: "lazy@example.com"}.hcl(),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if reqs := env.Requests(); len(reqs) != 0 {
		t.Fatalf("a plan that needs no API call sent %d requests: %s", len(reqs), describe(reqs))
	}
	if n := env.Stats().TokensIssued; n != 0 {
		t.Fatalf("a plan that needs no API call took %d tokens", n)
	}
}

// testEnv is what one test runs against. By default it is an emulator of
// its own, so that tests run in parallel without seeing each other's
// customers or requests. In live mode (MOLTIN_ACC_LIVE=1, make
// testacc-live) it is the store that EPCC_* name, shared with other tests
// and people: emails made with env.email are under the run's prefix, and
// what a test made is deleted when it ends.
//
// The customer methods (CreateCustomer, Customer, UpdateCustomer,
// DeleteCustomer, CheckPassword, Customers) work in both modes. The
// wire-level ones (Requests, Stats, IssuedTokens, ExpireTokens) need the
// emulator: a test built on them calls emulatorOnly(t, why) first; a check
// that needs them inside a test that runs live goes through env.wire.
type testEnv struct {
	t                      *testing.T
	emu                    *emulator.Running // nil in live mode
	URL                    string
	ClientID, ClientSecret string
	// tag is this test's part of the emails (and, where a filter must not
	// see other tests' customers, names) that it makes.
	tag string

	apiOnce sync.Once
	api     *moltin.Client
	noted   sync.Map // wire-level checks reported as not made
}

// emulatorOnly skips the test in live mode, saying why: for a test whose
// point is a wire-level fact (the request log, exact bodies, request
// counts, injected faults, a stub API, changes through the emulator's admin
// API). Call it first in the test.
func emulatorOnly(t *testing.T, why string) {
	t.Helper()
	if _, on, _ := acctest.Live(); on {
		t.Skip("emulator only: " + why)
	}
}

func newTestEnv(t *testing.T, cfg emulator.Config) *testEnv {
	t.Helper()
	tag := strings.ToLower(rand.Text()[:6])
	if store, on, _ := acctest.Live(); on {
		if cfg != (emulator.Config{}) {
			t.Skip("emulator only: needs an emulator configured with faults, credentials or a token lifetime of its own")
		}
		e := &testEnv{t: t, URL: store.BaseURL, ClientID: store.ClientID, ClientSecret: store.ClientSecret, tag: tag}
		e.cleanupOwn("customers", acctest.RunPrefix()+tag+"-", sweepCustomers)
		return e
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "test-client-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = "test-client-secret-" + randomSuffix(t)
	}
	emu, err := emulator.Start(cfg)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	return &testEnv{t: t, emu: emu, URL: emu.URL, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, tag: tag}
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	return rand.Text()
}

// live reports whether the test runs against a live store.
func (e *testEnv) live() bool { return e.emu == nil }

// email is the email of a customer this test makes, under the run's prefix:
// tfacc-<run>-<tag>-<local>@example.com.
func (e *testEnv) email(local string) string { return acctest.Email(e.tag, local) }

// name prefixes a customer name with the test's tag, for tests whose
// filters on names must not see other tests' customers on a shared store.
func (e *testEnv) name(n string) string { return e.tag + " " + n }

// providerBlock configures the provider for this environment in HCL.
func (e *testEnv) providerBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "moltin" {
  api_base_url  = %q
  client_id     = %q
  client_secret = %q
  %s
}
`, e.URL, e.ClientID, e.ClientSecret, strings.Join(extra, "\n  "))
}

// client is an API client for the environment, for checks made outside
// Terraform.
func (e *testEnv) client(t *testing.T) *moltin.Client {
	t.Helper()
	c, err := moltin.New(moltin.Config{BaseURL: e.URL, ClientID: e.ClientID, ClientSecret: e.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wire runs a check that needs the emulator's request log. In live mode it
// passes without running, and the test logs once what went unchecked.
func (e *testEnv) wire(what string, check func() error) error {
	if e.live() {
		if _, seen := e.noted.LoadOrStore(what, true); !seen {
			e.t.Logf("live mode: not checked (needs the emulator's request log): %s", what)
		}
		return nil
	}
	return check()
}

// needEmulator skips the rest of the test in live mode: the safety net for
// a wire-level accessor reached by a test that runs live.
func (e *testEnv) needEmulator(what string) *emulator.Running {
	if e.live() {
		e.t.Skipf("emulator only: uses the emulator's %s (mark the test with emulatorOnly, or wrap the check in env.wire)", what)
	}
	return e.emu
}

// emulator is the in-process emulator, for what only it offers (its admin
// calls, faults, and the stores of other kinds of object); in live mode the
// test skips there, saying so.
func (e *testEnv) emulator() *emulator.Running { return e.needEmulator("in-process API") }

// Requests is the emulator's request log.
func (e *testEnv) Requests() []emulator.Request { return e.needEmulator("request log").Requests() }

// ResetRequests empties the emulator's request log; in live mode there is
// none, and nothing to do.
func (e *testEnv) ResetRequests() {
	if !e.live() {
		e.emu.ResetRequests()
	}
}

// Stats is the emulator's request counts.
func (e *testEnv) Stats() emulator.Stats { return e.needEmulator("request counts").Stats() }

// IssuedTokens is every customer token the emulator issued.
func (e *testEnv) IssuedTokens() []string { return e.needEmulator("issued tokens").IssuedTokens() }

// ExpireTokens expires the emulator's access tokens.
func (e *testEnv) ExpireTokens() { e.emulator().ExpireTokens() }

// mutations returns the logged POST, PUT and DELETE requests to customers.
func (e *testEnv) mutations() []emulator.Request {
	var out []emulator.Request
	for _, r := range e.Requests() {
		switch r.Kind {
		case "create", "update", "delete":
			out = append(out, r)
		}
	}
	return out
}

// expectOneMutation checks that since the last reset the emulator saw exactly
// one mutating request, of the given kind, whose data held exactly the keys
// given, and that no request followed it (state came from its response).
func (e *testEnv) expectOneMutation(kind string, keys ...string) func() error {
	return func() error {
		return e.wire(fmt.Sprintf("exactly one %s request, with %v", kind, keys), func() error { return e.oneMutation(kind, keys) })
	}
}

func (e *testEnv) oneMutation(kind string, keys []string) error {
	muts := e.mutations()
	if len(muts) != 1 {
		return fmt.Errorf("want exactly one mutating request, got %d: %v", len(muts), describe(muts))
	}
	m := muts[0]
	if m.Kind != kind {
		return fmt.Errorf("want a %s, got %s %s", kind, m.Method, m.Path)
	}
	all := e.Requests()
	if last := all[len(all)-1]; last.Kind != kind {
		return fmt.Errorf("a %s %s followed the %s: state should come from its response", last.Method, last.Path, kind)
	}
	if kind == "delete" {
		return nil
	}
	var doc struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(m.Body, &doc); err != nil {
		return fmt.Errorf("body of %s is not JSON: %v", kind, err)
	}
	got := make([]string, 0, len(doc.Data))
	for k := range doc.Data {
		got = append(got, k)
	}
	sort.Strings(got)
	want := append([]string{"type"}, keys...)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		return fmt.Errorf("%s body holds %v, want exactly %v", kind, got, want)
	}
	return nil
}

func describe(rs []emulator.Request) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s %s %s", r.Method, r.Path, r.Body))
	}
	return strings.Join(parts, "; ")
}

// checkNoneLeft is a CheckDestroy: no customer of this test is left (in
// the emulator, none at all).
func (e *testEnv) checkNoneLeft(*terraform.State) error {
	if n := len(e.Customers()); n != 0 {
		return fmt.Errorf("%d customers left after destroy", n)
	}
	return nil
}

// deleteOutside deletes a customer behind Terraform's back, as a PreConfig.
func (e *testEnv) deleteOutside(t *testing.T, id *string) func() {
	return func() {
		e.ResetRequests()
		if !e.DeleteCustomer(*id) {
			t.Fatalf("customer %s to delete not found", *id)
		}
	}
}

// expectExternalRefCleared checks that the one logged mutation cleared
// external_ref with an explicit null.
func (e *testEnv) expectExternalRefCleared(*terraform.State) error {
	return e.wire("external_ref cleared with an explicit null", func() error {
		muts := e.mutations()
		if len(muts) != 1 || !strings.Contains(string(muts[0].Body), `"external_ref":null`) {
			return fmt.Errorf("removing external_ref should send one update with null, sent %s", describe(muts))
		}
		return nil
	})
}

// expectRecreated checks that a customer deleted outside Terraform came back
// with one create, under a new id.
func (e *testEnv) expectRecreated(oldID *string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		if err := e.expectOneMutation("create", "name", "email", "password")(); err != nil {
			return err
		}
		if id := s.RootModule().Resources[customerAddr].Primary.ID; id == *oldID || id == "" {
			return fmt.Errorf("want a new customer, got id %q", id)
		}
		return nil
	}
}
