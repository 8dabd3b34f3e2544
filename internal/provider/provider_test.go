package provider

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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
	os.Exit(m.Run())
}

// testEnv is one emulator per test, so that tests run in parallel without
// seeing each other's customers or requests.
type testEnv struct {
	*emulator.Running
	ClientID, ClientSecret string
}

func newTestEnv(t *testing.T, cfg emulator.Config) *testEnv {
	t.Helper()
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
	return &testEnv{Running: emu, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}
}

func randomSuffix(t *testing.T) string {
	t.Helper()
	return rand.Text()
}

// providerBlock configures the provider for this emulator in HCL.
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

// client is an API client for the emulator, for checks made outside Terraform.
func (e *testEnv) client(t *testing.T) *moltin.Client {
	t.Helper()
	c, err := moltin.New(moltin.Config{BaseURL: e.URL, ClientID: e.ClientID, ClientSecret: e.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

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
}

func describe(rs []emulator.Request) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s %s %s", r.Method, r.Path, r.Body))
	}
	return strings.Join(parts, "; ")
}

// checkNoneLeft is a CheckDestroy: the emulator holds no customer at all.
func (e *testEnv) checkNoneLeft(*terraform.State) error {
	if n := len(e.Customers()); n != 0 {
		return fmt.Errorf("%d customers left in the emulator after destroy", n)
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
	muts := e.mutations()
	if len(muts) != 1 || !strings.Contains(string(muts[0].Body), `"external_ref":null`) {
		return fmt.Errorf("removing external_ref should send one update with null, sent %s", describe(muts))
	}
	return nil
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
