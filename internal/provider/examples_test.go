package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

const examplesDir = "../../examples"

// TestAccExamples applies and destroys every example configuration under
// examples/ (the ones the documentation shows) against an emulator of its
// own, so that a documented example that no longer plans, applies, converges
// or destroys fails the suite. Customers that an example reads, logs in as or
// imports are seeded first; variables without defaults get values.
//
// An example with its own provider "moltin" block keeps it, and gets the
// credentials from EPCC_* environment variables, as a user's would; the
// environment is process-wide, which rules out t.Parallel for those. Others
// get a provider block prepended. Terraform blocks are dropped, since the
// testing library serves the provider under an address of its own.
func TestAccExamples(t *testing.T) {
	emulatorOnly(t, "applies the examples as written, whose emails are fixed and not under the run's prefix")
	examples := loadExamples(t)
	if len(examples) == 0 {
		t.Fatalf("no example configurations found under %s", examplesDir)
	}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			if !ex.ownProvider {
				t.Parallel()
			}
			ex.run(t)
		})
	}
}

// example is one configuration to apply: an examples/**/*.tf file, and for an
// import-*.tf file the resource.tf beside it that declares the import target.
type example struct {
	name        string
	src         []byte // the configuration with terraform blocks removed
	raw         []byte // the configuration as written
	ownProvider bool
	// The oldest client version that runs the example (1.minMinor), and why.
	minMinor  int
	minCheck  tfversion.TerraformVersionCheck
	minReason string
	// Literals in data, ephemeral and import blocks that name customers the
	// example expects to exist.
	emails, ids []string
	// Variables without defaults and their types' source text.
	variables map[string]string
	// ephemeralTokens reports whether the example opens moltin_customer_token.
	ephemeralTokens  bool
	readsData        bool
	managesCustomers bool
	managesAddresses bool
	// forEach examples run with the CLI directly (see runWithCLI).
	forEach bool
}

var (
	exampleEmailRe = regexp.MustCompile(`"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})"`)
	exampleUUIDRe  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

func loadExamples(t *testing.T) []*example {
	t.Helper()
	var files []string
	err := filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".tf") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", examplesDir, err)
	}
	sort.Strings(files)
	var out []*example
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(examplesDir, p)
		if strings.HasPrefix(filepath.Base(p), "import") {
			// An import block needs the resource it imports into.
			target, err := os.ReadFile(filepath.Join(filepath.Dir(p), "resource.tf"))
			if err != nil {
				t.Fatalf("%s: an import example needs a resource.tf beside it: %v", rel, err)
			}
			src = append(append(target, '\n'), src...)
		}
		out = append(out, parseExample(t, filepath.ToSlash(rel), src))
	}
	return out
}

func parseExample(t *testing.T, name string, src []byte) *example {
	t.Helper()
	f, diags := hclwrite.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s does not parse: %s", name, diags.Error())
	}
	ex := &example{name: name, raw: src, variables: map[string]string{}}
	need := func(v tfversion.TerraformVersionCheck, minor int, reason string) {
		if minor > ex.minMinor {
			ex.minMinor, ex.minCheck, ex.minReason = minor, v, fmt.Sprintf("1.%d %s", minor, reason)
		}
	}
	body := f.Body()
	for _, b := range body.Blocks() {
		text := string(b.BuildTokens(nil).Bytes())
		labels := b.Labels()
		switch b.Type() {
		case "terraform":
			// Its required_providers names the registry address; the test
			// serves the provider under the testing library's own.
			body.RemoveBlock(b)
		case "provider":
			if len(labels) == 1 && labels[0] == "moltin" {
				ex.ownProvider = true
			}
		case "variable":
			if b.Body().GetAttribute("default") == nil {
				typ := "string"
				if a := b.Body().GetAttribute("type"); a != nil {
					typ = strings.TrimSpace(string(a.Expr().BuildTokens(nil).Bytes()))
				}
				ex.variables[labels[0]] = typ
			}
			if a := b.Body().GetAttribute("ephemeral"); a != nil && strings.TrimSpace(string(a.Expr().BuildTokens(nil).Bytes())) == "true" {
				need(tfversion.SkipBelow(tfversion.Version1_11_0), 11, "(ephemeral variables; OpenTofu has them from 1.11)")
			}
		case "resource":
			if len(labels) > 0 && labels[0] == "moltin_customer" {
				ex.managesCustomers = true
			}
			if len(labels) > 0 && labels[0] == "moltin_customer_address" {
				ex.managesAddresses = true
			}
			if b.Body().GetAttribute("for_each") != nil {
				ex.forEach = true
			}
			if b.Body().GetAttribute("password_wo") != nil {
				need(tfversion.SkipBelow(tfversion.Version1_11_0), 11, "(write-only attributes)")
			}
		case "ephemeral":
			need(tfversion.SkipBelow(tfversion.Version1_11_0), 11, "(ephemeral resources; OpenTofu has them from 1.11)")
			if len(labels) > 0 && labels[0] == "moltin_customer_token" {
				ex.ephemeralTokens = true
			}
			ex.collectFixtures(text)
		case "data":
			ex.readsData = true
			ex.collectFixtures(text)
		case "action":
			// TestActionExamples also runs these through the protocol.
			need(tfversion.SkipBelow(tfversion.Version1_14_0), 14, "(actions; OpenTofu has none)")
		case "import":
			if b.Body().GetAttribute("identity") != nil {
				need(tfversion.SkipBelow(tfversion.Version1_12_0), 12, "(import by identity)")
			} else {
				need(tfversion.SkipBelow(tfversion.Version1_5_0), 5, "(import blocks)")
			}
			ex.collectFixtures(text)
		}
	}
	ex.src = f.Bytes()
	if !ex.usesProvider() {
		// A configuration with only a provider block configures nothing; a
		// customer makes the CLI configure the provider and use it.
		ex.src = append(ex.src, []byte(`
resource "moltin_customer" "example_probe" {
  name  = "Example Probe"
  email = "example.probe@example.com"
}
`)...)
	}
	return ex
}

