package emulator

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The store's account authentication settings and its three preset
// authentication realms: /v2/settings/account-authentication and
// /v2/authentication-realms.

const (
	defaultTokenTimeoutSecs = 86400
	accountClientID         = "account-management"

	selfManagementDisabled   = "disabled"
	selfManagementUpdateOnly = "update_only"
)

// Preset realm names.
const (
	RealmBuyerOrganization    = "Buyer Organization"
	RealmMerchantOrganization = "Merchant Organization"
	RealmAccountManagement    = "Account Management Realm"
)

type acctSettings struct {
	id                  string
	enableSelfSignup    bool
	autoCreateAccount   bool
	selfManagement      string
	tokenTimeoutSecs    int64
	createdAt, updateAt time.Time
}

type realm struct {
	id, name             string
	redirectURIs         []string
	duplicateEmailPolicy string
	originType, originID string
	createdAt, updatedAt time.Time
	seq                  int64
}

// AccountSettings is a snapshot of the account authentication settings.
type AccountSettings struct {
	ID                                 string `json:"id"`
	RealmID                            string `json:"realm_id"`
	ClientID                           string `json:"client_id"`
	EnableSelfSignup                   bool   `json:"enable_self_signup"`
	AutoCreateAccountForAccountMembers bool   `json:"auto_create_account_for_account_members"`
	AccountMemberSelfManagement        string `json:"account_member_self_management"`
	TokenTimeoutSecs                   int64  `json:"account_management_authentication_token_timeout_secs"`
}

// Realm is a snapshot of an authentication realm.
type Realm struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	RedirectURIs         []string `json:"redirect_uris"`
	DuplicateEmailPolicy string   `json:"duplicate_email_policy"`
	OriginType           string   `json:"origin_type"`
}

func (a *amState) initAuthentication() {
	now := nowMillis()
	a.settings = acctSettings{
		id:               newUUID(),
		selfManagement:   selfManagementDisabled,
		tokenTimeoutSecs: defaultTokenTimeoutSecs,
		createdAt:        now,
		updateAt:         now,
	}
	for _, p := range []struct{ name, origin, originID string }{
		{RealmBuyerOrganization, "customer-authentication-settings", newUUID()},
		{RealmMerchantOrganization, "merchant-realm-mappings", newUUID()},
		{RealmAccountManagement, "account_authentication_settings", a.settings.id},
	} {
		r := &realm{
			id: newUUID(), name: p.name, redirectURIs: []string{}, duplicateEmailPolicy: "allowed",
			originType: p.origin, originID: p.originID, createdAt: now, updatedAt: now, seq: a.next(),
		}
		a.realms[r.id] = r
		if p.name == RealmAccountManagement {
			a.accountRealmID = r.id
		}
	}
}

func (s *Server) settingsJSON(c *call) map[string]any {
	st := s.am.settings
	realmPath := "/v2/authentication-realms/" + s.am.accountRealmID
	return map[string]any{
		"id":                 st.id,
		"type":               "account_authentication_settings",
		"enable_self_signup": st.enableSelfSignup,
		"auto_create_account_for_account_members":              st.autoCreateAccount,
		"account_member_self_management":                       st.selfManagement,
		"account_management_authentication_token_timeout_secs": st.tokenTimeoutSecs,
		"relationships": map[string]any{"authentication_realm": map[string]any{"data": map[string]any{
			// Note the underscore: realm objects themselves say "authentication-realm".
			"id": s.am.accountRealmID, "type": "authentication_realm", "links": selfLink(c, realmPath),
		}}},
		"meta":  map[string]any{"client_id": accountClientID},
		"links": selfLink(c, "/v2/settings/account-authentication"),
	}
}

func (s *Server) settingsResponse(c *call) *response {
	return jsonResponse(http.StatusOK, map[string]any{
		"data":  s.settingsJSON(c),
		"links": selfLink(c, "/v2/settings/account-authentication"),
	})
}

