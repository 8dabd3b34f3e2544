// Package moltin is a small typed client of the Moltin (Elastic Path Commerce
// Cloud) customers API: authentication, rate limiting, retries, errors and the
// customer calls. It has no Terraform dependencies so that it can be tested and
// benchmarked on its own.
package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Defaults of the tunable settings.
const (
	DefaultBaseURL              = "https://api.moltin.com"
	DefaultMaxRetries           = 8
	DefaultRequestTimeout       = 30 * time.Second
	DefaultMaxRequestsPerSecond = 25
	// DefaultMaxElapsed bounds one operation, all its retries included.
	DefaultMaxElapsed = 5 * time.Minute
	// TokenExpiryMargin is how long before its expiry a token is replaced.
	TokenExpiryMargin = 60 * time.Second
	maxRetryAfter     = 60 * time.Second
	maxBodyRead       = 16 << 20
	maxErrorBodyRead  = 64 << 10
)

// Config configures a Client. Only BaseURL, ClientID and ClientSecret are
// required; zero values elsewhere take the defaults above.
type Config struct {
	BaseURL      string
	ClientID     string
	ClientSecret string
	UserAgent    string

	// MaxRetries is how many times one request is retried; 0 takes
	// DefaultMaxRetries, unless RetriesOff.
	MaxRetries int
	// RetriesOff sends every request once, whatever MaxRetries says.
	RetriesOff           bool
	RequestTimeout       time.Duration
	MaxRequestsPerSecond float64
	MaxElapsed           time.Duration
	RetryWaitMin         time.Duration
	RetryWaitMax         time.Duration

	// AdoptExistingCustomers is the provider's adopt_existing_customers,
	// carried to the resources with the client: see AdoptExisting.
	AdoptExistingCustomers bool

	Logger Logger
	// Transport is the innermost round tripper; tests set it. Nil takes a
	// pooled transport sized for Terraform's default parallelism.
	Transport http.RoundTripper

	// fixedRate keeps MaxRequestsPerSecond whatever the answers, for tests
	// that compare the adaptive rate with a fixed one.
	fixedRate bool
}

// Logger receives one structured line per HTTP attempt and per retry. Fields
// never hold secrets: the client logs no bodies and no headers.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// Client talks to one store with one set of credentials. It is safe for
// concurrent use, and all its callers share one token and one rate limiter.
type Client struct {
	base       *url.URL
	userAgent  string
	log        Logger
	maxElapsed time.Duration
	// requestTimeout bounds one attempt, for error messages.
	requestTimeout time.Duration
	retry          *retryablehttp.Client
	tokens         *tokenSource
	secrets        []string
	adopt          bool
	// realmKey names the store and credentials for the realm cache.
	realmKey string
}