func (ex *example) usesProvider() bool {
	return regexp.MustCompile(`(?m)^\s*(resource|data|ephemeral)\s+"moltin_`).Match(ex.src)
}

func (ex *example) collectFixtures(text string) {
	for _, m := range exampleEmailRe.FindAllStringSubmatch(text, -1) {
		ex.emails = appendNew(ex.emails, m[1])
	}
	for _, id := range exampleUUIDRe.FindAllString(text, -1) {
		ex.ids = appendNew(ex.ids, id)
	}
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

func (ex *example) run(t *testing.T) {
	env := newTestEnv(t, emulator.Config{})
	password := "Example-pw-" + randomSuffix(t)

	// Seed what the example expects to exist, all with the password that its
	// password variables get, so that a login example logs in.
	seeded := map[string]bool{}
	src, raw := string(ex.src), string(ex.raw)
	for _, email := range ex.emails {
		c, err := env.CreateCustomer("Seeded Example Customer", email, password, nil)
		if err != nil {
			t.Fatalf("seeding %s: %v", email, err)
		}
		seeded[c.ID] = true
	}
	for i, id := range ex.ids {
		// The emulator assigns ids, so the example's literal id is replaced
		// with the seeded customer's.
		c, err := env.CreateCustomer("Seeded Example Customer", fmt.Sprintf("seeded-%d@example.com", i), password, nil)
		if err != nil {
			t.Fatalf("seeding a customer for id %s: %v", id, err)
		}
		seeded[c.ID] = true
		src, raw = strings.ReplaceAll(src, id, c.ID), strings.ReplaceAll(raw, id, c.ID)
	}

	vars := config.Variables{}
	rawVars := map[string]string{}
	for name, typ := range ex.variables {
		switch {
		case typ == "string" && strings.Contains(name, "password"):
			vars[name], rawVars[name] = config.StringVariable(password), password
		case typ == "string":
			vars[name], rawVars[name] = config.StringVariable("example"), "example"
		case typ == "number":
			vars[name], rawVars[name] = config.IntegerVariable(1), "1"
		case typ == "bool":
			vars[name], rawVars[name] = config.BoolVariable(true), "true"
		default:
			t.Fatalf("%s: variable %q of type %s has no default; give it one so that the example runs as written", ex.name, name, typ)
		}
	}

	managed := map[string]string{} // id -> email of the customers in the state
	checkApplied := func(st *tfjson.State) error {
		if st != nil && st.Values != nil && st.Values.RootModule != nil {
			for _, r := range st.Values.RootModule.Resources {
				if r.Mode != tfjson.ManagedResourceMode || r.Type != "moltin_customer" {
					continue
				}
				id, _ := r.AttributeValues["id"].(string)
				email, _ := r.AttributeValues["email"].(string)
				c, ok := env.Customer(id)
				if !ok {
					return fmt.Errorf("%s has id %q in the state but the emulator has no such customer", r.Address, id)
				}
				if !strings.EqualFold(c.Email, email) {
					return fmt.Errorf("%s: customer %s has email %s in the emulator but %s in the state", r.Address, c.ID, c.Email, email)
				}
				managed[c.ID] = c.Email
			}
		}
		if ex.managesCustomers && len(managed) == 0 {
			return fmt.Errorf("the example declares moltin_customer resources but none is in the state")
		}
		return ex.checkRequests(env)
	}
	checkDestroyed := func() error {
		for _, c := range env.Customers() {
			if _, ok := managed[c.ID]; ok {
				return fmt.Errorf("customer %s (%s) is still in the emulator after destroy", c.ID, c.Email)
			}
			if !seeded[c.ID] {
				return fmt.Errorf("customer %s (%s) was neither seeded nor in the state, yet exists after destroy", c.ID, c.Email)
			}
		}
		return nil
	}

	if ex.ownProvider {
		// The provider is served by this process, so it reads this
		// process's environment.
		t.Setenv("EPCC_API_BASE_URL", env.URL)
		t.Setenv("EPCC_CLIENT_ID", env.ClientID)
		t.Setenv("EPCC_CLIENT_SECRET", env.ClientSecret)
	} else {
		src, raw = env.providerBlock()+src, env.providerBlock()+raw
	}
	if ex.forEach {
		ex.runWithCLI(t, raw, rawVars, checkApplied, checkDestroyed)
		return
	}
	tc := resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return checkDestroyed() },
		Steps: []resource.TestStep{{
			Config:          src,
			ConfigVariables: vars,
			// The testing library then plans again and fails unless the plan
			// is empty: an example must converge in one apply.
			ConfigStateChecks: []statecheck.StateCheck{checkStateFunc(checkApplied)},
		}},
	}
	if ex.minCheck != nil {
		tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{ex.minCheck}
		t.Logf("needs a client of version %s or later", ex.minReason)
	}
	resource.Test(t, tc)
}

