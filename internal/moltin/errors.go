package moltin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An error answer is shown to people: its text is bounded, however long the
// server's answer, so that a misbehaving server cannot flood a diagnostic.
const (
	maxErrorObjects = 10
	maxErrorText    = 512 // bytes per title, detail, code, pointer or id
)

// APIError is an error answer of the API. It carries only what the server
// said about the failure, never the request's headers or body.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	RequestID  string
	Errors     []ErrorObject
	// NotJSON is set when the body was not the API's JSON (an HTML page from
	// a proxy, say); ContentType then says what it was.
	NotJSON     bool
	ContentType string
	// Omitted counts the error objects left out beyond maxErrorObjects.
	Omitted int
}

// ErrorObject is one entry of the API's `errors` array.
type ErrorObject struct {
	Status    flexInt      `json:"status"`
	Title     string       `json:"title"`
	Detail    string       `json:"detail"`
	Code      string       `json:"code,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Source    *ErrorSource `json:"source,omitempty"`
}

// ErrorSource points at the part of the request that an error is about.
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// flexInt accepts a number or a numeric string: the API sends `status` as
// either, depending on the service that answered. Anything else reads as 0
// rather than failing, so that the title and detail beside it still show.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	n, err := strconv.Atoi(strings.Trim(string(b), `"`))
	if err != nil {
		n = 0
	}
	*f = flexInt(n)
	return nil
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.NotJSON {
		ct := e.ContentType
		if ct == "" {
			ct = "no content type"
		}
		fmt.Fprintf(&b, " (the body was not the API's JSON but %s: a proxy or load balancer answered)", ct)
	}
	for _, o := range e.Errors {
		switch {
		case o.Title != "" && o.Detail != "":
			fmt.Fprintf(&b, "; %s: %s", o.Title, o.Detail)
		case o.Detail != "":
			fmt.Fprintf(&b, "; %s", o.Detail)
		case o.Title != "":
			fmt.Fprintf(&b, "; %s", o.Title)
		}
		if o.Source != nil && o.Source.Pointer != "" {
			fmt.Fprintf(&b, " (at %s)", o.Source.Pointer)
		}
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "; and %d more errors", e.Omitted)
	}
	if id := e.requestID(); id != "" {
		fmt.Fprintf(&b, " [request id %s]", id)
	}
	return b.String()
}

func (e *APIError) requestID() string {
	if e.RequestID != "" {
		return e.RequestID
	}
	for _, o := range e.Errors {
		if o.RequestID != "" {
			return o.RequestID
		}
	}
	return ""
}

// Detail joins the details (or titles) of all error objects.
func (e *APIError) Detail() string {
	var parts []string
	for _, o := range e.Errors {
		if o.Detail != "" {
			parts = append(parts, o.Detail)
		} else if o.Title != "" {
			parts = append(parts, o.Title)
		}
	}
	return strings.Join(parts, "; ")
}

// StatusOf returns the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is the API's 404.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsConflict reports whether err is a duplicate (409, or a 422 about an
// existing value: the API documents neither precisely).
func IsConflict(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	if apiErr.StatusCode == http.StatusConflict {
		return true
	}
	if apiErr.StatusCode == http.StatusUnprocessableEntity {
		d := strings.ToLower(apiErr.Detail())
		return strings.Contains(d, "already") || strings.Contains(d, "exists") || strings.Contains(d, "taken") || strings.Contains(d, "duplicate")
	}
	return false
}

// decodeAPIError builds an *APIError from an error response. It reads at most
// 64 KiB of the body: the errors array is small, and a proxy page is not.
func decodeAPIError(method, path string, resp *http.Response, body []byte) *APIError {
	e := &APIError{
		Method:      method,
		Path:        path,
		StatusCode:  resp.StatusCode,
		RequestID:   clip(resp.Header.Get("X-Request-Id"), maxErrorText),
		ContentType: clip(resp.Header.Get("Content-Type"), maxErrorText),
	}
	var doc struct {
		Errors []ErrorObject `json:"errors"`
	}
	if len(body) == 0 {
		return e
	}
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Errors) == 0 {
		e.NotJSON = !json.Valid(body)
		return e
	}
	if len(doc.Errors) > maxErrorObjects {
		e.Omitted = len(doc.Errors) - maxErrorObjects
		doc.Errors = doc.Errors[:maxErrorObjects]
	}
	for i := range doc.Errors {
		o := &doc.Errors[i]
		o.Title, o.Detail = clip(o.Title, maxErrorText), clip(o.Detail, maxErrorText)
		o.Code, o.RequestID = clip(o.Code, maxErrorText), clip(o.RequestID, maxErrorText)
		if o.Source != nil {
			o.Source.Pointer, o.Source.Parameter = clip(o.Source.Pointer, maxErrorText), clip(o.Source.Parameter, maxErrorText)
		}
	}
	e.Errors = doc.Errors
	return e
}

// clip shortens s to at most n bytes, cut on a rune boundary and marked.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// OutcomeUnknownError says that a request which is not safe to repeat (a POST)
// may or may not have taken effect: the connection failed after the request
// was sent, or the server answered 5xx.
type OutcomeUnknownError struct {
	Method, Path string
	Err          error
}

func (e *OutcomeUnknownError) Error() string {
	// An API error names the call itself; say it once.
	cause := strings.TrimPrefix(e.Err.Error(), e.Method+" "+e.Path+": ")
	return fmt.Sprintf("%s %s: the outcome is unknown: %s", e.Method, e.Path, cause)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// ResponseDecodeError is a success whose body is not the JSON expected.
type ResponseDecodeError struct {
	Method, Path string
	StatusCode   int
	ContentType  string // empty when the body was JSON of the wrong shape
	Cause        string // clipped: a decoding error may quote a value of any length
}

func (e *ResponseDecodeError) Error() string {
	if e.ContentType == "" {
		return fmt.Sprintf("%s %s: the API answered %d with a body that is not the expected JSON: %s", e.Method, e.Path, e.StatusCode, e.Cause)
	}
	return fmt.Sprintf("%s %s: the API answered %d with a body that is not the expected JSON (%s): %s",
		e.Method, e.Path, e.StatusCode, e.ContentType, e.Cause)
}

// AuthError is a failure to obtain an access token.
type AuthError struct {
	StatusCode int
	Detail     string
	Err        error
}

func (e *AuthError) Error() string {
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusForbidden {
		msg := fmt.Sprintf("authentication failed (%d %s): check client_id and client_secret", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Detail != "" {
			msg += ": the API said: " + e.Detail
		}
		return msg
	}
	if e.StatusCode != 0 {
		msg := fmt.Sprintf("could not obtain an access token: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Detail != "" {
			msg += ": " + e.Detail
		}
		return msg
	}
	return fmt.Sprintf("could not obtain an access token: %v", e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }
