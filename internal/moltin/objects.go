package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// What the objects of the API share: the `data` envelope, the timestamps
// under meta, and the calls that read, write or delete one object, so that
// each area states only its paths, bodies and wire shapes. Listings are in
// pages.go, and the Account Management realm in account_settings.go.

// dataDoc is the envelope of one object; W is the object's wire shape.
type dataDoc[W any] struct {
	Data W `json:"data"`
}

// objectPath is the path of the object id in a collection. The id is escaped
// into one segment, whatever it holds, so that no id names another endpoint.
func objectPath(collection, id string) string { return collection + "/" + url.PathEscape(id) }

// callObject sends one call (do's rules: retries, interrupts, errors) and
// converts the object that it answers.
func callObject[W, T any](ctx context.Context, c *Client, method, path string, body any, convert func(*W) (T, error)) (T, error) {
	var doc dataDoc[W]
	if err := c.do(ctx, method, path, nil, body, &doc); err != nil {
		var zero T
		return zero, err
	}
	return convert(&doc.Data)
}

// decodeObject is a createFlow's decode for an answer in the data envelope.
func decodeObject[W, T any](convert func(*W) (T, error)) func(raw []byte) (T, error) {
	return func(raw []byte) (T, error) {
		var doc dataDoc[W]
		if err := json.Unmarshal(raw, &doc); err != nil {
			var zero T
			return zero, err
		}
		return convert(&doc.Data)
	}
}

// deleteObject deletes with one DELETE (retried as any DELETE is) and
// reports whether the API still had the object: a 404 is no error, but
// found is false.
func (c *Client) deleteObject(ctx context.Context, path string) (found bool, err error) {
	err = c.do(ctx, http.MethodDelete, path, nil, nil, nil)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// wireMeta holds an object's timestamps, under meta.timestamps as the
// samples show, or straight under meta as one documentation table says.
type wireMeta struct {
	Timestamps struct {
		CreatedAt string `json:"created_at"`
		UpdatedAt string `json:"updated_at"`
	} `json:"timestamps"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// stamps checks that the object the API returned has an id and reads its
// timestamps; kind names the object with its article ("an account").
func (m *wireMeta) stamps(kind, id string) (created, updated time.Time, err error) {
	if id == "" {
		return created, updated, errors.New("the API returned " + kind + " without an id")
	}
	// Errors name the object without the article: "account <id>".
	_, noun, _ := strings.Cut(kind, " ")
	what := noun + " " + clip(id, maxErrorText)
	if created, err = parseTime("created_at", firstNonEmpty(m.Timestamps.CreatedAt, m.CreatedAt)); err != nil {
		return created, updated, fmt.Errorf("%s: %w", what, err)
	}
	if updated, err = parseTime("updated_at", firstNonEmpty(m.Timestamps.UpdatedAt, m.UpdatedAt)); err != nil {
		return created, updated, fmt.Errorf("%s: %w", what, err)
	}
	return created, updated, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func parseTime(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// time.Parse's own message quotes the value twice, unbounded.
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time", name, clip(s, 64))
	}
	return t, nil
}
