package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AccountMemberToken is a member's token for one of its accounts, which a
// storefront sends as the EP-Account-Management-Authentication-Token header.
type AccountMemberToken struct {
	AccountID   string
	AccountName string
	Token       string
	Expires     time.Time
}

// flexTime reads an ISO 8601 string or a Unix epoch (number or numeric
// string): the documentation shows the first and calls it the second.
type flexTime struct{ time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 { // milliseconds
			f.Time = time.UnixMilli(n).UTC()
		} else {
			f.Time = time.Unix(n, 0).UTC()
		}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return errors.New("expires is neither an RFC 3339 time nor a Unix time")
	}
	f.Time = t
	return nil
}

// CreateAccountMemberTokens logs a member in with the password mechanism and
// returns one token per account the member belongs to. The password is
// sent in the body only, which the client never logs.
func (c *Client) CreateAccountMemberTokens(ctx context.Context, passwordProfileID, username, password string) ([]AccountMemberToken, error) {
	body := map[string]any{"data": map[string]any{
		"type": "account_management_authentication_token", "authentication_mechanism": "password",
		"password_profile_id": passwordProfileID, "username": username, "password": password,
	}}
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	const path = "/v2/account-members/tokens"
	if err := c.do(ctx, http.MethodPost, path, nil, body, &doc); err != nil {
		return nil, err
	}
	type wireToken struct {
		AccountID   string   `json:"account_id"`
		AccountName string   `json:"account_name"`
		Token       string   `json:"token"`
		Expires     flexTime `json:"expires"`
	}
	var list []wireToken
	if err := json.Unmarshal(doc.Data, &list); err != nil {
		// Tolerate a single object where an array is documented.
		var one wireToken
		if err2 := json.Unmarshal(doc.Data, &one); err2 != nil {
			return nil, &ResponseDecodeError{Method: http.MethodPost, Path: path, StatusCode: http.StatusCreated, Cause: clip(err.Error(), maxErrorText)}
		}
		list = []wireToken{one}
	}
	out := make([]AccountMemberToken, 0, len(list))
	for _, t := range list {
		if t.Token == "" {
			return nil, errors.New("POST " + path + ": the API returned an account without a token")
		}
		out = append(out, AccountMemberToken{AccountID: t.AccountID, AccountName: t.AccountName, Token: t.Token, Expires: t.Expires.Time})
	}
	return out, nil
}
