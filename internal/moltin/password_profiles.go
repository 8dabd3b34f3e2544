package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
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

func (w *wirePasswordProfile) profile(realmID string) (PasswordProfile, error) {
	p := PasswordProfile{ID: w.ID, RealmID: realmID, Name: w.Name, UsernameFormat: w.UsernameFormat,
		EnableOneTimePasswordToken: w.EnableOneTimePasswordToken}
	if p.ID == "" {
		return p, errors.New("the API returned a password profile without an id")
	}
	if p.UsernameFormat == "" {
		p.UsernameFormat = "any"
	}
	var err error
	p.CreatedAt, p.UpdatedAt, err = w.Meta.times("password profile " + clip(p.ID, maxErrorText))
	return p, err
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
	return "/v2/authentication-realms/" + url.PathEscape(realmID)
}

func passwordProfilesPath(realmID string) string { return realmPath(realmID) + "/password-profiles" }

func passwordProfilePath(realmID, id string) string {
	return passwordProfilesPath(realmID) + "/" + url.PathEscape(id)
}

type passwordProfileDoc struct {
	Data wirePasswordProfile `json:"data"`
}

// CreatePasswordProfile creates a password profile in the store's Account
// Management realm. A create of unknown outcome is looked up by name (and
// the other fields) before it is sent again.
func (c *Client) CreatePasswordProfile(ctx context.Context, in PasswordProfileInput) (PasswordProfile, error) {
	realm, err := c.AccountRealmID(ctx)
	if err != nil {
		return PasswordProfile{}, err
	}
	return createOnce(ctx, c, createFlow[PasswordProfile]{
		what: "password profile",
		path: passwordProfilesPath(realm),
		body: in.body(),
		decode: func(raw []byte) (PasswordProfile, error) {
			var doc passwordProfileDoc
			if err := json.Unmarshal(raw, &doc); err != nil {
				return PasswordProfile{}, err
			}
			return doc.Data.profile(realm)
		},
		find: func(ctx context.Context) (PasswordProfile, bool, error) {
			var match []PasswordProfile
			for p, err := range c.PasswordProfiles(ctx) {
				if err != nil {
					return PasswordProfile{}, false, err
				}
				if p.Name == in.Name && p.UsernameFormat == in.format() &&
					p.EnableOneTimePasswordToken == in.EnableOneTimePasswordToken && !localCreates.known(c.base.String(), p.ID) {
					match = append(match, p)
				}
			}
			switch len(match) {
			case 0:
				return PasswordProfile{}, false, nil
			case 1:
				localCreates.created(c.base.String(), match[0].ID)
				return match[0], true, nil
			default:
				return PasswordProfile{}, false, fmt.Errorf("%d password profiles are named %q: cannot tell which one the create made", len(match), in.Name)
			}
		},
		logID: func(p PasswordProfile) map[string]any { return map[string]any{"password_profile_id": p.ID} },
	})
}

// GetPasswordProfile reads a password profile of the Account Management realm.
func (c *Client) GetPasswordProfile(ctx context.Context, id string) (PasswordProfile, error) {
	realm, err := c.AccountRealmID(ctx)
	if err != nil {
		return PasswordProfile{}, err
	}
	var doc passwordProfileDoc
	if err := c.do(ctx, http.MethodGet, passwordProfilePath(realm, id), nil, nil, &doc); err != nil {
		return PasswordProfile{}, err
	}
	return doc.Data.profile(realm)
}

// UpdatePasswordProfile sends the profile's fields and returns it.
func (c *Client) UpdatePasswordProfile(ctx context.Context, id string, in PasswordProfileInput) (PasswordProfile, error) {
	realm, err := c.AccountRealmID(ctx)
	if err != nil {
		return PasswordProfile{}, err
	}
	var doc passwordProfileDoc
	if err := c.do(ctx, http.MethodPut, passwordProfilePath(realm, id), nil, in.body(), &doc); err != nil {
		return PasswordProfile{}, err
	}
	return doc.Data.profile(realm)
}

// DeletePasswordProfile deletes a password profile (and, the API says, every
// member's password info tied to it); one already gone is no error.
func (c *Client) DeletePasswordProfile(ctx context.Context, id string) error {
	realm, err := c.AccountRealmID(ctx)
	if err != nil {
		return err
	}
	err = c.do(ctx, http.MethodDelete, passwordProfilePath(realm, id), nil, nil, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// PasswordProfiles walks the realm's password profiles.
func (c *Client) PasswordProfiles(ctx context.Context) iter.Seq2[PasswordProfile, error] {
	return func(yield func(PasswordProfile, error) bool) {
		realm, err := c.AccountRealmID(ctx)
		if err != nil {
			yield(PasswordProfile{}, err)
			return
		}
		for p, err := range listPages(ctx, c, passwordProfilesPath(realm), ListOptions{},
			func(w *wirePasswordProfile) (PasswordProfile, error) { return w.profile(realm) }) {
			if !yield(p, err) {
				return
			}
		}
	}
}
