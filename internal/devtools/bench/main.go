// Command bench measures the provider end to end: it builds the provider,
// serves the API emulator in-process with a fixed latency, and drives the
// real OpenTofu CLI through create, refresh, update, password rotation and
// destroy of N customers, then a create against a rate-limited server. For
// each step it counts the API requests by kind against the fewest a correct
// provider needs, and compares the wall time, less that of the same step on
// builtin terraform_data resources (what the CLI itself costs), with the
// time the API alone would need. Run it as `go run ./internal/devtools/bench` (or
// `make bench`) from the module.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

type options struct {
	sizes       sizeList // -n
	n           int      // the size being run
	parallelism int
	latency     time.Duration
	rateLimit   float64
	runs        int
	tofu        string
	keep        bool
	profileDir  string
	providerEnv envList
	floor       bool
	addresses   bool
	formsOnly   bool
	forms       string
	accounts    bool
}

// sizeList is -n: numbers of customers, comma-separated.
type sizeList []int

func (l *sizeList) String() string {
	var parts []string
	for _, n := range *l {
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

func (l *sizeList) Set(v string) error {
	var out sizeList
	for part := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a number of customers", part)
		}
		out = append(out, n)
	}
	*l = out
	return nil
}

// envList is a repeatable KEY=VALUE flag.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("%q is not KEY=VALUE", v)
	}
	*e = append(*e, v)
	return nil
}

func main() {
	var o options
	o.sizes = sizeList{300}
	flag.Var(&o.sizes, "n", "number of customers, or several comma-separated (e.g. 100,1000,3000): the sequence runs at each, and a table shows how each step grows with N")
	flag.IntVar(&o.parallelism, "parallelism", 10, "the CLI's -parallelism")
	flag.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the emulator adds to every API request")
	flag.Float64Var(&o.rateLimit, "rate-limit", 25, "server-side requests/second of the rate-limited scenario (the provider's default client limit is 25/s)")
	flag.IntVar(&o.runs, "runs", 3, "repeat the whole sequence this many times and report, per step, the run with the median (wall − baseline)")
	flag.StringVar(&o.tofu, "tofu", "", "OpenTofu binary (default: what scripts/ensure-clis.sh tofu prints)")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directories")
	flag.StringVar(&o.profileDir, "cpuprofile-dir", "", "if set, run a provider built with profiling (internal/devtools/bench/profiledprovider) that writes CPU and allocation profiles per process into this directory")
	flag.BoolVar(&o.floor, "floor", true, "also run every unlimited step on internal/devtools/bench/floorprovider, the same schema with every request replaced by a wait of the latency: the best any provider built on the framework can do")
	flag.Var(&o.providerEnv, "env", "KEY=VALUE added to the environment of the provider's CLI commands (repeatable), e.g. TF_LOG_SDK=TRACE to measure the SDK's trace logging")
	flag.BoolVar(&o.addresses, "addresses", true, "also run the steps with one address per customer, in its three forms (by index, through a local, nested addresses)")
	flag.BoolVar(&o.accounts, "accounts", true, "also run N Account Management shoppers (account, member, membership), memberships through locals and by index")
	flag.BoolVar(&o.formsOnly, "forms-only", false, "run only \"create\" and \"destroy\" of N customers alone and the address forms' steps, for the forms' ratios at thousands of customers")
	flag.StringVar(&o.forms, "forms", "nested,local,index", "which address forms run, comma-separated, in the order given: nested, local, index")
	flag.Parse()
	if _, err := parseForms(o.forms); err != nil {
		fmt.Fprintln(os.Stderr, "bench: -forms:", err)
		os.Exit(2)
	}

	ctx := context.Background()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	start := time.Now()
	root, err := moduleAndTofu(ctx, &o)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "building the provider...\n")
	var providerDir string
	if o.profileDir != "" {
		if providerDir, err = buildVariant(ctx, root, "./internal/devtools/bench/profiledprovider"); err != nil {
			return err
		}
		if o.profileDir, err = filepath.Abs(o.profileDir); err == nil {
			err = os.MkdirAll(o.profileDir, 0o755)
		}
	} else {
		providerDir, err = clitest.BuildProvider(ctx)
	}
	if err != nil {
		return err
	}
	var floorDir string
	if o.floor {
		if floorDir, err = buildVariant(ctx, root, "./internal/devtools/bench/floorprovider"); err != nil {
			return err
		}
	}
	var extras []string
	var growth []sizeRows
	for _, n := range o.sizes {
		o.n = n
		load0 := loadavg()
		var all [][]result
		for i := range o.runs {
			fmt.Fprintf(os.Stderr, "N = %d: run %d of %d\n", n, i+1, o.runs)
			res, err := runOnce(ctx, o, providerDir, floorDir)
			if err != nil {
				return err
			}
			all = append(all, res)
		}
		fmt.Printf("%s, N = %d customers, `-parallelism=%d`, emulator latency %s; %d run(s), each row from the run with the median (wall − baseline); "+
			"%d CPUs, load average %s before and %s after; finished %s.\n\n",
			tofuVersion(ctx, o.tofu), o.n, o.parallelism, o.latency, o.runs, numCPU(), load0, loadavg(), time.Now().UTC().Format(time.RFC3339))
		rows := medianRows(all)
		printTables(os.Stdout, o, rows)
		if o.addresses || o.accounts {
			printForms(os.Stdout, n, rows)
		}
		if extra := printTargets(os.Stdout, o, all, rows); extra != "" {
			extras = append(extras, fmt.Sprintf("N = %d: %s", n, extra))
		}
		fmt.Println()
		growth = append(growth, sizeRows{n: n, rows: rows})
	}
	if len(growth) > 1 {
		printGrowth(os.Stdout, growth)
	}
	fmt.Fprintf(os.Stderr, "bench took %s\n", time.Since(start).Round(time.Second))
	if extra := strings.Join(extras, "; "); extra != "" {
		// Request counts do not depend on timing: more than the minimum is a
		// regression, unlike a wall time that a busy machine stretched.
		return errors.New("more API requests than the minimum: " + extra)
	}
	return nil
}

