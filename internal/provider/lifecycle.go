package provider

import (
	"context"
	"log"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// How the provider process ends, whatever ends its CLI.
//
// go-plugin (v1.7.0, server.go) swallows SIGINT in the provider process, and
// Terraform and OpenTofu tell the provider to stop (StopProvider) when they
// get SIGINT or SIGTERM themselves. SIGTERM and SIGHUP, though, kept Go's
// default action: sent to the CLI's whole process group (systemd stopping a
// unit, a Jenkins abort, `kill -- -PGID`, a closed terminal) they killed the
// provider at once, abandoning the creates it had on the wire while the CLI,
// which handles SIGTERM gracefully, waited for answers that never came: the
// customers were made, and no state knew them.
//
// Now stopSignals are a stop: nothing new is sent, what is on the wire is
// awaited (request_timeout bounds it), and the provider keeps answering the
// CLI until the CLI closes it, so that every result reaches the state. And
// since a CLI that dies (SIGKILL; SIGHUP, which the CLIs do not handle; a
// second Ctrl-C, after which they exit at once) never closes it, the provider
// watches its parent: once the CLI is gone it stops too, and exits when its
// RPCs have returned, or request_timeout after at the latest. (Neither
// go-plugin nor tf6server offers a hook on the end of the CLI's gRPC
// connection; the parent's pid needs nothing from them.)

// stopSignals are the signals that stop the provider instead of ending it.
var stopSignals = []os.Signal{syscall.SIGTERM, syscall.SIGHUP}

// parentPoll is how often the provider checks that its CLI is still there.
const parentPoll = 200 * time.Millisecond

// lifecycle is the served process's stop: every RPC's context is canceled by
// it, so a stop reaches the operations under way and those that arrive
// later, and it counts the RPCs under way so that the process can wait for
// them before it exits.
type lifecycle struct {
	ctx    context.Context
	cancel context.CancelFunc
	active atomic.Int64

	mu     sync.Mutex
	onStop []func()
}

func newLifecycle() *lifecycle {
	ctx, cancel := context.WithCancel(context.Background())
	return &lifecycle{ctx: ctx, cancel: cancel}
}

// rpc returns ctx, canceled at the stop too, and the function to call when
// the RPC returns. A nil lifecycle (the in-process provider of the tests)
// adds nothing.
func (l *lifecycle) rpc(ctx context.Context) (context.Context, func()) {
	if l == nil {
		return ctx, func() {}
	}
	l.active.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stopWatch := context.AfterFunc(l.ctx, cancel)
	if l.stopped() {
		// AfterFunc would cancel it a moment later, in a goroutine: an RPC
		// that comes after the stop starts stopped.
		cancel()
	}
	return ctx, func() {
		stopWatch()
		cancel()
		l.active.Add(-1)
	}
}

// whenStopped registers f to run at the stop, or runs it now if the stop
// has come.
func (l *lifecycle) whenStopped(f func()) {
	l.mu.Lock()
	if l.ctx.Err() == nil {
		l.onStop = append(l.onStop, f)
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	f()
}

// stop stops the process's operations: what was not sent is not sent, and
// what was is awaited (see moltin's limitTransport). It may be called more
// than once.
func (l *lifecycle) stop() {
	l.mu.Lock()
	if l.ctx.Err() != nil {
		l.mu.Unlock()
		return
	}
	l.cancel()
	fs := l.onStop
	l.onStop = nil
	l.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// stopped reports whether the stop has come.
func (l *lifecycle) stopped() bool { return l.ctx.Err() != nil }

// waitIdle waits until no RPC is under way, or for at most limit, and
// reports whether none is.
func (l *lifecycle) waitIdle(limit time.Duration, poll time.Duration) bool {
	deadline := time.Now().Add(limit)
	for l.active.Load() > 0 {
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(min(poll, time.Until(deadline)))
	}
	return true
}

// watcher is what lifecycle.watch needs from the process, so that tests can
// stand in for signals, the parent and os.Exit.
type watcher struct {
	signals <-chan os.Signal
	// parentGone reports whether the process that started this one (the
	// CLI) has gone.
	parentGone func() bool
	poll       time.Duration
	// grace is how long to wait for the RPCs under way once the CLI is
	// gone: the longest request_timeout configured.
	grace func() time.Duration
	exit  func(code int)
	// log reports what happened (on stderr, which the CLI logs at
	// TF_LOG=DEBUG; once the CLI is gone the write fails, harmlessly).
	log func(msg string)
}

// watch stops the lifecycle at a stop signal, and at the end of the parent,
// after which it waits for the RPCs under way (at most w.grace()) and calls
// w.exit. It returns when ctx ends, or after w.exit.
func (l *lifecycle) watch(ctx context.Context, w watcher) {
	tick := time.NewTicker(w.poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-w.signals:
			if !l.stopped() {
				w.log("the provider received " + sig.String() + ": stopping (nothing new is sent; requests already sent are awaited) and waiting for the CLI to close it")
			}
			l.stop()
		case <-tick.C:
			if !w.parentGone() {
				continue
			}
			l.stop()
			grace := w.grace()
			if l.waitIdle(grace, min(w.poll, 50*time.Millisecond)) {
				w.log("the CLI is gone and no request is under way: exiting")
			} else {
				w.log("the CLI is gone and requests are still under way after " + grace.String() + ": exiting")
			}
			w.exit(1)
			return
		}
	}
}

// watchProcess starts watching the served process: stop signals, and the
// parent (the CLI). It returns the function that ends the watch.
func (l *lifecycle) watchProcess(grace func() time.Duration) (end func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals...)
	// Writes to the CLI's pipes (stderr, which loggers hold) fail once the
	// CLI is gone. Without this, such a write on file descriptor 1 or 2
	// would kill the process with SIGPIPE before it had waited for its
	// requests.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	parent := os.Getppid()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-pipes:
			case <-ctx.Done():
				return
			}
		}
	}()
	go l.watch(ctx, watcher{
		signals: sigs,
		// Once its parent has exited, a process is re-parented (to init or
		// to a subreaper): the parent's id changes. Unlike the gRPC
		// connection, this needs nothing from go-plugin.
		parentGone: func() bool { return os.Getppid() != parent },
		poll:       parentPoll,
		grace:      grace,
		exit:       os.Exit,
		log:        func(msg string) { log.Print("[WARN] " + msg) },
	})
	return func() {
		signal.Stop(sigs)
		signal.Stop(pipes)
		cancel()
		<-done
	}
}
