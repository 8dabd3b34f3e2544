package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

func TestIdeal(t *testing.T) {
	o := options{parallelism: 10, latency: 20 * time.Millisecond, rateLimit: 25}
	update := result{step: step{min: map[string]int{emulator.KindToken: 2, emulator.KindGet: 300, emulator.KindUpdate: 300}}}
	// 600 resource requests, 10 at a time, 20 ms each = 1.2 s; 2 tokens one after another = 40 ms.
	if got, want := update.ideal(o), 1240*time.Millisecond; got != want {
		t.Errorf("unlimited ideal = %s, want %s", got, want)
	}
	// The custom values' setup: 5 requests one after another, the other
	// 300 + 1 spread 10 at a time.
	custom := result{step: step{serial: 5, min: map[string]int{emulator.KindToken: 2, emulator.KindFieldList: 2, emulator.KindFlowList: 1,
		emulator.KindFlowCreate: 1, emulator.KindFieldCreate: 2, emulator.KindCreate: 300}}}
	if got, want := custom.ideal(o), (7*20+602)*time.Millisecond; got != want {
		t.Errorf("ideal with serial requests = %s, want %s", got, want)
	}
	limited := result{step: step{limited: true, min: map[string]int{emulator.KindToken: 1, emulator.KindCreate: 300}}}
	if got, want := limited.ideal(o), 12040*time.Millisecond; got != want {
		t.Errorf("limited ideal = %s, want %s", got, want)
	}
}

func TestMedianRowsKeepsOneRunPerRow(t *testing.T) {
	row := func(wall, base time.Duration, procs int) result {
		return result{wall: wall, baseline: base, processes: procs}
	}
	runs := [][]result{
		{row(5*time.Second, 1*time.Second, 1)}, // 4 s over
		{row(3*time.Second, 2*time.Second, 2)}, // 1 s over
		{row(4*time.Second, 1*time.Second, 3)}, // 3 s over: the median
	}
	got := medianRows(runs)
	if got[0].processes != 3 || got[0].wall != 4*time.Second || got[0].baseline != time.Second {
		t.Errorf("medianRows picked %+v, want the run with 3 s over the baseline", got[0])
	}
}

func TestPrintTargetsReportsExtraRequests(t *testing.T) {
	o := options{parallelism: 10, latency: 20 * time.Millisecond, rateLimit: 25}
	ok := result{step: step{name: "create", min: map[string]int{emulator.KindToken: 1, emulator.KindCreate: 3}},
		byKind: map[string]int{emulator.KindToken: 1, emulator.KindCreate: 3}, wall: time.Second, baseline: time.Second}
	extra := ok
	extra.byKind = map[string]int{emulator.KindToken: 2, emulator.KindCreate: 3}
	var buf bytes.Buffer
	if got := printTargets(&buf, o, [][]result{{ok}}, []result{ok}); got != "" {
		t.Errorf("printTargets with the minimum = %q, want none\n%s", got, buf.String())
	}
	buf.Reset()
	if got := printTargets(&buf, o, [][]result{{ok}, {extra}}, []result{ok}); !strings.Contains(got, "create (5 for 4)") {
		t.Errorf("printTargets with an extra token = %q, want it named\n%s", got, buf.String())
	}
}

// A step whose count depends on timing (members appearing after a delay)
// is reported beside its minimum, with the extra requests by kind, and
// never fails the run; an exact step over its minimum still does.
func TestPrintTargetsReportOnlyStep(t *testing.T) {
	o := options{parallelism: 10, latency: 20 * time.Millisecond, rateLimit: 25}
	minimum := amCreateMin(2)
	delayed := result{step: step{name: "create shoppers, member delay", min: minimum, reportOnly: true},
		byKind: map[string]int{}, wall: time.Second, baseline: time.Second}
	for k, v := range minimum {
		delayed.byKind[k] = v
	}
	delayed.byKind[emulator.KindMembershipCreate] += 3
	delayed.byKind[emulator.KindAccountMemberGet] += 3
	var buf bytes.Buffer
	if got := printTargets(&buf, o, [][]result{{delayed}}, []result{delayed}); got != "" {
		t.Errorf("a report-only step failed the run: %q\n%s", got, buf.String())
	}
	want := fmt.Sprintf("- create shoppers, member delay (reported, not checked): 17 requests for the minimum 11, ratio 1.55; the extra by kind: %s +3, %s +3",
		emulator.KindAccountMemberGet, emulator.KindMembershipCreate)
	if !strings.Contains(buf.String(), want) {
		t.Errorf("printTargets does not report the delayed step as\n%s\n%s", want, buf.String())
	}
	exact := delayed
	exact.reportOnly = false
	if got := printTargets(&buf, o, [][]result{{exact}}, []result{exact}); !strings.Contains(got, "(17 for 11)") {
		t.Errorf("an exact step over its minimum passed: %q", got)
	}
}

