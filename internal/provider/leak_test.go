package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccLeak_cli runs one customer's whole life through the real CLI (the
// one TF_ACC_TERRAFORM_PATH names) with the provider built as a binary and
// TF_LOG=TRACE, including an API error of each class and a saved plan, then
// searches everything the run left behind for every secret it handled.
func TestAccLeak_cli(t *testing.T) {
	emulatorOnly(t, "injects failures into an emulator of its own to reach every error path")
	cli, providerDir := requireCLI(t, "the leak tests")
	version := cliVersion(t, cli, providerDir)

	t.Run("password_wo", func(t *testing.T) {
		t.Parallel()
		if !version.atLeast(1, 11) {
			t.Skipf("%s %s has no write-only attributes (1.11+ needed); the password attribute run covers this client", filepath.Base(cli), version.raw)
		}
		runLeakLifecycle(t, cli, providerDir, true)
	})
	t.Run("password", func(t *testing.T) {
		t.Parallel()
		runLeakLifecycle(t, cli, providerDir, false)
	})
}

type cliVer struct {
	raw          string
	major, minor int
}

func (v cliVer) atLeast(major, minor int) bool {
	return v.major > major || (v.major == major && v.minor >= minor)
}

// cliVersion asks the CLI for its version (Terraform and OpenTofu both
// answer `version -json` with terraform_version).
func cliVersion(t *testing.T, cli, providerDir string) cliVer {
	t.Helper()
	w, err := clitest.NewWorkdir(cli, providerDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Run(t.Context(), nil, "version", "-json")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
		t.Fatalf("%s version -json: %v\n%s", cli, err, res.Stdout)
	}
	m := regexp.MustCompile(`^(\d+)\.(\d+)\.`).FindStringSubmatch(out.Version)
	if m == nil {
		t.Fatalf("cannot read the CLI version %q", out.Version)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return cliVer{raw: out.Version, major: major, minor: minor}
}

// faultGate serves the emulator and, while failGets is set, answers the
// customer GETs (the refresh) with the emulator's own injected 5xx, leaving
// the token request alone. Requests pass one at a time so that the fault
// setting applies to exactly the request it is meant for.
type faultGate struct {
	mu       sync.Mutex
	srv      *emulator.Server
	failGets bool
}

func (g *faultGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failGets && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/customers/") {
		g.srv.SetFaults(emulator.Faults{Rate5xx: 1})
		defer g.srv.SetFaults(emulator.Faults{})
	}
	g.srv.ServeHTTP(w, r)
}

func (g *faultGate) setFailGets(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failGets = on
}

// leakRun is one lifecycle: the outputs of its commands, and the secrets it
// used.
type leakRun struct {
	t       *testing.T
	secrets []secret
	outputs []capturedOutput
	// states holds every distinct state file (and backup) seen after any
	// command, since each apply overwrites the one before.
	states    []capturedOutput
	stateSeen map[string]bool
	// env gives each working directory's commands their environment: the
	// log file, the client secret and the configuration's variables.
	env map[*clitest.Workdir][]string
}

type secret struct {
	label, value string
	password     bool // the legacy attribute's passwords may sit in state
}

type capturedOutput struct {
	name string
	data []byte
}

// redact replaces every secret known so far by its label, for messages that
// quote CLI output.
func (r *leakRun) redact(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec.value, "<"+sec.label+">")
	}
	return s
}

// run runs one CLI command, keeps its output for the scan and fails the test
// unless it ends as wanted.
func (r *leakRun) run(w *clitest.Workdir, wantFail bool, args ...string) clitest.Result {
	r.t.Helper()
	res, err := w.Run(r.t.Context(), r.env[w], args...)
	name := fmt.Sprintf("%s: %s %s", filepath.Base(w.Dir), filepath.Base(w.CLI), strings.Join(args, " "))
	r.outputs = append(r.outputs, capturedOutput{name + " (stdout)", []byte(res.Stdout)}, capturedOutput{name + " (stderr)", []byte(res.Stderr)})
	r.snapshotStates(w)
	switch {
	case err != nil && !wantFail:
		r.t.Fatalf("%s", r.redact(err.Error()))
	case err == nil && wantFail:
		r.t.Fatalf("%s succeeded, want a failure\nstdout:\n%s", name, r.redact(res.Stdout))
	}
	return res
}

