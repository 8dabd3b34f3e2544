package moltin

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// adaptiveRate slows the client down when the API answers 429 and speeds it
// back up as requests succeed (additive increase, multiplicative decrease).
// Retrying each 429 after its backoff is not enough on its own: the other
// operations keep sending at the configured rate, so a store whose limit is
// shared with a storefront or another pipeline would see a steady stream of
// rejected requests, each one of them spent against that limit.
type adaptiveRate struct {
	limiter *rate.Limiter
	max     float64 // the configured rate, never exceeded
	min     float64 // the rate is never cut below this

	mu      sync.Mutex
	current float64
	lastCut time.Time
}

const (
	// adaptiveCut is the share of the rate kept at a 429: a client that
	// sends at the server's limit then averages about 7/8 of it.
	adaptiveCut = 0.75
	// adaptiveStep is added to the rate (requests/second) per successful
	// request: the rate grows by a tenth of itself per second of traffic.
	adaptiveStep    = 0.1
	adaptiveMinRate = 1.0
)

func newAdaptiveRate(limiter *rate.Limiter, maxRate float64) *adaptiveRate {
	return &adaptiveRate{
		limiter: limiter,
		max:     maxRate,
		min:     min(adaptiveMinRate, maxRate),
		current: maxRate,
	}
}

// throttled records a 429 to a request queued for the limiter at queued; it
// returns the new rate and whether it changed. A request queued before the
// last cut was spaced at the rate before it and says nothing about the rate
// since, so it cuts nothing more.
func (a *adaptiveRate) throttled(queued time.Time) (float64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !queued.After(a.lastCut) || a.current <= a.min {
		return a.current, false
	}
	a.lastCut = time.Now()
	a.current = max(a.min, a.current*adaptiveCut)
	a.limiter.SetLimit(rate.Limit(a.current))
	return a.current, true
}

// succeeded records an answer other than a 429.
func (a *adaptiveRate) succeeded() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.current >= a.max {
		return
	}
	a.current = min(a.max, a.current+adaptiveStep)
	a.limiter.SetLimit(rate.Limit(a.current))
}

// rate is the current rate.
func (a *adaptiveRate) rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.current
}
