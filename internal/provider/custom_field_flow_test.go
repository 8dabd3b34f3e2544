package provider

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// TestEnsureFlow_onceAndAfterA422: fields created at once make one flow;
// a flow made by someone else between the lookup and the create (the API
// answers 422) is read, not an error.
func TestEnsureFlow_onceAndAfterA422(t *testing.T) {
	t.Parallel()
	emu := emulator.New(emulator.Config{ClientID: "flows", ClientSecret: "flows-secret-1234"})
	var hideFlows atomic.Bool
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/flows" && r.Method == http.MethodGet && hideFlows.CompareAndSwap(true, false) {
			// A lookup that misses a flow made meanwhile.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":[],"meta":{"results":{"total":0}}}`))
			return
		}
		if r.URL.Path == "/v2/flows" && r.Method == http.MethodPost {
			posts.Add(1)
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	client, err := moltin.New(moltin.Config{BaseURL: srv.URL, ClientID: "flows", ClientSecret: "flows-secret-1234", MaxRequestsPerSecond: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := ensureFlow(t.Context(), client, "customers")
			if err != nil {
				t.Error(err)
			}
			ids[i] = f.ID
		}()
	}
	wg.Wait()
	if posts.Load() != 1 || len(emu.Flows()) != 1 {
		t.Fatalf("want one flow made, got %d POSTs and %v", posts.Load(), emu.Flows())
	}
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("flow ids %v", ids)
		}
	}

	// Another process made the accounts flow after this one's lookup.
	other, err := moltin.New(moltin.Config{BaseURL: srv.URL, ClientID: "flows", ClientSecret: "flows-secret-1234"})
	if err != nil {
		t.Fatal(err)
	}
	made, err := other.CreateFlow(t.Context(), moltin.FlowCreate{Slug: "accounts", Name: "Accounts", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	hideFlows.Store(true)
	f, err := ensureFlow(t.Context(), client, "accounts")
	if err != nil || f.ID != made.ID {
		t.Fatalf("after a 422: %+v %v", f, err)
	}
	if posts.Load() != 3 {
		t.Errorf("want the refused POST sent once, got %d POSTs in all", posts.Load())
	}
}
