package emulator

import (
	"net/http"
	"time"
)

// User authentication info (UAI):
// /v2/authentication-realms/{realm}/user-authentication-info. A UAI in the
// account realm is an account member (same id): see account_members.go.

type uai struct {
	id, realmID, name, email string
	given, middle, family    *string
	createdAt, updatedAt     time.Time
	seq                      int64
}

// UserAuthenticationInfo is a snapshot of a UAI.
type UserAuthenticationInfo struct {
	ID         string    `json:"id"`
	RealmID    string    `json:"realm_id"`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	GivenName  *string   `json:"given_name"`
	MiddleName *string   `json:"middle_name"`
	FamilyName *string   `json:"family_name"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func (u *uai) snapshot() UserAuthenticationInfo {
	return UserAuthenticationInfo{u.id, u.realmID, u.name, u.email, cloneString(u.given), cloneString(u.middle), cloneString(u.family), u.createdAt, u.updatedAt}
}

// touch bumps updated_at; password info changes bump it too.
func (u *uai) touch() { u.updatedAt = nextUpdate(u.updatedAt) }

func uaiPath(realmID, id string) string {
	return "/v2/authentication-realms/" + realmID + "/user-authentication-info/" + id
}

func uaiJSON(c *call, u *uai) map[string]any {
	meta := metaDirect(u.createdAt, u.updatedAt)
	// The emulator writes a UAI at once; the real service may say IN_PROGRESS.
	meta["creation_status"] = "COMPLETE"
	return map[string]any{
		"id":          u.id,
		"type":        "user_authentication_info",
		"name":        u.name,
		"email":       u.email,
		"given_name":  optString(u.given),
		"middle_name": optString(u.middle),
		"family_name": optString(u.family),
		"meta":        meta,
		"links":       selfLink(c, uaiPath(u.realmID, u.id)),
	}
}

var namePartKeys = []string{"given_name", "middle_name", "family_name"}

type uaiInput struct {
	name, email string
	parts       map[string]*string // name parts sent (nil value = null)
}

// parseUAIInput reads a POST or PUT: both require name and email (S1 and S2
// agree); the S2 name parts are optional and nullable.
func parseUAIInput(body []byte) (uaiInput, *response) {
	in := uaiInput{parts: map[string]*string{}}
	b, errResp := parseAMBody(body, "user_authentication_info")
	if errResp != nil {
		return in, errResp
	}
	in.name = b.required("name")
	in.email = b.required("email")
	if in.email != "" && !validEmail(in.email) {
		b.fail(http.StatusUnprocessableEntity, "email must be a valid email address", "email")
	}
	for _, k := range namePartKeys {
		if v := b.str(k); b.has(k) && !b.badType(k) {
			in.parts[k] = v
		}
	}
	return in, b.result()
}

func (u *uai) setParts(parts map[string]*string) {
	for k, v := range parts {
		switch k {
		case "given_name":
			u.given = cloneString(v)
		case "middle_name":
			u.middle = cloneString(v)
		case "family_name":
			u.family = cloneString(v)
		}
	}
}

// uaiListSpec is the union of S1 (eq/like on name and email) and S2 (eq/ilike
// on them, comparisons on the timestamps, eq/ilike on the name parts).
var uaiListSpec = listSpec{
	ops: map[string]map[string]bool{
		"name": opSet("eq", "like", "ilike"), "email": opSet("eq", "like", "ilike"),
		"given_name": opSet("eq", "ilike"), "middle_name": opSet("eq", "ilike"), "family_name": opSet("eq", "ilike"),
		"created_at": timeOps, "updated_at": timeOps,
	},
	caseless: opSet("email"),
}

func (u *uai) row(c *call) row {
	name, email := u.name, u.email
	return row{id: u.id, seq: u.seq, created: u.createdAt, updated: u.updatedAt,
		fields: map[string]*string{"name": &name, "email": &email, "given_name": cloneString(u.given),
			"middle_name": cloneString(u.middle), "family_name": cloneString(u.family)},
		render: func() map[string]any { return uaiJSON(c, u) }}
}

func (s *Server) handleUAIList(c *call, realmID string) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.am.realms[realmID]; !ok {
		return amNotFound("authentication realm", realmID)
	}
	var rows []row
	for _, u := range s.am.uais {
		if u.realmID == realmID {
			rows = append(rows, u.row(c))
		}
	}
	return listResponse(c, rows, uaiListSpec)
}

func (s *Server) handleUAICreate(c *call, realmID string) *response {
	in, errResp := parseUAIInput(c.body)
	if errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.am.realms[realmID]; !ok {
		return amNotFound("authentication realm", realmID)
	}
	// Whether an email must be unique within a realm is undocumented
	// (duplicate_email_policy covers SSO sign-in only): duplicates are taken.
	u := s.createUAILocked(realmID, in.name, in.email)
	u.setParts(in.parts)
	s.uaiChangedLocked(u, true)
	return jsonResponse(http.StatusCreated, map[string]any{"data": uaiJSON(c, u)})
}

func (s *Server) createUAILocked(realmID, name, email string) *uai {
	now := nowMillis()
	u := &uai{id: newUUID(), realmID: realmID, name: name, email: email, createdAt: now, updatedAt: now, seq: s.am.next()}
	s.am.uais[u.id] = u
	return u
}

func (s *Server) uaiLocked(realmID, id string) (*uai, *response) {
	return childLocked(s.am.realms, "authentication realm", realmID, s.am.uais, "user authentication info", id,
		func(u *uai) string { return u.realmID })
}

func (s *Server) handleUAIGet(c *call, realmID, id string) *response {
	return getOne(s, c, func() (*uai, *response) { return s.uaiLocked(realmID, id) }, uaiJSON)
}

func (s *Server) handleUAIUpdate(c *call, realmID, id string) *response {
	in, errResp := parseUAIInput(c.body)
	if errResp != nil {
		return errResp
	}
	return putOne(s, c, func() (*uai, *response) { return s.uaiLocked(realmID, id) }, func(u *uai) *response {
		u.name, u.email = in.name, in.email
		u.setParts(in.parts)
		u.touch()
		s.uaiChangedLocked(u, false)
		return nil
	}, uaiJSON)
}

// handleUAIDelete deletes the UAI with its password infos and, in the
// account realm, its account member and the member's memberships.
func (s *Server) handleUAIDelete(realmID, id string) *response {
	return deleteOne(s, func() (*uai, *response) { return s.uaiLocked(realmID, id) }, func(u *uai) *response {
		s.deleteUAILocked(u)
		return nil
	})
}

func (s *Server) deleteUAILocked(u *uai) {
	for _, pi := range s.am.uappis {
		if pi.uaiID == u.id {
			s.deleteUAPPILocked(pi)
		}
	}
	delete(s.am.uais, u.id)
	if u.realmID == s.am.accountRealmID {
		s.deleteMemberLocked(u.id)
	}
}

// UserAuthenticationInfos returns every UAI of every realm in the order they
// were created.
func (s *Server) UserAuthenticationInfos() []UserAuthenticationInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return inCreationOrder(s.am.uais, func(u *uai) int64 { return u.seq }, (*uai).snapshot)
}

// CreateUserAuthenticationInfo adds a UAI directly, as if made outside
// Terraform; in the account realm its member appears after the member delay.
func (s *Server) CreateUserAuthenticationInfo(realmID, name, email string) (UserAuthenticationInfo, error) {
	if !validName(name) || !validEmail(email) {
		return UserAuthenticationInfo{}, ErrInvalidInput
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.am.realms[realmID]; !ok {
		return UserAuthenticationInfo{}, ErrObjectNotFound
	}
	u := s.createUAILocked(realmID, name, email)
	s.uaiChangedLocked(u, true)
	return u.snapshot(), nil
}

// UpdateUserAuthenticationInfo changes a UAI's name and email directly (as if
// changed outside Terraform); its member follows after the member delay.
func (s *Server) UpdateUserAuthenticationInfo(id, name, email string) error {
	if !validName(name) || !validEmail(email) {
		return ErrInvalidInput
	}
	if !withObject(s, s.am.uais, id, func(u *uai) {
		u.name, u.email = name, email
		u.touch()
		s.uaiChangedLocked(u, false)
	}) {
		return ErrObjectNotFound
	}
	return nil
}

// DeleteUserAuthenticationInfo deletes a UAI as the API does (with its
// password infos, member and memberships); it reports whether one existed.
func (s *Server) DeleteUserAuthenticationInfo(id string) bool {
	return withObject(s, s.am.uais, id, s.deleteUAILocked)
}
