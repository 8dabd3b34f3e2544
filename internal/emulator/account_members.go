package emulator

import (
	"net/http"
	"time"
)

// Account members: /v2/account-members. There is no POST: a member is the
// projection of a UAI in the account realm, built from the UAI's events a
// moment after each write (the member delay). The projection is applied
// lazily: each event waits in amState.pending until its time has come and is
// applied, in order, by the next request or store read (settleLocked), so no
// goroutine or timer outlives the server.
//
// Creation and updates lag by the member delay; a UAI's deletion removes its
// member and the member's memberships at once, so that what a destroy leaves
// behind can be checked without waiting.

type member struct {
	id, name, email       string
	given, middle, family *string
	createdAt, updatedAt  time.Time
	seq                   int64
}

// AccountMember is a snapshot of an account member.
type AccountMember struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (m *member) snapshot() AccountMember {
	return AccountMember{m.id, m.name, m.email, m.createdAt, m.updatedAt}
}

// memberEvent is a UAI write waiting to reach the member projection.
type memberEvent struct {
	at                    time.Time
	create                bool
	uaiID, name, email    string
	given, middle, family *string
}

// uaiChangedLocked queues the member projection of a UAI write; UAIs of the
// other realms have no member.
func (s *Server) uaiChangedLocked(u *uai, created bool) {
	if u.realmID != s.am.accountRealmID {
		return
	}
	at := time.Now().Add(s.am.memberDelay)
	if n := len(s.am.pending); n > 0 && at.Before(s.am.pending[n-1].at) {
		at = s.am.pending[n-1].at // a shortened delay must not reorder events
	}
	s.am.pending = append(s.am.pending, memberEvent{
		at: at, create: created, uaiID: u.id, name: u.name, email: u.email,
		given: cloneString(u.given), middle: cloneString(u.middle), family: cloneString(u.family),
	})
}

// settle applies the member events whose time has come.
func (s *Server) settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
}

func (s *Server) settleLocked(now time.Time) {
	for len(s.am.pending) > 0 && !s.am.pending[0].at.After(now) {
		ev := s.am.pending[0]
		s.am.pending = s.am.pending[1:]
		s.applyMemberEventLocked(ev)
	}
	if len(s.am.pending) == 0 {
		s.am.pending = nil // let the backing array go
	}
}

func (s *Server) applyMemberEventLocked(ev memberEvent) {
	// SettleMembers applies events before their time: never date a member in
	// the future.
	at := ev.at
	if now := time.Now(); at.After(now) {
		at = now
	}
	at = at.UTC().Truncate(time.Millisecond)
	m, exists := s.am.members[ev.uaiID]
	if ev.create && !exists {
		m = &member{id: ev.uaiID, createdAt: at, updatedAt: at, seq: s.am.next()}
		s.am.members[m.id] = m
	} else if !exists {
		return
	} else {
		m.updatedAt = nextUpdate(m.updatedAt)
	}
	m.name, m.email = ev.name, ev.email
	m.given, m.middle, m.family = ev.given, ev.middle, ev.family
	// auto_create_account_for_account_members is read when the event is
	// handled, as the real event consumer would. S1 copies the member's name
	// to the account's name and legal name; S2 says the name is used.
	if ev.create && !exists && s.am.settings.autoCreateAccount {
		legal := m.name
		a := s.createAccountLocked(m.name, &legal, nil, nil, "")
		s.createMembershipLocked(a.id, m.id)
	}
}

// deleteMemberLocked removes a member (visible or still pending) with its
// memberships and login tokens.
func (s *Server) deleteMemberLocked(id string) {
	delete(s.am.members, id)
	kept := s.am.pending[:0]
	for _, ev := range s.am.pending {
		if ev.uaiID != id {
			kept = append(kept, ev)
		}
	}
	s.am.pending = kept
	for _, ms := range s.am.memberships {
		if ms.memberID == id {
			s.deleteMembershipLocked(ms)
		}
	}
	for tok, t := range s.am.memberTokens {
		if t.memberID == id {
			delete(s.am.memberTokens, tok)
		}
	}
}

