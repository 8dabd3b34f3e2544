package provider

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
)

// fakeProcess stands in for the signals, the parent and os.Exit of the
// served process.
type fakeProcess struct {
	signals chan os.Signal
	mu      sync.Mutex
	gone    bool
	exits   chan int
	logs    []string
}

func newFakeProcess() *fakeProcess {
	return &fakeProcess{signals: make(chan os.Signal, 1), exits: make(chan int, 1)}
}

func (f *fakeProcess) watcher(grace time.Duration) watcher {
	return watcher{
		signals: f.signals,
		parentGone: func() bool {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.gone
		},
		poll:  10 * time.Millisecond,
		grace: func() time.Duration { return grace },
		exit:  func(code int) { f.exits <- code },
		log: func(msg string) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.logs = append(f.logs, msg)
		},
	}
}

func (f *fakeProcess) parentDies() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone = true
}

func canceled(ctx context.Context) bool { return closedSoon(ctx.Done()) }

func closedSoon(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	case <-time.After(time.Second):
		return false
	}
}

// TestLifecycleStopSignal: SIGTERM (or SIGHUP) stops the RPCs under way and
// those that come later, and does not end the process, which still answers.
func TestLifecycleStopSignal(t *testing.T) {
	for _, sig := range stopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			life := newLifecycle()
			f := newFakeProcess()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			go life.watch(ctx, f.watcher(time.Minute))

			hooked := make(chan struct{})
			life.whenStopped(func() { close(hooked) })
			before, done := life.rpc(t.Context())
			f.signals <- sig
			if !canceled(before) {
				t.Fatalf("the RPC under way at %v was not stopped", sig)
			}
			if !closedSoon(hooked) {
				t.Errorf("the stop hooks (the framework's StopProvider) did not run at %v", sig)
			}
			done()
			after, done := life.rpc(t.Context())
			defer done()
			if after.Err() == nil {
				t.Errorf("an RPC that came after %v was not stopped", sig)
			}
			// A hook registered after the stop runs at once.
			late := false
			life.whenStopped(func() { late = true })
			if !late {
				t.Error("a hook registered after the stop did not run")
			}
			select {
			case code := <-f.exits:
				t.Fatalf("the process exited (%d) at %v while its CLI was there", code, sig)
			case <-time.After(100 * time.Millisecond):
			}
			// A second signal changes nothing.
			f.signals <- sig
			select {
			case code := <-f.exits:
				t.Fatalf("the process exited (%d) at a second %v", code, sig)
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

// TestLifecycleParentGone: once the CLI is gone, the process stops, waits
// for the RPC under way to return, and exits.
func TestLifecycleParentGone(t *testing.T) {
	life := newLifecycle()
	f := newFakeProcess()
	go life.watch(t.Context(), f.watcher(time.Minute))

	rpcCtx, done := life.rpc(t.Context())
	select {
	case <-f.exits:
		t.Fatal("the process exited while its CLI was there")
	case <-time.After(100 * time.Millisecond):
	}
	f.parentDies()
	if !canceled(rpcCtx) {
		t.Fatal("the RPC under way was not stopped when the CLI went")
	}
	select {
	case <-f.exits:
		t.Fatal("the process exited before its RPC under way returned")
	case <-time.After(200 * time.Millisecond):
	}
	returned := time.Now()
	done()
	select {
	case code := <-f.exits:
		if code == 0 {
			t.Errorf("exit code 0; want non-zero, as the run was cut short")
		}
		if d := time.Since(returned); d > 500*time.Millisecond {
			t.Errorf("the process exited %v after its last RPC returned", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the process did not exit once its CLI was gone and its RPC returned")
	}
	if !slices.ContainsFunc(f.logs, func(s string) bool { return strings.Contains(s, "no request is under way") }) {
		t.Errorf("logs: %q", f.logs)
	}
}

// TestLifecycleParentGoneGrace: an RPC that does not return within the
// grace (request_timeout) does not keep the process alive.
func TestLifecycleParentGoneGrace(t *testing.T) {
	life := newLifecycle()
	f := newFakeProcess()
	const grace = 300 * time.Millisecond
	go life.watch(t.Context(), f.watcher(grace))
	_, done := life.rpc(t.Context())
	defer done()
	start := time.Now()
	f.parentDies()
	select {
	case <-f.exits:
		if d := time.Since(start); d < grace || d > grace+time.Second {
			t.Errorf("exited %v after the CLI went; want about the grace, %v", d, grace)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("an RPC that never returns kept the process alive")
	}
}

// TestLifecycleNil: the in-process provider of the tests has no lifecycle,
// and its RPCs' contexts are the CLI's alone.
func TestLifecycleNil(t *testing.T) {
	var life *lifecycle
	ctx, done := life.rpc(t.Context())
	defer done()
	if ctx != t.Context() {
		t.Error("a nil lifecycle changed the RPC's context")
	}
}

// TestProviderProcessSignals runs the provider binary as the CLI runs it,
// under a shell standing in for the CLI: SIGTERM and SIGHUP do not end it
// (on main they did, at once), and once its parent is SIGKILLed it exits by
// itself.
func TestProviderProcessSignals(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("builds the provider binary: set TF_ACC=1 (./scripts/test.sh does)")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("reads process states from /proc")
	}
	dir, err := clitest.BuildProvider(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	handshake := filepath.Join(t.TempDir(), "handshake")
	parent := exec.Command("sh", "-c", `"$0" >"$1" 2>/dev/null & echo $!; wait`, filepath.Join(dir, "terraform-provider-moltin"), handshake)
	parent.Env = append(os.Environ(),
		"TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6")
	parent.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-parent.Process.Pid, syscall.SIGKILL)
		_ = parent.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	waitFor(t, 30*time.Second, "the provider's handshake", func() bool {
		b, _ := os.ReadFile(handshake)
		return strings.HasPrefix(string(b), "1|6|unix|")
	})

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		if err := syscall.Kill(pid, sig); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if !clitest.Alive(pid) {
			t.Fatalf("the provider process died of %v while its CLI was there", sig)
		}
	}

	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	waitFor(t, 10*time.Second, "the provider to exit after its CLI was killed", func() bool { return !clitest.Alive(pid) })
	t.Logf("the provider outlived its killed parent by %v (no request under way)", time.Since(killed).Round(10*time.Millisecond))
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
	}
}
