package moltin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAddressesWalk lists a customer's addresses from an endpoint that
// answers every address at once whatever page[...] says (as documented, and
// as the emulator does) and from one that pages as the customers listing
// does: each address once, in order, up to the limit, and no request beyond
// what is needed (one, when the endpoint does not page).
func TestAddressesWalk(t *testing.T) {
	t.Parallel()
	for _, paged := range []bool{false, true} {
		for _, n := range []int{0, 5, 100, 101, 250} {
			for _, limit := range []int{0, 30, 100, 120} {
				t.Run(fmt.Sprintf("paged=%v/n=%d/limit=%d", paged, n, limit), func(t *testing.T) {
					t.Parallel()
					queries := addressesWalk(t, paged, n, limit)
					want := n
					if limit > 0 {
						want = min(n, limit)
					}
					wantRequests := 1
					if paged {
						wantRequests = max(1, (want+maxPageSize-1)/maxPageSize)
					}
					if len(queries) != wantRequests {
						t.Errorf("%d requests, want %d: %q", len(queries), wantRequests, queries)
					}
				})
			}
		}
	}
}

// addressesWalk walks n addresses with that limit, checks what it got, and
// returns the queries of the list requests sent.
func addressesWalk(t *testing.T, paged bool, n, limit int) []string {
	t.Helper()
	emu := emulator.New(emulator.Config{ClientID: testClientID, ClientSecret: testClientSecret})
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/addresses") {
			emu.ServeHTTP(w, r) // the token
			return
		}
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		data := make([]map[string]any, 0, n)
		for i := range n {
			data = append(data, map[string]any{"type": "address", "id": fmt.Sprintf("a-%03d", i), "line_1": "1 Main St"})
		}
		doc := map[string]any{"data": data}
		if paged {
			size, _ := strconv.Atoi(r.URL.Query().Get("page[limit]"))
			offset, _ := strconv.Atoi(r.URL.Query().Get("page[offset]"))
			doc["data"] = data[min(offset, n):min(offset+size, n)]
			doc["meta"] = map[string]any{
				"page":    map[string]int{"limit": size, "offset": offset, "current": offset/size + 1, "total": (n + size - 1) / size},
				"results": map[string]int{"total": n},
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, &testAPI{URL: srv.URL})

	want := n
	if limit > 0 {
		want = min(n, limit)
	}
	i := 0
	for a, err := range c.Addresses(t.Context(), "c-1", ListOptions{Limit: limit}) {
		if err != nil {
			t.Fatalf("after %d addresses: %v", i, err)
		}
		if wantID := fmt.Sprintf("a-%03d", i); a.ID != wantID {
			t.Fatalf("address %d is %s, want %s", i, a.ID, wantID)
		}
		i++
	}
	if i != want {
		t.Errorf("%d addresses, want %d", i, want)
	}
	mu.Lock()
	defer mu.Unlock()
	return queries
}
