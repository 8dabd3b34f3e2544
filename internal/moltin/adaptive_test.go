package moltin

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// answers feeds n answers, the first rejected of them 429s, to requests
// queued now.
func answers(a *adaptiveRate, n, rejected int) (cuts int) {
	for i := range n {
		if _, cut := a.answered(time.Now(), i < rejected); cut {
			cuts++
		}
	}
	return cuts
}

func TestAdaptiveRateCutsOnAWindowOfRejections(t *testing.T) {
	lim := rate.NewLimiter(20, 1)
	a := newAdaptiveRate(lim, 20)

	// A 429 now and then (4 in a window of 20) keeps the rate.
	if cuts := answers(a, adaptiveWindow, adaptiveCutAt-1); cuts != 0 || float64(lim.Limit()) != 20 {
		t.Fatalf("%d of %d rejected: %d cuts, rate %v, want none and 20", adaptiveCutAt-1, adaptiveWindow, cuts, float64(lim.Limit()))
	}
	// A quarter of a window rejected cuts the rate to three quarters.
	queuedBefore := time.Now()
	if cuts := answers(a, adaptiveWindow, adaptiveCutAt); cuts != 1 || float64(lim.Limit()) != 15 {
		t.Fatalf("%d of %d rejected: %d cuts, rate %v, want 1 and 15", adaptiveCutAt, adaptiveWindow, cuts, float64(lim.Limit()))
	}
	// Answers to requests queued before the cut do not count at all.
	for range 2 * adaptiveWindow {
		if _, cut := a.answered(queuedBefore, true); cut {
			t.Fatal("a 429 to a request queued before the cut cut the rate again")
		}
	}
	if float64(lim.Limit()) != 15 {
		t.Errorf("after 429s to requests queued before the cut: rate %v, want 15", float64(lim.Limit()))
	}
	time.Sleep(time.Millisecond)

	// Successes bring the rate back, a tenth per success, up to the setting.
	answers(a, 30, 0)
	if got := float64(lim.Limit()); got < 17.99 || got > 18.01 {
		t.Errorf("after 30 successes: rate %v, want 15 + 30 × 0.1 = 18", got)
	}
	answers(a, 1000, 0)
	if got := float64(lim.Limit()); got != 20 {
		t.Errorf("after many successes: rate %v, want the configured 20", got)
	}

	low := newAdaptiveRate(rate.NewLimiter(2, 1), 2)
	for range 10 {
		time.Sleep(time.Millisecond)
		answers(low, adaptiveWindow, adaptiveWindow)
	}
	if float64(low.limiter.Limit()) != adaptiveMinRate {
		t.Errorf("after windows of 429s only: rate %v, want the floor %v", float64(low.limiter.Limit()), adaptiveMinRate)
	}
}

// A client set above the server's limit (max_requests_per_second higher than
// the store allows, or a limit shared with other clients) spends far fewer
// requests on 429s when it adapts than when it keeps its rate.
func TestAdaptiveRateSpendsFewerRequestsOnRejections(t *testing.T) {
	const serverLimit, clientRate, gets, workers = 40.0, 160.0, 240, 10
	rejected := map[bool]int{}
	took := map[bool]time.Duration{}
	for _, fixed := range []bool{true, false} {
		api := newTestAPI(t, emulator.Config{})
		c := newTestClient(t, api, func(cfg *Config) {
			cfg.MaxRequestsPerSecond = clientRate
			cfg.fixedRate = fixed
			// Enough retries that every GET gets through even at a fixed rate.
			cfg.MaxRetries = 50
		})
		ctx := context.Background()
		cust, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Rate", Email: "rate@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		// The server's limit starts now, with its burst spent by a wait.
		api.SetFaults(emulator.Faults{RateLimit: serverLimit, Seed: 1})
		time.Sleep(time.Second)
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, gets)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < gets; i += workers {
					if _, err := c.GetCustomer(ctx, cust.ID); err != nil {
						errs <- fmt.Errorf("get %d: %w", i, err)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		took[fixed] = time.Since(start)
		rejected[fixed] = api.Stats().Faults[emulator.FaultRateLimit]
	}
	t.Logf("%d GETs, server limit %v/s, client %v/s: 429s fixed %d (%s), adaptive %d (%s)",
		gets, serverLimit, clientRate, rejected[true], took[true].Round(time.Millisecond), rejected[false], took[false].Round(time.Millisecond))
	if rejected[true] < gets/2 {
		t.Fatalf("the fixed rate drew only %d 429s: the scenario does not exceed the server's limit", rejected[true])
	}
	if rejected[false]*3 > rejected[true] {
		t.Errorf("adaptive rate drew %d 429s, not under a third of the fixed rate's %d", rejected[false], rejected[true])
	}
	// Both are paced by the server's limit; slowing down must not leave it
	// unused.
	if took[false] > took[true]*3/2 {
		t.Errorf("adaptive rate took %s, over 1.5 times the fixed rate's %s", took[false], took[true])
	}
}
