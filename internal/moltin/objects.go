package moltin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// What the objects of the API share: the `data` envelope, the timestamps
// under meta, and the calls that read, write or delete one object, so that
// each area states only its paths, bodies and wire shapes.

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

// filterAll walks items to the end and keeps those that keep accepts,
// stopping at the first error.
func filterAll[T any](items iter.Seq2[T, error], keep func(T) bool) ([]T, error) {
	var out []T
	for item, err := range items {
		if err != nil {
			return nil, err
		}
		if keep(item) {
			out = append(out, item)
		}
	}
	return out, nil
}

// findFirst walks items until one that keep accepts, and fetches no page
// after it.
func findFirst[T any](items iter.Seq2[T, error], keep func(T) bool) (T, bool, error) {
	var zero T
	for item, err := range items {
		if err != nil {
			return zero, false, err
		}
		if keep(item) {
			return item, true, nil
		}
	}
	return zero, false, nil
}

// onlyOne is the one item of a lookup's matches, or none (false); more than
// one is the error that tooMany makes of their number, since the caller
// cannot tell which one is meant.
func onlyOne[T any](matches []T, err error, tooMany func(n int) error) (T, bool, error) {
	var zero T
	switch {
	case err != nil:
		return zero, false, err
	case len(matches) == 0:
		return zero, false, nil
	case len(matches) == 1:
		return matches[0], true, nil
	default:
		return zero, false, tooMany(len(matches))
	}
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
