package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/likepattern"
)

// Account Management request kinds, recorded in Request.Kind and counted in
// Stats.ByKind. Each names an area and what was done to it.
const (
	KindAccountSettingsGet    = "account-settings-get"
	KindAccountSettingsUpdate = "account-settings-update"

	KindRealmList   = "realm-list"
	KindRealmGet    = "realm-get"
	KindRealmUpdate = "realm-update"

	KindPasswordProfileList   = "password-profile-list"
	KindPasswordProfileCreate = "password-profile-create"
	KindPasswordProfileGet    = "password-profile-get"
	KindPasswordProfileUpdate = "password-profile-update"
	KindPasswordProfileDelete = "password-profile-delete"

	KindUAIList   = "uai-list"
	KindUAICreate = "uai-create"
	KindUAIGet    = "uai-get"
	KindUAIUpdate = "uai-update"
	KindUAIDelete = "uai-delete"

	KindUAPPIList   = "uappi-list"
	KindUAPPICreate = "uappi-create"
	KindUAPPIGet    = "uappi-get"
	KindUAPPIUpdate = "uappi-update"
	KindUAPPIDelete = "uappi-delete"

	KindAccountMemberList        = "account-member-list"
	KindAccountMemberGet         = "account-member-get"
	KindAccountMemberMemberships = "account-member-memberships"
	KindAccountMemberToken       = "account-member-token"

	KindAccountList   = "account-list"
	KindAccountCreate = "account-create"
	KindAccountGet    = "account-get"
	KindAccountUpdate = "account-update"
	KindAccountDelete = "account-delete"

	KindMembershipList   = "membership-list"
	KindMembershipCreate = "membership-create"
	KindMembershipGet    = "membership-get"
	KindMembershipUpdate = "membership-update"
	KindMembershipDelete = "membership-delete"

	KindMembershipSettingsGet    = "membership-settings-get"
	KindMembershipSettingsUpdate = "membership-settings-update"
	KindUnassignedMemberList     = "unassigned-member-list"
)

// Errors returned by the direct Account Management store methods.
var (
	ErrObjectNotFound = errors.New("object not found")
	ErrConflict       = errors.New("conflicts with an existing object")
	ErrInvalidInput   = errors.New("invalid input")
)

// DefaultMemberDelay is how long an account member takes to appear in
// /v2/account-members after its user-authentication-info is written: the
// real service builds members from UAI events, a moment later.
const DefaultMemberDelay = 300 * time.Millisecond

// amRoute is a parsed Account Management path.
type amRoute struct {
	area       string   // one of the area* names
	ids        []string // path ids in order (realm, profile; realm, uai, uappi; account, membership; …)
	collection bool     // the path names a collection rather than one object
}

const (
	areaSettings          = "account-settings"
	areaRealm             = "realm"
	areaPasswordProfile   = "password-profile"
	areaUAI               = "uai"
	areaUAPPI             = "uappi"
	areaMember            = "account-member"
	areaMemberMemberships = "account-member-memberships"
	areaMemberToken       = "account-member-token"
	areaAccount           = "account"
	areaMembership        = "membership"
	areaMembershipSetting = "membership-settings"
	areaUnassigned        = "unassigned-member"
)

