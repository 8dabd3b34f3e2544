package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// The interrupt tests stop a real CLI the ways a run ends early: SIGINT
// (Ctrl-C, the first signal of a CI cancel), SIGTERM, and SIGKILL (a runner
// that vanished), sent to the CLI alone (as some runners do) or to its whole
// process group, provider processes included (a terminal, systemd, Jenkins,
// GitHub Actions, `kill -- -PGID`). Each applies interruptCount customers
// against an emulator answering in interruptLatency, so that many requests
// are on the wire when the signal comes, and signals once interruptAfter
// customers exist (or are changed, or are gone).
const (
	interruptCount   = 60
	interruptAfter   = 15
	interruptLatency = 200 * time.Millisecond
	// slowLatency is the slow store of the Ctrl-C and CI cancel runs.
	slowLatency = 2 * time.Second
	// interruptRequestTimeout is the configured request_timeout: how long
	// a provider may outlive its CLI.
	interruptRequestTimeout = 5 * time.Second
	// shoppers with a Home and a Work address each, in the address runs.
	addressShoppers = 30
	addressAfter    = 10
)

// interruption is how a run is stopped.
type interruption struct {
	key   string // for subtest names
	name  string
	sig   syscall.Signal
	group bool // to the CLI's process group, not the CLI alone
	// ciCancel follows sig (SIGINT) with SIGTERM 7.5 s later and SIGKILL
	// 2.5 s after that, to the group, while the CLI runs: a GitHub Actions
	// cancel.
	ciCancel bool
}

var (
	sigintCLI    = interruption{key: "sigint_cli", name: "SIGINT to the CLI", sig: syscall.SIGINT}
	sigtermCLI   = interruption{key: "sigterm_cli", name: "SIGTERM to the CLI", sig: syscall.SIGTERM}
	sigkillCLI   = interruption{key: "sigkill_cli", name: "SIGKILL to the CLI", sig: syscall.SIGKILL}
	sigintGroup  = interruption{key: "sigint_group", name: "SIGINT to the group", sig: syscall.SIGINT, group: true}
	sigtermGroup = interruption{key: "sigterm_group", name: "SIGTERM to the group", sig: syscall.SIGTERM, group: true}
	sigkillGroup = interruption{key: "sigkill_group", name: "SIGKILL to the group", sig: syscall.SIGKILL, group: true}
	ciCancel     = interruption{key: "ci_cancel_group", name: "GitHub Actions cancel to the group", sig: syscall.SIGINT, group: true, ciCancel: true}
)

func (in interruption) send(p *clitest.Process) error {
	if !in.group {
		return p.Signal(in.sig)
	}
	if err := p.SignalGroup(in.sig); err != nil || !in.ciCancel {
		return err
	}
	go func() {
		for _, next := range []struct {
			after time.Duration
			sig   syscall.Signal
		}{{7500 * time.Millisecond, syscall.SIGTERM}, {2500 * time.Millisecond, syscall.SIGKILL}} {
			select {
			case <-p.Done():
				return
			case <-time.After(next.after):
				_ = p.SignalGroup(next.sig)
			}
		}
	}()
	return nil
}

