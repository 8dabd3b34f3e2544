package moltin

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// PasswordProfile is a password profile of the Account Management realm:
// how account members log in with a username and a password.
type PasswordProfile struct {
	ID                         string
	RealmID                    string
	Name                       string
	UsernameFormat             string
	EnableOneTimePasswordToken bool
	CreatedAt, UpdatedAt       time.Time
}

type wirePasswordProfile struct {
	ID                         string   `json:"id"`
	Name                       string   `json:"name"`
	UsernameFormat             string   `json:"username_format"`
	EnableOneTimePasswordToken bool     `json:"enable_one_time_password_token"`
	Meta                       wireMeta `json:"meta"`
}

// profileIn reads the password profiles of a realm, which they do not name.
func profileIn(realmID string) func(*wirePasswordProfile) (PasswordProfile, error) {
	return func(w *wirePasswordProfile) (PasswordProfile, error) {
		p := PasswordProfile{ID: w.ID, RealmID: realmID, Name: w.Name, UsernameFormat: w.UsernameFormat,
			EnableOneTimePasswordToken: w.EnableOneTimePasswordToken}
		if p.UsernameFormat == "" {
			p.UsernameFormat = "any"
		}
		var err error
		p.CreatedAt, p.UpdatedAt, err = w.Meta.stamps("a password profile", p.ID)
		return p, err
	}
}

// PasswordProfileInput is the body of a create, and of an update (which
// sends every field: there are only three).
type PasswordProfileInput struct {
	Name                       string
	UsernameFormat             string
	EnableOneTimePasswordToken bool
}

// format is the username format sent: the API's default, any, when unset.
func (in PasswordProfileInput) format() string {
	if in.UsernameFormat == "" {
		return "any"
	}
	return in.UsernameFormat
}

func (in PasswordProfileInput) body() map[string]any {
	return map[string]any{"data": map[string]any{
		"type": "password_profile", "name": in.Name, "username_format": in.format(),
		"enable_one_time_password_token": in.EnableOneTimePasswordToken,
	}}
}

func realmPath(realmID string) string {
	return objectPath("/v2/authentication-realms", realmID)
}

func passwordProfilesPath(realmID string) string { return realmPath(realmID) + "/password-profiles" }

func passwordProfilePath(realmID, id string) string {
	return objectPath(passwordProfilesPath(realmID), id)
}

// CreatePasswordProfile creates a password profile in the store's Account
// Management realm. A create of unknown outcome is looked up by name (and
// the other fields) before it is sent again.
func (c *Client) CreatePasswordProfile(ctx context.Context, in PasswordProfileInput) (PasswordProfile, error) {
	return inRealm(ctx, c, func(realm string) (PasswordProfile, error) {
		return createOnce(ctx, c, createFlow[PasswordProfile]{
			what:   "password profile",
			path:   passwordProfilesPath(realm),
			body:   in.body(),
			decode: decodeObject(profileIn(realm)),
			find: func(ctx context.Context) (PasswordProfile, bool, error) {
				match, err := filterAll(c.PasswordProfiles(ctx), func(p PasswordProfile) bool {
					return p.Name == in.Name && p.UsernameFormat == in.format() &&
						p.EnableOneTimePasswordToken == in.EnableOneTimePasswordToken && !localCreates.known(c.base.String(), p.ID)
				})
				p, found, err := onlyOne(match, err, func(n int) error {
					return fmt.Errorf("%d password profiles are named %q: cannot tell which one the create made", n, in.Name)
				})
				if found {
					localCreates.created(c.base.String(), p.ID)
				}
				return p, found, err
			},
			logID: func(p PasswordProfile) map[string]any { return map[string]any{"password_profile_id": p.ID} },
		})
	})
}

// GetPasswordProfile reads a password profile of the Account Management realm.
func (c *Client) GetPasswordProfile(ctx context.Context, id string) (PasswordProfile, error) {
	return inRealm(ctx, c, func(realm string) (PasswordProfile, error) {
		return callObject(ctx, c, http.MethodGet, passwordProfilePath(realm, id), nil, profileIn(realm))
	})
}

// UpdatePasswordProfile sends the profile's fields and returns it.
func (c *Client) UpdatePasswordProfile(ctx context.Context, id string, in PasswordProfileInput) (PasswordProfile, error) {
	return inRealm(ctx, c, func(realm string) (PasswordProfile, error) {
		return callObject(ctx, c, http.MethodPut, passwordProfilePath(realm, id), in.body(), profileIn(realm))
	})
}

// DeletePasswordProfile deletes a password profile (and, the API says, every
// member's password info tied to it); one already gone is no error.
func (c *Client) DeletePasswordProfile(ctx context.Context, id string) error {
	_, err := inRealm(ctx, c, func(realm string) (bool, error) { return c.deleteObject(ctx, passwordProfilePath(realm, id)) })
	return err
}

// PasswordProfiles walks the realm's password profiles.
func (c *Client) PasswordProfiles(ctx context.Context) iter.Seq2[PasswordProfile, error] {
	return listInRealm(ctx, c, func(realm string) iter.Seq2[PasswordProfile, error] {
		return listPages(ctx, c, passwordProfilesPath(realm), ListOptions{}, profileIn(realm))
	})
}
