package provider

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

const soakCustomers = 100

// soakFaults is what the soak test runs against: a tenth of the requests
// answered 429 (half of those with Retry-After), a tenth 5xx, one in fifty
// mutations committed and then the connection dropped, and a server-side
// limit of 20 requests a second. Tokens live 5 s and are revoked every 10 s.
var soakFaults = emulator.Faults{Rate429: 0.10, RetryAfterShare: 0.5, Rate5xx: 0.10, DropAfterCommit: 0.02, RateLimit: 20}

// TestAccSoak creates 100 customers with count, changes an attribute on all
// of them, and destroys them, through the real CLI at its default
// parallelism of 10, against one emulator that injects faults. Every step
// must succeed, and after each the emulator must hold exactly the customers
// in the state: no duplicate from a resent create, none left behind.
func TestAccSoak(t *testing.T) {
	emulatorOnly(t, "injects 429s, 5xx, dropped responses and short-lived tokens")
	t.Parallel()
	faults := soakFaults
	// Logged, so that a failure's fault draws can be replayed (as far as the
	// CLI's concurrency lets the same draws meet the same requests).
	faults.Seed = time.Now().UnixNano()
	if v := os.Getenv("MOLTIN_SOAK_SEED"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			faults.Seed = n
		}
	}
	t.Logf("fault seed %d (set MOLTIN_SOAK_SEED to replay)", faults.Seed)
	env := newTestEnv(t, emulator.Config{TokenLifetime: 5 * time.Second, Faults: faults})
	rec := &soakRecorder{env: env, faults: faults, runStart: time.Now()}

	// Tokens are also revoked before their expiry now and then, so that
	// some calls meet a 401 and refresh on the spot.
	stopRevoking := make(chan struct{})
	revoked := make(chan int)
	// The goroutine takes the channel as an argument: stop sets the variable
	// to nil, and a goroutine that first reads it after that (a skipped test
	// stops at once) would wait on a nil channel for ever.
	go func(stopRevoking <-chan struct{}) {
		n := 0
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				env.ExpireTokens()
				n++
			case <-stopRevoking:
				revoked <- n
				return
			}
		}
	}(stopRevoking)
	stop := func() int {
		if stopRevoking == nil {
			return 0
		}
		close(stopRevoking)
		stopRevoking = nil
		return <-revoked
	}
	t.Cleanup(func() { stop() })

	config := func(version string, count int) string {
		// The client's own limit is above the server's, so that the
		// server's 429s are what paces the run.
		return env.providerBlock(`max_requests_per_second = 50`) + fmt.Sprintf(`
resource "moltin_customer" "soak" {
  count        = %d
  name         = "Soak Customer ${count.index}"
  email        = "soak-${count.index}@example.com"
  external_ref = "%s-${count.index}"
}
`, count, version)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if cs := env.Customers(); len(cs) != 0 {
				return fmt.Errorf("%d customers left after destroy", len(cs))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: rec.begin("create 100"),
				Config:    config("v1", soakCustomers),
				Check:     rec.end(soakCustomers, "v1"),
			},
			{
				PreConfig: rec.begin("update 100"),
				Config:    config("v2", soakCustomers),
				Check:     rec.end(soakCustomers, "v2"),
			},
			{
				PreConfig: rec.begin("destroy 100"),
				Config:    config("v2", 0),
				Check:     rec.end(0, ""),
			},
		},
	})
	t.Logf("tokens revoked %d times during the run", stop())
	rec.report(t)
}

// soakRecorder takes the emulator's counters at the start and end of each
// step, and checks the emulator against the state at each end.
type soakRecorder struct {
	env      *testEnv
	faults   emulator.Faults
	runStart time.Time

	mu      sync.Mutex
	steps   []soakStep
	started time.Time
	atStart emulator.Stats
	name    string
}

type soakStep struct {
	name     string
	duration time.Duration
	stats    emulator.Stats // requests during the step's apply
	statuses map[int]int    // answers by status during the step
}

func (r *soakRecorder) begin(name string) func() {
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.name, r.started, r.atStart = name, time.Now(), r.env.Stats()
	}
}

func (r *soakRecorder) end(want int, version string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		r.mu.Lock()
		step := soakStep{name: r.name, duration: time.Since(r.started), stats: diffStats(r.env.Stats(), r.atStart)}
		r.mu.Unlock()
		reqs := r.env.Requests()
		step.statuses = map[int]int{}
		for _, q := range reqs[len(reqs)-step.stats.Total:] {
			step.statuses[q.Status]++
		}
		r.mu.Lock()
		r.steps = append(r.steps, step)
		r.mu.Unlock()
		// A create sent again after it took effect would meet a 409.
		if n := step.statuses[409]; n != 0 {
			return fmt.Errorf("%s: %d requests were answered 409", step.name, n)
		}
		return soakConsistent(s, r.env, want, version)
	}
}