// parseAMPath recognises every Account Management path; ok is false for any
// other path (customers, tokens, unknown).
func parseAMPath(path string) (amRoute, bool) {
	rest, found := strings.CutPrefix(path, "/v2/")
	if !found {
		return amRoute{}, false
	}
	seg := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	for _, s := range seg {
		if s == "" {
			return amRoute{}, false
		}
	}
	n := len(seg)
	switch seg[0] {
	case "settings":
		if n == 2 && seg[1] == "account-authentication" {
			return amRoute{area: areaSettings}, true
		}
		if n == 2 && seg[1] == "account-membership" {
			return amRoute{area: areaMembershipSetting}, true
		}
	case "authentication-realms":
		switch {
		case n == 1:
			return amRoute{area: areaRealm, collection: true}, true
		case n == 2:
			return amRoute{area: areaRealm, ids: seg[1:2]}, true
		case n == 3 && seg[2] == "password-profiles":
			return amRoute{area: areaPasswordProfile, ids: seg[1:2], collection: true}, true
		case n == 4 && seg[2] == "password-profiles":
			return amRoute{area: areaPasswordProfile, ids: []string{seg[1], seg[3]}}, true
		case n == 3 && seg[2] == "user-authentication-info":
			return amRoute{area: areaUAI, ids: seg[1:2], collection: true}, true
		case n == 4 && seg[2] == "user-authentication-info":
			return amRoute{area: areaUAI, ids: []string{seg[1], seg[3]}}, true
		case n == 5 && seg[2] == "user-authentication-info" && seg[4] == "user-authentication-password-profile-info":
			return amRoute{area: areaUAPPI, ids: []string{seg[1], seg[3]}, collection: true}, true
		case n == 6 && seg[2] == "user-authentication-info" && seg[4] == "user-authentication-password-profile-info":
			return amRoute{area: areaUAPPI, ids: []string{seg[1], seg[3], seg[5]}}, true
		}
	case "account-members":
		switch {
		case n == 1:
			return amRoute{area: areaMember, collection: true}, true
		case n == 2 && seg[1] == "tokens":
			return amRoute{area: areaMemberToken}, true
		case n == 2:
			return amRoute{area: areaMember, ids: seg[1:2]}, true
		case n == 3 && seg[2] == "account-memberships":
			return amRoute{area: areaMemberMemberships, ids: seg[1:2], collection: true}, true
		}
	case "accounts":
		switch {
		case n == 1:
			return amRoute{area: areaAccount, collection: true}, true
		case n == 2:
			return amRoute{area: areaAccount, ids: seg[1:2]}, true
		case n == 3 && seg[2] == "account-memberships":
			return amRoute{area: areaMembership, ids: seg[1:2], collection: true}, true
		case n == 4 && seg[2] == "account-memberships" && seg[3] == "unassigned-account-members":
			return amRoute{area: areaUnassigned, ids: seg[1:2], collection: true}, true
		case n == 4 && seg[2] == "account-memberships":
			return amRoute{area: areaMembership, ids: []string{seg[1], seg[3]}}, true
		}
	}
	return amRoute{}, false
}

// classifyAM names the kind of an Account Management request; ok is false
// when the path is not one of them.
func classifyAM(method, path string) (string, bool) {
	rt, ok := parseAMPath(path)
	if !ok {
		return "", false
	}
	switch rt.area {
	case areaSettings, areaMembershipSetting:
		get, put := KindAccountSettingsGet, KindAccountSettingsUpdate
		if rt.area == areaMembershipSetting {
			get, put = KindMembershipSettingsGet, KindMembershipSettingsUpdate
		}
		switch method {
		case http.MethodGet:
			return get, true
		case http.MethodPut:
			return put, true
		}
		return KindOther, true
	case areaUnassigned:
		if method == http.MethodGet {
			return KindUnassignedMemberList, true
		}
		return KindOther, true
	case areaMemberToken:
		if method == http.MethodPost {
			return KindAccountMemberToken, true
		}
		return KindOther, true
	case areaMemberMemberships:
		if method == http.MethodGet {
			return KindAccountMemberMemberships, true
		}
		return KindOther, true
	}
	return crudKind(rt.area, method, rt.collection), true
}

