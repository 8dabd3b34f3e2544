package moltin

import (
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/likepattern"
)

// Filter is one term of the API's filter language, such as eq(email,x).
type Filter struct {
	Op, Field, Value string
}

// Eq, Like and Lt build the operators the provider uses.
func Eq(field, value string) Filter   { return Filter{Op: "eq", Field: field, Value: value} }
func Like(field, value string) Filter { return Filter{Op: "like", Field: field, Value: value} }
func Lt(field, value string) Filter   { return Filter{Op: "lt", Field: field, Value: value} }

// String renders the term. The value is always quoted, with `"` and `\`
// escaped, so that a comma, colon or parenthesis in a name cannot end the
// term or start another.
func (f Filter) String() string {
	v := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.Value)
	return f.Op + "(" + f.Field + `,"` + v + `")`
}

// JoinFilters joins terms with ':', which the API reads as "and".
func JoinFilters(fs []Filter) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, ":")
}

// matchesAll reports whether an object meets every term: eq (emails compared
// case-insensitively, other fields exactly) and like on the string fields
// that field returns (nil: the object has none), and lt on created_at. A
// term it cannot judge is not met.
func matchesAll(fs []Filter, created time.Time, field func(string) *string) bool {
	for _, f := range fs {
		if !meets(f, created, field) {
			return false
		}
	}
	return true
}

func meets(f Filter, created time.Time, field func(string) *string) bool {
	if f.Field == "created_at" {
		t, err := time.Parse(time.RFC3339Nano, f.Value)
		return f.Op == "lt" && err == nil && !created.IsZero() && created.Before(t)
	}
	v := field(f.Field)
	if v == nil {
		return false
	}
	switch f.Op {
	case "eq":
		if f.Field == "email" {
			return strings.EqualFold(*v, f.Value)
		}
		return *v == f.Value
	case "like":
		return likepattern.Match(f.Value, *v)
	}
	return false
}
