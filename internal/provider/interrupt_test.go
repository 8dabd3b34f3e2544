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
// that vanished). Each applies interruptCount customers against an emulator
// answering in interruptLatency, so that many requests are on the wire when
// the signal comes, and signals the CLI process itself once
// interruptAfter customers exist (or are changed, or are gone).
const (
	interruptCount   = 60
	interruptAfter   = 15
	interruptLatency = 200 * time.Millisecond
)

// TestAccInterrupt_cli checks that no customer is lost or created twice
// however a run ends. It drives the CLI that TF_ACC_TERRAFORM_PATH names,
// with the provider built as a binary: the in-process provider of
// terraform-plugin-testing cannot be sent a signal.
func TestAccInterrupt_cli(t *testing.T) {
	cli, providerDir := requireCLI(t, "the interrupt tests")

	t.Run("sigint_create_update_destroy", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, "")
		r.interruptedCreate(syscall.SIGINT)
		r.finishCreate()
		r.interruptedUpdate()
		r.interruptedDestroy()
	})
	t.Run("sigterm_create", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, "")
		r.interruptedCreate(syscall.SIGTERM)
		r.finishCreate()
	})
	t.Run("sigkill_create_adopt", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, "adopt_existing_customers = true")
		r.killedCreate()
		res := r.apply(false)
		if !strings.Contains(res.Stdout+res.Stderr, "Adopted an existing customer") {
			t.Errorf("the apply that adopted the killed run's customers gave no warning:\n%s", res.Stderr)
		}
		r.checkComplete()
	})
	t.Run("sigkill_create_default", func(t *testing.T) {
		t.Parallel()
		r := newInterruptRun(t, cli, providerDir, "")
		orphans := r.killedCreate()
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
}

func newInterruptRun(t *testing.T, cli, providerDir, providerSetting string) *interruptRun {
	t.Helper()
	srv, err := emulator.Start(emulator.Config{Faults: emulator.Faults{Latency: interruptLatency}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	w, err := clitest.NewWorkdir(cli, providerDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	config := clitest.RequiredProviders + fmt.Sprintf(`
provider "moltin" {
  api_base_url            = %q
  max_requests_per_second = 100
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
`, srv.URL, providerSetting, interruptCount)
	if err := w.WriteFile("main.tf", config); err != nil {
		t.Fatal(err)
	}
	return &interruptRun{
		t: t, cli: cli, srv: srv, w: w,
		env:  []string{"EPCC_CLIENT_ID=" + emulator.DefaultClientID, "EPCC_CLIENT_SECRET=" + emulator.DefaultClientSecret},
		name: filepath.Base(cli),
	}
}

var applyArgs = []string{"-auto-approve", "-input=false", "-no-color", "-parallelism=10"}

// signalled runs the CLI with args, sends sig once ready says so, and
// returns what it printed and the figures of the run.
func (r *interruptRun) signalled(sig syscall.Signal, ready func() bool, args ...string) (clitest.Result, interruptFigures) {
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
	if err := p.Signal(sig); err != nil {
		r.t.Fatal(err)
	}
	res, err := p.Wait(ctx)
	if ctx.Err() != nil {
		r.t.Fatalf("the CLI did not exit after %v: %v", sig, err)
	}
	if sig == syscall.SIGKILL {
		// What the killed CLI left running ends too, as when a runner
		// vanishes; the requests it had sent are still carried out.
		_ = p.Cleanup()
		r.settle()
	}
	f := r.figures(sig, args[0], sent)
	r.t.Logf("interrupt figures: %s", f)
	return res, f
}

// settle waits until the emulator has answered every request it received.
func (r *interruptRun) settle() {
	time.Sleep(3 * interruptLatency)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		before := len(r.srv.Requests())
		time.Sleep(2 * interruptLatency)
		if len(r.srv.Requests()) == before {
			return
		}
	}
}

type interruptFigures struct {
	cli, signal, command string
	emulator, state      int
	orphans, missing     int
	afterSignal          int
	afterSignalByKind    map[string]int
}

func (f interruptFigures) String() string {
	kinds := make([]string, 0, len(f.afterSignalByKind))
	for k, n := range f.afterSignalByKind {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("cli=%s signal=%s command=%s emulator=%d state=%d orphans=%d missing=%d requests_after_signal=%d (%s)",
		f.cli, f.signal, f.command, f.emulator, f.state, f.orphans, f.missing, f.afterSignal, strings.Join(kinds, " "))
}

func (r *interruptRun) figures(sig syscall.Signal, command string, sent int) interruptFigures {
	state := r.stateIDs()
	inEmulator := map[string]bool{}
	for _, c := range r.srv.Customers() {
		inEmulator[c.ID] = true
	}
	f := interruptFigures{
		cli: r.name, signal: sig.String(), command: command,
		emulator: len(inEmulator), state: len(state),
		afterSignalByKind: map[string]int{},
	}
	for id := range inEmulator {
		if !state[id] {
			f.orphans++
		}
	}
	for id := range state {
		if !inEmulator[id] {
			f.missing++
		}
	}
	reqs := r.srv.Requests()
	for _, q := range reqs[min(sent, len(reqs)):] {
		f.afterSignal++
		f.afterSignalByKind[q.Kind]++
	}
	return f
}

// stateIDs reads the customer ids of the local state file; none when the
// CLI never wrote one.
func (r *interruptRun) stateIDs() map[string]bool {
	ids := map[string]bool{}
	for id := range r.stateNames() {
		ids[id] = true
	}
	return ids
}

// stateNames maps each customer id of the local state file to its name.
func (r *interruptRun) stateNames() map[string]string {
	r.t.Helper()
	names := map[string]string{}
	b, err := os.ReadFile(filepath.Join(r.w.Dir, "terraform.tfstate"))
	if os.IsNotExist(err) || (err == nil && len(b) == 0) {
		// No state written (a CLI killed before it wrote any leaves an
		// empty file).
		return names
	}
	if err != nil {
		r.t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		r.t.Fatalf("reading the state: %v", err)
	}
	for _, res := range st.Resources {
		if res.Type != "moltin_customer" {
			continue
		}
		for _, in := range res.Instances {
			names[in.Attributes.ID] = in.Attributes.Name
		}
	}
	return names
}

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

// checkLost fails the test for a customer in the emulator that the state
// does not know, or one in the state that is gone from the emulator.
func (r *interruptRun) checkLost(f interruptFigures) {
	r.t.Helper()
	if f.orphans > 0 || f.missing > 0 {
		r.t.Errorf("after %s during %s: %d customers in the emulator but not in the state (orphans), %d in the state but not in the emulator",
			f.signal, f.command, f.orphans, f.missing)
	}
}

func (r *interruptRun) interruptedCreate(sig syscall.Signal) {
	r.t.Helper()
	res, f := r.signalled(sig, func() bool { return len(r.srv.Customers()) >= interruptAfter }, append([]string{"apply"}, applyArgs...)...)
	r.t.Logf("the interrupted apply exited %d; its errors: %s", res.ExitCode, errorSummaries(res.Stderr))
	if f.emulator >= interruptCount {
		r.t.Errorf("the run created all %d customers before %s took effect: the test proves nothing", interruptCount, f.signal)
	}
	r.checkLost(f)
}

// finishCreate applies again after an interrupted create: it must finish,
// with every customer once.
func (r *interruptRun) finishCreate() {
	r.t.Helper()
	r.apply(false)
	r.checkComplete()
}

// checkComplete checks that the emulator holds exactly the configuration's
// customers, each once, and that the state lists exactly them.
func (r *interruptRun) checkComplete() {
	r.t.Helper()
	customers := r.srv.Customers()
	if len(customers) != interruptCount {
		r.t.Errorf("%d customers in the emulator; want %d", len(customers), interruptCount)
	}
	r.checkNoDuplicates()
	state := r.stateIDs()
	for _, c := range customers {
		if !state[c.ID] {
			r.t.Errorf("customer %s (%s) is in the emulator but not in the state", c.ID, c.Email)
		}
	}
	if len(state) != len(customers) {
		r.t.Errorf("%d customers in the state, %d in the emulator", len(state), len(customers))
	}
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

func (r *interruptRun) interruptedUpdate() {
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
	_, f := r.signalled(syscall.SIGINT, func() bool { return updated() >= interruptAfter }, args...)
	r.checkLost(f)
	done := updated()
	if done >= interruptCount {
		r.t.Errorf("the run updated all %d customers before SIGINT took effect: the test proves nothing", interruptCount)
	}
	names := r.stateNames()
	inState := 0
	for _, n := range names {
		if strings.HasSuffix(n, updatedSuffix) {
			inState++
		}
	}
	r.t.Logf("interrupt figures: cli=%s signal=interrupt command=apply (update): renamed in the emulator %d, in the state %d, of %d", r.name, done, inState, interruptCount)
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

func (r *interruptRun) interruptedDestroy() {
	r.t.Helper()
	args := []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10", "-var", "suffix=" + updatedSuffix}
	_, f := r.signalled(syscall.SIGINT, func() bool { return len(r.srv.Customers()) <= interruptCount-interruptAfter }, args...)
	if f.emulator == 0 {
		r.t.Errorf("the run destroyed every customer before SIGINT took effect: the test proves nothing")
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

// killedCreate kills the CLI with SIGKILL during a create and returns the
// number of orphans it left (customers in the emulator, not in the state).
func (r *interruptRun) killedCreate() int {
	r.t.Helper()
	_, f := r.signalled(syscall.SIGKILL, func() bool { return len(r.srv.Customers()) >= interruptAfter }, append([]string{"apply"}, applyArgs...)...)
	if f.orphans == 0 {
		r.t.Fatalf("the killed run left no orphan: nothing for the next apply to recover (%s)", f)
	}
	return f.orphans
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
