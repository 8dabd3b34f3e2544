package moltin

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

type ctxKey int

const (
	policyKey ctxKey = iota
	attemptKey
)

// requestPolicy travels in a request's context: whether the request may be
// repeated after an unknown outcome, whether its answer is awaited once it
// has been sent even if the operation is stopped, and which attempt is under
// way (for the logs).
type requestPolicy struct {
	idempotent bool
	// awaitOnceSent: a change (POST, PUT, DELETE) that the API may carry out
	// whether or not anyone reads its answer. Abandoning it would leave a
	// change, such as a customer, that no state knows.
	awaitOnceSent bool
	attempt       atomic.Int32
}

func withPolicy(ctx context.Context, idempotent, awaitOnceSent bool) context.Context {
	p := &requestPolicy{idempotent: idempotent, awaitOnceSent: awaitOnceSent}
	return context.WithValue(ctx, policyKey, p)
}

func policyOf(ctx context.Context) *requestPolicy {
	if p, ok := ctx.Value(policyKey).(*requestPolicy); ok {
		return p
	}
	return &requestPolicy{}
}

func newRetryClient(hc *http.Client, cfg Config) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // the logging transport logs every attempt instead
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		// Hand the last answer back, so its error body can be decoded.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			policyOf(req.Context()).attempt.Store(int32(attempt + 1))
		},
	}
}

// checkRetry: 408, 429 and connection failures are retried for every method;
// 5xx and failures after the request was sent only for requests that are
// safe to repeat (never a customer POST, which could create twice). Nothing
// is retried once the operation is stopped or out of time.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		// Stop, keeping the attempt's own outcome: an answer that arrived is
		// still an answer, and an error says whether the request was sent.
		return false, nil //nolint:nilerr // the caller returns the attempt's own error
	}
	p := policyOf(ctx)
	if err != nil {
		var certErr *x509.UnknownAuthorityError
		var authErr *AuthError
		if errors.As(err, &certErr) || errors.As(err, &authErr) {
			return false, nil
		}
		return p.idempotent || notSent(err), nil
	}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode == http.StatusNotImplemented:
		return false, nil
	case resp.StatusCode >= 500:
		return p.idempotent, nil
	}
	return false, nil
}

// ErrInterrupted says that Terraform or OpenTofu asked the provider to stop
// (Ctrl-C, a CI cancel) and that a request was therefore not sent, or not
// sent again.
var ErrInterrupted = errors.New("the run was interrupted (Terraform or OpenTofu asked the provider to stop)")

// notSentError marks a failure before the request left the client, such as
// the end of the operation while waiting for the rate limiter.
type notSentError struct{ err error }

// stoppedBeforeSending is the error of a request that the end of its
// operation (ctx) caught before it was sent.
func stoppedBeforeSending(ctx context.Context, while string) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &notSentError{ErrInterrupted}
	}
	return &notSentError{fmt.Errorf("%s: %w", while, ctx.Err())}
}

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// notSent reports a failure before any byte of the request was sent, which
// makes even a POST safe to repeat.
func notSent(err error) bool {
	var ns *notSentError
	if errors.As(err, &ns) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// backoff honours Retry-After (seconds or an HTTP date, at most a minute) and
// otherwise waits exponentially longer with full jitter, so that the ten
// parallel operations of a Terraform run do not retry in lockstep.
func backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	ceiling := minWait << min(attemptNum, 16)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	return minWait/2 + rand.N(ceiling-minWait/2+1)
}

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	return max(0, min(d, maxRetryAfter)), true
}

// limitTransport makes every attempt, retries and token requests included,
// wait for the client's rate limiter, and only then bounds the attempt by the
// request timeout: the wait is not part of it, so that a low configured rate
// with many operations at once does not time requests out before they leave.
//
// It is also where a request is sent or not. One whose operation is stopped
// while it waits is not sent at all; a change (awaitOnceSent) that has been
// sent is carried on a context that the stop does not cancel, so that its
// answer is read, bounded by the request timeout alone.
type limitTransport struct {
	next     http.RoundTripper
	limiter  *rate.Limiter
	adaptive *adaptiveRate // nil: the configured rate, whatever the answers
	log      Logger
	timeout  time.Duration
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// The adaptive rate judges a 429 by when the request took its place in
	// the limiter's queue: requests queued before a cut are spaced at the
	// old rate, and their 429s say nothing about the new one.
	queued := time.Now()
	if ctx.Err() != nil {
		return nil, stoppedBeforeSending(ctx, "before sending")
	}
	// Reserve rather than Wait: Wait fails at once when the wait would pass
	// the context's deadline, with an error that does not say so.
	r := t.limiter.Reserve()
	if d := r.Delay(); d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			r.Cancel()
			return nil, stoppedBeforeSending(ctx, "waiting for the rate limit")
		}
	}
	// The wait and the stop may end together, and select picks either.
	if ctx.Err() != nil {
		return nil, stoppedBeforeSending(ctx, "waiting for the rate limit")
	}
	sendCtx := ctx
	if policyOf(ctx).awaitOnceSent {
		sendCtx = context.WithoutCancel(ctx)
	}
	timeout := t.timeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	attemptCtx, cancel := context.WithTimeout(sendCtx, timeout)
	resp, err := t.next.RoundTrip(req.WithContext(attemptCtx))
	if err != nil {
		cancel()
		return nil, err
	}
	t.adapt(ctx, queued, resp)
	// The timeout covers reading the body too; closing it ends the attempt.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// adapt tells the adaptive rate how the API answered a request queued at
// queued.
func (t *limitTransport) adapt(ctx context.Context, queued time.Time, resp *http.Response) {
	if t.adaptive == nil || resp == nil {
		return
	}
	if r, cut := t.adaptive.answered(queued, resp.StatusCode == http.StatusTooManyRequests); cut {
		t.log.Debug(ctx, "Moltin API answered 429 to many requests: slowing down", map[string]any{"requests_per_second": r})
	}
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// authTransport sets the bearer token on every attempt, so that a retry after
// a refresh carries the new token.
type authTransport struct {
	next   http.RoundTripper
	tokens *tokenSource
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if ctx.Err() != nil {
		return nil, stoppedBeforeSending(ctx, "before sending")
	}
	tok, err := t.tokens.token(ctx)
	if err != nil {
		if ctx.Err() != nil {
			// The stop cut the token request short: the request that needed
			// the token was never sent.
			return nil, stoppedBeforeSending(ctx, "waiting for an access token")
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	return t.next.RoundTrip(r)
}

// loggingTransport logs each attempt: method, path, status, duration, attempt
// and the API's request id. Never headers, bodies or the query's values.
type loggingTransport struct {
	next    http.RoundTripper
	log     Logger
	ua      string
	baseURL *url.URL
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.ua != "" && req.Header.Get("User-Agent") != t.ua {
		req = req.Clone(ctx)
		req.Header.Set("User-Agent", t.ua)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"http_method":  req.Method,
		"http_path":    req.URL.Path,
		"attempt":      int(policyOf(ctx).attempt.Load()),
		"duration_ms":  time.Since(start).Milliseconds(),
		"api_base_url": t.baseURL.String(),
	}
	if err != nil {
		fields["error"] = unwrapURLError(err).Error()
		t.log.Warn(ctx, "Moltin API request failed", fields)
		return nil, err
	}
	fields["http_status"] = resp.StatusCode
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		fields["request_id"] = id
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		fields["retry_after"] = ra
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		t.log.Warn(ctx, "Moltin API request answered with a retryable status", fields)
	} else {
		t.log.Debug(ctx, "Moltin API request", fields)
	}
	return resp, nil
}
