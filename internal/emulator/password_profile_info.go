package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// User authentication password profile info (UAPPI): a UAI's username and
// password for one password profile, under
// …/user-authentication-info/{uai}/user-authentication-password-profile-info.
// The password is kept only as a salted hash and never returned.

const minPasswordLen = 8

type uappi struct {
	id, uaiID, profileID, username string
	salt, hash                     []byte
	createdAt, updatedAt           time.Time
	seq                            int64
}

// PasswordProfileInfo is a snapshot of a UAPPI; it holds no password
// material.
type PasswordProfileInfo struct {
	ID                string    `json:"id"`
	UserAuthInfoID    string    `json:"user_authentication_info_id"`
	PasswordProfileID string    `json:"password_profile_id"`
	Username          string    `json:"username"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

func (p *uappi) snapshot() PasswordProfileInfo {
	return PasswordProfileInfo{p.id, p.uaiID, p.profileID, p.username, p.createdAt, p.updatedAt}
}

func (p *uappi) setPassword(password string) {
	p.salt = make([]byte, 16)
	_, _ = rand.Read(p.salt)
	p.hash = hashPassword(p.salt, password)
}

func (p *uappi) passwordMatches(password string) bool {
	return p.hash != nil && subtle.ConstantTimeCompare(hashPassword(p.salt, password), p.hash) == 1
}

// usernameKey indexes usernames per profile. Whether usernames are unique per
// profile, and case-sensitive, is undocumented; login by (profile, username)
// implies uniqueness, and storefronts lower-case usernames because of a
// "known bug" with upper case, so the emulator treats them as unique without
// regard to case.
func usernameKey(profileID, username string) string {
	return profileID + "\x00" + strings.ToLower(username)
}

func uappiJSON(c *call, realmID string, p *uappi) map[string]any {
	return map[string]any{
		"id":                  p.id,
		"type":                "user_authentication_password_profile_info",
		"username":            p.username,
		"password_profile_id": p.profileID,
		"meta":                metaDirect(p.createdAt, p.updatedAt),
		"links":               selfLink(c, uaiPath(realmID, p.uaiID)+"/user-authentication-password-profile-info/"+p.id),
	}
}

type uappiInput struct {
	profileID          string
	username, password *string
}

// parseUAPPIInput reads a POST (all three fields required) or a PUT. For a
// PUT S2 requires type, username, password_profile_id and password while S1
// requires only type and password_profile_id: the emulator requires
// password_profile_id (both specs do) and takes username and password as
// optional, so the stricter body and S1's password-only body both work.
// Invalid values are 422s with a source pointer.
func parseUAPPIInput(body []byte, create bool) (uappiInput, *response) {
	var in uappiInput
	b, errResp := parseAMBody(body, "user_authentication_password_profile_info")
	if errResp != nil {
		return in, errResp
	}
	need := func(key string) *string {
		v := b.str(key)
		if b.badType(key) {
			return nil
		}
		if v == nil || *v == "" {
			if create || key == "password_profile_id" || b.has(key) {
				b.fail(http.StatusUnprocessableEntity, key+" is required", key)
			}
			return nil
		}
		return v
	}
	if v := need("password_profile_id"); v != nil {
		in.profileID = *v
	}
	in.username = need("username")
	in.password = need("password")
	if in.password != nil && utf8.RuneCountInString(*in.password) < minPasswordLen {
		b.fail(http.StatusUnprocessableEntity, fmt.Sprintf("password must be at least %d characters", minPasswordLen), "password")
	}
	return in, b.result()
}

// checkUsernameLocked applies the profile's username_format and uniqueness;
// self is the UAPPI being updated ("" on create).
func (s *Server) checkUsernameLocked(prof *passwordProfile, username, self string) *response {
	if prof.usernameFormat == usernameFormatEmail && !validEmail(username) {
		return amError(http.StatusUnprocessableEntity, "username must be an email address: the password profile's username_format is email", "/data/username")
	}
	if id, taken := s.am.usernames[usernameKey(prof.id, username)]; taken && id != self {
		return amError(http.StatusConflict, "a user with this username already exists for this password profile", "/data/username")
	}
	return nil
}

func (s *Server) handleUAPPIList(c *call, realmID, uaiID string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, errResp := s.uaiLocked(realmID, uaiID); errResp != nil {
		return errResp
	}
	var rows []row
	for _, p := range s.am.uappis {
		if p.uaiID == uaiID {
			rows = append(rows, row{id: p.id, seq: p.seq, created: p.createdAt, updated: p.updatedAt, render: func() map[string]any { return uappiJSON(c, realmID, p) }})
		}
	}
	if c.r.URL.Query().Get("filter") != "" {
		return amError(http.StatusBadRequest, "Could not parse the supplied filter: this list cannot be filtered", "")
	}
	return listResponse(c, rows, listSpec{})
}

func (s *Server) handleUAPPICreate(c *call, realmID, uaiID string) *response {
	in, errResp := parseUAPPIInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, errResp := s.uaiLocked(realmID, uaiID)
	if errResp != nil {
		return errResp
	}
	prof, ok := s.am.profiles[in.profileID]
	if !ok || prof.realmID != realmID {
		return amError(http.StatusUnprocessableEntity, fmt.Sprintf("password profile %s not found in this realm", in.profileID), "/data/password_profile_id")
	}
	for _, p := range s.am.uappis {
		if p.uaiID == uaiID && p.profileID == prof.id {
			return amError(http.StatusConflict, "this user already has password information for this password profile", "/data/password_profile_id")
		}
	}
	if errResp := s.checkUsernameLocked(prof, *in.username, ""); errResp != nil {
		return errResp
	}
	p := s.createUAPPILocked(u, prof.id, *in.username, *in.password)
	return jsonResponse(http.StatusCreated, map[string]any{"data": uappiJSON(c, realmID, p)})
}

func (s *Server) createUAPPILocked(u *uai, profileID, username, password string) *uappi {
	now := nowMillis()
	p := &uappi{id: newUUID(), uaiID: u.id, profileID: profileID, username: username, createdAt: now, updatedAt: now, seq: s.am.next()}
	p.setPassword(password)
	s.am.uappis[p.id] = p
	s.am.usernames[usernameKey(profileID, username)] = p.id
	u.touch()
	return p
}

func (s *Server) uappiLocked(realmID, uaiID, id string) (*uappi, *uai, *response) {
	u, errResp := s.uaiLocked(realmID, uaiID)
	if errResp != nil {
		return nil, nil, errResp
	}
	p, ok := s.am.uappis[id]
	if !ok || p.uaiID != uaiID {
		return nil, nil, amNotFound("user authentication password profile info", id)
	}
	return p, u, nil
}

func (s *Server) handleUAPPIGet(c *call, realmID, uaiID, id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, _, errResp := s.uappiLocked(realmID, uaiID, id)
	if errResp != nil {
		return errResp
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": uappiJSON(c, realmID, p)})
}

func (s *Server) handleUAPPIUpdate(c *call, realmID, uaiID, id string) *response {
	in, errResp := parseUAPPIInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, errResp := s.uappiLocked(realmID, uaiID, id)
	if errResp != nil {
		return errResp
	}
	if in.profileID != p.profileID {
		return amError(http.StatusUnprocessableEntity, "password_profile_id cannot be changed; it must be the profile this information belongs to", "/data/password_profile_id")
	}
	if in.username != nil && *in.username != p.username {
		prof := s.am.profiles[p.profileID]
		if errResp := s.checkUsernameLocked(prof, *in.username, p.id); errResp != nil {
			return errResp
		}
		delete(s.am.usernames, usernameKey(p.profileID, p.username))
		p.username = *in.username
		s.am.usernames[usernameKey(p.profileID, p.username)] = p.id
	}
	if in.password != nil {
		p.setPassword(*in.password)
	}
	p.updatedAt = nextUpdate(p.updatedAt)
	u.touch()
	return jsonResponse(http.StatusOK, map[string]any{"data": uappiJSON(c, realmID, p)})
}

func (s *Server) handleUAPPIDelete(realmID, uaiID, id string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, errResp := s.uappiLocked(realmID, uaiID, id)
	if errResp != nil {
		return errResp
	}
	s.deleteUAPPILocked(p)
	u.touch()
	return noContent()
}

func (s *Server) deleteUAPPILocked(p *uappi) {
	delete(s.am.uappis, p.id)
	if s.am.usernames[usernameKey(p.profileID, p.username)] == p.id {
		delete(s.am.usernames, usernameKey(p.profileID, p.username))
	}
}

// PasswordProfileInfos returns every UAPPI in the order they were created.
func (s *Server) PasswordProfileInfos() []PasswordProfileInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return inCreationOrder(s.am.uappis, func(p *uappi) int64 { return p.seq }, (*uappi).snapshot)
}

// CreatePasswordProfileInfo gives a UAI a username and password for a
// profile directly, as if set outside Terraform, with the API's rules.
func (s *Server) CreatePasswordProfileInfo(uaiID, profileID, username, password string) (PasswordProfileInfo, error) {
	if username == "" || utf8.RuneCountInString(password) < minPasswordLen {
		return PasswordProfileInfo{}, ErrInvalidInput
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.am.uais[uaiID]
	prof, ok2 := s.am.profiles[profileID]
	if !ok || !ok2 || prof.realmID != u.realmID {
		return PasswordProfileInfo{}, ErrObjectNotFound
	}
	if prof.usernameFormat == usernameFormatEmail && !validEmail(username) {
		return PasswordProfileInfo{}, ErrInvalidInput
	}
	if _, taken := s.am.usernames[usernameKey(profileID, username)]; taken {
		return PasswordProfileInfo{}, ErrConflict
	}
	return s.createUAPPILocked(u, profileID, username, password).snapshot(), nil
}

// CheckMemberPassword reports whether username (compared without regard to
// case) has exactly that password under the profile.
func (s *Server) CheckMemberPassword(profileID, username, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.findUAPPIByPasswordLocked(profileID, username, password) != nil
}

func (s *Server) findUAPPIByPasswordLocked(profileID, username, password string) *uappi {
	id, ok := s.am.usernames[usernameKey(profileID, username)]
	if !ok {
		return nil
	}
	p := s.am.uappis[id]
	if !p.passwordMatches(password) {
		return nil
	}
	return p
}