// TestAccInterrupt_cli checks that no customer or address is lost or
// created twice however a run ends. It drives the CLI that
// TF_ACC_TERRAFORM_PATH names, with the provider built as a binary: the
// in-process provider of terraform-plugin-testing cannot be sent a signal.
func TestAccInterrupt_cli(t *testing.T) {
	cli, providerDir := requireCLI(t, "the interrupt tests")

	for _, tc := range []struct {
		name string
		in   interruption
	}{
		{"sigint_create_update_destroy", sigintCLI},
		// Issue 21: the provider process died at once of a SIGTERM to the
		// group, and the creates it had on the wire became orphans.
		{"sigterm_group_create_update_destroy", sigtermGroup},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newInterruptRun(t, cli, providerDir, runOptions{})
			r.interruptedCreate(tc.in)
			r.finishCreate()
			r.interruptedUpdate(tc.in)
			r.interruptedDestroy(tc.in)
		})
	}
	t.Run("sigterm_create", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, runOptions{})
		r.interruptedCreate(sigtermCLI)
		r.finishCreate()
	})
	for _, in := range []interruption{sigintGroup, ciCancel} {
		t.Run(in.key+"_slow_store", func(t *testing.T) {
			t.Parallel()
			r := newInterruptRun(t, cli, providerDir, runOptions{latency: slowLatency})
			r.interruptedCreate(in)
			// The rest at the usual speed, to keep the test short.
			r.srv.SetFaults(emulator.Faults{Latency: interruptLatency})
			r.finishCreate()
		})
	}
	t.Run("sigkill_create_adopt", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, runOptions{setting: "adopt_existing_customers = true"})
		r.killedCreate(sigkillCLI)
		res := r.apply(false)
		if !strings.Contains(res.Stdout+res.Stderr, "Adopted an existing customer") {
			t.Errorf("the apply that adopted the killed run's customers gave no warning:\n%s", res.Stderr)
		}
		r.checkComplete()
	})
	t.Run("sigkill_create_default", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, runOptions{})
		orphans := r.killedCreate(sigkillCLI)
		res := r.apply(true)
		for _, want := range []string{"Email already taken", "adopt_existing_customers", "import {"} {
			if !strings.Contains(res.Stderr, want) {
				t.Errorf("the apply after a kill fails without naming %q:\n%s", want, res.Stderr)
			}
		}
		// Nothing was created twice: the orphans are still the only
		// customers with their emails.
		r.checkNoDuplicates()
		if got := len(r.srv.Customers()); got != len(r.stateIDs())+orphans {
			t.Errorf("the failed apply changed the number of customers not in the state: %d in the emulator, %d in the state, %d orphans before",
				got, len(r.stateIDs()), orphans)
		}
	})
	t.Run("addresses_sigterm_group", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, runOptions{addresses: true})
		r.interruptedCreate(sigtermGroup)
		r.finishCreate()
	})
	// Issue 21: after a kill, adoption took the customers over but made
	// their addresses again.
	t.Run("addresses_sigkill_group_adopt", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, runOptions{addresses: true, setting: "adopt_existing_customers = true"})
		r.killedCreate(sigkillGroup)
		res := r.apply(false)
		if r.addressOrphans > 0 && !strings.Contains(res.Stdout+res.Stderr, "Adopted an existing address") {
			t.Errorf("the apply that adopted the killed run's addresses gave no warning:\n%s", res.Stderr)
		}
		r.checkComplete()
		r.logFigures(sigkillGroup, "apply (adopting)", 0, 0)
	})
}

// requireCLI skips the test unless TF_ACC is set, and returns the CLI that
// TF_ACC_TERRAFORM_PATH names and the directory of the provider built as a
// binary for it.
func requireCLI(t *testing.T, what string) (cli, providerDir string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip(what + " drive a real CLI: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (./scripts/test.sh does)")
	}
	cli = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC is set but TF_ACC_TERRAFORM_PATH is not: name the terraform or tofu binary to test with")
	}
	providerDir, err := clitest.BuildProvider(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return cli, providerDir
}

type interruptRun struct {
	t    *testing.T
	cli  string
	srv  *emulator.Running
	w    *clitest.Workdir
	env  []string
	name string // the CLI's name, for the figures
	opts runOptions
	// addressOrphans is how many addresses the last kill left that no
	// state knows.
	addressOrphans int
}

type runOptions struct {
	setting   string        // a line of the provider block
	latency   time.Duration // the emulator's; interruptLatency if zero
	addresses bool          // addressShoppers customers with a Home and a Work address each
}

func (o runOptions) customers() int {
	if o.addresses {
		return addressShoppers
	}
	return interruptCount
}

