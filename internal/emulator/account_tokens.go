package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sort"
	"time"
)

// Account member tokens: POST /v2/account-members/tokens logs a member in
// and answers with one token per account the member belongs to.

type memberToken struct {
	memberID, accountID string
	expires             time.Time
}

// MemberToken describes a live account member token.
type MemberToken struct {
	AccountMemberID string    `json:"account_member_id"`
	AccountID       string    `json:"account_id"`
	Expires         time.Time `json:"expires"`
}

// memberTokenHeader carries a member token to the API, beside the store's
// own Authorization.
const memberTokenHeader = "EP-Account-Management-Authentication-Token"

const (
	mechanismPassword = "password"
	mechanismSwitch   = "account_management_authentication_token"
)

// The other mechanisms the API documents, which are not emulated.
var otherMechanisms = map[string]bool{"oidc": true, "passwordless": true, "self_signup": true}

// authorizeMemberToken lets a storefront's token (implicit) read an account
// when it sends a live member token for that account.
func (s *Server) authorizeMemberToken(r *http.Request, accountID string) *response {
	tok := r.Header.Get(memberTokenHeader)
	if tok == "" {
		return forbidden("this token cannot manage Account Management objects; use a client_credentials token, or send an " + memberTokenHeader + " header")
	}
	s.mu.Lock()
	t, ok := s.am.memberTokens[tok]
	s.mu.Unlock()
	if !ok || !time.Now().Before(t.expires) {
		return amError(http.StatusUnauthorized, "the "+memberTokenHeader+" is not valid or has expired", "")
	}
	if t.accountID != accountID {
		return amError(http.StatusForbidden, "the "+memberTokenHeader+" is for another account", "")
	}
	return nil
}

// handleMemberToken answers a wrong password, an unknown username and an
// unknown profile alike with a 401 that names none of them (S1 lists only
// 401). A member with no memberships gets a 201 with an empty data array:
// the response is one token per membership, and the documentation gives no
// other answer for none.
func (s *Server) handleMemberToken(c *call) *response {
	b, errResp := parseAMBody(c.body, "account_management_authentication_token")
	if errResp != nil {
		return errResp
	}
	mech := b.required("authentication_mechanism")
	switch {
	case mech == "" || mech == mechanismPassword || mech == mechanismSwitch:
	case otherMechanisms[mech]:
		b.fail(http.StatusUnprocessableEntity, "the emulator supports only the password and account_management_authentication_token mechanisms", "authentication_mechanism")
	default:
		b.fail(http.StatusBadRequest, `authentication_mechanism must be one of "password", "oidc", "passwordless", "self_signup" or "account_management_authentication_token"`, "authentication_mechanism")
	}
	var profileID, username, password string
	if mech != mechanismSwitch {
		profileID = b.required("password_profile_id")
		username = b.required("username")
		password = b.required("password")
	}
	if errResp := b.result(); errResp != nil {
		return errResp
	}
	limit, offset, errResp := pageParams(c)
	if errResp != nil {
		return errResp
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked(time.Now())
	var memberID string
	if mech == mechanismSwitch {
		// Switching account or refreshing: the current token is the proof.
		t, ok := s.am.memberTokens[c.r.Header.Get(memberTokenHeader)]
		if !ok || !time.Now().Before(t.expires) {
			return amError(http.StatusUnauthorized, "a live account management authentication token is required in the "+memberTokenHeader+" header", "")
		}
		memberID = t.memberID
	} else {
		p := s.findUAPPIByPasswordLocked(profileID, username, password)
		if p == nil || s.am.profiles[p.profileID].realmID != s.am.accountRealmID {
			return amError(http.StatusUnauthorized, "invalid username or password", "")
		}
		memberID = p.uaiID
	}
	var list []*membership
	for _, ms := range s.am.memberships {
		if ms.memberID == memberID {
			list = append(list, ms)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	now := time.Now()
	expires := now.Add(time.Duration(s.am.settings.tokenTimeoutSecs) * time.Second).UTC().Truncate(time.Second)
	data := []map[string]any{}
	for i := offset; i < len(list) && i < offset+limit; i++ {
		ms := list[i]
		tok := s.signMemberTokenLocked(memberID, ms.accountID, now, expires)
		s.am.memberTokens[tok] = memberToken{memberID: memberID, accountID: ms.accountID, expires: expires}
		s.am.issuedMemberTokens = append(s.am.issuedMemberTokens, tok)
		data = append(data, map[string]any{
			"type":         "account_management_authentication_token",
			"account_id":   ms.accountID,
			"account_name": s.am.accounts[ms.accountID].name,
			"token":        tok,
			"expires":      expires.Format(time.RFC3339),
		})
	}
	total := len(list)
	return jsonResponse(http.StatusCreated, map[string]any{
		"data":  data,
		"links": pageLinks(c.r, limit, offset, total),
		"meta": map[string]any{
			"page":              map[string]int{"limit": limit, "offset": offset, "current": offset/limit + 1, "total": (total + limit - 1) / limit},
			"results":           map[string]int{"total": total},
			"account_member_id": memberID,
		},
	})
}

// signMemberTokenLocked makes a JWT (HS256 with a key of this server) as the
// real service's tokens are JWTs; clients must treat it as opaque.
func (s *Server) signMemberTokenLocked(memberID, accountID string, now, expires time.Time) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc.EncodeToString(marshal(map[string]any{
		"sub": memberID, "account_id": accountID, "iat": now.Unix(), "exp": expires.Unix(), "jti": newUUID(),
	}))
	mac := hmac.New(sha256.New, s.am.tokenKey)
	mac.Write([]byte(header + "." + payload))
	return header + "." + payload + "." + enc.EncodeToString(mac.Sum(nil))
}

// AccountMemberToken reports what a live member token grants; ok is false
// for an unknown, expired or revoked one (its member, account or membership
// deleted).
func (s *Server) AccountMemberToken(token string) (MemberToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.am.memberTokens[token]
	if !ok || !time.Now().Before(t.expires) {
		return MemberToken{}, false
	}
	return MemberToken{AccountMemberID: t.memberID, AccountID: t.accountID, Expires: t.expires}, true
}
