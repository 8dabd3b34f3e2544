package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource hands out one client_credentials token to all callers of a
// Client, fetches it on first use, replaces it TokenExpiryMargin before it
// expires, and lets a caller that saw a 401 drop it. oauth2's own
// ReuseTokenSource cannot be told to drop a token, hence this wrapper.
type tokenSource struct {
	cfg  *clientcredentials.Config
	http *http.Client

	mu  sync.Mutex
	tok *oauth2.Token
	now func() time.Time
}

func newTokenSource(base *url.URL, clientID, clientSecret string, hc *http.Client) *tokenSource {
	tokenURL := *base
	tokenURL.Path = strings.TrimRight(base.Path, "/") + "/oauth/access_token"
	return &tokenSource{
		cfg: &clientcredentials.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			TokenURL:     tokenURL.String(),
			// The API reads the credentials from the form body only.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		http: hc,
		now:  time.Now,
	}
}

// token returns a valid access token. Concurrent callers wait for a single
// fetch rather than each asking for a token of their own.
func (t *tokenSource) token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != nil && (t.tok.Expiry.IsZero() || t.now().Add(TokenExpiryMargin).Before(t.tok.Expiry)) {
		return t.tok.AccessToken, nil
	}
	// Token requests are safe to repeat: mark them so that the retry policy
	// treats them like a GET.
	ctx = context.WithValue(withPolicy(ctx, true, false), oauth2.HTTPClient, t.http)
	tok, err := t.cfg.Token(ctx)
	if err != nil {
		return "", authError(err)
	}
	// Tokens shorter-lived than twice the margin would be refreshed on every
	// call; keep them until half their life has passed instead.
	if life := tok.Expiry.Sub(t.now()); !tok.Expiry.IsZero() && life < 2*TokenExpiryMargin {
		tok.Expiry = tok.Expiry.Add(-life/2 + TokenExpiryMargin)
	}
	t.tok = tok
	return tok.AccessToken, nil
}

// invalidate drops the cached token if it is still the one that failed, so
// that of many callers that saw the same 401 only the first causes a fetch.
func (t *tokenSource) invalidate(failed string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != nil && t.tok.AccessToken == failed {
		t.tok = nil
	}
}

func (t *tokenSource) current() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok == nil {
		return ""
	}
	return t.tok.AccessToken
}

// authError turns oauth2's error, whose text includes the raw response body,
// into an AuthError that keeps only the API's title and detail.
func authError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		ae := &AuthError{StatusCode: re.Response.StatusCode}
		var doc struct {
			Errors []ErrorObject `json:"errors"`
		}
		if json.Unmarshal(re.Body, &doc) == nil {
			ae.Detail = (&APIError{Errors: doc.Errors}).Detail()
		}
		return ae
	}
	return &AuthError{Err: unwrapURLError(err)}
}

func tokenOf(req *http.Request) string {
	if req == nil {
		return ""
	}
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
}
