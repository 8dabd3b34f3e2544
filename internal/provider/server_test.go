package provider

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type testKey struct{}

// TestReleasedContext: during the call the context is the RPC's (values,
// cancellation); a context derived from it and kept after the call, as the
// framework keeps one per RPC, no longer holds the RPC's values.
func TestReleasedContext(t *testing.T) {
	ballast := new([1 << 20]byte)
	collected := make(chan struct{})
	runtime.AddCleanup(ballast, func(int) { close(collected) }, 0)
	rpcCtx, cancel := context.WithCancel(context.WithValue(context.Background(), testKey{}, ballast))

	// Kept after the call, uncanceled, as the framework keeps its own.
	var kept context.Context
	var keptCancel context.CancelFunc
	defer func() { keptCancel() }()
	_, err := released(rpcCtx, nil, 0, func(ctx context.Context, _ int) (struct{}, error) {
		kept, keptCancel = context.WithCancel(ctx)
		derived := kept
		if derived.Value(testKey{}) != ballast {
			t.Error("the RPC's values are not seen during the call")
		}
		cancel()
		select {
		case <-derived.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("canceling the RPC's context did not cancel the derived context")
		}
		if !errors.Is(derived.Err(), context.Canceled) {
			t.Errorf("derived context's error: %v", derived.Err())
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rpcCtx, ballast = nil, nil //nolint:ineffassign,wastedassign // drop the test's own references
	_ = rpcCtx

	for range 50 {
		runtime.GC()
		select {
		case <-collected:
			if kept.Value(testKey{}) != nil {
				t.Error("a released context still answers the RPC's values")
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("a context derived during the call and kept after it still holds the RPC's context")
}

// notReleased are the framework's RPCs that releasingServer passes through
// unchanged, each with the reason.
var notReleased = map[string]string{
	"GetMetadata":                "once per process",
	"GetProviderSchema":          "once per process",
	"GetResourceIdentitySchemas": "once per process",
	"GetFunctions":               "once per process",
	"ValidateProviderConfig":     "once per process",
	"ConfigureProvider":          "once per process",
	"StopProvider":               "once per process",
	"ValidateStateStoreConfig":   "state store: the provider has none",
	"ConfigureStateStore":        "state store: the provider has none",
	"GetStates":                  "state store: the provider has none",
	"DeleteState":                "state store: the provider has none",
	"LockState":                  "state store: the provider has none",
	"UnlockState":                "state store: the provider has none",
	"ReadStateBytes":             "streaming: results are read after the method returns",
	"WriteStateBytes":            "streaming: the request is read after the method is called",
	"ListResource":               "streaming: results are read after the method returns",
	"InvokeAction":               "streaming: events are read after the method returns",
}

// TestReleasingServerCoversEveryRPC: every RPC method of the framework's
// server is served by the wrapper (terraform-plugin-go finds the optional
// ones by type assertion, so one the wrapper lacks would be lost), and each
// is either released by a method declared in server.go or named in
// notReleased. An RPC that a newer framework adds fails here until it is
// put in one or the other.
func TestReleasingServerCoversEveryRPC(t *testing.T) {
	framework := providerserver.NewProtocol6(New("test")())()
	ctxType := reflect.TypeFor[context.Context]()
	var rpcs []string
	ft := reflect.TypeOf(framework)
	for i := range ft.NumMethod() {
		m := ft.Method(i)
		// (receiver, context, request or stream).
		if m.Type.NumIn() == 3 && m.Type.In(1) == ctxType && m.Type.In(2).Kind() == reflect.Pointer &&
			m.Type.In(2).Elem().PkgPath() == reflect.TypeFor[tfprotov6.GetMetadataRequest]().PkgPath() {
			rpcs = append(rpcs, m.Name)
		}
	}
	if len(rpcs) < 30 {
		t.Fatalf("found only %d RPC methods on %T: %q", len(rpcs), framework, rpcs)
	}

	declared := releasingMethods(t)
	wt := reflect.TypeFor[releasingServer]()
	for _, name := range rpcs {
		if _, ok := wt.MethodByName(name); !ok {
			t.Errorf("%s: the framework serves it and the wrapper does not; add its tfprotov6 interface to frameworkServer", name)
		}
		why, passed := notReleased[name]
		switch {
		case declared[name] && passed:
			t.Errorf("%s is released in server.go and listed as not released (%s)", name, why)
		case !declared[name] && !passed:
			t.Errorf("%s: a framework RPC that server.go neither releases nor lists in notReleased; "+
				"if it is sent per resource, data source, action or call, release it like ReadResource", name)
		}
	}
	for name := range notReleased {
		if !slices.Contains(rpcs, name) {
			t.Errorf("notReleased names %s, which the framework no longer serves", name)
		}
	}
	for name := range declared {
		if !slices.Contains(rpcs, name) {
			t.Errorf("server.go releases %s, which the framework does not serve", name)
		}
	}
}

// releasingMethods are the methods that server.go declares on
// releasingServer, read from its source: reflection cannot tell them from
// those promoted from the embedded framework server.
func releasingMethods(t *testing.T) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "server.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 {
			continue
		}
		if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == "releasingServer" {
			out[fn.Name.Name] = true
		}
	}
	return out
}