// routeAM serves the Account Management API; ok is false when the path is not
// one of its paths. Every route but the member login needs a
// client_credentials token, as the Seller Admin role does.
func (s *Server) routeAM(c *call, grant string) (*response, bool) {
	rt, ok := parseAMPath(c.r.URL.Path)
	if !ok {
		return nil, false
	}
	s.settle()
	m := c.r.Method
	if grant != "client_credentials" {
		switch {
		case rt.area == areaMemberToken:
		case rt.area == areaAccount && !rt.collection && m == http.MethodGet:
			// A storefront reads its shopper's account with the member token.
			if errResp := s.authorizeMemberToken(c.r, rt.ids[0]); errResp != nil {
				return errResp, true
			}
		default:
			return forbidden("this token cannot manage Account Management objects; use a client_credentials token"), true
		}
	}
	allow := func(methods ...string) *response {
		return methodNotAllowed(strings.Join(methods, ", "))
	}
	switch rt.area {
	case areaSettings, areaMembershipSetting:
		// Two settings objects, read whole and updated in part.
		read, update := s.settingsResponse, s.handleSettingsUpdate
		if rt.area == areaMembershipSetting {
			read, update = s.membershipSettingsResponse, s.handleMembershipSettingsUpdate
		}
		switch m {
		case http.MethodGet:
			s.mu.Lock()
			defer s.mu.Unlock()
			return read(c), true
		case http.MethodPut:
			return update(c), true
		}
		return allow(http.MethodGet, http.MethodPut), true
	case areaUnassigned:
		if m == http.MethodGet {
			return s.handleUnassignedMembers(c, rt.ids[0]), true
		}
		return allow(http.MethodGet), true
	case areaMemberToken:
		if m == http.MethodPost {
			return s.handleMemberToken(c), true
		}
		return allow(http.MethodPost), true
	case areaMemberMemberships:
		if m == http.MethodGet {
			return s.handleMemberMemberships(c, rt.ids[0]), true
		}
		return allow(http.MethodGet), true
	case areaMember:
		switch {
		case m != http.MethodGet:
			return allow(http.MethodGet), true
		case rt.collection:
			return s.handleMemberList(c), true
		}
		return s.handleMemberGet(c, rt.ids[0]), true
	case areaRealm:
		switch {
		case rt.collection && m == http.MethodGet:
			return s.handleRealmList(c), true
		case rt.collection:
			return allow(http.MethodGet), true
		case m == http.MethodGet:
			return s.handleRealmGet(c, rt.ids[0]), true
		case m == http.MethodPut:
			return s.handleRealmUpdate(c, rt.ids[0]), true
		}
		return allow(http.MethodGet, http.MethodPut), true
	}

	// The CRUD areas.
	var h crud
	ids := rt.ids
	last := ""
	if len(ids) > 0 {
		last = ids[len(ids)-1]
	}
	switch rt.area {
	case areaPasswordProfile:
		h = crud{
			list:   func() *response { return s.handleProfileList(c, ids[0]) },
			create: func() *response { return s.handleProfileCreate(c, ids[0]) },
			get:    func() *response { return s.handleProfileGet(c, ids[0], last) },
			put:    func() *response { return s.handleProfileUpdate(c, ids[0], last) },
			del:    func() *response { return s.handleProfileDelete(ids[0], last) },
		}
	case areaUAI:
		h = crud{
			list:   func() *response { return s.handleUAIList(c, ids[0]) },
			create: func() *response { return s.handleUAICreate(c, ids[0]) },
			get:    func() *response { return s.handleUAIGet(c, ids[0], last) },
			put:    func() *response { return s.handleUAIUpdate(c, ids[0], last) },
			del:    func() *response { return s.handleUAIDelete(ids[0], last) },
		}
	case areaUAPPI:
		h = crud{
			list:   func() *response { return s.handleUAPPIList(c, ids[0], ids[1]) },
			create: func() *response { return s.handleUAPPICreate(c, ids[0], ids[1]) },
			get:    func() *response { return s.handleUAPPIGet(c, ids[0], ids[1], last) },
			put:    func() *response { return s.handleUAPPIUpdate(c, ids[0], ids[1], last) },
			del:    func() *response { return s.handleUAPPIDelete(ids[0], ids[1], last) },
		}
	case areaAccount:
		h = crud{
			list:   func() *response { return s.handleAccountList(c) },
			create: func() *response { return s.handleAccountCreate(c) },
			get:    func() *response { return s.handleAccountGet(c, last) },
			put:    func() *response { return s.handleAccountUpdate(c, last) },
			del:    func() *response { return s.handleAccountDelete(last) },
		}
	case areaMembership:
		h = crud{
			list:   func() *response { return s.handleMembershipList(c, ids[0]) },
			create: func() *response { return s.handleMembershipCreate(c, ids[0]) },
			get:    func() *response { return s.handleMembershipGet(c, ids[0], last) },
			put:    func() *response { return s.handleMembershipUpdate(c, ids[0], last) },
			del:    func() *response { return s.handleMembershipDelete(ids[0], last) },
		}
	default:
		return notFound("no route for " + c.r.URL.Path), true
	}
	return h.serve(m, rt.collection), true
}