// handleSettingsUpdate is a partial PUT: fields left out keep their values
// (the CLI's reset sends only three of the four).
func (s *Server) handleSettingsUpdate(c *call) *response {
	b, errResp := parseAMBody(c.body, "account_authentication_settings")
	if errResp != nil {
		return errResp
	}
	signup := b.boolean("enable_self_signup")
	auto := b.boolean("auto_create_account_for_account_members")
	mgmt := b.str("account_member_self_management")
	if b.has("account_member_self_management") && !b.badType("account_member_self_management") &&
		(mgmt == nil || (*mgmt != selfManagementDisabled && *mgmt != selfManagementUpdateOnly)) {
		b.fail(http.StatusUnprocessableEntity, `account_member_self_management must be "disabled" or "update_only"`, "account_member_self_management")
	}
	// The documentation gives no range for the timeout; any positive number
	// of seconds is taken.
	timeout := b.integerIn("account_management_authentication_token_timeout_secs", 1, math.MaxInt64, "a positive integer")
	if errResp := b.result(); errResp != nil {
		return errResp
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.am.settings
	if signup != nil {
		st.enableSelfSignup = *signup
	}
	if auto != nil {
		st.autoCreateAccount = *auto
	}
	if mgmt != nil {
		st.selfManagement = *mgmt
	}
	if timeout != nil {
		st.tokenTimeoutSecs = *timeout
	}
	st.updateAt = nextUpdate(st.updateAt)
	return s.settingsResponse(c)
}

func realmJSON(c *call, r *realm) map[string]any {
	return map[string]any{
		"id":                     r.id,
		"type":                   "authentication-realm",
		"name":                   r.name,
		"redirect_uris":          append([]string{}, r.redirectURIs...),
		"duplicate_email_policy": r.duplicateEmailPolicy,
		"relationships": map[string]any{"origin": map[string]any{"data": map[string]any{
			"id": r.originID, "type": r.originType,
		}}},
		"meta":  metaDirect(r.createdAt, r.updatedAt),
		"links": selfLink(c, "/v2/authentication-realms/"+r.id),
	}
}

// handleRealmList pages the realms; the list takes no filters.
func (s *Server) handleRealmList(c *call) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := make([]row, 0, len(s.am.realms))
	for _, r := range s.am.realms {
		rows = append(rows, row{id: r.id, seq: r.seq, created: r.createdAt, updated: r.updatedAt, render: func() map[string]any { return realmJSON(c, r) }})
	}
	if c.r.URL.Query().Get("filter") != "" {
		return amError(http.StatusBadRequest, "Could not parse the supplied filter: realms cannot be filtered", "")
	}
	return listResponse(c, rows, listSpec{})
}

// realmLocked finds a realm, or the 404 to answer.
func (s *Server) realmLocked(id string) (*realm, *response) {
	return objectLocked(s.am.realms, "authentication realm", id)
}

func (s *Server) handleRealmGet(c *call, id string) *response {
	return getOne(s, c, func() (*realm, *response) { return s.realmLocked(id) }, realmJSON)
}

func (s *Server) handleRealmUpdate(c *call, id string) *response {
	b, errResp := parseAMBody(c.body, "authentication-realm")
	if errResp != nil {
		return errResp
	}
	name := b.str("name")
	if b.has("name") && !b.badType("name") && (name == nil || strings.TrimSpace(*name) == "") {
		b.fail(http.StatusBadRequest, "name must not be empty", "name")
	}
	uris, urisSet := b.strings("redirect_uris")
	for _, u := range uris {
		if !validRedirectURI(u) {
			b.fail(http.StatusUnprocessableEntity, "redirect_uris must be https URLs (or http://localhost): "+u, "redirect_uris")
			break
		}
	}
	// S2 also lists "disallowed"; the emulator takes all three.
	policy := b.str("duplicate_email_policy")
	if b.has("duplicate_email_policy") && !b.badType("duplicate_email_policy") &&
		(policy == nil || (*policy != "allowed" && *policy != "api_only" && *policy != "disallowed")) {
		b.fail(http.StatusUnprocessableEntity, `duplicate_email_policy must be "allowed" or "api_only"`, "duplicate_email_policy")
	}
	if errResp := b.result(); errResp != nil {
		return errResp
	}
	return putOne(s, c, func() (*realm, *response) { return s.realmLocked(id) }, func(r *realm) *response {
		if name != nil {
			r.name = *name
		}
		if urisSet {
			r.redirectURIs = append([]string{}, uris...)
		}
		if policy != nil {
			r.duplicateEmailPolicy = *policy
		}
		r.updatedAt = nextUpdate(r.updatedAt)
		return nil
	}, realmJSON)
}

func validRedirectURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "https" || (u.Scheme == "http" && u.Hostname() == "localhost")
}

// AccountSettings returns the account authentication settings.
func (s *Server) AccountSettings() AccountSettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.am.settings
	return AccountSettings{
		ID: st.id, RealmID: s.am.accountRealmID, ClientID: accountClientID,
		EnableSelfSignup: st.enableSelfSignup, AutoCreateAccountForAccountMembers: st.autoCreateAccount,
		AccountMemberSelfManagement: st.selfManagement, TokenTimeoutSecs: st.tokenTimeoutSecs,
	}
}

// UpdateAccountSettings changes the settings directly, as if changed in
// Commerce Manager; fn may change every field but ID, RealmID and ClientID.
func (s *Server) UpdateAccountSettings(fn func(*AccountSettings)) {
	cur := s.AccountSettings()
	fn(&cur)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.am.settings
	st.enableSelfSignup = cur.EnableSelfSignup
	st.autoCreateAccount = cur.AutoCreateAccountForAccountMembers
	st.selfManagement = cur.AccountMemberSelfManagement
	st.tokenTimeoutSecs = cur.TokenTimeoutSecs
	st.updateAt = nextUpdate(st.updateAt)
}

// AccountRealmID is the id of the Account Management realm, the one the
// settings point at.
func (s *Server) AccountRealmID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.am.accountRealmID
}

// Realms returns the three preset realms.
func (s *Server) Realms() []Realm {
	s.mu.Lock()
	defer s.mu.Unlock()
	return inCreationOrder(s.am.realms, func(r *realm) int64 { return r.seq }, func(r *realm) Realm {
		return Realm{ID: r.id, Name: r.name, RedirectURIs: append([]string{}, r.redirectURIs...), DuplicateEmailPolicy: r.duplicateEmailPolicy, OriginType: r.originType}
	})
}
