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

func TestAdaptiveRateCutsOncePerRoundTripAndRecovers(t *testing.T) {
	lim := rate.NewLimiter(20, 1)
	a := newAdaptiveRate(lim, 20)

	before := time.Now()
	if r, cut := a.throttled(time.Now()); !cut || r != 15 || lim.Limit() != 15 {
		t.Fatalf("first 429: rate %v (cut %v, limiter %v), want 15", r, cut, lim.Limit())
	}
	// Sent before that cut: it answers for the old rate, not the new one.
	if r, cut := a.throttled(before); cut || r != 15 {
		t.Errorf("429 to a request sent before the cut: rate %v (cut %v), want 15 unchanged", r, cut)
	}
	time.Sleep(time.Millisecond)
	if r, cut := a.throttled(time.Now()); !cut || r != 11.25 {
		t.Errorf("429 to a request sent after the cut: rate %v (cut %v), want 11.25", r, cut)
	}

	for range 30 {
		a.succeeded()
	}
	if got := a.rate(); got < 14.24 || got > 14.26 {
		t.Errorf("after 30 successes: rate %v, want 11.25 + 30 × 0.1 = 14.25", got)
	}
	for range 1000 {
		a.succeeded()
	}
	if a.rate() != 20 || lim.Limit() != 20 {
		t.Errorf("after many successes: rate %v, limiter %v, want the configured 20", a.rate(), lim.Limit())
	}

	low := newAdaptiveRate(rate.NewLimiter(2, 1), 2)
	for range 10 {
		time.Sleep(time.Millisecond)
		low.throttled(time.Now())
	}
	if low.rate() != adaptiveMinRate {
		t.Errorf("after many 429s: rate %v, want the floor %v", low.rate(), adaptiveMinRate)
	}
}

// A client set above the server's limit (max_requests_per_second higher than
// the store allows, or a limit shared with other clients) spends far fewer
// requests on 429s when it adapts than when it keeps its rate.
func TestAdaptiveRateSpendsFewerRequestsOnRejections(t *testing.T) {
	const serverLimit, clientRate, gets, workers = 40.0, 160.0, 120, 10
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
	if rejected[false]*4 > rejected[true] {
		t.Errorf("adaptive rate drew %d 429s, not under a quarter of the fixed rate's %d", rejected[false], rejected[true])
	}
	// Both are paced by the server's limit; slowing down must not leave it
	// unused.
	if took[false] > took[true]*3/2 {
		t.Errorf("adaptive rate took %s, over 1.5 times the fixed rate's %s", took[false], took[true])
	}
}