func (r *leakRun) snapshotStates(w *clitest.Workdir) {
	r.t.Helper()
	files, _ := filepath.Glob(filepath.Join(w.Dir, "*.tfstate*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			r.t.Fatal(err)
		}
		if r.stateSeen[string(data)] {
			continue
		}
		r.stateSeen[string(data)] = true
		r.states = append(r.states, capturedOutput{fmt.Sprintf("%s/%s (version %d)", filepath.Base(w.Dir), filepath.Base(f), len(r.states)+1), data})
	}
}

type leakCustomer struct {
	resource, name, email, password string
	version                         int  // of password_wo
	lookups                         bool // also read it with the data source and, with writeOnly, log in as it
}

// leakConfig is the configuration of customers. With writeOnly, each
// password comes from an ephemeral variable, the way to feed a write-only
// attribute that keeps it out of the configuration and the plan; the returned environment
// sets those variables. The legacy attribute cannot take an ephemeral value,
// so its passwords are literals.
func leakConfig(baseURL, clientID string, writeOnly bool, customers ...leakCustomer) (string, []string) {
	var b strings.Builder
	var env []string
	b.WriteString(clitest.RequiredProviders)
	// The client secret comes from EPCC_CLIENT_SECRET, as the docs advise;
	// max_retries = 1 keeps the 5xx step short.
	fmt.Fprintf(&b, "provider \"moltin\" {\n  api_base_url = %q\n  client_id    = %q\n  max_retries  = 1\n}\n", baseURL, clientID)
	for _, c := range customers {
		fmt.Fprintf(&b, "resource \"moltin_customer\" %q {\n  name  = %q\n  email = %q\n", c.resource, c.name, c.email)
		if writeOnly {
			variable := c.resource + "_password"
			fmt.Fprintf(&b, "  password_wo         = var.%s\n  password_wo_version = %d\n}\n", variable, c.version)
			fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n", variable)
			env = append(env, "TF_VAR_"+variable+"="+c.password)
		} else {
			fmt.Fprintf(&b, "  password = %q\n}\n", c.password)
		}
		// The same shopper on Account Management: a member with the same
		// password (the same variable or literal), its account and
		// membership, and with writeOnly and lookups a member login.
		fmt.Fprintf(&b, "resource \"moltin_password_profile\" %[1]q {\n  name = \"leak %[1]s\"\n}\n", c.resource)
		fmt.Fprintf(&b, "resource \"moltin_account\" %[1]q {\n  name = \"Leak %[1]s\"\n}\n", c.resource)
		fmt.Fprintf(&b, "resource \"moltin_account_member\" %[1]q {\n  name = %[2]q\n  email = %[3]q\n  password_profile_id = moltin_password_profile.%[1]s.id\n", c.resource, c.name, c.email)
		if writeOnly {
			fmt.Fprintf(&b, "  password_wo         = var.%s_password\n  password_wo_version = %d\n}\n", c.resource, c.version)
		} else {
			fmt.Fprintf(&b, "  password = %q\n}\n", c.password)
		}
		fmt.Fprintf(&b, "resource \"moltin_account_membership\" %[1]q {\n  account_id = moltin_account.%[1]s.id\n  account_member_id = moltin_account_member.%[1]s.id\n}\n", c.resource)
		if !c.lookups {
			continue
		}
		if writeOnly {
			// A member token: another secret the provider receives.
			fmt.Fprintf(&b, "ephemeral \"moltin_account_member_token\" %[1]q {\n  password_profile_id = moltin_password_profile.%[1]s.id\n  username = moltin_account_member.%[1]s.username\n  password = var.%[1]s_password\n  account_id = moltin_account_membership.%[1]s.account_id\n}\n", c.resource)
		}
		fmt.Fprintf(&b, "data \"moltin_customer\" \"%[1]s\" {\n  email = moltin_customer.%[1]s.email\n}\n", c.resource)
		// A saved address and the list of them: the address calls under
		// TRACE logs as well.
		fmt.Fprintf(&b, "resource \"moltin_customer_address\" \"%[1]s\" {\n  customer_id = moltin_customer.%[1]s.id\n  first_name  = \"Leak\"\n  last_name   = \"Tester\"\n  line_1      = \"1 Leak Lane\"\n  postcode    = \"LS1 1AA\"\n  country     = \"gb\"\n}\n", c.resource)
		fmt.Fprintf(&b, "data \"moltin_customer_addresses\" \"%[1]s\" {\n  customer_id = moltin_customer_address.%[1]s.customer_id\n}\n", c.resource)
		if writeOnly {
			// A customer token: a secret the provider receives, not sends.
			fmt.Fprintf(&b, "ephemeral \"moltin_customer_token\" \"%[1]s\" {\n  email    = moltin_customer.%[1]s.email\n  password = var.%[1]s_password\n}\n", c.resource)
		}
	}
	return b.String(), env
}

