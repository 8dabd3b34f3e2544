package provider

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

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

// TestNewProtocol6ServerOptionalRPCs: terraform-plugin-go finds list
// resources, actions and state stores by type assertion (its deprecated
// ProviderServerWith… interfaces); the wrapper must not hide them.
func TestNewProtocol6ServerOptionalRPCs(t *testing.T) {
	s := NewProtocol6Server(New("test")())()
	if _, ok := s.(tfprotov6.ListResourceServer); !ok {
		t.Error("no list resource RPCs")
	}
	if _, ok := s.(tfprotov6.ActionServer); !ok {
		t.Error("no action RPCs")
	}
	if _, ok := s.(tfprotov6.StateStoreServer); !ok {
		t.Error("no state store RPCs")
	}
}
