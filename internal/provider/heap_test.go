package provider

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// object returns a value of the object type typ with the given attributes
// and every other attribute null.
func object(typ tftypes.Type, attrs map[string]tftypes.Value) tftypes.Value {
	ot := typ.(tftypes.Object)
	vals := make(map[string]tftypes.Value, len(ot.AttributeTypes))
	for name, at := range ot.AttributeTypes {
		if v, ok := attrs[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// configure sends ConfigureProvider for the emulator, with the client's
// limiter out of the way.
func (p *grpcProvider) configure(t testing.TB, env *testEnv) {
	t.Helper()
	req := newRequest(t, "ConfigureProvider")
	req.setString(t, "terraform_version", "1.12.6")
	req.setValue(t, "config", p.provType, object(p.provType, map[string]tftypes.Value{
		"api_base_url":            str(env.URL),
		"client_id":               str(env.ClientID),
		"client_secret":           str(env.ClientSecret),
		"max_requests_per_second": tftypes.NewValue(tftypes.Number, 10000),
	}))
	p.call(context.Background(), t, "ConfigureProvider", req)
}

// lifecycle takes one customer through the RPCs the CLI sends for it over
// create, refresh, rename and destroy, each state handed back as the CLI
// would hand it.
func (p *grpcProvider) lifecycle(t testing.TB, i int) {
	t.Helper()
	typ := p.resType
	config := func(name string) tftypes.Value {
		return object(typ, map[string]tftypes.Value{
			"name":  str(name),
			"email": str(fmt.Sprintf("heap-%d@example.com", i)),
		})
	}
	null := tftypes.NewValue(typ, nil)

	validate := newRequest(t, "ValidateResourceConfig")
	validate.setString(t, "type_name", customerType)
	validate.setValue(t, "config", typ, config("Heap"))
	p.call(context.Background(), t, "ValidateResourceConfig", validate)

	created := p.planAndApply(t, rpcMessage{}, config("Heap"), config("Heap"))

	read := newRequest(t, "ReadResource")
	read.setString(t, "type_name", customerType)
	read.copyFrom(t, "current_state", created, "new_state")
	read.copyFrom(t, "private", created, "private")
	read.copyFrom(t, "current_identity", created, "new_identity")
	refreshed := p.call(context.Background(), t, "ReadResource", read)

	var attrs map[string]tftypes.Value
	if err := refreshed.value(t, "new_state", typ).As(&attrs); err != nil {
		t.Fatal(err)
	}
	attrs["name"] = str("Heap renamed")
	updated := p.planAndApply(t, refreshed, tftypes.NewValue(typ, attrs), config("Heap renamed"))

	p.planAndApply(t, updated, null, null)
}

const customerType = "moltin_customer"

// planAndApply plans and applies a change from prior (the zero rpcMessage
// for a create; else the response that holds the state) to proposed with
// config, and returns the apply's response.
func (p *grpcProvider) planAndApply(t testing.TB, prior rpcMessage, proposed, config tftypes.Value) rpcMessage {
	t.Helper()
	ctx, typ := context.Background(), p.resType
	plan := newRequest(t, "PlanResourceChange")
	apply := newRequest(t, "ApplyResourceChange")
	for _, req := range []rpcMessage{plan, apply} {
		req.setString(t, "type_name", customerType)
		req.setValue(t, "config", typ, config)
		if prior.Message == nil {
			req.setValue(t, "prior_state", typ, tftypes.NewValue(typ, nil))
		} else {
			req.copyFrom(t, "prior_state", prior, "new_state")
		}
	}
	plan.setValue(t, "proposed_new_state", typ, proposed)
	if prior.Message != nil {
		plan.copyFrom(t, "prior_private", prior, "private")
		plan.copyFrom(t, "prior_identity", prior, "new_identity")
	}
	planned := p.call(ctx, t, "PlanResourceChange", plan)

	apply.copyFrom(t, "planned_state", planned, "planned_state")
	apply.copyFrom(t, "planned_private", planned, "planned_private")
	apply.copyFrom(t, "planned_identity", planned, "planned_identity")
	return p.call(ctx, t, "ApplyResourceChange", apply)
}

// lifecycles runs customers from..to-1 through their lifecycles, ten at a
// time as the CLI's default parallelism does.
func (p *grpcProvider) lifecycles(t testing.TB, from, to int) {
	t.Helper()
	next := make(chan int)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for i := range next {
				p.lifecycle(t, i)
			}
		})
	}
	for i := from; i < to; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// heapPerCustomerAllowance is how much the live heap may grow per customer
// taken through its eight RPCs. terraform-plugin-framework v1.19.0 keeps a
// CancelFunc per RPC until the process ends (see NewProtocol6Server); with
// the RPC's context released, what it keeps is about 170 bytes per RPC, 1.4
// KiB per customer. Keeping an RPC's context costs 13 KiB or more per RPC,
// over 100 KiB per customer.
const heapPerCustomerAllowance = 3 << 10

// TestProviderHeapFlat serves the provider over gRPC as main does and sends
// it the RPCs of 200, then 2,000 customers (validate, plan and apply a
// create, refresh, plan and apply a rename, plan and apply a destroy, ten
// customers at a time). Each RPC carries one resource, so the live heap after
// 2,000 customers must be what it was after 200, give or take the
// framework's few bytes per RPC, and no goroutine may be left per RPC.
func TestProviderHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 16,000 RPCs (about 20 s); skipped with -short")
	}
	// As main does when no one reads the logs: the loggers are still built
	// per RPC, but nothing is written.
	if err := QuietUnreadLogs(os.Getenv, func(k, v string) error { t.Setenv(k, v); return nil }); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, emulator.Config{})
	// With a lifecycle, as main serves it, so that a stop's hold on each
	// RPC is measured too.
	p := serveGRPCProvider(t, newProtocol6Server(New("test")(), newLifecycle()))
	p.configure(t, env)

	// Warm up: the token, the connection pools, the framework's caches.
	p.lifecycles(t, 0, 50)
	env.ResetRequests()
	p.lifecycles(t, 50, 200)
	env.ResetRequests()
	heap200, goroutines200 := liveHeap(), runtime.NumGoroutine()
	p.lifecycles(t, 200, 2000)
	if n := len(env.Customers()); n != 0 {
		t.Fatalf("the emulator holds %d customers after every destroy", n)
	}
	env.ResetRequests()
	heap2000, goroutines2000 := liveHeap(), runtime.NumGoroutine()
	t.Logf("live heap after 200 customers: %d KiB, after 2,000: %d KiB (%+d B per customer); goroutines %d, %d",
		heap200>>10, heap2000>>10, (int64(heap2000)-int64(heap200))/1800, goroutines200, goroutines2000)
	if path := os.Getenv("MOLTIN_HEAP_PROFILE"); path != "" {
		writeHeapProfile(t, path)
	}
	if heap2000 > heap200+1800*heapPerCustomerAllowance {
		t.Errorf("the live heap grew with the number of customers: %d KiB after 200, %d KiB after 2,000 (allowed: %d B per customer)",
			heap200>>10, heap2000>>10, heapPerCustomerAllowance)
	}
	// Idle HTTP connections come and go with the pool (three goroutines
	// each); a goroutine left per RPC would be thousands.
	if goroutines2000 > goroutines200+50 {
		t.Errorf("goroutines grew with the number of customers: %d after 200, %d after 2,000", goroutines200, goroutines2000)
	}
}

// writeHeapProfile writes the heap profile (MOLTIN_HEAP_PROFILE=path), to
// see with go tool pprof -sample_index=inuse_space what holds the heap.
func writeHeapProfile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
}