// soakConsistent checks that the emulator holds exactly the customers of the
// state, by id, with the state's attributes, and that emails are unique.
func soakConsistent(s *terraform.State, env *testEnv, want int, version string) error {
	inState := map[string]map[string]string{}
	for addr, rs := range s.RootModule().Resources {
		if rs.Type != "moltin_customer" {
			continue
		}
		if _, dup := inState[rs.Primary.ID]; dup {
			return fmt.Errorf("two resources in the state share the id %s (%s)", rs.Primary.ID, addr)
		}
		inState[rs.Primary.ID] = rs.Primary.Attributes
	}
	customers := env.Customers()
	if len(inState) != want || len(customers) != want {
		return fmt.Errorf("want %d customers; the state has %d, the emulator %d", want, len(inState), len(customers))
	}
	emails := map[string]string{}
	for _, c := range customers {
		attrs, ok := inState[c.ID]
		if !ok {
			return fmt.Errorf("customer %s (%s) is in the emulator but not in the state: a duplicate or an orphan", c.ID, c.Email)
		}
		key := strings.ToLower(c.Email)
		if other, dup := emails[key]; dup {
			return fmt.Errorf("customers %s and %s share the email %s", other, c.ID, c.Email)
		}
		emails[key] = c.ID
		ref := ""
		if c.ExternalRef != nil {
			ref = *c.ExternalRef
		}
		if attrs["name"] != c.Name || attrs["email"] != c.Email || attrs["external_ref"] != ref {
			return fmt.Errorf("customer %s differs: state %q/%q/%q, emulator %q/%q/%q",
				c.ID, attrs["name"], attrs["email"], attrs["external_ref"], c.Name, c.Email, ref)
		}
		if !strings.HasPrefix(ref, version+"-") {
			return fmt.Errorf("customer %s has external_ref %q, want the %s configuration's", c.ID, ref, version)
		}
	}
	return nil
}

func diffStats(now, before emulator.Stats) emulator.Stats {
	d := emulator.Stats{ByKind: map[string]int{}, Faults: map[string]int{},
		TokensIssued: now.TokensIssued - before.TokensIssued, Total: now.Total - before.Total}
	for k, v := range now.ByKind {
		if v -= before.ByKind[k]; v != 0 {
			d.ByKind[k] = v
		}
	}
	for k, v := range now.Faults {
		if v -= before.Faults[k]; v != 0 {
			d.Faults[k] = v
		}
	}
	return d
}

// report logs the figures of each step and of the whole run: requests by
// kind, retries, 429s, 5xx, drops, tokens and time.
func (r *soakRecorder) report(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	total := r.env.Stats()
	t.Logf("soak against faults %+v, token lifetime 5s, Terraform parallelism 10:", r.faults)
	for _, s := range r.steps {
		t.Logf("  %-12s %6.1fs  %s", s.name, s.duration.Seconds(), soakFigures(s.stats, s.statuses))
	}
	all := map[int]int{}
	for _, q := range r.env.Requests() {
		all[q.Status]++
	}
	t.Logf("  %-12s %6.1fs  %s", "whole run", time.Since(r.runStart).Seconds(), soakFigures(total, all))
	t.Logf("  (the whole run includes the testing library's plans between steps, which refresh every customer)")
}

// soakFigures: requests by kind; retries, that is answers that made the
// client send again (429s, 5xx, drops and 401s from expired tokens); and
// tokens issued.
func soakFigures(st emulator.Stats, statuses map[int]int) string {
	kinds := make([]string, 0, len(st.ByKind))
	for k, v := range st.ByKind {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(kinds)
	f := st.Faults
	rate429 := f[emulator.Fault429] + f[emulator.Fault429RetryAfter] + f[emulator.FaultRateLimit]
	retries := rate429 + f[emulator.Fault5xx] + f[emulator.FaultDrop] + statuses[401]
	return fmt.Sprintf("requests %d (%s); retries %d; 429s %d (random %d, with Retry-After %d, server limit %d); 5xx %d; drops %d; 401s %d; tokens %d",
		st.Total, strings.Join(kinds, " "), retries, rate429, f[emulator.Fault429], f[emulator.Fault429RetryAfter], f[emulator.FaultRateLimit],
		f[emulator.Fault5xx], f[emulator.FaultDrop], statuses[401], st.TokensIssued)
}