func runLeakLifecycle(t *testing.T, cli, providerDir string, writeOnly bool) {
	clientID := "leak-client"
	clientSecret := "leak-client-secret-" + randomSuffix(t)
	srv := emulator.New(emulator.Config{ClientID: clientID, ClientSecret: clientSecret})
	gate := &faultGate{srv: srv}
	ts := httptest.NewServer(gate)
	t.Cleanup(ts.Close)

	pw := []string{"", "leak-pw1-" + randomSuffix(t), "leak-pw2-" + randomSuffix(t), "leak-pw3-" + randomSuffix(t)}
	pwDup := "leak-pw-dup-" + randomSuffix(t)
	r := &leakRun{t: t, env: map[*clitest.Workdir][]string{}, stateSeen: map[string]bool{}}
	r.secrets = []secret{
		{"client_secret", clientSecret, false},
		{"password 1", pw[1], true}, {"password 2", pw[2], true}, {"password 3", pw[3], true},
		{"password of the duplicate", pwDup, true},
	}

	root := t.TempDir()
	a, err := clitest.NewWorkdir(cli, providerDir, filepath.Join(root, "main"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := clitest.NewWorkdir(cli, providerDir, filepath.Join(root, "imported"))
	if err != nil {
		t.Fatal(err)
	}
	const email = "leak@example.com"
	write := func(w *clitest.Workdir, customers ...leakCustomer) {
		t.Helper()
		config, vars := leakConfig(ts.URL, clientID, writeOnly, customers...)
		if err := w.WriteFile("main.tf", config); err != nil {
			t.Fatal(err)
		}
		r.env[w] = append([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(w.Dir, "cli.log"), "EPCC_CLIENT_SECRET=" + clientSecret}, vars...)
	}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}

	// Create, then rotate the password.
	write(a, leakCustomer{"a", "Leak Tester", email, pw[1], 1, false})
	r.run(a, false, apply...)
	write(a, leakCustomer{"a", "Leak Tester", email, pw[2], 2, false})
	r.run(a, false, apply...)
	if !srv.CheckPassword(email, pw[2]) || srv.CheckPassword(email, pw[1]) {
		t.Fatal("the rotation did not reach the API")
	}

	// A saved plan (a rename and another rotation), shown as JSON, then applied.
	final := leakCustomer{"a", "Leak Renamed", email, pw[3], 3, false}
	write(a, final)
	r.run(a, false, "plan", "-input=false", "-no-color", "-out=rotate.tfplan")
	shown := r.run(a, false, "show", "-json", "-no-color", "rotate.tfplan")
	if !strings.Contains(shown.Stdout, `"moltin_customer.a"`) {
		t.Fatalf("show -json of the saved plan does not describe the customer:\n%s", r.redact(shown.Stdout))
	}
	r.run(a, false, "apply", "-input=false", "-no-color", "rotate.tfplan")
	if !srv.CheckPassword(email, pw[3]) {
		t.Fatal("the saved plan's rotation did not reach the API")
	}

	// The data source and (with write-only support) a customer token, then
	// refresh only.
	withLookups := final
	withLookups.lookups = true
	write(a, withLookups)
	r.run(a, false, apply...)
	r.run(a, false, "plan", "-refresh-only", "-input=false", "-no-color")
	r.run(a, false, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")

	// A 4xx: a second customer with the same email is a 409.
	write(a, final, leakCustomer{"dup", "Leak Duplicate", email, pwDup, 1, false})
	dup := r.run(a, true, apply...)
	if !strings.Contains(dup.Stderr, "Email already taken") {
		t.Fatalf("the duplicate's failure is not the 409 diagnostic:\n%s", r.redact(dup.Stderr))
	}
	write(a, final)

	// A 5xx: the refresh's GET fails on every attempt.
	gate.setFailGets(true)
	failed := r.run(a, true, "plan", "-input=false", "-no-color")
	gate.setFailGets(false)
	if !strings.Contains(failed.Stderr, "Could not read the customer") {
		t.Fatalf("the failed refresh is not the read diagnostic:\n%s", r.redact(failed.Stderr))
	}

	// Import, by email, into a second working directory.
	write(b, final)
	r.run(b, false, "import", "-input=false", "-no-color", "moltin_customer.a", email)

	r.run(a, false, "destroy", "-auto-approve", "-input=false", "-no-color")
	if n := len(srv.Customers()); n != 0 {
		t.Fatalf("%d customers left after destroy", n)
	}
	if n, m := len(srv.UserAuthenticationInfos()), len(srv.Accounts()); n != 0 || m != 0 {
		t.Fatalf("%d account members and %d accounts left after destroy", n, m)
	}

	// Every class of request the scan is meant to cover did happen.
	reqs := srv.Requests()
	var saw409, saw5xxGet, sawLogin, sawMemberLogin bool
	for _, q := range reqs {
		sawLogin = sawLogin || (q.Kind == emulator.KindCustomerToken && q.Status == http.StatusOK)
		sawMemberLogin = sawMemberLogin || (q.Kind == emulator.KindAccountMemberToken && q.Status == http.StatusCreated)
		saw409 = saw409 || (q.Kind == emulator.KindCreate && q.Status == http.StatusConflict)
		saw5xxGet = saw5xxGet || (q.Kind == emulator.KindGet && q.Fault == emulator.Fault5xx)
	}
	if !saw409 || !saw5xxGet {
		t.Fatalf("the emulator saw a 409 on create: %v, a 5xx on a get: %v; want both", saw409, saw5xxGet)
	}
	if writeOnly && !sawLogin {
		t.Fatal("the ephemeral moltin_customer_token never logged in: no customer token to search for")
	}
	if writeOnly && !sawMemberLogin {
		t.Fatal("the ephemeral moltin_account_member_token never logged in: no member token to search for")
	}
	tokens := srv.IssuedTokens()
	if len(tokens) < 8 {
		t.Fatalf("the emulator issued %d tokens; every command that calls the API should have fetched one", len(tokens))
	}
	for i, tok := range tokens {
		r.secrets = append(r.secrets, secret{label: fmt.Sprintf("token %d", i+1), value: tok})
	}
	reqLog, err := json.Marshal(reqs)
	if err != nil {
		t.Fatal(err)
	}

	s := &leakScanner{secrets: r.secrets, legacy: !writeOnly}
	for _, w := range []*clitest.Workdir{a, b} {
		logData, err := os.ReadFile(filepath.Join(w.Dir, "cli.log"))
		if err != nil {
			t.Fatal(err)
		}
		// The scan means something only if the provider's request lines,
		// with their statuses, reached the log.
		if !regexp.MustCompile(`Moltin API request.*http_status=200`).Match(logData) {
			t.Errorf("%s/cli.log has no \"Moltin API request\" line with http_status: the provider's logs are not in the file", filepath.Base(w.Dir))
		}
		s.scanFile(filepath.Base(w.Dir)+"/cli.log", logData)
	}
	if len(r.states) < 4 {
		t.Fatalf("only %d distinct state files seen; want one per change at least", len(r.states))
	}
	for _, st := range r.states {
		s.scanState(st.name, st.data)
	}
	mainLog, _ := os.ReadFile(filepath.Join(a.Dir, "cli.log"))
	for _, want := range []string{`Moltin API request.*http_status=409`, `Moltin API request answered with a retryable status.*http_status=5\d\d`} {
		if !regexp.MustCompile(want).Match(mainLog) {
			t.Errorf("main/cli.log has no line matching %s", want)
		}
	}
	for _, o := range r.outputs {
		if strings.Contains(o.name, "show -json") && strings.HasSuffix(o.name, "(stdout)") {
			s.scanPlanJSON(t, o.name, o.data)
			continue
		}
		s.scanOutput(o.name, o.data)
	}
	s.scanOutput("emulator request log", reqLog)

	if !writeOnly {
		// The legacy attribute is documented to keep the password in the
		// state: check that it does, so that the scan is seen to find it.
		// Everywhere else it counts as a leak (s.hits).
		for i, p := range pw[1:] {
			found := false
			for _, st := range r.states {
				found = found || bytes.Contains(st.data, []byte(p))
			}
			if !found {
				t.Errorf("legacy password %d is in no state file; the scan may not see what it looks for", i+1)
			}
		}
	}
	for _, h := range s.hits {
		t.Errorf("secret found: %s", h)
	}
	t.Logf("scanned %d files (CLI logs, every state file version) and %d outputs (CLI stdout/stderr, the plan's JSON, the emulator's request log), %d bytes, for %d secrets (%d of them access and customer tokens): %d hits",
		s.files, s.outputs, s.bytes, len(r.secrets), len(tokens), len(s.hits))
	if !writeOnly {
		t.Logf("legacy password attribute: %d occurrences in state files and %d in the saved plan's password attribute, as documented; none elsewhere", s.inState, s.inPlan)
	}
}

// leakScanner searches data for secrets, counting what it read.
type leakScanner struct {
	secrets         []secret
	legacy          bool // the legacy password attribute is in use
	files, outputs  int
	bytes           int64
	hits            []string
	inState, inPlan int
}

func (s *leakScanner) scanFile(name string, data []byte) {
	s.files++
	s.search(name, data, nil)
}

func (s *leakScanner) scanOutput(name string, data []byte) {
	s.outputs++
	s.search(name, data, nil)
}

// scanState allows the legacy attribute's passwords in a state file: the
// documented price of that attribute.
func (s *leakScanner) scanState(name string, data []byte) {
	s.files++
	s.search(name, data, &s.inState)
}

// scanPlanJSON scans a saved plan's JSON. A plan holds the prior and the
// planned state, so with the legacy attribute its value (and the literal in
// the configuration it came from) is there as in the state; those values,
// and only those, are taken out before the scan. Everything else, and the
// whole plan with password_wo, must hold no secret.
func (s *leakScanner) scanPlanJSON(t *testing.T, name string, data []byte) {
	t.Helper()
	s.outputs++
	if !s.legacy {
		s.search(name, data, nil)
		return
	}
	s.bytes += int64(len(data))
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	var attrValues []byte
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if k == "password" {
					b, _ := json.Marshal(val)
					attrValues = append(attrValues, b...)
					delete(x, k)
					continue
				}
				strip(val)
			}
		case []any:
			for _, val := range x {
				strip(val)
			}
		}
	}
	strip(doc)
	rest, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s.bytes -= int64(len(rest)) // search counts it again
	s.search(name+" (without the password attribute)", rest, nil)
	for _, sec := range s.secrets {
		if sec.password {
			s.inPlan += bytes.Count(attrValues, []byte(sec.value))
		} else if bytes.Contains(attrValues, []byte(sec.value)) {
			s.hits = append(s.hits, fmt.Sprintf("%s in %s (password attribute)", sec.label, name))
		}
	}
}

// search records every secret in data as a hit, except the legacy
// attribute's passwords when allowed counts them instead.
func (s *leakScanner) search(name string, data []byte, allowed *int) {
	s.bytes += int64(len(data))
	for _, sec := range s.secrets {
		n := bytes.Count(data, []byte(sec.value))
		if n == 0 {
			continue
		}
		if allowed != nil && sec.password && s.legacy {
			*allowed += n
			continue
		}
		s.hits = append(s.hits, fmt.Sprintf("%s in %s (%d times)", sec.label, name, n))
	}
}