// TestObserver checks the token digests and the in-flight accounting with
// requests that overlap for a known time.
func TestObserver(t *testing.T) {
	release := make(chan struct{})
	var arrived sync.WaitGroup
	obs := newObserver(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release
	}))
	srv := httptest.NewServer(obs)
	defer srv.Close()

	var done sync.WaitGroup
	for i, tok := range []string{"a", "b", "a"} {
		arrived.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/customers/"+string(rune('x'+i)), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	arrived.Wait()
	time.Sleep(50 * time.Millisecond)
	close(release)
	done.Wait()

	got := obs.snapshot()
	if got.tokens != 2 {
		t.Errorf("distinct tokens = %d, want 2", got.tokens)
	}
	if got.active < 50*time.Millisecond {
		t.Errorf("active = %s, want at least the 50 ms the requests were held", got.active)
	}
	if got.concurrency < 2 || got.concurrency > 3 {
		t.Errorf("mean in flight = %.2f, want between 2 and 3 (three requests held together)", got.concurrency)
	}
	obs.reset()
	if s := obs.snapshot(); s.tokens != 0 || s.active != 0 {
		t.Errorf("after reset: %+v", s)
	}
}

func TestReadOwnProcStats(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	if kib, ok := readVmHWM(os.Getpid()); !ok || kib <= 0 {
		t.Errorf("readVmHWM(self) = %d, %v", kib, ok)
	}
	if _, ok := readCPU(os.Getpid()); !ok {
		t.Error("readCPU(self) failed")
	}
	if got := parentOf(os.Getpid()); got != os.Getppid() {
		t.Errorf("parentOf(self) = %d, want %d", got, os.Getppid())
	}
}

func TestFloorNote(t *testing.T) {
	o := options{parallelism: 10, latency: 20 * time.Millisecond}
	// ideal: 1 token × 20 ms + 300 creates ÷ 10 × 20 ms = 620 ms.
	r := result{step: step{min: map[string]int{emulator.KindToken: 1, emulator.KindCreate: 300}}, baseline: time.Second, wall: 4 * time.Second}
	if got := floorNote(r, o); got != "" {
		t.Errorf("without a floor run: %q, want nothing", got)
	}
	r.floor = r.baseline + 1240*time.Millisecond // 2.00 × ideal
	if got := floorNote(r, o); !strings.Contains(got, "2.00") || !strings.Contains(got, "out of reach") || !strings.Contains(got, "2.84 × ideal") {
		t.Errorf("floor at 2.00 × ideal, wall 1.76 s over it: %q, want both figures and out of reach", got)
	}
	r.floor = r.baseline + 310*time.Millisecond // 0.50 × ideal
	if got := floorNote(r, o); !strings.Contains(got, "0.50") || strings.Contains(got, "out of reach") {
		t.Errorf("floor at 0.50 × ideal: %q, want the figure and no verdict", got)
	}
}

