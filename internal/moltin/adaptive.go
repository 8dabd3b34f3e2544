package moltin

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// adaptiveRate slows the client down when the API keeps answering 429 and
// speeds it back up as requests succeed (additive increase, multiplicative
// decrease). Retrying each 429 after its backoff is not enough on its own:
// the other operations keep sending at the configured rate, so a store whose
// limit is shared with a storefront or another pipeline would see a steady
// stream of rejected requests, each one of them spent against that limit.
//
// It judges windows of answers rather than single 429s: a 429 now and then,
// which a busy shared store gives whatever this client does, must not drag
// the rate down step by step; a window in which a quarter or more of the
// requests were rejected means that the client itself sends too fast.
type adaptiveRate struct {
	limiter *rate.Limiter // its limit is the current rate
	max     float64       // the configured rate, never exceeded
	min     float64       // the rate is never cut below this

	mu       sync.Mutex
	lastCut  time.Time
	answers  int // in the current window
	rejected int
}

const (
	adaptiveWindow = 20
	// adaptiveCutAt is the number of 429s in a window that cuts the rate.
	adaptiveCutAt = adaptiveWindow / 4
	// adaptiveCut is the share of the rate kept at a cut.
	adaptiveCut = 0.75
	// adaptiveStep is added to the rate (requests/second) per successful
	// request: the rate grows by about a tenth of itself per second.
	adaptiveStep    = 0.1
	adaptiveMinRate = 1.0
)

func newAdaptiveRate(limiter *rate.Limiter, maxRate float64) *adaptiveRate {
	return &adaptiveRate{
		limiter: limiter,
		max:     maxRate,
		min:     min(adaptiveMinRate, maxRate),
	}
}

// answered records the answer to a request queued for the limiter at queued:
// throttled for a 429. It returns the rate and whether this answer cut it.
// Requests queued before the last cut were spaced at the rate before it:
// their answers say nothing about the rate since, and are not counted.
func (a *adaptiveRate) answered(queued time.Time, throttled bool) (float64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	current := float64(a.limiter.Limit())
	if !queued.After(a.lastCut) {
		return current, false
	}
	a.answers++
	if throttled {
		a.rejected++
	} else if current < a.max {
		current = min(a.max, current+adaptiveStep)
		a.limiter.SetLimit(rate.Limit(current))
	}
	if a.answers < adaptiveWindow {
		return current, false
	}
	cut := a.rejected >= adaptiveCutAt && current > a.min
	a.answers, a.rejected = 0, 0
	if !cut {
		return current, false
	}
	a.lastCut = time.Now()
	current = max(a.min, current*adaptiveCut)
	a.limiter.SetLimit(rate.Limit(current))
	return current, true
}
