package moltin

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"
)

// UserAuthInfo is a user authentication info (UAI) of the Account Management
// realm. It is the account member: same id, one for one.
type UserAuthInfo struct {
	ID        string
	Name      string
	Email     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

type wireUserAuthInfo struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Meta  wireMeta `json:"meta"`
}

func (w *wireUserAuthInfo) uai() (UserAuthInfo, error) {
	u := UserAuthInfo{ID: w.ID, Name: w.Name, Email: w.Email}
	var err error
	u.CreatedAt, u.UpdatedAt, err = w.Meta.stamps("a user authentication info", u.ID)
	return u, err
}

func uaisPath(realm string) string { return realmPath(realm) + "/user-authentication-info" }
func uaiPath(realm, id string) string {
	return objectPath(uaisPath(realm), id)
}

func uaiBody(name, email string) map[string]any {
	return map[string]any{"data": map[string]any{"type": "user_authentication_info", "name": name, "email": email}}
}

// PasswordProfileInfo is a member's password under one password profile
// (a UAPPI). The password itself is never returned.
type PasswordProfileInfo struct {
	ID                string
	PasswordProfileID string
	Username          string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

type wirePasswordProfileInfo struct {
	ID                string   `json:"id"`
	PasswordProfileID string   `json:"password_profile_id"`
	Username          string   `json:"username"`
	Meta              wireMeta `json:"meta"`
}

func (w *wirePasswordProfileInfo) info() (PasswordProfileInfo, error) {
	p := PasswordProfileInfo{ID: w.ID, PasswordProfileID: w.PasswordProfileID, Username: w.Username}
	var err error
	p.CreatedAt, p.UpdatedAt, err = w.Meta.stamps("a password profile info", p.ID)
	return p, err
}

func uappisPath(realm, uaiID string) string {
	return uaiPath(realm, uaiID) + "/user-authentication-password-profile-info"
}

func uappiPath(realm, uaiID, id string) string {
	return objectPath(uappisPath(realm, uaiID), id)
}

// PasswordInfoInput is the body of a UAPPI create or update. Every field is
// sent on update too, as the stricter of the two specs requires.
type PasswordInfoInput struct {
	PasswordProfileID string
	Username          string
	Password          string
}

func (in PasswordInfoInput) body() map[string]any {
	return map[string]any{"data": map[string]any{
		"type": "user_authentication_password_profile_info", "password_profile_id": in.PasswordProfileID,
		"username": in.Username, "password": in.Password,
	}}
}

// AccountMember is a shopper who logs in to an Account Management store:
// the user authentication info and its password info for one profile.
type AccountMember struct {
	UserAuthInfo
	// PasswordInfo is the zero value when the member has none for the
	// profile (a member left half-made, or found without one).
	PasswordInfo PasswordProfileInfo
}

// AccountMemberCreate is what a member is made of.
type AccountMemberCreate struct {
	Name, Email string
	PasswordInfoInput
}

// IncompleteMemberError says that a member's user authentication info was
// made but its password info was not, and that the user authentication
// info could not be deleted either: Member is what exists, for the caller
// to keep (in the state, as tainted) so that the next apply replaces it.
type IncompleteMemberError struct {
	Member    UserAuthInfo
	Err       error // why the password info was not made
	DeleteErr error // why the user authentication info could not be deleted
}

func (e *IncompleteMemberError) Error() string {
	return fmt.Sprintf("%v; the account member %s was created without its password, and deleting it failed too (%v)", e.Err, e.Member.ID, e.DeleteErr)
}

func (e *IncompleteMemberError) Unwrap() error { return e.Err }

// CreateAccountMember makes a member in two steps: the user authentication
// info, then its password info. Should the second step fail (refused, or
// not sent because the run was stopped), the first is undone on a context
// that the stop does not cancel, bounded by the request timeout, so that no
// member is left without a password that no state knows; if that delete
// fails too, the error is an *IncompleteMemberError naming the member.
func (c *Client) CreateAccountMember(ctx context.Context, in AccountMemberCreate) (AccountMember, error) {
	realm, err := c.AccountRealmID(ctx)
	if err != nil {
		return AccountMember{}, err
	}
	uai, err := c.CreateUserAuthInfo(ctx, in.Name, in.Email)
	if err != nil {
		return AccountMember{}, err
	}
	info, err := c.CreatePasswordProfileInfo(ctx, uai.ID, in.PasswordInfoInput)
	if err == nil {
		return AccountMember{UserAuthInfo: uai, PasswordInfo: info}, nil
	}
	c.log.Warn(ctx, "Moltin account member's password info was not created; deleting the member's user authentication info",
		map[string]any{"account_member_id": uai.ID})
	dctx, cancel := c.outcomeContext(ctx)
	defer cancel()
	if _, delErr := c.deleteObject(dctx, uaiPath(realm, uai.ID)); delErr != nil {
		return AccountMember{UserAuthInfo: uai}, &IncompleteMemberError{Member: uai, Err: err, DeleteErr: delErr}
	}
	return AccountMember{}, fmt.Errorf("%w; the account member %s made just before was deleted again, so that none is left half-made", err, uai.ID)
}

// CreateUserAuthInfo creates a UAI in the Account Management realm. After a
// create of unknown outcome it is looked up by email (and name) among the
// UAIs this process does not know before it is sent again.
func (c *Client) CreateUserAuthInfo(ctx context.Context, name, email string) (UserAuthInfo, error) {
	store := c.base.String()
	u, err := inRealm(ctx, c, func(realm string) (UserAuthInfo, error) {
		return createOnce(ctx, c, createFlow[UserAuthInfo]{
			what:   "account member",
			path:   uaisPath(realm),
			body:   uaiBody(name, email),
			decode: decodeObject((*wireUserAuthInfo).uai),
			find: func(ctx context.Context) (UserAuthInfo, bool, error) {
				all, err := c.FindUserAuthInfosByEmail(ctx, email)
				match := slices.DeleteFunc(all, func(u UserAuthInfo) bool { return u.Name != name || localCreates.known(store, u.ID) })
				return onlyOne(match, err, func(n int) error {
					return fmt.Errorf("%d account members have the email %s: cannot tell which one the create made", n, email)
				})
			},
			logID: func(u UserAuthInfo) map[string]any { return map[string]any{"account_member_id": u.ID} },
		})
	})
	if err == nil {
		localCreates.created(store, u.ID)
	}
	return u, err
}

// GetUserAuthInfo reads a UAI (an account member's name and email).
func (c *Client) GetUserAuthInfo(ctx context.Context, id string) (UserAuthInfo, error) {
	return inRealm(ctx, c, func(realm string) (UserAuthInfo, error) {
		return callObject(ctx, c, http.MethodGet, uaiPath(realm, id), nil, (*wireUserAuthInfo).uai)
	})
}

// UpdateUserAuthInfo renames a member: the API requires both name and email.
func (c *Client) UpdateUserAuthInfo(ctx context.Context, id, name, email string) (UserAuthInfo, error) {
	return inRealm(ctx, c, func(realm string) (UserAuthInfo, error) {
		return callObject(ctx, c, http.MethodPut, uaiPath(realm, id), uaiBody(name, email), (*wireUserAuthInfo).uai)
	})
}

// DeleteUserAuthInfo deletes a member (its password infos with it); one
// already gone is no error.
func (c *Client) DeleteUserAuthInfo(ctx context.Context, id string) error {
	_, err := c.DeleteUserAuthInfoIfFound(ctx, id)
	return err
}

// DeleteUserAuthInfoIfFound deletes a member with one DELETE of its UAI and
// reports whether the API still had it: a 404 is no error, but found is
// false. The API deletes the member's password infos, its account member
// and the member's memberships with it.
func (c *Client) DeleteUserAuthInfoIfFound(ctx context.Context, id string) (found bool, err error) {
	return inRealm(ctx, c, func(realm string) (bool, error) { return c.deleteObject(ctx, uaiPath(realm, id)) })
}

// UserAuthInfoMatches is CustomerMatches for a member's UAI.
func UserAuthInfoMatches(u UserAuthInfo, fs []Filter) bool {
	return matchesAll(fs, u.CreatedAt, func(field string) *string {
		switch field {
		case "email":
			return &u.Email
		case "name":
			return &u.Name
		}
		return nil
	})
}

// UserAuthInfos walks the realm's UAIs that match opts.
func (c *Client) UserAuthInfos(ctx context.Context, opts ListOptions) iter.Seq2[UserAuthInfo, error] {
	return listInRealm(ctx, c, func(realm string) iter.Seq2[UserAuthInfo, error] {
		return listPages(ctx, c, uaisPath(realm), opts, (*wireUserAuthInfo).uai)
	})
}

// FindUserAuthInfosByEmail lists the realm's UAIs with the email, compared
// case-insensitively (the API does not say that emails are unique there).
func (c *Client) FindUserAuthInfosByEmail(ctx context.Context, email string) ([]UserAuthInfo, error) {
	return filterAll(c.UserAuthInfos(ctx, ListOptions{Filters: []Filter{Eq("email", email)}}),
		func(u UserAuthInfo) bool { return strings.EqualFold(u.Email, email) })
}

// CreatePasswordProfileInfo gives a member a password under a profile. After
// a create of unknown outcome the member's password infos are looked up
// (one per profile) before it is sent again.
func (c *Client) CreatePasswordProfileInfo(ctx context.Context, uaiID string, in PasswordInfoInput) (PasswordProfileInfo, error) {
	return inRealm(ctx, c, func(realm string) (PasswordProfileInfo, error) {
		return createOnce(ctx, c, createFlow[PasswordProfileInfo]{
			what:   "account member password info",
			path:   uappisPath(realm, uaiID),
			body:   in.body(),
			decode: decodeObject((*wirePasswordProfileInfo).info),
			find: func(ctx context.Context) (PasswordProfileInfo, bool, error) {
				return c.FindPasswordProfileInfo(ctx, uaiID, in.PasswordProfileID)
			},
			logID: func(p PasswordProfileInfo) map[string]any {
				return map[string]any{"account_member_id": uaiID, "password_profile_info_id": p.ID}
			},
		})
	})
}

// GetPasswordProfileInfo reads a member's password info.
func (c *Client) GetPasswordProfileInfo(ctx context.Context, uaiID, id string) (PasswordProfileInfo, error) {
	return inRealm(ctx, c, func(realm string) (PasswordProfileInfo, error) {
		return callObject(ctx, c, http.MethodGet, uappiPath(realm, uaiID, id), nil, (*wirePasswordProfileInfo).info)
	})
}

// UpdatePasswordProfileInfo sets a member's username and password under a
// profile, with one PUT of all four fields.
func (c *Client) UpdatePasswordProfileInfo(ctx context.Context, uaiID, id string, in PasswordInfoInput) (PasswordProfileInfo, error) {
	return inRealm(ctx, c, func(realm string) (PasswordProfileInfo, error) {
		return callObject(ctx, c, http.MethodPut, uappiPath(realm, uaiID, id), in.body(), (*wirePasswordProfileInfo).info)
	})
}

// PasswordProfileInfos walks a member's password infos.
func (c *Client) PasswordProfileInfos(ctx context.Context, uaiID string) iter.Seq2[PasswordProfileInfo, error] {
	return listInRealm(ctx, c, func(realm string) iter.Seq2[PasswordProfileInfo, error] {
		return listPages(ctx, c, uappisPath(realm, uaiID), ListOptions{}, (*wirePasswordProfileInfo).info)
	})
}

// FindPasswordProfileInfo finds a member's password info for a profile.
func (c *Client) FindPasswordProfileInfo(ctx context.Context, uaiID, profileID string) (PasswordProfileInfo, bool, error) {
	return findFirst(c.PasswordProfileInfos(ctx, uaiID), func(p PasswordProfileInfo) bool { return p.PasswordProfileID == profileID })
}

// AdoptAccountMember is adopt_existing_customers for members: before a
// create, it looks the email up in the realm and takes over a member that
// this process did not make, sending only what differs (a PUT of the name,
// and the password info: a PUT of the one for the profile, or a POST when it
// has none). found is false when there is no member to adopt; a member that
// this process made or adopted already is an *AlreadyManagedError.
func (c *Client) AdoptAccountMember(ctx context.Context, in AccountMemberCreate) (_ AccountMember, found bool, _ error) {
	all, err := c.FindUserAuthInfosByEmail(ctx, in.Email)
	if err != nil {
		return AccountMember{}, false, fmt.Errorf("looking up an account member with the email %s to adopt: %w", in.Email, err)
	}
	store := c.base.String()
	var candidates []UserAuthInfo
	for _, u := range all {
		if !localCreates.known(store, u.ID) {
			candidates = append(candidates, u)
		}
	}
	switch {
	case len(all) == 0:
		return AccountMember{}, false, nil
	case len(candidates) == 0:
		return AccountMember{}, false, &AlreadyManagedError{Kind: "account member", ID: all[0].ID, Key: "email"}
	case len(candidates) > 1:
		return AccountMember{}, false, fmt.Errorf("%d account members have the email %s: cannot tell which one to adopt; import one instead", len(candidates), in.Email)
	}
	u := candidates[0]
	if !localCreates.takeOverID(store, u.ID) {
		return AccountMember{}, false, &AlreadyManagedError{Kind: "account member", ID: u.ID, Key: "email"}
	}
	if u.Name != in.Name || u.Email != in.Email {
		if u, err = c.UpdateUserAuthInfo(ctx, u.ID, in.Name, in.Email); err != nil {
			return AccountMember{}, false, fmt.Errorf("adopting account member %s, which has the email: %w", candidates[0].ID, err)
		}
	}
	info, ok, err := c.FindPasswordProfileInfo(ctx, u.ID, in.PasswordProfileID)
	switch {
	case err != nil:
	case ok:
		info, err = c.UpdatePasswordProfileInfo(ctx, u.ID, info.ID, in.PasswordInfoInput)
	default:
		info, err = c.CreatePasswordProfileInfo(ctx, u.ID, in.PasswordInfoInput)
	}
	if err != nil {
		// The member is taken over already: the caller keeps it, so that
		// the next apply sets the password.
		return AccountMember{UserAuthInfo: u}, true, &IncompleteMemberError{Member: u, Err: fmt.Errorf("adopting account member %s, which has the email: setting its password: %w", u.ID, err), DeleteErr: errors.New("an adopted member is not deleted")}
	}
	return AccountMember{UserAuthInfo: u, PasswordInfo: info}, true, nil
}

// AccountMemberRecord is an account member as /v2/account-members shows it:
// built from the UAI events, so it appears a moment after its UAI.
type AccountMemberRecord struct {
	ID, Name, Email      string
	CreatedAt, UpdatedAt time.Time
}

// member reads an account member, whose keys are its UAI's.
func (w *wireUserAuthInfo) member() (AccountMemberRecord, error) {
	m := AccountMemberRecord{ID: w.ID, Name: w.Name, Email: w.Email}
	var err error
	m.CreatedAt, m.UpdatedAt, err = w.Meta.stamps("an account member", m.ID)
	return m, err
}

// GetAccountMember reads /v2/account-members/{id}.
func (c *Client) GetAccountMember(ctx context.Context, id string) (AccountMemberRecord, error) {
	return callObject(ctx, c, http.MethodGet, objectPath("/v2/account-members", id), nil, (*wireUserAuthInfo).member)
}

// AccountMembers walks /v2/account-members.
func (c *Client) AccountMembers(ctx context.Context, opts ListOptions) iter.Seq2[AccountMemberRecord, error] {
	return listPages(ctx, c, "/v2/account-members", opts, (*wireUserAuthInfo).member)
}