func TestSizeList(t *testing.T) {
	var l sizeList
	if err := l.Set("100, 1000,3000"); err != nil || l.String() != "100,1000,3000" {
		t.Errorf("Set(100, 1000,3000) = %v, %v", l, err)
	}
	for _, bad := range []string{"", "100,", "0", "-5", "1e3"} {
		if err := l.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

func TestPrintGrowth(t *testing.T) {
	row := func(n int, cpu time.Duration, peakMiB int64) result {
		return result{step: step{name: "create"}, wall: time.Duration(n) * time.Millisecond, providerCPU: cpu, peakKiB: peakMiB << 10,
			baseline: time.Second, baselineCPU: time.Duration(n) * time.Millisecond, baselinePeakKiB: 100 << 10}
	}
	var buf bytes.Buffer
	// 100 customers: 1 ms per customer, 40 MiB; 3,000: 1.1 ms per customer, 60 MiB.
	printGrowth(&buf, []sizeRows{{100, []result{row(100, 100*time.Millisecond, 40)}}, {3000, []result{row(3000, 3300*time.Millisecond, 60)}}})
	out := buf.String()
	for _, want := range []string{
		"| create | 3000 | 3.00 (30.00×) | 1.10 (1.10×) | 60.0 (1.50×) |",
		"provider peak RSS ≤ 1.3×: 1.50×, **not met**; provider CPU per customer ≤ 1.2×: 1.10×, met",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("growth table lacks %q:\n%s", want, out)
		}
	}
}

// The three address forms refer to the customers as the issue measures
// them: by index, through a local computed once, or not at all (nested);
// the baselines in the same shapes.
func TestAddressFormConfigs(t *testing.T) {
	for _, tc := range []struct {
		form         addressForm
		want, absent []string
	}{
		{formByIndex, []string{"customer_id = moltin_customer.c[count.index].id", "line_1      = moltin_customer.c[count.index].name"}, []string{"locals", "addresses ="}},
		{formLocal, []string{"[for c in moltin_customer.c : { id = c.id, name = c.name }]", "customer_id = local.customers[count.index].id"}, []string{"moltin_customer.c[count.index]", "addresses ="}},
		{formNested, []string{"addresses = {\n    Home = {"}, []string{"moltin_customer_address", "locals"}},
	} {
		cfg := moltinConfig(3, "http://x", version{password: 1, clientRPS: true, form: tc.form})
		for _, w := range tc.want {
			if !strings.Contains(cfg, w) {
				t.Errorf("%s: the configuration lacks %q:\n%s", tc.form, w, cfg)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(cfg, a) {
				t.Errorf("%s: the configuration has %q:\n%s", tc.form, a, cfg)
			}
		}
	}
	base := map[addressForm]string{
		formByIndex: "customer_id = terraform_data.c[count.index].id",
		formLocal:   "customer_id = local.customers[count.index].id",
		formNested:  "address = {",
	}
	for f, w := range base {
		if cfg := baselineConfig(3, version{password: 1, form: f}); !strings.Contains(cfg, w) {
			t.Errorf("%s baseline lacks %q:\n%s", f, w, cfg)
		}
	}
	if cfg := baselineConfig(3, version{password: 1, form: formNested}); strings.Contains(cfg, `resource "terraform_data" "a"`) {
		t.Errorf("the nested baseline has a second resource:\n%s", cfg)
	}
}

func TestPrintFormsTarget(t *testing.T) {
	row := func(name string, wall time.Duration) result {
		return result{step: step{name: name}, wall: wall, baseline: wall / 2}
	}
	rows := []result{row("create", 10*time.Second), row("destroy", 10*time.Second)}
	for _, f := range []addressForm{formByIndex, formLocal, formNested} {
		rows = append(rows, row("create with one address each, "+f.String(), 14*time.Second), row("destroy with addresses, "+f.String(), 12*time.Second))
	}
	var buf bytes.Buffer
	printForms(&buf, 100, rows)
	if !strings.Contains(buf.String(), "1.40×, met") || !strings.Contains(buf.String(), "| nested addresses | 14.00 (1.40×)") {
		t.Errorf("printForms:\n%s", buf.String())
	}
	rows[6].wall = 16 * time.Second
	buf.Reset()
	printForms(&buf, 100, rows)
	if !strings.Contains(buf.String(), "1.60×, **not met**") {
		t.Errorf("printForms over the target:\n%s", buf.String())
	}
}

// The Account Management forms: memberships by index into the counted
// accounts and members, or through locals computed once; no customers.
func TestAccountShopperConfigs(t *testing.T) {
	byIndex := moltinConfig(3, "http://x", version{password: 1, clientRPS: true, am: amByIndex})
	local := moltinConfig(3, "http://x", version{password: 1, clientRPS: true, am: amLocal})
	for cfg, want := range map[string][]string{
		byIndex: {"account_member_id = moltin_account_member.m[count.index].id", "account_id        = moltin_account.a[count.index].id"},
		local:   {"member_ids  = [for m in moltin_account_member.m : m.id]", "account_member_id = local.member_ids[count.index]"},
	} {
		for _, w := range want {
			if !strings.Contains(cfg, w) {
				t.Errorf("the configuration lacks %q:\n%s", w, cfg)
			}
		}
		if strings.Contains(cfg, "moltin_customer") {
			t.Errorf("an Account Management configuration has customers:\n%s", cfg)
		}
	}
	if strings.Contains(local, "[count.index].id") {
		t.Errorf("the local form refers by index:\n%s", local)
	}
	if b := baselineConfig(3, version{am: amLocal}); !strings.Contains(b, "account_member_id = local.member_ids[count.index]") {
		t.Errorf("the local baseline:\n%s", b)
	}
}

// The custom values' steps: two fields and each customer's values keyed by
// the fields' slugs; the other steps' configurations have none.
func TestCustomValuesConfig(t *testing.T) {
	cfg := moltinConfig(3, "http://x", version{password: 1, clientRPS: true, custom: true})
	for _, w := range []string{`resource "moltin_custom_field" "tier"`, `field_type = "integer"`,
		"(moltin_custom_field.tier.slug)   = \"gold\"", "(moltin_custom_field.points.slug) = count.index"} {
		if !strings.Contains(cfg, w) {
			t.Errorf("the configuration lacks %q:\n%s", w, cfg)
		}
	}
	if plain := moltinConfig(3, "http://x", version{password: 1, clientRPS: true}); strings.Contains(plain, "custom_field") {
		t.Errorf("the plain configuration has custom values:\n%s", plain)
	}
	if b := baselineConfig(3, version{password: 1, custom: true}); !strings.Contains(b, `resource "terraform_data" "points"`) ||
		!strings.Contains(b, "(terraform_data.points.input.slug) = count.index") {
		t.Errorf("the custom baseline:\n%s", b)
	}
	var names []string
	for _, s := range steps(options{n: 7, parallelism: 10, rateLimit: 25}) {
		names = append(names, s.name)
		if s.cfg.custom && s.min[emulator.KindCreate] != 7 && s.min[emulator.KindDelete] != 7 {
			t.Errorf("%s: min %v", s.name, s.min)
		}
	}
	if !slices.Contains(names, "create with two custom values each") || !slices.Contains(names, "destroy with custom values") {
		t.Errorf("steps %v", names)
	}
}