func newInterruptRun(t *testing.T, cli, providerDir string, opts runOptions) *interruptRun {
	t.Helper()
	if opts.latency == 0 {
		opts.latency = interruptLatency
	}
	r := startInterruptRun(t, cli, providerDir, opts.latency, func(url string) string {
		config := fmt.Sprintf(`
provider "moltin" {
  api_base_url            = %q
  max_requests_per_second = 100
  request_timeout         = %q
  %s
}

variable "suffix" {
  type    = string
  default = ""
}

resource "moltin_customer" "c" {
  count = %d
  name  = "Customer ${count.index}${var.suffix}"
  email = "interrupt-${count.index}@example.com"
}
`, url, interruptRequestTimeout.String(), opts.setting, opts.customers())
		if opts.addresses {
			for _, a := range []struct{ resource, name, street string }{{"home", "Home", "High St"}, {"work", "Work", "Mill Rd"}} {
				config += fmt.Sprintf(`
resource "moltin_customer_address" %q {
  count       = %d
  customer_id = moltin_customer.c[count.index].id
  name        = %q
  first_name  = "Customer"
  last_name   = "${count.index}"
  line_1      = "${count.index} %s${var.suffix}"
  postcode    = "LS1 1AA"
  country     = "GB"
}
`, a.resource, opts.customers(), a.name, a.street)
			}
		}
		return config
	})
	r.opts = opts
	return r
}