// runWithCLI applies the example as written with the CLI itself, serving the
// provider in-process through TF_REATTACH_PROVIDERS, then plans (which must
// show no change) and destroys. The testing library cannot read back a state
// with for_each instances, so such examples run this way.
func (ex *example) runWithCLI(t *testing.T, src string, vars map[string]string, checkApplied func(*tfjson.State) error, checkDestroyed func() error) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	dir := t.TempDir()
	if !regexp.MustCompile(`(?m)^terraform\s*\{`).MatchString(src) {
		// Without it the CLI would look for hashicorp/moltin.
		src = "terraform {\n  required_providers {\n    moltin = { source = \"moltin-community/moltin\" }\n  }\n}\n" + src
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cliEnv := append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	for name, v := range vars {
		cliEnv = append(cliEnv, "TF_VAR_"+name+"="+v)
	}
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(cli, args...)
		cmd.Dir, cmd.Env = dir, cliEnv
		return cmd.CombinedOutput()
	}

	out, err := run("version", "-json")
	if err != nil {
		t.Fatalf("%s version: %v\n%s", cli, err, out)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	have, err := goversion.NewVersion(v.Version)
	if err != nil {
		t.Fatal(err)
	}
	if ex.minMinor > 0 && have.Core().LessThan(goversion.Must(goversion.NewVersion(fmt.Sprintf("1.%d.0", ex.minMinor)))) {
		t.Skipf("needs a client of version %s or later; this is %s", ex.minReason, v.Version)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattachCh := make(chan *plugin.ReattachConfig)
	closeCh := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(ProviderAddress, NewProtocol6Server(New("test")()),
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
			tf6server.WithoutLogStderrOverride())
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattachCh:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	t.Cleanup(func() { cancel(); <-closeCh })
	one := map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}
	reattach, _ := json.Marshal(map[string]any{
		// Each client resolves "moltin-community/moltin" on its own registry.
		"registry.terraform.io/moltin-community/moltin": one,
		"registry.opentofu.org/moltin-community/moltin": one,
	})
	cliEnv = append(cliEnv, "TF_REATTACH_PROVIDERS="+string(reattach))

	for _, step := range [][]string{
		{"init", "-input=false", "-no-color", "-backend=false"},
		{"apply", "-input=false", "-no-color", "-auto-approve"},
	} {
		if out, err := run(step...); err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(cli), step[0], err, out)
		}
	}
	out, err = run("show", "-json", "-no-color")
	if err != nil {
		t.Fatalf("show: %v\n%s", err, out)
	}
	var st tfjson.State
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("show -json: %v", err)
	}
	if err := checkApplied(&st); err != nil {
		t.Error(err)
	}
	// -detailed-exitcode: 0 is an empty plan, 2 a plan with changes.
	if out, err := run("plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		t.Errorf("the plan after apply is not empty or failed (%v): the example does not converge in one apply\n%s", err, out)
	}
	if out, err := run("destroy", "-input=false", "-no-color", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if err := checkDestroyed(); err != nil {
		t.Error(err)
	}
}

// checkRequests checks that the API calls an example is about were made and
// answered successfully.
func (ex *example) checkRequests(env *testEnv) error {
	ok := map[string]int{}
	reads := 0 // successful GETs of any kind (the Account Management data sources' too)
	for _, r := range env.Requests() {
		if r.Status >= 200 && r.Status < 300 {
			ok[r.Kind]++
			if r.Method == "GET" {
				reads++
			}
		}
	}
	if ex.ephemeralTokens && ok[emulator.KindCustomerToken] == 0 {
		return fmt.Errorf("the example opens moltin_customer_token but no customer token was issued")
	}
	if ex.readsData && reads == 0 {
		return fmt.Errorf("the example reads data sources but nothing was read or listed")
	}
	if ex.managesAddresses && ok[emulator.KindAddressCreate] == 0 {
		return fmt.Errorf("the example declares moltin_customer_address resources but no address was created")
	}
	return nil
}

// checkStateFunc is a state check from a function of the state after apply.
type checkStateFunc func(*tfjson.State) error

func (f checkStateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if err := f(req.State); err != nil {
		resp.Error = err
	}
}