// --- errors ---

// The accounts and SSO services send an error's status as a string ("400"),
// unlike the customers service; clients must read both.
type amErrorJSON struct {
	Status string       `json:"status"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Source *errorSource `json:"source,omitempty"`
}

func amErr(status int, detail, pointer string) apiError {
	e := apiError{Status: status, Title: http.StatusText(status), Detail: detail}
	if pointer != "" {
		e.Source = &errorSource{Pointer: pointer}
	}
	return e
}

// amErrors answers with errs; the status is 400 when any of them is a 400
// (the request's shape is wrong), else that of the first.
func amErrors(errs ...apiError) *response {
	status := errs[0].Status
	for _, e := range errs {
		if e.Status == http.StatusBadRequest {
			status = http.StatusBadRequest
		}
	}
	out := make([]amErrorJSON, len(errs))
	for i, e := range errs {
		out[i] = amErrorJSON{Status: strconv.Itoa(e.Status), Title: e.Title, Detail: e.Detail, Source: e.Source}
	}
	return &response{status: status, header: http.Header{}, body: marshal(map[string]any{"errors": out})}
}

func amError(status int, detail, pointer string) *response {
	return amErrors(amErr(status, detail, pointer))
}

func amNotFound(what, id string) *response {
	return amError(http.StatusNotFound, fmt.Sprintf("%s %s not found", what, id), "")
}

// --- request bodies ---

// amBody is a decoded {"data":{…}} with typed readers that collect errors
// with their source pointers.
type amBody struct {
	data map[string]json.RawMessage
	errs errList
}

func parseAMBody(body []byte, wantType string) (*amBody, *response) {
	data, errs, errResp := decodeTyped(body, wantType)
	if errResp != nil {
		return nil, amErrors(errResp.errs...) // with the accounts services' string statuses
	}
	return &amBody{data: data, errs: errs}, nil
}

func (b *amBody) fail(status int, detail, key string) {
	b.errs = append(b.errs, amErr(status, detail, "/data/"+key))
}

func (b *amBody) has(key string) bool {
	_, ok := b.data[key]
	return ok
}

// str reads an optional string; nil when absent or null (has tells them
// apart).
func (b *amBody) str(key string) *string {
	val, present, isNull, e := stringField(b.data, key)
	if e != nil {
		b.errs = append(b.errs, *e)
		return nil
	}
	if !present || isNull {
		return nil
	}
	return &val
}

// required reads a string that must be present and not blank.
func (b *amBody) required(key string) string {
	v := b.str(key)
	if v == nil || strings.TrimSpace(*v) == "" {
		if !b.badType(key) {
			b.fail(http.StatusBadRequest, key+" is required", key)
		}
		return ""
	}
	return *v
}

// badType reports whether key already has an error (a wrong JSON type).
func (b *amBody) badType(key string) bool {
	for _, e := range b.errs {
		if e.Source != nil && e.Source.Pointer == "/data/"+key {
			return true
		}
	}
	return false
}

func (b *amBody) boolean(key string) *bool {
	raw, ok := b.data[key]
	if !ok {
		return nil
	}
	var v bool
	if isNull(raw) || json.Unmarshal(raw, &v) != nil {
		b.fail(http.StatusBadRequest, key+" must be a boolean", key)
		return nil
	}
	return &v
}

func (b *amBody) integer(key string) *int64 {
	raw, ok := b.data[key]
	if !ok {
		return nil
	}
	var v int64
	if isNull(raw) || json.Unmarshal(raw, &v) != nil {
		b.fail(http.StatusBadRequest, key+" must be an integer", key)
		return nil
	}
	return &v
}

// integerIn reads an optional integer that must lie in [lo, hi]; out of it
// is a 422 saying the key "must be " + what.
func (b *amBody) integerIn(key string, lo, hi int64, what string) *int64 {
	v := b.integer(key)
	if v != nil && (*v < lo || *v > hi) {
		b.fail(http.StatusUnprocessableEntity, key+" must be "+what, key)
	}
	return v
}

func (b *amBody) strings(key string) ([]string, bool) {
	raw, ok := b.data[key]
	if !ok {
		return nil, false
	}
	var v []string
	if isNull(raw) || json.Unmarshal(raw, &v) != nil {
		b.fail(http.StatusBadRequest, key+" must be an array of strings", key)
		return nil, false
	}
	return v, true
}

func (b *amBody) result() *response {
	if len(b.errs) == 0 {
		return nil
	}
	return amErrors(b.errs...)
}

// --- JSON helpers ---

func selfLink(c *call, path string) map[string]any {
	return map[string]any{"self": "http://" + c.r.Host + path}
}

func fmtTime(t time.Time) string { return t.UTC().Format(timestampLayout) }

// metaDirect is the meta of realms, password profiles, UAI and UAPPI:
// timestamps directly under meta.
func metaDirect(created, updated time.Time) map[string]any {
	return map[string]any{"created_at": fmtTime(created), "updated_at": fmtTime(updated)}
}

// metaTimestamps is the meta of accounts, members and memberships.
func metaTimestamps(created, updated time.Time) map[string]any {
	return map[string]any{"timestamps": map[string]any{"created_at": fmtTime(created), "updated_at": fmtTime(updated)}}
}

func optString(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// --- lists ---

// row is one object as a list sees it: what filters and sorts read, and the
// JSON it is shown as.
type row struct {
	id               string
	seq              int64
	created, updated time.Time
	fields           map[string]*string    // filterable and sortable string fields; nil = null
	render           func() map[string]any // its JSON, made only for the rows of the page
}

// listSpec says what a list accepts.
type listSpec struct {
	ops   map[string]map[string]bool // field -> allowed operators
	sorts map[string]bool            // sortable fields besides created_at, updated_at, id
	// caseless fields compare case-insensitively under eq (emails).
	caseless map[string]bool
}

const (
	maxFilters    = 10
	maxFilterSize = 8 << 10
)

// listResponse filters, sorts (default -created_at) and pages rows as the
// API does, answering with data, links and meta.page/meta.results. It
// renders rows, so the caller holds s.mu.
func listResponse(c *call, rows []row, spec listSpec) *response {
	q := c.r.URL.Query()
	var conds []condition
	if f := q.Get("filter"); f != "" {
		if len(f) >= maxFilterSize {
			return amError(http.StatusBadRequest, "Could not parse the supplied filter: the filter must be under 8 KB", "")
		}
		var err error
		if conds, err = parseFilterOps(f, spec.ops); err != nil {
			return amError(http.StatusBadRequest, "Could not parse the supplied filter: "+err.Error(), "")
		}
		if len(conds) > maxFilters {
			return amError(http.StatusBadRequest, "Could not parse the supplied filter: at most 10 filters are allowed", "")
		}
	}
	sortField, desc := "created_at", true
	if v := q.Get("sort"); v != "" {
		sortField, desc = strings.TrimPrefix(v, "-"), strings.HasPrefix(v, "-")
		if sortField != "created_at" && sortField != "updated_at" && sortField != "id" && !spec.sorts[sortField] {
			return amError(http.StatusBadRequest, "invalid sort: "+v, "")
		}
	}
	limit, offset, errResp := pageParams(c)
	if errResp != nil {
		return errResp
	}

	matched := rows[:0:0]
	for _, r := range rows {
		if r.matchesAll(conds, spec) {
			matched = append(matched, r)
		}
	}
	sort.Slice(matched, func(i, j int) bool {
		a, b := matched[i], matched[j]
		cmp := 0
		switch sortField {
		case "created_at":
			cmp = a.created.Compare(b.created)
		case "updated_at":
			cmp = a.updated.Compare(b.updated)
		case "id":
			cmp = strings.Compare(a.id, b.id)
		default:
			cmp = strings.Compare(strings.ToLower(deref(a.fields[sortField])), strings.ToLower(deref(b.fields[sortField])))
		}
		if cmp == 0 {
			cmp = int(a.seq - b.seq)
		}
		if desc {
			return cmp > 0
		}
		return cmp < 0
	})
	total := len(matched)
	page := []map[string]any{}
	for i := offset; i < total && i < offset+limit; i++ {
		page = append(page, matched[i].render())
	}
	meta := map[string]any{
		"page":    map[string]int{"limit": limit, "offset": offset, "current": offset/limit + 1, "total": (total + limit - 1) / limit},
		"results": map[string]int{"total": total},
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": page, "links": pageLinks(c.r, limit, offset, total), "meta": meta})
}

func pageParams(c *call) (limit, offset int, _ *response) {
	q := c.r.URL.Query()
	limit = defaultPageLimit
	if v := q.Get("page[limit]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, amError(http.StatusBadRequest, "page[limit] must be a positive integer", "")
		}
		limit = min(n, maxPageLimit)
	}
	if v := q.Get("page[offset]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxPageOffset {
			return 0, 0, amError(http.StatusBadRequest, "page[offset] must be an integer between 0 and 10000", "")
		}
		offset = n
	}
	return limit, offset, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (r row) matchesAll(conds []condition, spec listSpec) bool {
	for _, c := range conds {
		if !r.matches(c, spec) {
			return false
		}
	}
	return true
}

func (r row) matches(c condition, spec listSpec) bool {
	switch c.field {
	case "created_at":
		return compareOp(c.op, r.created.Compare(c.at))
	case "updated_at":
		return compareOp(c.op, r.updated.Compare(c.at))
	case "id":
		return compareOp(c.op, strings.Compare(r.id, c.value))
	}
	v, ok := r.fields[c.field]
	switch c.op {
	case "like", "ilike":
		return ok && v != nil && likepattern.Match(c.value, *v)
	case "eq":
		if !ok || v == nil {
			return false
		}
		if spec.caseless[c.field] {
			return strings.EqualFold(*v, c.value)
		}
		return *v == c.value
	}
	return false
}

// timeOps are the comparison operators on timestamps and ids.
var timeOps = map[string]bool{"eq": true, "gt": true, "ge": true, "lt": true, "le": true}

func opSet(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// --- state ---

// amState is the Account Management store; Server.mu guards it.
type amState struct {
	settings       acctSettings
	realms         map[string]*realm
	accountRealmID string
	profiles       map[string]*passwordProfile
	uais           map[string]*uai
	uappis         map[string]*uappi
	usernames      map[string]string // usernameKey(profile, username) -> uappi id
	members        map[string]*member
	accounts       map[string]*account
	registrations  map[string]string // registration_id -> account id
	memberships    map[string]*membership
	memberTokens   map[string]memberToken
	// issuedMemberTokens keeps every member token ever issued, for leak
	// tests (IssuedTokens).
	issuedMemberTokens []string
	tokenKey           []byte
	memberDelay        time.Duration
	// membershipLimit is how many accounts one member may join
	// (/v2/settings/account-membership).
	membershipLimit   int64
	membershipSetting string        // its id
	pending           []memberEvent // member projection events not yet applied, in order
	seq               int64
}

func (a *amState) init(memberDelay time.Duration) {
	switch {
	case memberDelay == 0:
		memberDelay = DefaultMemberDelay
	case memberDelay < 0:
		memberDelay = 0
	}
	*a = amState{
		realms:        map[string]*realm{},
		profiles:      map[string]*passwordProfile{},
		uais:          map[string]*uai{},
		uappis:        map[string]*uappi{},
		usernames:     map[string]string{},
		members:       map[string]*member{},
		accounts:      map[string]*account{},
		registrations: map[string]string{},
		memberships:   map[string]*membership{},
		memberTokens:  map[string]memberToken{},
		memberDelay:   memberDelay,
		tokenKey:      []byte(randomHex(32)),

		membershipLimit:   MaxMembershipLimit,
		membershipSetting: newUUID(),
	}
	a.initAuthentication()
}

// next returns a sequence number that orders objects created within the same
// millisecond.
func (a *amState) next() int64 {
	a.seq++
	return a.seq
}

// inCreationOrder returns the snapshots of objs in the order they were
// created (seq gives it).
func inCreationOrder[T, S any](objs map[string]*T, seq func(*T) int64, snapshot func(*T) S) []S {
	list := make([]*T, 0, len(objs))
	for _, o := range objs {
		list = append(list, o)
	}
	sort.Slice(list, func(i, j int) bool { return seq(list[i]) < seq(list[j]) })
	out := make([]S, len(list))
	for i, o := range list {
		out[i] = snapshot(o)
	}
	return out
}

// objectLocked finds an object, or the 404 to answer.
func objectLocked[T any](objs map[string]*T, what, id string) (*T, *response) {
	o, ok := objs[id]
	if !ok {
		return nil, amNotFound(what, id)
	}
	return o, nil
}

// getOne answers the GET of one object: under the lock, find gives it (or
// the 404 to answer) and show renders it.
func getOne[T any](s *Server, c *call, find func() (T, *response), show func(*call, T) map[string]any) *response {
	return putOne(s, c, find, func(T) *response { return nil }, show)
}

// putOne answers the PUT of one object, its body already parsed: under the
// lock, find gives the object (or the 404 to answer), change applies the
// body (or gives the error to answer) and show renders the result.
func putOne[T any](s *Server, c *call, find func() (T, *response), change func(T) *response, show func(*call, T) map[string]any) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, errResp := find()
	if errResp == nil {
		errResp = change(o)
	}
	if errResp != nil {
		return errResp
	}
	return jsonResponse(http.StatusOK, map[string]any{"data": show(c, o)})
}

// deleteOne answers the DELETE of one object: under the lock, find gives it
// (or the 404 to answer) and remove deletes it (or gives the error to
// answer).
func deleteOne[T any](s *Server, find func() (T, *response), remove func(T) *response) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, errResp := find()
	if errResp == nil {
		errResp = remove(o)
	}
	if errResp != nil {
		return errResp
	}
	return noContent()
}

// withObject runs fn on objs[id] with the lock held, for the methods that
// change the store directly (as if outside Terraform); it reports whether
// there was such an object. The maps are made once, by New, so reading one
// before the lock is taken is safe.
func withObject[T any](s *Server, objs map[string]*T, id string, fn func(*T)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := objs[id]
	if ok {
		fn(o)
	}
	return ok
}

// childLocked finds an object under its parent (a realm, an account), or the
// 404 to answer: the parent's when there is no such parent, the object's when
// there is no such object under it.
func childLocked[P, T any](parents map[string]*P, parentWhat, parentID string, objs map[string]*T, what, id string, parentOf func(*T) string) (*T, *response) {
	if _, errResp := objectLocked(parents, parentWhat, parentID); errResp != nil {
		return nil, errResp
	}
	o, ok := objs[id]
	if !ok || parentOf(o) != parentID {
		return nil, amNotFound(what, id)
	}
	return o, nil
}

// withIncluded adds a top-level "included" member to a JSON response.
func withIncluded(resp *response, included any) *response {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(resp.body, &top); err != nil {
		return resp
	}
	top["included"] = marshal(included)
	resp.body = marshal(top)
	return resp
}
