package moltin

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// A stop (Terraform's StopProvider cancels the context of every operation)
// must not abandon a change already sent, nor send anything new.

// TestStopAfterSendingStillYieldsTheAnswer cancels the operation once each
// change has reached the API: the answer, which comes later, is still read.
func TestStopAfterSendingStillYieldsTheAnswer(t *testing.T) {
	api, c := newEmulatedClient(t)
	existing, err := api.CreateCustomer("Bob", "bob@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := api.CreateCustomer("Gone", "gone@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}

	stopOn := func(method, path string) context.Context {
		ctx, cancel := context.WithCancel(t.Context())
		t.Cleanup(cancel)
		api.scriptRule(rule{method: method, path: path, times: 1, afterCommit: true, delay: 200 * time.Millisecond, onArrive: cancel})
		return ctx
	}

	created, err := c.CreateCustomer(stopOn(http.MethodPost, "/v2/customers"), CustomerCreate{Name: "Ann", Email: "ann@example.com"})
	if err != nil {
		t.Fatalf("create stopped after sending: %v", err)
	}
	if got, ok := api.Customer(created.ID); !ok || got.Email != "ann@example.com" {
		t.Errorf("the create's answer %+v is not the emulator's customer", created)
	}
	api.wantSent(t, http.MethodGet, "/v2/customers", 0, "no lookup after a create whose answer was read")

	updated, err := c.UpdateCustomer(stopOn(http.MethodPut, customerPath(existing.ID)), existing.ID, CustomerUpdate{Name: strp("Bob Renamed")})
	if err != nil {
		t.Fatalf("update stopped after sending: %v", err)
	}
	if updated.Name != "Bob Renamed" {
		t.Errorf("update answered %+v", updated)
	}

	if err := c.DeleteCustomer(stopOn(http.MethodDelete, customerPath(gone.ID)), gone.ID); err != nil {
		t.Fatalf("delete stopped after sending: %v", err)
	}
	if _, ok := api.Customer(gone.ID); ok {
		t.Error("the delete did not happen")
	}
}

// TestStopBeforeSendingSendsNothing stops operations that wait for the rate
// limiter, for an access token, or are stopped already: each returns at once
// with ErrInterrupted, and its request never reaches the API.
func TestStopBeforeSendingSendsNothing(t *testing.T) {
	quick := func(t *testing.T, elapsed time.Duration, err error) {
		t.Helper()
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("error %v; want ErrInterrupted", err)
		}
		if elapsed > 150*time.Millisecond {
			t.Errorf("returned after %v; want at once", elapsed)
		}
	}

	t.Run("already_stopped", func(t *testing.T) {
		api, c := newEmulatedClient(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		start := time.Now()
		_, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com"})
		quick(t, time.Since(start), err)
		if n := len(api.requests(http.MethodPost, "/oauth/access_token")) + len(api.requests(http.MethodPost, "/v2/customers")); n != 0 {
			t.Errorf("%d requests sent by a stopped operation", n)
		}
	})

	t.Run("rate_limiter", func(t *testing.T) {
		api, c := newEmulatedClient(t, func(cfg *Config) { cfg.MaxRequestsPerSecond = 2; cfg.fixedRate = true })
		// The token takes the limiter's one request of this second.
		if _, err := c.ListCustomers(t.Context(), ListOptions{Limit: 1}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com"})
		quick(t, time.Since(start)-50*time.Millisecond, err)
		api.wantSent(t, http.MethodPost, "/v2/customers", 0, "nothing is sent after the stop")
		// The cancelled reservation is given back: the next request does
		// not wait for it.
		if _, err := c.ListCustomers(t.Context(), ListOptions{Limit: 1}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("token", func(t *testing.T) {
		api, c := newEmulatedClient(t)
		ctx, cancel := context.WithCancel(t.Context())
		api.scriptRule(rule{method: http.MethodPost, path: "/oauth/access_token", times: 1, delay: time.Second, onArrive: cancel})
		start := time.Now()
		_, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com"})
		quick(t, time.Since(start), err)
		api.wantSent(t, http.MethodPost, "/v2/customers", 0, "nothing is sent after the stop cut the token request short")
	})
}

// TestNoRetryAfterStop: a 429 that arrives after the stop, and a stop during
// the wait before a retry, end the operation at once, with one request sent.
func TestNoRetryAfterStop(t *testing.T) {
	for _, tc := range []struct {
		name          string
		duringBackoff bool
	}{{"answer_after_stop", false}, {"stop_during_backoff", true}} {
		t.Run(tc.name, func(t *testing.T) {
			api, c := newEmulatedClient(t)
			ctx, cancel := context.WithCancel(t.Context())
			r := rule{method: http.MethodPost, path: "/v2/customers", times: 5, status: http.StatusTooManyRequests,
				header: map[string]string{"Retry-After": "2"}, body: `{"errors":[{"status":429,"title":"Too Many Requests"}]}`}
			if tc.duringBackoff {
				time.AfterFunc(300*time.Millisecond, cancel)
			} else {
				r.onArrive = cancel
			}
			api.scriptRule(r)
			start := time.Now()
			_, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com"})
			if !errors.Is(err, ErrInterrupted) {
				t.Errorf("error %v; want ErrInterrupted", err)
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("returned after %v: the Retry-After wait was not cut short", el)
			}
			time.Sleep(100 * time.Millisecond)
			api.wantSent(t, http.MethodPost, "/v2/customers", 1, "no retry after the stop")
		})
	}
}

// TestStopDuringUnknownOutcome: a create sent, then the stop, then the
// connection lost without an answer. The lookup by email still runs: a
// customer found is the create's, and none found means no effect, with
// nothing sent again.
func TestStopDuringUnknownOutcome(t *testing.T) {
	t.Run("created", func(t *testing.T) {
		api, c := newEmulatedClient(t)
		ctx, cancel := context.WithCancel(t.Context())
		api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, dropAfter: true, onArrive: cancel})
		got, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com"})
		if err != nil {
			t.Fatalf("create whose answer was lost after the stop: %v", err)
		}
		api.wantOnlyCustomer(t, got.ID, got)
		api.wantSent(t, http.MethodGet, "/v2/customers", 1, "")
	})
	t.Run("not_created", func(t *testing.T) {
		api, c := newEmulatedClient(t)
		ctx, cancel := context.WithCancel(t.Context())
		api.scriptRule(rule{method: http.MethodPost, path: "/v2/customers", times: 1, status: http.StatusBadGateway, onArrive: cancel})
		_, err := c.CreateCustomer(ctx, CustomerCreate{Name: "Ann", Email: "ann@example.com"})
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("error %v; want ErrInterrupted", err)
		}
		api.wantSent(t, http.MethodPost, "/v2/customers", 1, "")
		if n := len(api.Customers()); n != 0 {
			t.Errorf("%d customers; want none", n)
		}
	})
}