// New validates cfg and returns a Client. It makes no request: the first
// token is fetched by the first API call.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("client id and client secret are both required")
	}
	switch {
	case cfg.RetriesOff:
		cfg.MaxRetries = 0
	case cfg.MaxRetries < 0:
		return nil, fmt.Errorf("MaxRetries %d is negative: set RetriesOff for no retries", cfg.MaxRetries)
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxRequestsPerSecond <= 0 {
		cfg.MaxRequestsPerSecond = DefaultMaxRequestsPerSecond
	}
	if cfg.MaxElapsed <= 0 {
		cfg.MaxElapsed = DefaultMaxElapsed
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 250 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 8 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = nopLogger{}
	}
	if cfg.Transport == nil {
		t := cleanhttp.DefaultPooledTransport()
		// Terraform runs 10 operations at once by default; keep their
		// connections instead of re-dialing on every request.
		t.MaxIdleConnsPerHost = 32
		cfg.Transport = t
	}

	c := &Client{
		base:           base,
		userAgent:      cfg.UserAgent,
		log:            cfg.Logger,
		maxElapsed:     cfg.MaxElapsed,
		requestTimeout: cfg.RequestTimeout,
		secrets:        []string{cfg.ClientSecret},
		adopt:          cfg.AdoptExistingCustomers,
		realmKey:       base.String() + "\x00" + cfg.ClientID,
	}
	// A burst of one spreads requests evenly, so that a server-side limit of
	// the same rate is never exceeded by a momentary burst.
	limiter := rate.NewLimiter(rate.Limit(cfg.MaxRequestsPerSecond), 1)
	// The limiter wraps the logging, so that a logged duration is the HTTP
	// exchange's alone, without the wait for the limiter.
	inner := &limitTransport{
		next: &loggingTransport{
			next:    cfg.Transport,
			log:     cfg.Logger,
			ua:      cfg.UserAgent,
			baseURL: base,
		},
		limiter: limiter,
		log:     cfg.Logger,
		timeout: cfg.RequestTimeout,
	}
	if !cfg.fixedRate {
		inner.adaptive = newAdaptiveRate(limiter, cfg.MaxRequestsPerSecond)
	}
	// Token requests go through the same limiter, logging and retries, but
	// not through the auth transport.
	// No http.Client timeout: limitTransport applies the request timeout
	// after the rate limiter's wait.
	tokenHTTP := newRetryClient(&http.Client{Transport: inner}, cfg)
	c.tokens = newTokenSource(base, cfg.ClientID, cfg.ClientSecret, tokenHTTP.StandardClient())
	c.retry = newRetryClient(&http.Client{Transport: &authTransport{next: inner, tokens: c.tokens}}, cfg)
	return c, nil
}

// ParseBaseURL checks that raw is an https URL, or an http URL of a loopback
// host, so that credentials never cross a network in clear text.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL such as %s", raw, DefaultBaseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		// Redacted, since a password in the URL is a secret.
		return nil, fmt.Errorf("%q must not carry credentials, a query or a fragment", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("%q uses plain http to a host that is not loopback: use https (plain http is accepted only for 127.0.0.0/8, localhost and [::1], such as a local emulator)", raw)
		}
	default:
		return nil, fmt.Errorf("%q must use https", raw)
	}
	return u, nil
}

// IsLoopbackHost reports whether host is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AdoptsExistingCustomers reports whether a create that meets a customer with
// its email should adopt it (Config.AdoptExistingCustomers).
func (c *Client) AdoptsExistingCustomers() bool { return c.adopt }

// RequestTimeout is how long one HTTP attempt may take (Config.RequestTimeout
// or its default): how long a request already sent is awaited after a stop.
func (c *Client) RequestTimeout() time.Duration { return c.requestTimeout }

// BaseURL returns the API's base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Redact replaces the client's own secrets (client secret, current access
// token) and the extra values given in s. Diagnostics pass through it as a
// last line of defence should a server ever echo a secret.
func (c *Client) Redact(s string, extra ...string) string {
	secrets := append(append([]string{}, c.secrets...), extra...)
	if tok := c.tokens.current(); tok != "" {
		secrets = append(secrets, tok)
	}
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "(redacted)")
		}
	}
	return s
}

// do sends one API call and decodes a JSON answer into out (if non-nil).
// Non-2xx answers become *APIError. A 401 drops the token and tries once more
// with a fresh one, since tokens may be revoked before their stated expiry.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.maxElapsed)
	defer cancel()

	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encoding the %s %s request: %w", method, path, err)
		}
	}
	for authTry := 0; ; authTry++ {
		resp, err := c.send(ctx, method, path, query, body)
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusUnauthorized && authTry == 0 {
			_ = drain(resp)
			c.tokens.invalidate(tokenOf(resp.Request))
			continue
		}
		return decodeResponse(method, path, resp, out)
	}
}

