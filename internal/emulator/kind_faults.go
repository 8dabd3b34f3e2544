package emulator

import (
	"net/http"
	"time"
)

// FaultInjected labels a request answered by a KindFault's Status.
const FaultInjected = "injected"

// KindFault makes the requests of one kind (a Kind* label) fail in a chosen
// way, so that a test can aim at one step of a multi-request create: refuse
// the password info of a member, lose the answer to a membership POST, or
// hold a request long enough to interrupt the run around it.
type KindFault struct {
	// Status, when not 0, answers this status before the request has any
	// effect (a JSON:API error whose detail says it was injected).
	Status int `json:"status"`
	// Drop carries the request out, then closes the connection without an
	// answer (as Faults.DropAfterCommit).
	Drop bool `json:"drop"`
	// Delay holds the request before it is handled; a change is still made
	// if its client leaves meanwhile (as Faults.Latency).
	Delay time.Duration `json:"delay"`
	// Times is how many requests of the kind it applies to; 0 means every
	// one until ClearKindFaults.
	Times int `json:"times"`
}

// SetKindFault sets the fault for one request kind, replacing any earlier
// one for that kind.
func (s *Server) SetKindFault(kind string, f KindFault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.kindFaults == nil {
		s.kindFaults = map[string]*KindFault{}
	}
	f.Delay = max(f.Delay, 0)
	s.kindFaults[kind] = &f
}

// ClearKindFaults removes every per-kind fault.
func (s *Server) ClearKindFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.kindFaults = nil
}

// takeKindFault returns the fault that applies to this request of kind,
// counting it against Times.
func (s *Server) takeKindFault(kind string) (KindFault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f, ok := s.kindFaults[kind]
	if !ok {
		return KindFault{}, false
	}
	out := *f
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(s.kindFaults, kind)
		}
	}
	return out, true
}

// wait holds a request for d; a read whose client leaves is abandoned (false),
// a change is carried out regardless, as by the real API.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	var gone <-chan struct{}
	if !isMutating(r.Method) {
		gone = r.Context().Done()
	}
	select {
	case <-t.C:
		return true
	case <-gone:
		return false
	}
}
