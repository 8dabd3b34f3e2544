package moltin

import "strings"

// Filter is one term of the API's filter language, such as eq(email,x).
type Filter struct {
	Op, Field, Value string
}

// Eq and Like build the two operators the provider uses.
func Eq(field, value string) Filter   { return Filter{Op: "eq", Field: field, Value: value} }
func Like(field, value string) Filter { return Filter{Op: "like", Field: field, Value: value} }

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
