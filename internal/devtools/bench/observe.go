package main

import (
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"
)

// observer wraps the emulator's handler to see what its request log does not
// keep: which access token each API request carried (a digest of it, never
// the token), when requests arrived, and how many were in the server at once.
type observer struct {
	next http.Handler

	mu          sync.Mutex
	tokens      map[[32]byte]struct{}
	first, last time.Time     // first and last arrival
	inFlight    int           // requests in the server now
	activeFrom  time.Time     // when inFlight last went from 0 to 1
	active      time.Duration // total time with at least one request in the server
	busy        time.Duration // sum of every request's time in the server
}

func newObserver(next http.Handler) *observer {
	return &observer{next: next, tokens: map[[32]byte]struct{}{}}
}

func (o *observer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/__emulator") {
		o.next.ServeHTTP(w, r)
		return
	}
	arrived := time.Now()
	o.mu.Lock()
	if auth := r.Header.Get("Authorization"); auth != "" {
		o.tokens[sha256.Sum256([]byte(auth))] = struct{}{}
	}
	if o.first.IsZero() {
		o.first = arrived
	}
	o.last = arrived
	if o.inFlight == 0 {
		o.activeFrom = arrived
	}
	o.inFlight++
	o.mu.Unlock()

	defer func() {
		done := time.Now()
		o.mu.Lock()
		defer o.mu.Unlock()
		o.busy += done.Sub(arrived)
		o.inFlight--
		if o.inFlight == 0 {
			o.active += done.Sub(o.activeFrom)
		}
	}()
	o.next.ServeHTTP(w, r)
}

// reset starts a new observation window; call it with no request in flight.
func (o *observer) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.tokens)
	o.first, o.last, o.activeFrom = time.Time{}, time.Time{}, time.Time{}
	o.active, o.busy = 0, 0
}

// apiObservation is what the observer saw in one window.
type apiObservation struct {
	tokens int           // distinct access tokens used
	span   time.Duration // first to last arrival
	// active is the time with at least one request in the server; the rest
	// of the wall time the API was idle, waiting for the CLI or provider.
	active time.Duration
	// concurrency is the mean number of requests in the server while
	// active: near -parallelism when the provider keeps every operation's
	// request in flight.
	concurrency float64
}

func (o *observer) snapshot() apiObservation {
	o.mu.Lock()
	defer o.mu.Unlock()
	obs := apiObservation{tokens: len(o.tokens), span: o.last.Sub(o.first), active: o.active}
	if o.active > 0 {
		obs.concurrency = float64(o.busy) / float64(o.active)
	}
	return obs
}
