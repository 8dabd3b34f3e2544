package moltin

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"sync"

	"golang.org/x/sync/singleflight"
)

// AccountAuthSettings is the store's one account-authentication settings
// object (GET /v2/settings/account-authentication). RealmID is the Account
// Management realm, under which password profiles and user authentication
// infos live.
type AccountAuthSettings struct {
	ID                                 string
	RealmID                            string
	ClientID                           string
	EnableSelfSignup                   bool
	AutoCreateAccountForAccountMembers bool
	AccountMemberSelfManagement        string
	TokenTimeoutSecs                   int64
}

type wireAccountAuthSettings struct {
	ID                                 string `json:"id"`
	EnableSelfSignup                   bool   `json:"enable_self_signup"`
	AutoCreateAccountForAccountMembers bool   `json:"auto_create_account_for_account_members"`
	AccountMemberSelfManagement        string `json:"account_member_self_management"`
	TokenTimeoutSecs                   int64  `json:"account_management_authentication_token_timeout_secs"`
	Relationships                      struct {
		AuthenticationRealm struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		} `json:"authentication_realm"`
	} `json:"relationships"`
	Meta struct {
		ClientID string `json:"client_id"`
	} `json:"meta"`
}

func (w *wireAccountAuthSettings) settings() AccountAuthSettings {
	return AccountAuthSettings{
		ID: w.ID, RealmID: w.Relationships.AuthenticationRealm.Data.ID, ClientID: w.Meta.ClientID,
		EnableSelfSignup: w.EnableSelfSignup, AutoCreateAccountForAccountMembers: w.AutoCreateAccountForAccountMembers,
		AccountMemberSelfManagement: w.AccountMemberSelfManagement, TokenTimeoutSecs: w.TokenTimeoutSecs,
	}
}

const accountAuthSettingsPath = "/v2/settings/account-authentication"

// GetAccountAuthSettings reads the store's account-authentication settings.
func (c *Client) GetAccountAuthSettings(ctx context.Context) (AccountAuthSettings, error) {
	var doc struct {
		Data wireAccountAuthSettings `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, accountAuthSettingsPath, nil, nil, &doc); err != nil {
		return AccountAuthSettings{}, err
	}
	s := doc.Data.settings()
	if s.RealmID != "" {
		accountRealms.put(c.realmKey, s.RealmID)
	}
	return s, nil
}

// AccountAuthSettingsUpdate is a partial update of the settings: only the
// fields set are sent.
type AccountAuthSettingsUpdate struct {
	EnableSelfSignup                   *bool
	AutoCreateAccountForAccountMembers *bool
	AccountMemberSelfManagement        *string
	TokenTimeoutSecs                   *int64
}

func (in AccountAuthSettingsUpdate) body() map[string]any {
	data := map[string]any{"type": "account_authentication_settings"}
	if in.EnableSelfSignup != nil {
		data["enable_self_signup"] = *in.EnableSelfSignup
	}
	if in.AutoCreateAccountForAccountMembers != nil {
		data["auto_create_account_for_account_members"] = *in.AutoCreateAccountForAccountMembers
	}
	if in.AccountMemberSelfManagement != nil {
		data["account_member_self_management"] = *in.AccountMemberSelfManagement
	}
	if in.TokenTimeoutSecs != nil {
		data["account_management_authentication_token_timeout_secs"] = *in.TokenTimeoutSecs
	}
	return map[string]any{"data": data}
}

// UpdateAccountAuthSettings sends a partial update of the settings.
func (c *Client) UpdateAccountAuthSettings(ctx context.Context, in AccountAuthSettingsUpdate) (AccountAuthSettings, error) {
	var doc struct {
		Data wireAccountAuthSettings `json:"data"`
	}
	if err := c.do(ctx, http.MethodPut, accountAuthSettingsPath, nil, in.body(), &doc); err != nil {
		return AccountAuthSettings{}, err
	}
	return doc.Data.settings(), nil
}

// accountRealms caches each store's Account Management realm id for the
// whole process (one Terraform run): it never changes, and every password
// profile and member request needs it. The key is the base URL and the
// client id, so that two stores behind one URL (emulators on a port used
// again, in tests) do not share one.
var accountRealms = &realmCache{ids: map[string]string{}}

type realmCache struct {
	mu  sync.Mutex
	ids map[string]string
	// lookups makes the concurrent first calls for one store share one
	// GET of the settings: a run starts many member creates at once.
	lookups singleflight.Group
}

func (r *realmCache) get(store string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[store]
}

func (r *realmCache) put(store, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids[store] = id
}

// AccountRealmID returns the store's Account Management realm id, read once
// per process from the account-authentication settings; concurrent first
// calls share one read.
func (c *Client) AccountRealmID(ctx context.Context) (string, error) {
	for {
		if id := accountRealms.get(c.realmKey); id != "" {
			return id, nil
		}
		ch := accountRealms.lookups.DoChan(c.realmKey, func() (any, error) {
			return c.GetAccountAuthSettings(ctx)
		})
		var res singleflight.Result
		select {
		case res = <-ch:
		case <-ctx.Done():
			// The shared GET goes on for the callers still waiting.
			return "", ctx.Err()
		}
		if res.Err != nil {
			// A read that ended because its caller was stopped is not an
			// answer for a caller that was not: read again.
			if res.Shared && ctx.Err() == nil && (errors.Is(res.Err, context.Canceled) || errors.Is(res.Err, context.DeadlineExceeded)) {
				continue
			}
			return "", res.Err
		}
		s, _ := res.Val.(AccountAuthSettings)
		if s.RealmID == "" {
			return "", errors.New("GET " + accountAuthSettingsPath + ": the answer names no authentication realm (relationships.authentication_realm): is Account Management enabled on this store?")
		}
		return s.RealmID, nil
	}
}

// inRealm calls call with the store's Account Management realm id, under
// which password profiles and members live.
func inRealm[T any](ctx context.Context, c *Client, call func(realm string) (T, error)) (T, error) {
	realm, err := c.AccountRealmID(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return call(realm)
}

// listInRealm is inRealm for a listing: a failed realm lookup is the
// listing's one error.
func listInRealm[T any](ctx context.Context, c *Client, list func(realm string) iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		realm, err := c.AccountRealmID(ctx)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		list(realm)(yield)
	}
}