func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte) (*http.Response, error) {
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + path
	u.RawQuery = query.Encode()

	// retryablehttp replays the byte slice whole on every attempt.
	var raw any
	if body != nil {
		raw = body
	}
	changes := method == http.MethodPost || method == http.MethodPut || method == http.MethodDelete
	req, err := retryablehttp.NewRequestWithContext(withPolicy(ctx, method != http.MethodPost, changes), method, u.String(), raw)
	if err != nil {
		return nil, fmt.Errorf("building the %s %s request: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.retry.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, method, path, err)
	}
	if ctx.Err() != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout) {
		// The API did not carry the request out, and the stop forbids
		// sending it again.
		_ = drain(resp)
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, fmt.Errorf("%s %s: the API answered %d and the request was not sent again: %w", method, path, resp.StatusCode, ErrInterrupted)
		}
		return nil, fmt.Errorf("%s %s: the API answered %d and there was no time left to send it again: %w", method, path, resp.StatusCode, ctx.Err())
	}
	if method == http.MethodPost && resp.StatusCode >= 500 {
		apiErr := readAPIError(method, path, resp)
		return nil, &OutcomeUnknownError{Method: method, Path: path, Err: apiErr}
	}
	return resp, nil
}

// transportError turns a failed round trip into an error that names the
// cause without the URL's internals or any header.
func (c *Client) transportError(ctx context.Context, method, path string, err error) error {
	var authErr *AuthError
	if errors.As(err, &authErr) {
		return authErr
	}
	if errors.Is(err, ErrInterrupted) {
		return fmt.Errorf("%s %s: not sent: %w", method, path, ErrInterrupted)
	}
	//nolint:errorlint // retryablehttp returns the context's own error, unwrapped, only when the operation ends during the wait before a retry
	if (err == context.Canceled || err == context.DeadlineExceeded) && ctx.Err() != nil {
		// A request is retried only when its last attempt had no effect
		// (for a POST: not sent, or answered 408 or 429), so nothing was
		// done, and nothing more is sent.
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%s %s: not sent again: %w", method, path, ErrInterrupted)
		}
		return fmt.Errorf("%s %s: gave up waiting to retry: %w", method, path, err)
	}
	// Checked before the timeouts: a POST cut off by request_timeout may
	// have taken effect all the same, and must be looked up, not dropped.
	cause := unwrapURLError(err)
	attemptTimedOut := errors.Is(err, context.DeadlineExceeded) && !errors.Is(ctx.Err(), context.DeadlineExceeded)
	if attemptTimedOut {
		cause = fmt.Errorf("no answer within the request timeout (%s): %w", c.requestTimeout, cause)
	}
	if method == http.MethodPost && !notSent(err) {
		return &OutcomeUnknownError{Method: method, Path: path, Err: cause}
	}
	if attemptTimedOut {
		return fmt.Errorf("%s %s: %w", method, path, cause)
	}
	if errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.Canceled) {
		// A read abandoned at the stop (changes are awaited instead).
		return fmt.Errorf("%s %s: abandoned: %w", method, path, ErrInterrupted)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: gave up: %w", method, path, cause)
	}
	return fmt.Errorf("%s %s: cannot reach %s: %w", method, path, c.base.Host, cause)
}

func unwrapURLError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

func decodeResponse(method, path string, resp *http.Response, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readAPIError(method, path, resp)
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_ = drain(resp)
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyRead))
	if err != nil {
		return fmt.Errorf("%s %s: reading the response: %w", method, path, err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		// Not wrapped: a decoding error may quote a value of any length.
		return &ResponseDecodeError{Method: method, Path: path, StatusCode: resp.StatusCode,
			ContentType: clip(contentType(resp), maxErrorText), Cause: clip(err.Error(), maxErrorText)}
	}
	return nil
}

func readAPIError(method, path string, resp *http.Response) *APIError {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyRead))
	return decodeAPIError(method, path, resp, body)
}

func contentType(resp *http.Response) string {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		return ct
	}
	return "no content type"
}

func drain(resp *http.Response) error {
	defer resp.Body.Close()
	_, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBodyRead))
	return err
}
