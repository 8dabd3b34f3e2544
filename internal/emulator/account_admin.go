package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// Account Management test hooks: counts, a whole-store snapshot for orphan
// checks, and their admin routes (/__emulator/accounts,
// /__emulator/member-delay, /__emulator/kind-faults).

// AccountCounts counts the Account Management objects in the store.
type AccountCounts struct {
	PasswordProfiles        int `json:"password_profiles"`
	UserAuthenticationInfos int `json:"user_authentication_infos"`
	PasswordProfileInfos    int `json:"password_profile_infos"`
	AccountMembers          int `json:"account_members"`       // visible now
	PendingMembers          int `json:"pending_member_events"` // UAI writes not yet reflected in the members
	Accounts                int `json:"accounts"`              // every account, sub-accounts included
	AccountMemberships      int `json:"account_memberships"`   // every membership of every account
	MemberTokens            int `json:"account_member_tokens"` // live or expired, not revoked
}

// AccountCounts returns the counts of Account Management objects.
func (s *Server) AccountCounts() AccountCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	return AccountCounts{
		PasswordProfiles:        len(s.am.profiles),
		UserAuthenticationInfos: len(s.am.uais),
		PasswordProfileInfos:    len(s.am.uappis),
		AccountMembers:          len(s.am.members),
		PendingMembers:          len(s.am.pending),
		Accounts:                len(s.am.accounts),
		AccountMemberships:      len(s.am.memberships),
		MemberTokens:            len(s.am.memberTokens),
	}
}

// AccountStore is everything the Account Management store holds (never a
// password or a token), for orphan checks and debugging.
type AccountStore struct {
	Settings                AccountSettings          `json:"settings"`
	Realms                  []Realm                  `json:"realms"`
	PasswordProfiles        []PasswordProfile        `json:"password_profiles"`
	UserAuthenticationInfos []UserAuthenticationInfo `json:"user_authentication_infos"`
	PasswordProfileInfos    []PasswordProfileInfo    `json:"password_profile_infos"`
	AccountMembers          []AccountMember          `json:"account_members"`
	PendingMembers          int                      `json:"pending_member_events"`
	Accounts                []Account                `json:"accounts"`
	AccountMemberships      []AccountMembership      `json:"account_memberships"`
}

// AccountStore returns a snapshot of the Account Management store. The parts
// are read one after another: take it when no request is in flight.
func (s *Server) AccountStore() AccountStore {
	return AccountStore{
		Settings:                s.AccountSettings(),
		Realms:                  s.Realms(),
		PasswordProfiles:        s.PasswordProfiles(),
		UserAuthenticationInfos: s.UserAuthenticationInfos(),
		PasswordProfileInfos:    s.PasswordProfileInfos(),
		AccountMembers:          s.AccountMembers(),
		PendingMembers:          s.PendingMembers(),
		Accounts:                s.Accounts(),
		AccountMemberships:      s.AccountMemberships(),
	}
}

// kindFaultJSON is KindFault on the admin route, with Delay as a Go duration
// string ("200ms").
type kindFaultJSON struct {
	Status int    `json:"status"`
	Drop   bool   `json:"drop"`
	Delay  string `json:"delay"`
	Times  int    `json:"times"`
}

// serveAccountAdmin serves the Account Management admin routes; it reports
// whether path was one of them.
func (s *Server) serveAccountAdmin(w http.ResponseWriter, r *http.Request, reply adminReply) bool {
	readBody := func(v any) bool {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err == nil {
			err = json.Unmarshal(b, v)
		}
		if err != nil {
			reply.fail(http.StatusBadRequest, "invalid JSON body")
			return false
		}
		return true
	}
	switch r.URL.Path {
	case "/__emulator/accounts":
		if r.Method != http.MethodGet {
			reply.notAllowed(http.MethodGet)
			return true
		}
		reply.write(http.StatusOK, map[string]any{"counts": s.AccountCounts(), "store": s.AccountStore()})
	case "/__emulator/member-delay":
		switch r.Method {
		case http.MethodGet:
		case http.MethodPut:
			var in struct {
				Delay string `json:"delay"`
			}
			if !readBody(&in) {
				return true
			}
			d, err := time.ParseDuration(in.Delay)
			if err != nil || d < 0 {
				reply.fail(http.StatusBadRequest, `delay must be a non-negative Go duration such as "300ms"`)
				return true
			}
			s.SetMemberDelay(d)
		default:
			reply.notAllowed(http.MethodGet, http.MethodPut)
			return true
		}
		reply.write(http.StatusOK, map[string]string{"delay": s.MemberDelay().String()})
	case "/__emulator/kind-faults":
		switch r.Method {
		case http.MethodPut:
			var in map[string]kindFaultJSON
			if !readBody(&in) {
				return true
			}
			faults := map[string]KindFault{}
			for kind, f := range in {
				var d time.Duration
				if f.Delay != "" {
					var err error
					if d, err = time.ParseDuration(f.Delay); err != nil || d < 0 {
						reply.fail(http.StatusBadRequest, kind+": delay must be a non-negative Go duration")
						return true
					}
				}
				if f.Status != 0 && (f.Status < 400 || f.Status > 599) || f.Times < 0 {
					reply.fail(http.StatusBadRequest, kind+": status must be 400-599 and times not negative")
					return true
				}
				faults[kind] = KindFault{Status: f.Status, Drop: f.Drop, Delay: d, Times: f.Times}
			}
			s.ClearKindFaults()
			for kind, f := range faults {
				s.SetKindFault(kind, f)
			}
			w.WriteHeader(http.StatusNoContent)
		case http.MethodDelete:
			s.ClearKindFaults()
			w.WriteHeader(http.StatusNoContent)
		default:
			reply.notAllowed(http.MethodPut, http.MethodDelete)
		}
	default:
		return false
	}
	return true
}
