package emulator

import (
	"fmt"
	"net/http"
	"time"
)

// Account memberships: /v2/accounts/{account}/account-memberships.

// MaxMembershipsPerAccount is the documented limit of memberships per account.
const MaxMembershipsPerAccount = 1000

type membership struct {
	id, accountID, memberID string
	createdAt, updatedAt    time.Time
	seq                     int64
}

// AccountMembership is a snapshot of a membership.
type AccountMembership struct {
	ID              string    `json:"id"`
	AccountID       string    `json:"account_id"`
	AccountMemberID string    `json:"account_member_id"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func (m *membership) snapshot() AccountMembership {
	return AccountMembership{m.id, m.accountID, m.memberID, m.createdAt, m.updatedAt}
}

// membershipJSON: the member is in relationships; only list items (S2) also
// carry account_member_id as an attribute.
func membershipJSON(c *call, m *membership, listItem bool) map[string]any {
	j := map[string]any{
		"id":   m.id,
		"type": "account_membership",
		"relationships": map[string]any{"account_member": map[string]any{"data": map[string]any{
			"id": m.memberID, "type": "account_member",
		}}},
		"meta":  metaTimestamps(m.createdAt, m.updatedAt),
		"links": selfLink(c, "/v2/accounts/"+m.accountID+"/account-memberships/"+m.id),
	}
	if listItem {
		j["account_member_id"] = m.memberID
	}
	return j
}

func membershipConflict(memberID string) *response {
	return amError(http.StatusConflict, fmt.Sprintf("account membership for account member %s already exists", memberID), "/data/account_member_id")
}

var membershipListSpec = listSpec{ops: map[string]map[string]bool{"account_member_id": opSet("eq", "like")}}

func (s *Server) handleMembershipList(c *call, accountID string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	if _, ok := s.am.accounts[accountID]; !ok {
		return amNotFound("account", accountID)
	}
	include := c.r.URL.Query().Get("include")
	if include != "" && include != "account_member" {
		return amError(http.StatusBadRequest, "include must be account_member", "")
	}
	var rows []row
	var onPage []string // the members of the listed page, for include
	for _, ms := range s.am.memberships {
		if ms.accountID != accountID {
			continue
		}
		mid := ms.memberID
		rows = append(rows, row{id: ms.id, seq: ms.seq, created: ms.createdAt, updated: ms.updatedAt,
			fields: map[string]*string{"account_member_id": &mid}, render: func() map[string]any {
				onPage = append(onPage, ms.memberID)
				return membershipJSON(c, ms, true)
			}})
	}
	resp := listResponse(c, rows, membershipListSpec)
	if include == "" || resp.status != http.StatusOK {
		return resp
	}
	included := []map[string]any{}
	for _, id := range onPage {
		if m, ok := s.am.members[id]; ok {
			included = append(included, memberJSON(c, m))
		}
	}
	return withIncluded(resp, map[string]any{"account_members": included})
}

// parseMembershipInput reads the member of a POST (required) or of a PUT
// (nil when not sent).
func parseMembershipInput(body []byte, create bool) (*string, *response) {
	b, errResp := parseAMBody(body, "account_membership")
	if errResp != nil {
		return nil, errResp
	}
	if !create {
		return b.str("account_member_id"), b.result()
	}
	memberID := b.required("account_member_id")
	return &memberID, b.result()
}

func (s *Server) handleMembershipCreate(c *call, accountID string) *response {
	in, errResp := parseMembershipInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	memberID := *in
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	if _, ok := s.am.accounts[accountID]; !ok {
		return amNotFound("account", accountID)
	}
	// A member is built from its UAI's events a moment after the UAI is
	// written: until then it does not exist here, and a client must retry.
	if _, ok := s.am.members[memberID]; !ok {
		return amError(http.StatusNotFound, fmt.Sprintf("account member %s not found", memberID), "/data/account_member_id")
	}
	n, joined := 0, int64(0)
	for _, ms := range s.am.memberships {
		if ms.memberID == memberID {
			joined++
		}
		if ms.accountID != accountID {
			continue
		}
		if ms.memberID == memberID {
			return membershipConflict(memberID)
		}
		n++
	}
	// The error for exceeding the limit is undocumented; a 422 says the
	// request is well formed but cannot be carried out.
	if n >= MaxMembershipsPerAccount {
		return amError(http.StatusUnprocessableEntity, fmt.Sprintf("account %s already has the maximum of %d account memberships", accountID, MaxMembershipsPerAccount), "")
	}
	if joined >= s.am.membershipLimit {
		return amError(http.StatusUnprocessableEntity, fmt.Sprintf("account member %s already belongs to the maximum of %d accounts (membership_limit)", memberID, s.am.membershipLimit), "/data/account_member_id")
	}
	ms := s.createMembershipLocked(accountID, memberID)
	return jsonResponse(http.StatusCreated, map[string]any{"data": membershipJSON(c, ms, false)})
}

func (s *Server) createMembershipLocked(accountID, memberID string) *membership {
	now := nowMillis()
	ms := &membership{id: newUUID(), accountID: accountID, memberID: memberID, createdAt: now, updatedAt: now, seq: s.am.next()}
	s.am.memberships[ms.id] = ms
	return ms
}

// membershipLocked applies the member events that are due and finds a
// membership of the account, or the 404 to answer.
func (s *Server) membershipLocked(accountID, id string) (*membership, *response) {
	s.settleLocked(time.Now())
	return childLocked(s.am.accounts, "account", accountID, s.am.memberships, "account membership", id,
		func(ms *membership) string { return ms.accountID })
}

// singleMembershipJSON is a membership as a get or a write shows it.
func singleMembershipJSON(c *call, ms *membership) map[string]any {
	return membershipJSON(c, ms, false)
}

func (s *Server) handleMembershipGet(c *call, accountID, id string) *response {
	return getOne(s, c, func() (*membership, *response) { return s.membershipLocked(accountID, id) }, singleMembershipJSON)
}

// handleMembershipUpdate exists in the API only to carry core-flow data; the
// member cannot change.
func (s *Server) handleMembershipUpdate(c *call, accountID, id string) *response {
	memberID, errResp := parseMembershipInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	return putOne(s, c, func() (*membership, *response) { return s.membershipLocked(accountID, id) }, func(ms *membership) *response {
		if memberID != nil && *memberID != ms.memberID {
			return amError(http.StatusBadRequest, "account_member_id cannot be changed", "/data/account_member_id")
		}
		ms.updatedAt = nextUpdate(ms.updatedAt)
		return nil
	}, singleMembershipJSON)
}

func (s *Server) handleMembershipDelete(accountID, id string) *response {
	return deleteOne(s, func() (*membership, *response) { return s.membershipLocked(accountID, id) }, func(ms *membership) *response {
		s.deleteMembershipLocked(ms)
		return nil
	})
}

func (s *Server) deleteMembershipLocked(ms *membership) {
	delete(s.am.memberships, ms.id)
	for tok, t := range s.am.memberTokens {
		if t.accountID == ms.accountID && t.memberID == ms.memberID {
			delete(s.am.memberTokens, tok)
		}
	}
}

// AccountMemberships returns every membership in the order they were
// created.
func (s *Server) AccountMemberships() []AccountMembership {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	return inCreationOrder(s.am.memberships, func(ms *membership) int64 { return ms.seq }, (*membership).snapshot)
}

// CreateAccountMembership adds a membership directly (as if made outside
// Terraform), with the API's rules: ErrObjectNotFound for an unknown account
// or a member not visible yet, ErrConflict for a duplicate.
func (s *Server) CreateAccountMembership(accountID, memberID string) (AccountMembership, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	_, okA := s.am.accounts[accountID]
	_, okM := s.am.members[memberID]
	if !okA || !okM {
		return AccountMembership{}, ErrObjectNotFound
	}
	for _, ms := range s.am.memberships {
		if ms.accountID == accountID && ms.memberID == memberID {
			return AccountMembership{}, ErrConflict
		}
	}
	return s.createMembershipLocked(accountID, memberID).snapshot(), nil
}

// DeleteAccountMembership removes a membership; it reports whether one
// existed.
func (s *Server) DeleteAccountMembership(id string) bool {
	return withObject(s, s.am.memberships, id, s.deleteMembershipLocked)
}

// MaxMembershipLimit is the maximum (and default) number of accounts one
// member may join (/v2/settings/account-membership).
const MaxMembershipLimit = 10000

func (s *Server) membershipSettingsResponse(c *call) *response {
	return jsonResponse(http.StatusOK, map[string]any{"data": map[string]any{
		"id":               s.am.membershipSetting,
		"type":             "account_membership_setting",
		"membership_limit": s.am.membershipLimit,
		"links":            selfLink(c, "/v2/settings/account-membership"),
	}})
}

// handleMembershipSettingsUpdate sets membership_limit (1 to 10,000); a lower
// limit affects only new memberships.
func (s *Server) handleMembershipSettingsUpdate(c *call) *response {
	b, errResp := parseAMBody(c.body, "account_membership_setting")
	if errResp != nil {
		return errResp
	}
	limit := b.integerIn("membership_limit", 1, MaxMembershipLimit, fmt.Sprintf("between 1 and %d", MaxMembershipLimit))
	if errResp := b.result(); errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if limit != nil {
		s.am.membershipLimit = *limit
	}
	return s.membershipSettingsResponse(c)
}

// handleUnassignedMembers lists the account members who are not members of
// the account.
func (s *Server) handleUnassignedMembers(c *call, accountID string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	if _, ok := s.am.accounts[accountID]; !ok {
		return amNotFound("account", accountID)
	}
	assigned := map[string]bool{}
	for _, ms := range s.am.memberships {
		if ms.accountID == accountID {
			assigned[ms.memberID] = true
		}
	}
	var rows []row
	for _, m := range s.am.members {
		if !assigned[m.id] {
			rows = append(rows, s.memberRow(c, m))
		}
	}
	return listResponse(c, rows, memberListSpec)
}
