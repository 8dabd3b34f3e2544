package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Password profiles: /v2/authentication-realms/{realm}/password-profiles.

const (
	usernameFormatAny   = "any"
	usernameFormatEmail = "email"
)

type passwordProfile struct {
	id, realmID, name    string
	usernameFormat       string
	otp                  bool
	createdAt, updatedAt time.Time
	seq                  int64
}

// PasswordProfile is a snapshot of a password profile.
type PasswordProfile struct {
	ID                         string    `json:"id"`
	RealmID                    string    `json:"realm_id"`
	Name                       string    `json:"name"`
	UsernameFormat             string    `json:"username_format"`
	EnableOneTimePasswordToken bool      `json:"enable_one_time_password_token"`
	CreatedAt                  time.Time `json:"created_at"`
	UpdatedAt                  time.Time `json:"updated_at"`
}

func (p *passwordProfile) snapshot() PasswordProfile {
	return PasswordProfile{p.id, p.realmID, p.name, p.usernameFormat, p.otp, p.createdAt, p.updatedAt}
}

func profilePath(realmID, id string) string {
	return "/v2/authentication-realms/" + realmID + "/password-profiles/" + id
}

func profileJSON(c *call, p *passwordProfile) map[string]any {
	return map[string]any{
		"id":                             p.id,
		"type":                           "password_profile",
		"name":                           p.name,
		"username_format":                p.usernameFormat,
		"enable_one_time_password_token": p.otp,
		"meta":                           metaDirect(p.createdAt, p.updatedAt),
		"links":                          selfLink(c, profilePath(p.realmID, p.id)),
	}
}

type profileInput struct {
	name, format *string
	otp          *bool
}

// parseProfileInput reads a POST (name required) or a partial PUT. S1 calls
// username_format required yet defaulted to "any"; S2 makes it optional, as
// the emulator does.
func parseProfileInput(body []byte, create bool) (profileInput, *response) {
	var in profileInput
	b, errResp := parseAMBody(body, "password_profile")
	if errResp != nil {
		return in, errResp
	}
	if create || b.has("name") {
		if v := b.required("name"); v != "" {
			in.name = &v
		}
	}
	if f := b.str("username_format"); f != nil || (b.has("username_format") && !b.badType("username_format")) {
		if f == nil || (*f != usernameFormatAny && *f != usernameFormatEmail) {
			b.fail(http.StatusUnprocessableEntity, `username_format must be "any" or "email"`, "username_format")
		} else {
			in.format = f
		}
	}
	in.otp = b.boolean("enable_one_time_password_token")
	return in, b.result()
}

func (s *Server) handleProfileList(c *call, realmID string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.am.realms[realmID]; !ok {
		return amNotFound("authentication realm", realmID)
	}
	var rows []row
	for _, p := range s.am.profiles {
		if p.realmID == realmID {
			name := p.name
			rows = append(rows, row{id: p.id, seq: p.seq, created: p.createdAt, updated: p.updatedAt,
				fields: map[string]*string{"name": &name}, render: func() map[string]any { return profileJSON(c, p) }})
		}
	}
	// The list has paging but no documented filters.
	if c.r.URL.Query().Get("filter") != "" {
		return amError(http.StatusBadRequest, "Could not parse the supplied filter: password profiles cannot be filtered", "")
	}
	return listResponse(c, rows, listSpec{sorts: opSet("name")})
}

func (s *Server) handleProfileCreate(c *call, realmID string) *response {
	in, errResp := parseProfileInput(c.body, true)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.am.realms[realmID]; !ok {
		return amNotFound("authentication realm", realmID)
	}
	now := nowMillis()
	p := &passwordProfile{id: newUUID(), realmID: realmID, name: *in.name, usernameFormat: usernameFormatAny,
		createdAt: now, updatedAt: now, seq: s.am.next()}
	if in.format != nil {
		p.usernameFormat = *in.format
	}
	if in.otp != nil {
		p.otp = *in.otp
	}
	s.am.profiles[p.id] = p
	return jsonResponse(http.StatusCreated, map[string]any{"data": profileJSON(c, p)})
}

// profileLocked finds a profile of a realm, or the 404 to answer.
func (s *Server) profileLocked(realmID, id string) (*passwordProfile, *response) {
	return childLocked(s.am.realms, "authentication realm", realmID, s.am.profiles, "password profile", id,
		func(p *passwordProfile) string { return p.realmID })
}

func (s *Server) handleProfileGet(c *call, realmID, id string) *response {
	return getOne(s, c, func() (*passwordProfile, *response) { return s.profileLocked(realmID, id) }, profileJSON)
}

// handleProfileUpdate is a partial PUT. A new username_format applies only to
// usernames set from now on, as documented.
func (s *Server) handleProfileUpdate(c *call, realmID, id string) *response {
	in, errResp := parseProfileInput(c.body, false)
	if errResp != nil {
		return errResp
	}
	return putOne(s, c, func() (*passwordProfile, *response) { return s.profileLocked(realmID, id) }, func(p *passwordProfile) *response {
		if in.name != nil {
			p.name = *in.name
		}
		if in.format != nil {
			p.usernameFormat = *in.format
		}
		if in.otp != nil {
			p.otp = *in.otp
		}
		p.updatedAt = nextUpdate(p.updatedAt)
		return nil
	}, profileJSON)
}

// handleProfileDelete also deletes every password info tied to the profile.
func (s *Server) handleProfileDelete(realmID, id string) *response {
	return deleteOne(s, func() (*passwordProfile, *response) { return s.profileLocked(realmID, id) }, func(p *passwordProfile) *response {
		s.deleteProfileLocked(p.id)
		return nil
	})
}

func (s *Server) deleteProfileLocked(id string) {
	for _, pi := range s.am.uappis {
		if pi.profileID == id {
			s.deleteUAPPILocked(pi)
		}
	}
	delete(s.am.profiles, id)
}

// PasswordProfiles returns every password profile of every realm in the order
// they were created.
func (s *Server) PasswordProfiles() []PasswordProfile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return inCreationOrder(s.am.profiles, func(p *passwordProfile) int64 { return p.seq }, (*passwordProfile).snapshot)
}

// CreatePasswordProfile adds a profile to a realm directly, as if made in
// Commerce Manager; format "" means "any".
func (s *Server) CreatePasswordProfile(realmID, name, format string, otp bool) (PasswordProfile, error) {
	if format == "" {
		format = usernameFormatAny
	}
	if strings.TrimSpace(name) == "" || (format != usernameFormatAny && format != usernameFormatEmail) {
		return PasswordProfile{}, ErrInvalidInput
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.am.realms[realmID]; !ok {
		return PasswordProfile{}, ErrObjectNotFound
	}
	now := nowMillis()
	p := &passwordProfile{id: newUUID(), realmID: realmID, name: name, usernameFormat: format, otp: otp,
		createdAt: now, updatedAt: now, seq: s.am.next()}
	s.am.profiles[p.id] = p
	return p.snapshot(), nil
}

// DeletePasswordProfile removes a profile and its password infos; it reports
// whether one existed.
func (s *Server) DeletePasswordProfile(id string) bool {
	return withObject(s, s.am.profiles, id, func(*passwordProfile) { s.deleteProfileLocked(id) })
}