// moduleAndTofu returns the module's root and, unless -tofu named one, sets
// o.tofu to the project's OpenTofu binary.
func moduleAndTofu(ctx context.Context, o *options) (string, error) {
	root, err := clitest.ModuleRoot()
	if err != nil {
		return "", err
	}
	if o.tofu == "" {
		o.tofu, err = ensureTofu(ctx, root)
	}
	return root, err
}

// ensureTofu asks the project's script for the OpenTofu binary, building it
// the first time.
func ensureTofu(ctx context.Context, root string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "ensure-clis.sh"), "tofu")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("scripts/ensure-clis.sh tofu: %w", err)
	}
	for line := range strings.Lines(string(out)) {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "tofu="); ok {
			return p, nil
		}
	}
	return "", errors.New("scripts/ensure-clis.sh tofu printed no tofu= line")
}

// buildVariant builds a variant of the provider (a main package) under the
// provider's binary name, for dev_overrides.
func buildVariant(ctx context.Context, root, pkg string) (string, error) {
	dir, err := os.MkdirTemp("", "moltin-provider-variant")
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-moltin"), pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", pkg, err, out)
	}
	return dir, nil
}

// bench is one run's emulator and working directories.
type bench struct {
	o        options
	emu      *emulator.Server
	obs      *observer
	url      string
	moltin   *clitest.Workdir
	baseline *clitest.Workdir
	floor    *clitest.Workdir // nil without -floor
	env      []string
}