// startInterruptRun starts an emulator that answers after latency, and a
// working directory for cli in which main.tf is config of the emulator's
// URL, behind the terraform block that selects the built provider.
func startInterruptRun(t *testing.T, cli, providerDir string, latency time.Duration, config func(url string) string) *interruptRun {
	t.Helper()
	srv, err := emulator.Start(emulator.Config{Faults: emulator.Faults{Latency: latency}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	w, err := clitest.NewWorkdir(cli, providerDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("main.tf", clitest.RequiredProviders+config(srv.URL)); err != nil {
		t.Fatal(err)
	}
	return &interruptRun{
		t: t, cli: cli, srv: srv, w: w,
		env:  []string{"EPCC_CLIENT_ID=" + emulator.DefaultClientID, "EPCC_CLIENT_SECRET=" + emulator.DefaultClientSecret},
		name: filepath.Base(cli),
	}
}

var applyArgs = []string{"-auto-approve", "-input=false", "-no-color", "-parallelism=10"}

// signalled runs the CLI with args, interrupts it as in says once ready
// says so, and returns what it printed and the figures of the run.
func (r *interruptRun) signalled(in interruption, ready func() bool, args ...string) (clitest.Result, interruptFigures) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.t.Context(), 2*time.Minute)
	defer cancel()
	p, err := r.w.Start(r.env, args...)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { _ = p.Cleanup() })
	for !ready() {
		if p.Exited() {
			res, err := p.Wait(ctx)
			r.t.Fatalf("the CLI exited before the point to signal it (exit %d): %v", res.ExitCode, err)
		}
		if ctx.Err() != nil {
			r.t.Fatalf("the run never reached the point to signal it: %d customers", len(r.srv.Customers()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	sent := len(r.srv.Requests())
	if err := in.send(p); err != nil {
		r.t.Fatal(err)
	}
	res, err := p.Wait(ctx)
	if ctx.Err() != nil {
		r.t.Fatalf("the CLI did not exit after %s: %v", in.name, err)
	}
	outlived := r.providerOutlived(p, in)
	if in.sig == syscall.SIGKILL {
		// Whatever is left ends too, as when a runner vanishes; the
		// requests already sent are still carried out by the API.
		_ = p.Cleanup()
		r.settle()
	}
	f := r.figures(in, args[0], sent)
	f.outlived, f.exitCode = outlived, res.ExitCode
	r.t.Logf("interrupt figures: %s", f)
	return res, f
}

// providerOutlived waits for the provider processes of a CLI that has
// exited, and returns how long they outlived it: no longer than
// request_timeout, and for a group SIGKILL, not at all.
func (r *interruptRun) providerOutlived(p *clitest.Process, in interruption) time.Duration {
	r.t.Helper()
	exited := time.Now()
	limit := interruptRequestTimeout + time.Second // and the parent poll's 0.2 s
	for {
		pids, err := p.GroupAlive()
		if err != nil {
			r.t.Logf("cannot tell whether the provider outlived its CLI: %v", err)
			return -1
		}
		if len(pids) == 0 {
			return time.Since(exited)
		}
		if time.Since(exited) > limit {
			r.t.Errorf("after %s, the provider processes %v outlived their CLI by more than %v", in.name, pids, limit)
			return time.Since(exited)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle waits until the emulator has answered every request it received.
func (r *interruptRun) settle() {
	time.Sleep(3 * r.opts.latency)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		before := len(r.srv.Requests())
		time.Sleep(2 * r.opts.latency)
		if len(r.srv.Requests()) == before {
			return
		}
	}
}

// counts compares one kind of object in the emulator and in the state.
type counts struct {
	emulator, state  int
	orphans, missing int
	duplicates       int
}

func (c counts) String() string {
	return fmt.Sprintf("emulator=%d state=%d orphans=%d missing=%d duplicates=%d", c.emulator, c.state, c.orphans, c.missing, c.duplicates)
}

func compare(inEmulator, inState map[string]bool, duplicates int) counts {
	c := counts{emulator: len(inEmulator), state: len(inState), duplicates: duplicates}
	for id := range inEmulator {
		if !inState[id] {
			c.orphans++
		}
	}
	for id := range inState {
		if !inEmulator[id] {
			c.missing++
		}
	}
	return c
}

type interruptFigures struct {
	cli, interruption, command string
	customers, addresses       counts
	exitCode                   int
	outlived                   time.Duration // how long the provider outlived its CLI; -1 unknown
	afterSignal                int
	afterSignalByKind          map[string]int
}

func (f interruptFigures) String() string {
	kinds := make([]string, 0, len(f.afterSignalByKind))
	for k, n := range f.afterSignalByKind {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kinds)
	s := fmt.Sprintf("cli=%s interruption=%q command=%s exit=%d customers: %s", f.cli, f.interruption, f.command, f.exitCode, f.customers)
	if f.addresses != (counts{}) {
		s += fmt.Sprintf("; addresses: %s", f.addresses)
	}
	return s + fmt.Sprintf("; provider_outlived_cli=%v requests_after_signal=%d (%s)",
		f.outlived.Round(10*time.Millisecond), f.afterSignal, strings.Join(kinds, " "))
}

func (r *interruptRun) figures(in interruption, command string, sent int) interruptFigures {
	st := r.readState()
	customers := map[string]bool{}
	addresses := map[string]bool{}
	addressDuplicates := 0
	for _, c := range r.srv.Customers() {
		customers[c.ID] = true
		list, _ := r.srv.Addresses(c.ID)
		names := map[string]int{}
		for _, a := range list {
			addresses[a.ID] = true
			if names[a.Fields["name"]]++; names[a.Fields["name"]] > 1 {
				addressDuplicates++
			}
		}
	}
	f := interruptFigures{
		cli: r.name, interruption: in.name, command: command,
		customers:         compare(customers, st.customerIDs(), r.customerDuplicates()),
		addresses:         compare(addresses, st.addressIDs(), addressDuplicates),
		afterSignalByKind: map[string]int{},
	}
	reqs := r.srv.Requests()
	for _, q := range reqs[min(sent, len(reqs)):] {
		f.afterSignal++
		f.afterSignalByKind[q.Kind]++
	}
	return f
}

// logFigures logs the figures of the emulator and the state as they are
// now, after an apply that finished.
func (r *interruptRun) logFigures(in interruption, command string, exitCode int, outlived time.Duration) {
	f := r.figures(in, command, len(r.srv.Requests()))
	f.exitCode, f.outlived = exitCode, outlived
	r.t.Logf("interrupt figures: %s", f)
}

// interruptState is what the tests read of the local state file.
type interruptState struct {
	customers map[string]string    // id -> name
	addresses map[string][2]string // id -> customer id, name
	lines     map[string]string    // address id -> line_1
}

func (s interruptState) customerIDs() map[string]bool {
	ids := map[string]bool{}
	for id := range s.customers {
		ids[id] = true
	}
	return ids
}

func (s interruptState) addressIDs() map[string]bool {
	ids := map[string]bool{}
	for id := range s.addresses {
		ids[id] = true
	}
	return ids
}

// readState reads the local state file; empty when the CLI never wrote one.
func (r *interruptRun) readState() interruptState {
	r.t.Helper()
	st := interruptState{customers: map[string]string{}, addresses: map[string][2]string{}, lines: map[string]string{}}
	b, err := os.ReadFile(filepath.Join(r.w.Dir, "terraform.tfstate"))
	if os.IsNotExist(err) || (err == nil && len(b) == 0) {
		// No state written (a CLI killed before it wrote any leaves an
		// empty file).
		return st
	}
	if err != nil {
		r.t.Fatal(err)
	}
	var raw struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					ID         string `json:"id"`
					Name       string `json:"name"`
					CustomerID string `json:"customer_id"`
					Line1      string `json:"line_1"`
					// moltin_customer's nested addresses, by name.
					Addresses map[string]struct {
						ID    string `json:"id"`
						Line1 string `json:"line_1"`
					} `json:"addresses"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		r.t.Fatalf("reading the state: %v", err)
	}
	for _, res := range raw.Resources {
		for _, in := range res.Instances {
			a := in.Attributes
			switch res.Type {
			case "moltin_customer":
				st.customers[a.ID] = a.Name
				for name, n := range a.Addresses {
					st.addresses[n.ID] = [2]string{a.ID, name}
					st.lines[n.ID] = n.Line1
				}
			case "moltin_customer_address":
				st.addresses[a.ID] = [2]string{a.CustomerID, a.Name}
				st.lines[a.ID] = a.Line1
			}
		}
	}
	return st
}

// stateIDs reads the customer ids of the local state file.
func (r *interruptRun) stateIDs() map[string]bool { return r.readState().customerIDs() }

// stateNames maps each customer id of the local state file to its name.
func (r *interruptRun) stateNames() map[string]string { return r.readState().customers }

func (r *interruptRun) apply(wantFail bool, extra ...string) clitest.Result {
	r.t.Helper()
	res, err := r.w.Run(r.t.Context(), r.env, append(append([]string{"apply"}, applyArgs...), extra...)...)
	if wantFail && err == nil {
		r.t.Fatalf("apply succeeded; want a failure:\n%s", res.Stdout)
	}
	if !wantFail && err != nil {
		r.t.Fatal(err)
	}
	return res
}

// checkLost fails the test for a customer or address in the emulator that
// the state does not know, or one in the state that is gone from the
// emulator, or one made twice.
func (r *interruptRun) checkLost(f interruptFigures) {
	r.t.Helper()
	for _, c := range []struct {
		what string
		counts
	}{{"customers", f.customers}, {"addresses", f.addresses}} {
		if c.orphans > 0 || c.missing > 0 || c.duplicates > 0 {
			r.t.Errorf("after %s during %s: %d %s in the emulator but not in the state (orphans), %d in the state but not in the emulator, %d made twice",
				f.interruption, f.command, c.orphans, c.what, c.missing, c.duplicates)
		}
	}
}

// ready says when to interrupt a create: once after customers exist, or
// in the address runs once addressAfter addresses do.
func (r *interruptRun) createReady() func() bool {
	if !r.opts.addresses {
		return func() bool { return len(r.srv.Customers()) >= interruptAfter }
	}
	return func() bool { return r.addressCount() >= addressAfter }
}

func (r *interruptRun) addressCount() int {
	n := 0
	for _, c := range r.srv.Customers() {
		list, _ := r.srv.Addresses(c.ID)
		n += len(list)
	}
	return n
}

func (r *interruptRun) interruptedCreate(in interruption) {
	r.t.Helper()
	res, f := r.signalled(in, r.createReady(), append([]string{"apply"}, applyArgs...)...)
	r.t.Logf("the interrupted apply exited %d; its errors: %s", res.ExitCode, errorSummaries(res.Stderr))
	if f.customers.emulator >= r.opts.customers() && (!r.opts.addresses || f.addresses.emulator >= 2*r.opts.customers()) {
		r.t.Errorf("the run created everything before %s took effect: the test proves nothing", in.name)
	}
	r.checkLost(f)
}

// finishCreate applies again after an interrupted create: it must finish,
// with every customer (and address) once.
func (r *interruptRun) finishCreate() {
	r.t.Helper()
	r.apply(false)
	r.checkComplete()
}

// checkComplete checks that the emulator holds exactly the configuration's
// customers, each once, with exactly their Home and Work addresses in the
// address runs, and that the state lists exactly them.
func (r *interruptRun) checkComplete() {
	r.t.Helper()
	customers := r.srv.Customers()
	if len(customers) != r.opts.customers() {
		r.t.Errorf("%d customers in the emulator; want %d", len(customers), r.opts.customers())
	}
	r.checkNoDuplicates()
	st := r.readState()
	for _, c := range customers {
		if _, ok := st.customers[c.ID]; !ok {
			r.t.Errorf("customer %s (%s) is in the emulator but not in the state", c.ID, c.Email)
		}
	}
	if len(st.customers) != len(customers) {
		r.t.Errorf("%d customers in the state, %d in the emulator", len(st.customers), len(customers))
	}
	if !r.opts.addresses {
		return
	}
	total := 0
	for _, c := range customers {
		list, _ := r.srv.Addresses(c.ID)
		total += len(list)
		var names []string
		for _, a := range list {
			names = append(names, a.Fields["name"])
			want, ok := st.addresses[a.ID]
			switch {
			case !ok:
				r.t.Errorf("address %s (%s) of customer %s is in the emulator but not in the state", a.ID, a.Fields["name"], c.Email)
			case want != [2]string{c.ID, a.Fields["name"]} || st.lines[a.ID] != a.Fields["line_1"]:
				r.t.Errorf("address %s is %s %q %q in the emulator, %v %q in the state", a.ID, c.ID, a.Fields["name"], a.Fields["line_1"], want, st.lines[a.ID])
			}
		}
		sort.Strings(names)
		if strings.Join(names, ",") != "Home,Work" {
			r.t.Errorf("customer %s has the addresses %q; want Home and Work", c.Email, names)
		}
	}
	if len(st.addresses) != total {
		r.t.Errorf("%d addresses in the state, %d in the emulator", len(st.addresses), total)
	}
}

func (r *interruptRun) customerDuplicates() int {
	seen := map[string]int{}
	n := 0
	for _, c := range r.srv.Customers() {
		if seen[strings.ToLower(c.Email)]++; seen[strings.ToLower(c.Email)] > 1 {
			n++
		}
	}
	return n
}

func (r *interruptRun) checkNoDuplicates() {
	r.t.Helper()
	seen := map[string]int{}
	for _, c := range r.srv.Customers() {
		seen[strings.ToLower(c.Email)]++
		seen[c.Name]++
	}
	for k, n := range seen {
		if n > 1 {
			r.t.Errorf("%d customers share %q", n, k)
		}
	}
}

const updatedSuffix = " v2"

func (r *interruptRun) interruptedUpdate(in interruption) {
	r.t.Helper()
	updated := func() int {
		n := 0
		for _, c := range r.srv.Customers() {
			if strings.HasSuffix(c.Name, updatedSuffix) {
				n++
			}
		}
		return n
	}
	args := append(append([]string{"apply"}, applyArgs...), "-var", "suffix="+updatedSuffix)
	_, f := r.signalled(in, func() bool { return updated() >= interruptAfter }, args...)
	r.checkLost(f)
	done := updated()
	if done >= interruptCount {
		r.t.Errorf("the run updated all %d customers before %s took effect: the test proves nothing", interruptCount, in.name)
	}
	names := r.stateNames()
	inState := 0
	for _, n := range names {
		if strings.HasSuffix(n, updatedSuffix) {
			inState++
		}
	}
	r.t.Logf("interrupt figures: cli=%s interruption=%q command=apply (update): renamed in the emulator %d, in the state %d, of %d", r.name, in.name, done, inState, interruptCount)
	// The state and the emulator agree on every customer's name.
	for _, c := range r.srv.Customers() {
		if names[c.ID] != c.Name {
			r.t.Errorf("customer %s is named %q in the emulator but %q in the state", c.ID, c.Name, names[c.ID])
		}
	}
	// The next plan changes only what was not done.
	res, err := r.w.Run(r.t.Context(), r.env, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-var", "suffix="+updatedSuffix)
	if res.ExitCode != 2 {
		r.t.Fatalf("plan after the interrupted update: exit %d, want 2 (changes): %v", res.ExitCode, err)
	}
	m := regexp.MustCompile(`Plan: (\d+) to add, (\d+) to change, (\d+) to destroy`).FindStringSubmatch(res.Stdout)
	if m == nil {
		r.t.Fatalf("plan after the interrupted update has no summary:\n%s", res.Stdout)
	}
	if change, _ := strconv.Atoi(m[2]); m[1] != "0" || m[3] != "0" || change != interruptCount-done {
		r.t.Errorf("plan after the interrupted update: %s; want 0 to add, %d to change, 0 to destroy", m[0], interruptCount-done)
	}
	r.apply(false, "-var", "suffix="+updatedSuffix)
	if n := updated(); n != interruptCount {
		r.t.Errorf("%d customers renamed after the second apply; want %d", n, interruptCount)
	}
}

func (r *interruptRun) interruptedDestroy(in interruption) {
	r.t.Helper()
	args := []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10", "-var", "suffix=" + updatedSuffix}
	_, f := r.signalled(in, func() bool { return len(r.srv.Customers()) <= interruptCount-interruptAfter }, args...)
	if f.customers.emulator == 0 {
		r.t.Errorf("the run destroyed every customer before %s took effect: the test proves nothing", in.name)
	}
	// A customer the state lists is never gone from the emulator, and the
	// state lists every one that is left.
	r.checkLost(f)
	if _, err := r.w.Run(r.t.Context(), r.env, args...); err != nil {
		r.t.Fatal(err)
	}
	if n := len(r.srv.Customers()); n != 0 {
		r.t.Errorf("%d customers left after the second destroy", n)
	}
	if n := len(r.stateIDs()); n != 0 {
		r.t.Errorf("%d customers left in the state after the second destroy", n)
	}
}

// killedCreate kills the CLI (or its group) during a create and returns the
// number of orphans it left (customers and addresses in the emulator, not
// in the state).
func (r *interruptRun) killedCreate(in interruption) int {
	r.t.Helper()
	_, f := r.signalled(in, r.createReady(), append([]string{"apply"}, applyArgs...)...)
	r.addressOrphans = f.addresses.orphans
	if f.customers.orphans+f.addresses.orphans == 0 {
		r.t.Fatalf("the killed run left no orphan: nothing for the next apply to recover (%s)", f)
	}
	return f.customers.orphans + f.addresses.orphans
}

// errorSummaries counts the CLI's diagnostics by their summary line and
// first line of detail.
func errorSummaries(stderr string) string {
	counts := map[string]int{}
	lines := strings.Split(stderr, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "Error: ") {
			continue
		}
		detail := ""
		for _, d := range lines[i+1:] {
			if strings.HasPrefix(d, "Error: ") {
				break
			}
			if d = strings.TrimSpace(d); d != "" && !strings.HasPrefix(d, "with ") && !strings.HasPrefix(d, "on ") && !regexp.MustCompile(`^\d+:`).MatchString(d) {
				detail = d
				break
			}
		}
		counts[strings.TrimPrefix(l, "Error: ")+" / "+detail]++
	}
	var out []string
	for k, n := range counts {
		out = append(out, fmt.Sprintf("%d× %q", n, k))
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}
