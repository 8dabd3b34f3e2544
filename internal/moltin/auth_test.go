package moltin

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// Fifty concurrent first calls wait for one token rather than each fetching
// their own.
func TestConcurrentCallersShareOneToken(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	cu, _ := api.CreateCustomer("S", "s@example.com", "", nil)

	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := api.Stats(); st.TokensIssued != 1 || st.ByKind[emulator.KindGet] != 50 {
		t.Errorf("tokens issued %d (want 1), GETs %d (want 50)", st.TokensIssued, st.ByKind[emulator.KindGet])
	}
}

// A token is replaced before it expires, so that no call meets a 401: with a
// 2 s lifetime (shorter than the 60 s margin) at half its life.
func TestShortTokenLifetimeRefreshesAhead(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{TokenLifetime: 2 * time.Second})
	c := newTestClient(t, api)
	cu, _ := api.CreateCustomer("S", "s@example.com", "", nil)

	deadline := time.Now().Add(3500 * time.Millisecond)
	calls := 0
	for time.Now().Before(deadline) {
		if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
			t.Fatalf("call %d: %v", calls, err)
		}
		calls++
		time.Sleep(50 * time.Millisecond)
	}
	reqs := api.Requests()
	if n := countStatus(reqs, emulator.KindGet, http.StatusUnauthorized); n != 0 {
		t.Errorf("%d calls met a 401: the token was not refreshed ahead of its expiry", n)
	}
	// Refreshed about every second over 3.5 s: 4 tokens, give or take.
	if st := api.Stats(); st.TokensIssued < 3 || st.TokensIssued > 6 {
		t.Errorf("%d tokens issued over 3.5 s of a 2 s lifetime, want 3 to 6 (%d calls)", st.TokensIssued, calls)
	}
}

// Tokens revoked before their stated expiry: the next call meets a 401, drops
// the token, fetches one new token and succeeds, also with many callers at
// once.
func TestExpiredTokenRefreshedOnce(t *testing.T) {
	t.Parallel()
	api, c := newEmulatedClient(t)
	cu, _ := api.CreateCustomer("S", "s@example.com", "", nil)
	if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
		t.Fatal(err)
	}

	api.ExpireTokens()
	if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
		t.Fatalf("after ExpireTokens: %v", err)
	}
	if n := countStatus(api.Requests(), emulator.KindGet, http.StatusUnauthorized); n != 1 {
		t.Errorf("%d 401s, want 1", n)
	}
	if st := api.Stats(); st.TokensIssued != 2 {
		t.Errorf("%d tokens issued, want 2", st.TokensIssued)
	}

	api.ExpireTokens()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.UpdateCustomer(t.Context(), cu.ID, CustomerUpdate{Name: strp("S2")}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if st := api.Stats(); st.TokensIssued != 3 {
		t.Errorf("20 callers after an expiry: %d tokens issued in all, want 3", st.TokensIssued)
	}

	// A 401 that persists with a fresh token is reported, after one refresh.
	api.script(http.MethodGet, "/v2/customers/"+cu.ID, 2, http.StatusUnauthorized, jsonHeader,
		`{"errors":[{"status":401,"title":"Unauthorized","detail":"token revoked"}]}`)
	before := len(api.requests(http.MethodGet, "/v2/customers/"+cu.ID))
	_, err := c.GetCustomer(t.Context(), cu.ID)
	if StatusOf(err) != http.StatusUnauthorized || !strings.Contains(err.Error(), "token revoked") {
		t.Errorf("persistent 401: %v", err)
	}
	if n := len(api.requests(http.MethodGet, "/v2/customers/"+cu.ID)) - before; n != 2 {
		t.Errorf("persistent 401: %d attempts, want 2", n)
	}
}

func TestWrongClientSecret(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	const wrong = "wrong-secret-71c3d9"
	c := newTestClient(t, api, func(cfg *Config) { cfg.ClientSecret = wrong })
	_, err := c.GetCustomer(t.Context(), "x")
	var authErr *AuthError
	if !errors.As(err, &authErr) || authErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err %v, want an AuthError with 401", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "check client_id and client_secret") || !strings.Contains(msg, "invalid client credentials") ||
		strings.Contains(msg, wrong) {
		t.Errorf("error %q should say what to check and what the API said, without the secret", msg)
	}
	// Wrong credentials stay wrong: one token request, no API call.
	api.wantSent(t, http.MethodPost, "/oauth/access_token", 1, "wrong credentials stay wrong")
	api.wantSent(t, http.MethodGet, "/v2/customers/x", 0, "no API call without a token")
}

// The limiter spreads every request, token included, at the configured rate.
func TestRateLimiter(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	const perSecond = 20
	c := newTestClient(t, api, func(cfg *Config) { cfg.MaxRequestsPerSecond = perSecond })
	cu, _ := api.CreateCustomer("S", "s@example.com", "", nil)

	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			for range 6 {
				if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	api.mu.Lock()
	seen := append([]seenRequest(nil), api.seen...)
	api.mu.Unlock()
	if len(seen) != 31 {
		t.Fatalf("%d requests, want 31 (one token, 30 GETs)", len(seen))
	}
	span := seen[len(seen)-1].At.Sub(seen[0].At)
	achieved := float64(len(seen)-1) / span.Seconds()
	t.Logf("31 requests in %v: %.1f/s with a limit of %d/s", span, achieved, perSecond)
	if achieved > perSecond*1.1 || achieved < perSecond*0.6 {
		t.Errorf("achieved %.1f requests/s, want about %d", achieved, perSecond)
	}
	// Burst 1: no second holds much more than the limit. The slack is for
	// arrival jitter: the limiter releases requests on time, but the first
	// ones of each caller still dial a connection and arrive late, bunched.
	for i := range seen {
		n := 0
		for _, s := range seen[i:] {
			if s.At.Sub(seen[i].At) < time.Second {
				n++
			}
		}
		if n > perSecond+4 {
			t.Errorf("%d requests in the second after request %d, limit %d/s", n, i+1, perSecond)
		}
	}
}

// Waiting for the limiter is not part of an attempt's timeout: six callers at
// 2 requests a second with a 1 s timeout all succeed, though the last one
// waits about 3 s for its turn.
func TestRateLimitWaitIsNotPartOfTheRequestTimeout(t *testing.T) {
	t.Parallel()
	api := newTestAPI(t, emulator.Config{})
	c := newTestClient(t, api, func(cfg *Config) {
		cfg.MaxRequestsPerSecond = 2
		cfg.RequestTimeout = time.Second
		cfg.RetriesOff = true
	})
	cu, _ := api.CreateCustomer("S", "s@example.com", "", nil)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := c.GetCustomer(t.Context(), cu.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	// A create whose operation ends while it waits for the limiter was never
	// sent: it is no unknown outcome, and needs no lookup.
	slow := newTestClient(t, api, func(cfg *Config) { cfg.MaxRequestsPerSecond = 0.5; cfg.MaxElapsed = 500 * time.Millisecond })
	_, err := slow.CreateCustomer(t.Context(), CustomerCreate{Name: "L", Email: "l@example.com"})
	var unknown *OutcomeUnknownError
	if err == nil || errors.As(err, &unknown) || !strings.Contains(err.Error(), "waiting for the rate limit") {
		t.Errorf("create cut off in the limiter: %v", err)
	}
	api.wantSent(t, http.MethodPost, "/v2/customers", 0, "a create cut off in the limiter is not sent")
	api.wantSent(t, http.MethodGet, "/v2/customers", 0, "no lookup after a create that was never sent")
}