func runOnce(ctx context.Context, o options, providerDir, floorDir string) ([]result, error) {
	emu := emulator.New(emulator.Config{Faults: emulator.Faults{Latency: o.latency}})
	obs := newObserver(emu)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: obs, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	dir, err := os.MkdirTemp("", "moltin-bench")
	if err != nil {
		return nil, err
	}
	if o.keep {
		fmt.Fprintf(os.Stderr, "working directories under %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	b := &bench{o: o, emu: emu, obs: obs, url: "http://" + ln.Addr().String()}
	if b.moltin, err = clitest.NewWorkdir(o.tofu, providerDir, filepath.Join(dir, "moltin")); err != nil {
		return nil, err
	}
	if b.baseline, err = clitest.NewWorkdir(o.tofu, providerDir, filepath.Join(dir, "baseline")); err != nil {
		return nil, err
	}
	if floorDir != "" {
		if b.floor, err = clitest.NewWorkdir(o.tofu, floorDir, filepath.Join(dir, "floor")); err != nil {
			return nil, err
		}
	}
	b.env = []string{
		"EPCC_CLIENT_ID=" + emulator.DefaultClientID,
		"EPCC_CLIENT_SECRET=" + emulator.DefaultClientSecret,
	}
	if o.profileDir != "" {
		b.env = append(b.env, "MOLTIN_CPUPROFILE_DIR="+o.profileDir)
	}
	b.env = append(b.env, o.providerEnv...)

	var out []result
	for _, s := range steps(o) {
		r, err := b.runStep(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		// Every figure of the growth table, so that a run stopped before its
		// tables are printed still leaves them.
		fmt.Fprintf(os.Stderr, "  %-28s wall %6.2fs  baseline %6.2fs  requests %v (min %d)  CLI CPU %.2fs, provider CPU %.2fs, peak RSS %.1f MiB  baseline CLI CPU %.2fs, peak RSS %.1f MiB\n",
			s.name, r.wall.Seconds(), r.baseline.Seconds(), r.byKind, r.minTotal(),
			r.cliCPU.Seconds(), r.providerCPU.Seconds(), mib(r.peakKiB), r.baselineCPU.Seconds(), mib(r.baselinePeakKiB))
		out = append(out, r)
	}
	return out, nil
}

// version describes one configuration of the N resources.
type version struct {
	renamed   bool        // every name gets a suffix: the "change one attribute" step
	password  int         // password_wo_version, and the password it sends
	clientRPS bool        // raise the client limiter out of the way
	form      addressForm // one address per customer, and how it is declared
	am        amForm      // Account Management shoppers instead of customers
	custom    bool        // two custom fields, and a value of each on every customer
	// clientRate, when not 0 and not clientRPS, is the client's limit.
	clientRate float64
}

type step struct {
	name string
	args []string
	cfg  version
	// min is the fewest API requests by emulator kind; see minimumFor.
	min map[string]int
	// serial is how many of min's requests, besides the tokens, wait for
	// one another rather than spread over the CLI's parallel operations.
	serial  int
	limited bool // the server limits the rate to o.rateLimit
	// memberDelay is the emulator's member delay during the step: 0 (members
	// appear at once) unless said, so that a membership never waits for its
	// member and the request count is exact.
	memberDelay time.Duration
	// reportOnly: the requests are reported against min, not checked; the
	// count depends on timing (members appearing after a delay).
	reportOnly bool
	check      func(*emulator.Server) error
}

// steps is the measured sequence; each step starts from the state the one
// before it left.
func steps(o options) (out []step) {
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", fmt.Sprintf("-parallelism=%d", o.parallelism)}
	destroy := []string{"destroy", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}
	n := o.n
	v1 := version{password: 1, clientRPS: true}
	v2 := version{renamed: true, password: 1, clientRPS: true}
	v3 := version{renamed: true, password: 2, clientRPS: true}
	all := []step{
		{name: "create", args: apply, cfg: v1, check: expectCustomers(n, false, true),
			min: map[string]int{emulator.KindToken: 1, emulator.KindCreate: n}},
		{name: "no-op plan (refresh)", args: plan, cfg: v1, check: expectCustomers(n, false, true),
			min: map[string]int{emulator.KindToken: 1, emulator.KindGet: n}},
		{name: "change name on all", args: apply, cfg: v2, check: expectCustomers(n, true, true),
			min: map[string]int{emulator.KindToken: 2, emulator.KindGet: n, emulator.KindUpdate: n}},
		{name: "rotate every password", args: apply, cfg: v3, check: expectPasswordsRotated(n),
			min: map[string]int{emulator.KindToken: 2, emulator.KindGet: n, emulator.KindUpdate: n}},
		{name: "destroy", args: destroy, cfg: v3, check: expectCustomers(0, false, false),
			min: map[string]int{emulator.KindToken: 2, emulator.KindGet: n, emulator.KindDelete: n}},
	}
	limited := step{name: fmt.Sprintf("create, server limit %g/s", o.rateLimit), args: apply, cfg: version{password: 1}, limited: true, check: expectCustomers(n, false, true),
		min: map[string]int{emulator.KindToken: 1, emulator.KindCreate: n}}
	if o.formsOnly {
		all = []step{all[0], all[4]}
	}
	if !o.formsOnly {
		defer func() { out = append(out, limited) }()
		all = append(all, customSteps(o, apply, destroy)...)
	}
	if !o.addresses {
		if o.accounts {
			all = append(all, amSteps(o, amLocal, apply, destroy, true)...)
			all = append(all, amSteps(o, amByIndex, apply, destroy, false)...)
		}
		return all
	}
	// A shopper with a saved address, in each form: one POST per customer
	// and one per address, the address's waiting for its customer's id.
	// Separate addresses are refreshed and deleted one by one; nested ones
	// are refreshed with one list per customer and go with their customer.
	// The quadratic form last, so that a run stopped for time still has the
	// linear ones.
	forms, _ := parseForms(o.forms) // checked in main
	for _, f := range forms {
		cfg := version{password: 1, clientRPS: true, form: f}
		destroyMin := map[string]int{emulator.KindToken: 2, emulator.KindGet: n, emulator.KindAddressGet: n, emulator.KindDelete: n, emulator.KindAddressDelete: n}
		if f == formNested {
			destroyMin = map[string]int{emulator.KindToken: 2, emulator.KindGet: n, emulator.KindAddressList: n, emulator.KindDelete: n}
		}
		all = append(all,
			step{name: "create with one address each, " + f.String(), args: apply, cfg: cfg, check: expectAddresses(n),
				min: map[string]int{emulator.KindToken: 1, emulator.KindCreate: n, emulator.KindAddressCreate: n}},
			step{name: "destroy with addresses, " + f.String(), args: destroy, cfg: cfg, check: expectCustomers(0, false, false),
				min: destroyMin})
		// The linear Account Management form before the quadratic ones.
		if f == formLocal && o.accounts {
			all = append(all, amSteps(o, amLocal, apply, destroy, true)...)
		}
	}
	if o.accounts {
		all = append(all, amSteps(o, amByIndex, apply, destroy, false)...)
	}
	return all
}

// result is one step's measurements.
type result struct {
	step
	byKind      map[string]int
	rateLimited int   // 429s from the server's limiter
	processes   int   // provider processes seen
	peakKiB     int64 // the highest peak RSS of any provider process
	// The CLI's peak RSS in the baseline step: the baseline's only process.
	baselinePeakKiB int64
	wall            time.Duration
	baseline        time.Duration
	api             apiObservation
	// CPU time of the CLI (with the provider's subtracted), of the provider
	// processes, and of the CLI in the baseline step.
	cliCPU, providerCPU, baselineCPU time.Duration
	// The step on the floor provider (zero when not run): wall time, and
	// CPU of the CLI and its provider processes together.
	floor, floorCPU time.Duration
}

func (r result) total() int {
	t := 0
	for _, v := range r.byKind {
		t += v
	}
	return t
}

func (r result) minTotal() int {
	t := 0
	for _, v := range r.min {
		t += v
	}
	return t
}

// ideal is the time the API alone needs: the resource requests spread over
// the CLI's parallel operations, the token requests one after another (each
// blocks its process's first call), or, under a server-side limit, every
// request at the limit's pace.
func (r result) ideal(o options) time.Duration {
	if r.limited {
		return time.Duration(float64(r.minTotal()) / o.rateLimit * float64(time.Second))
	}
	tokens := r.min[emulator.KindToken]
	resources := r.minTotal() - tokens - r.serial
	return time.Duration(tokens+r.serial)*o.latency + time.Duration(float64(resources)/float64(o.parallelism)*float64(o.latency))
}

// floorRatio is the floor provider's time over the baseline, divided by the
// ideal: the floor does the CLI's and the framework's work and waits for the
// API exactly as long as the ideal counts, so no provider of this schema on
// the framework can measure less on the same machine.
func (r result) floorRatio(o options) float64 {
	return float64(r.floor-r.baseline) / float64(r.ideal(o))
}

// overFloorRatio is what the provider adds to the floor, divided by the
// ideal: its requests' own cost (HTTP, JSON, the client, the emulator's CPU)
// beyond their latency; 0 for a provider that adds nothing.
func (r result) overFloorRatio(o options) float64 {
	return float64(r.wall-r.floor) / float64(r.ideal(o))
}

func (b *bench) runStep(ctx context.Context, s step) (result, error) {
	r := result{step: s}
	faults := emulator.Faults{Latency: b.o.latency}
	if s.limited {
		faults.RateLimit = b.o.rateLimit
	}
	b.emu.SetFaults(faults)
	b.emu.SetMemberDelay(s.memberDelay)

	// The baseline first, so that both see the same machine load as nearly
	// as one run allows.
	if err := b.baseline.WriteFile("main.tf", baselineConfig(b.o.n, s.cfg)); err != nil {
		return r, err
	}
	cliWatch := watchProcesses(cliComm(b.o.tofu), 20*time.Millisecond)
	cpu0 := childrenCPU()
	t0 := time.Now()
	_, err := b.baseline.Run(ctx, nil, s.args...)
	r.baseline = time.Since(t0)
	r.baselineCPU = childrenCPU() - cpu0
	_, r.baselinePeakKiB, _ = cliWatch.Stop()
	if err != nil {
		return r, fmt.Errorf("baseline: %w", err)
	}

	// The floor sends no request: it waits the emulator's latency instead,
	// and its provider block's URL is never used.
	// The floor provider serves moltin_customer alone.
	if b.floor != nil && !s.limited && s.cfg.form == formNone && s.cfg.am == amNone && !s.cfg.custom {
		if err := b.floor.WriteFile("main.tf", moltinConfig(b.o.n, b.url, s.cfg)); err != nil {
			return r, err
		}
		cpu0 = childrenCPU()
		t0 = time.Now()
		env := append(slices.Clone(b.env), "MOLTIN_FLOOR_LATENCY="+b.o.latency.String())
		if _, err := b.floor.Run(ctx, env, s.args...); err != nil {
			return r, fmt.Errorf("floor provider: %w", err)
		}
		r.floor = time.Since(t0)
		r.floorCPU = childrenCPU() - cpu0
	}

	if err := b.moltin.WriteFile("main.tf", moltinConfig(b.o.n, b.url, s.cfg)); err != nil {
		return r, err
	}
	b.emu.ResetRequests()
	b.obs.reset()
	watch := watchProcesses(providerComm, 20*time.Millisecond)
	cpu0 = childrenCPU()
	t0 = time.Now()
	_, err = b.moltin.Run(ctx, b.env, s.args...)
	r.wall = time.Since(t0)
	r.processes, r.peakKiB, r.providerCPU = watch.Stop()
	r.cliCPU = childrenCPU() - cpu0 - r.providerCPU
	if err != nil {
		return r, err
	}
	st := b.emu.Stats()
	r.byKind = st.ByKind
	r.rateLimited = st.Faults[emulator.FaultRateLimit]
	r.api = b.obs.snapshot()
	if s.check != nil {
		if err := s.check(b.emu); err != nil {
			return r, fmt.Errorf("after the step the emulator is not as expected: %w", err)
		}
	}
	return r, nil
}

// childrenCPU is the user+system time of every waited-for descendant so far:
// the CLI and, since the CLI waits for them, its provider processes.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func expectCustomers(n int, renamed, hasPassword bool) func(*emulator.Server) error {
	return func(emu *emulator.Server) error {
		cs := emu.Customers()
		if len(cs) != n {
			return fmt.Errorf("%d customers, want %d", len(cs), n)
		}
		for _, c := range cs {
			if strings.HasSuffix(c.Name, renamedSuffix) != renamed {
				return fmt.Errorf("customer %s is named %q (renamed: want %v)", c.ID, c.Name, renamed)
			}
			if c.HasPassword != hasPassword {
				return fmt.Errorf("customer %s has_password %v, want %v", c.ID, c.HasPassword, hasPassword)
			}
		}
		return nil
	}
}

// expectAddresses checks n customers with one address each, as configured.
func expectAddresses(n int) func(*emulator.Server) error {
	return func(emu *emulator.Server) error {
		if err := expectCustomers(n, false, true)(emu); err != nil {
			return err
		}
		for _, c := range emu.Customers() {
			list, _ := emu.Addresses(c.ID)
			if len(list) != 1 || list[0].Fields["line_1"] != c.Name {
				return fmt.Errorf("customer %s has addresses %v, want one on %q", c.ID, list, c.Name)
			}
		}
		return nil
	}
}

func expectPasswordsRotated(n int) func(*emulator.Server) error {
	return func(emu *emulator.Server) error {
		if err := expectCustomers(n, true, true)(emu); err != nil {
			return err
		}
		for i := range n {
			email := fmt.Sprintf("bench-%d@example.com", i)
			if !emu.CheckPassword(email, password(2)) {
				return fmt.Errorf("%s does not have the rotated password", email)
			}
		}
		return nil
	}
}

const renamedSuffix = " (renamed)"

// password is the benchmark's throwaway password of a version; the emulator
// is in-memory and the value is in this source on purpose.
func password(v int) string { return fmt.Sprintf("bench-password-v%d", v) }

func moltinConfig(n int, url string, v version) string {
	var sb strings.Builder
	sb.WriteString(clitest.RequiredProviders)
	fmt.Fprintf(&sb, "\nprovider \"moltin\" {\n  api_base_url = %q\n", url)
	if v.clientRPS {
		sb.WriteString("  max_requests_per_second = 10000\n")
	} else if v.clientRate > 0 {
		fmt.Fprintf(&sb, "  max_requests_per_second = %g\n", v.clientRate)
	}
	sb.WriteString("}\n")
	if v.am != amNone {
		return sb.String() + amConfig(n, v.am)
	}
	suffix := ""
	if v.renamed {
		suffix = renamedSuffix
	}
	nested := ""
	if v.form == formNested {
		nested = `
  addresses = {
    Home = {
      first_name = "Bench"
      last_name  = "Customer ${count.index}"
      line_1     = "Bench Customer ${count.index}"
      postcode   = "LS1 1AA"
      country    = "GB"
    }
  }`
	}
	if v.custom {
		sb.WriteString(customFieldsConfig)
		nested += customValuesAttr
	}
	fmt.Fprintf(&sb, `
resource "moltin_customer" "c" {
  count               = %d
  name                = "Bench Customer ${count.index}%s"
  email               = "bench-${count.index}@example.com"
  password_wo         = %q
  password_wo_version = %d%s
}
`, n, suffix, password(v.password), v.password, nested)
	customer := "moltin_customer.c[count.index]"
	switch v.form {
	case formLocal:
		sb.WriteString("\nlocals {\n  customers = [for c in moltin_customer.c : { id = c.id, name = c.name }]\n}\n")
		customer = "local.customers[count.index]"
		fallthrough
	case formByIndex:
		fmt.Fprintf(&sb, `
resource "moltin_customer_address" "a" {
  count       = %d
  customer_id = %s.id
  name        = "Home"
  first_name  = "Bench"
  last_name   = "Customer ${count.index}"
  line_1      = %s.name
  postcode    = "LS1 1AA"
  country     = "GB"
}
`, n, customer, customer)
	}
	return sb.String()
}

// addressForm is how the configuration gives each customer its address
// (issue 24): a reference by index into a counted resource makes the CLI
// rebuild that resource's whole value for each of the N addresses, O(N²);
// a local computed once, or the address nested in its customer, is O(N).
type addressForm int

const (
	formNone addressForm = iota
	formByIndex
	formLocal
	formNested
)

// parseForms reads -forms: the short names, comma-separated.
func parseForms(list string) ([]addressForm, error) {
	byName := map[string]addressForm{"nested": formNested, "local": formLocal, "index": formByIndex}
	var out []addressForm
	for _, name := range strings.Split(list, ",") {
		f, ok := byName[strings.TrimSpace(name)]
		if !ok {
			return nil, fmt.Errorf("unknown form %q (want nested, local or index)", name)
		}
		out = append(out, f)
	}
	return out, nil
}

func (f addressForm) String() string {
	return [...]string{"none", "separate, by index", "separate, through a local", "nested addresses"}[f]
}

// baselineConfig is the same resources as builtin terraform_data: an input
// change is an in-place update, as a moltin_customer change is.
func baselineConfig(n int, v version) string {
	if v.am != amNone {
		return amBaseline(n, v.am)
	}
	suffix := ""
	if v.renamed {
		suffix = renamedSuffix
	}
	out := fmt.Sprintf(`
resource "terraform_data" "c" {
  count = %d
  input = {
    name             = "Bench Customer ${count.index}%s"
    email            = "bench-${count.index}@example.com"
    password_version = %d
  }
}
`, n, suffix, v.password)
	if v.custom {
		out = customBaseline + strings.Replace(out, "    password_version", customBaselineInput+"    password_version", 1)
	}
	customer := "terraform_data.c[count.index]"
	switch v.form {
	case formNested:
		// One resource per shopper, the address inside it.
		out = strings.Replace(out, "    password_version", `    address = {
      Home = {
        line_1   = "Bench Customer ${count.index}"
        postcode = "LS1 1AA"
        country  = "GB"
      }
    }
    password_version`, 1)
	case formLocal:
		out += "\nlocals {\n  customers = [for c in terraform_data.c : { id = c.id, name = c.input.name }]\n}\n"
		customer = "local.customers[count.index]"
		fallthrough
	case formByIndex:
		name := customer + ".input.name"
		if v.form == formLocal {
			name = customer + ".name"
		}
		out += fmt.Sprintf(`
resource "terraform_data" "a" {
  count = %d
  input = {
    customer_id = %s.id
    line_1      = %s
    postcode    = "LS1 1AA"
    country     = "GB"
  }
}
`, n, customer, name)
	}
	return out
}

// medianRows picks, for each step, the run whose wall − baseline is the
// median, so that every figure in a row comes from one run. Request counts
// do not depend on timing; should one run differ, its counts show in the
// log on stderr.
func medianRows(runs [][]result) []result {
	out := make([]result, len(runs[0]))
	for i := range out {
		var rows []result
		for _, run := range runs {
			rows = append(rows, run[i])
		}
		slices.SortFunc(rows, func(a, b result) int { return cmp.Compare(a.wall-a.baseline, b.wall-b.baseline) })
		out[i] = rows[(len(rows)-1)/2]
	}
	return out
}

// tofuVersion is the CLI's version line, such as "OpenTofu 1.12.6".
func tofuVersion(ctx context.Context, tofu string) string {
	cmd := exec.CommandContext(ctx, tofu, "version", "-json")
	// An empty CLI config, so that no warning about a missing one is
	// printed before the JSON.
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	var v struct {
		Version string `json:"terraform_version"`
	}
	name := "OpenTofu"
	if filepath.Base(tofu) == "terraform" {
		name = "Terraform" // -tofu may name Terraform, whose CLI the bench drives the same way
	}
	if err != nil || json.Unmarshal(out, &v) != nil {
		return name + " (version unknown)"
	}
	return name + " " + v.Version
}

// loadavg is the 1, 5 and 15 minute load averages: other work on the
// machine inflates wall times, CPU times much less.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " / ")
}