func memberJSON(c *call, m *member) map[string]any {
	return map[string]any{
		"id":          m.id,
		"type":        "account_member",
		"name":        m.name,
		"email":       m.email,
		"given_name":  optString(m.given),
		"middle_name": optString(m.middle),
		"family_name": optString(m.family),
		"meta":        metaTimestamps(m.createdAt, m.updatedAt),
		"links":       selfLink(c, "/v2/account-members/"+m.id),
	}
}

// memberListSpec is the union of S1 (eq/like on email and name) and S2
// (ilike on them and on the name parts).
var memberListSpec = listSpec{
	ops: map[string]map[string]bool{
		"name": opSet("eq", "like", "ilike"), "email": opSet("eq", "like", "ilike"),
		"given_name": opSet("ilike"), "middle_name": opSet("ilike"), "family_name": opSet("ilike"),
	},
	sorts:    opSet("email", "name"),
	caseless: opSet("email"),
}

func (s *Server) memberRow(c *call, m *member) row {
	name, email := m.name, m.email
	return row{id: m.id, seq: m.seq, created: m.createdAt, updated: m.updatedAt,
		fields: map[string]*string{"name": &name, "email": &email, "given_name": cloneString(m.given),
			"middle_name": cloneString(m.middle), "family_name": cloneString(m.family)},
		render: func() map[string]any { return memberJSON(c, m) }}
}

func (s *Server) handleMemberList(c *call) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	rows := make([]row, 0, len(s.am.members))
	for _, m := range s.am.members {
		rows = append(rows, s.memberRow(c, m))
	}
	return listResponse(c, rows, memberListSpec)
}

func (s *Server) handleMemberGet(c *call, id string) *response {
	return getOne(s, c, func() (*member, *response) {
		s.settleLocked(time.Now())
		return objectLocked(s.am.members, "account member", id)
	}, memberJSON)
}

// handleMemberMemberships lists the accounts a member belongs to.
func (s *Server) handleMemberMemberships(c *call, id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	if _, ok := s.am.members[id]; !ok {
		return amNotFound("account member", id)
	}
	var rows []row
	for _, ms := range s.am.memberships {
		if ms.memberID == id {
			rows = append(rows, row{id: ms.id, seq: ms.seq, created: ms.createdAt, updated: ms.updatedAt, render: func() map[string]any {
				j := membershipJSON(c, ms, true)
				j["relationships"] = map[string]any{
					"account":        map[string]any{"data": map[string]any{"id": ms.accountID, "type": "account"}},
					"account_member": map[string]any{"data": map[string]any{"id": ms.memberID, "type": "account_member"}},
				}
				return j
			}})
		}
	}
	if c.r.URL.Query().Get("filter") != "" {
		return amError(http.StatusBadRequest, "Could not parse the supplied filter: this list cannot be filtered", "")
	}
	return listResponse(c, rows, listSpec{})
}

// SetMemberDelay sets how long account members take to appear (and to follow
// a UAI update) after a UAI write; 0 makes them appear at once. Events already
// queued keep their time.
func (s *Server) SetMemberDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.am.memberDelay = max(d, 0)
}

// MemberDelay returns the current member delay.
func (s *Server) MemberDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.am.memberDelay
}

// SettleMembers applies every queued member event now, as if the member
// delay had passed (for tests that must not wait).
func (s *Server) SettleMembers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now().Add(100 * 365 * 24 * time.Hour))
}

// PendingMembers is the number of UAI writes not yet reflected in the
// account members.
func (s *Server) PendingMembers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	return len(s.am.pending)
}

// AccountMembers returns the visible account members in the order they
// appeared.
func (s *Server) AccountMembers() []AccountMember {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	return inCreationOrder(s.am.members, func(m *member) int64 { return m.seq }, (*member).snapshot)
}

// AccountMember returns a visible account member.
func (s *Server) AccountMember(id string) (AccountMember, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	m, ok := s.am.members[id]
	if !ok {
		return AccountMember{}, false
	}
	return m.snapshot(), true
}
