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
// the token) and when the first and the last API request arrived.
type observer struct {
	next http.Handler

	mu          sync.Mutex
	tokens      map[[32]byte]struct{}
	first, last time.Time
	count       int
}

func newObserver(next http.Handler) *observer {
	return &observer{next: next, tokens: map[[32]byte]struct{}{}}
}

func (o *observer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/__emulator") {
		now := time.Now()
		o.mu.Lock()
		if auth := r.Header.Get("Authorization"); auth != "" {
			o.tokens[sha256.Sum256([]byte(auth))] = struct{}{}
		}
		if o.count == 0 {
			o.first = now
		}
		o.last = now
		o.count++
		o.mu.Unlock()
	}
	o.next.ServeHTTP(w, r)
}

// reset starts a new observation window.
func (o *observer) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.tokens)
	o.first, o.last, o.count = time.Time{}, time.Time{}, 0
}

// snapshot returns the number of distinct access tokens used and the time
// from the first to the last API request's arrival.
func (o *observer) snapshot() (distinctTokens int, span time.Duration, requests int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.tokens), o.last.Sub(o.first), o.count
}
