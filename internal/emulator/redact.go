package emulator

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
	"regexp"
	"strings"
)

const redacted = "REDACTED"

// secretKeys are the JSON keys and form fields whose values never reach the
// request log. Matched case-insensitively because a lenient decoder could
// accept "Password" as well.
var secretKeys = map[string]bool{
	"password": true, "client_secret": true, "token": true,
	// The other Account Management login mechanisms' secrets.
	"one_time_password_token": true, "oauth_authorization_code": true, "oauth_code_verifier": true,
}

func isSecretKey(k string) bool { return secretKeys[strings.ToLower(k)] }

// redactBody returns a copy of body safe to log: secret values replaced by
// "REDACTED" with their keys kept, so tests can tell a secret was sent.
func redactBody(path, contentType string, body []byte) []byte {
	if len(body) == 0 {
		return []byte{}
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" || (path == "/oauth/access_token" && !json.Valid(body)) {
		return []byte(redactForm(string(body)))
	}
	if json.Valid(body) {
		if out, ok := redactJSON(body); ok {
			return out
		}
	}
	return redactLoose(body)
}

// redactForm rewrites secret fields of a form/query string in place, keeping
// the original order and encoding of every other field.
func redactForm(s string) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if isSecretKey(name) {
			parts[i] = k + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

func redactJSON(body []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers exactly as sent
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return marshal(redactValue(v)), true
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if isSecretKey(k) {
				t[k] = redacted
			} else {
				t[k] = redactValue(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
	}
	return v
}

const secretAlternatives = "password|client_secret|token|one_time_password_token|oauth_authorization_code|oauth_code_verifier"

var (
	looseJSONSecret = regexp.MustCompile(`(?i)("(?:` + secretAlternatives + `)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]*)`)
	looseFormSecret = regexp.MustCompile(`(?i)((?:^|&)(?:` + secretAlternatives + `)=)[^&]*`)
)

// redactLoose handles bodies that are neither valid JSON nor declared as a
// form: the handler rejects them, but the log must still not leak a secret.
func redactLoose(body []byte) []byte {
	out := looseJSONSecret.ReplaceAll(body, []byte(`${1}"`+redacted+`"`))
	return looseFormSecret.ReplaceAll(out, []byte("${1}"+redacted))
}
