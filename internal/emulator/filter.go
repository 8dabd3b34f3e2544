package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/likepattern"
)

// condition is one parsed filter clause such as eq(email,a@b.c).
type condition struct {
	op, field, value string
	at               time.Time // parsed value for timestamp fields
}

// allowedOps lists, per field, the operators the API documents.
var allowedOps = map[string]map[string]bool{
	"email":        {"eq": true, "like": true},
	"name":         {"eq": true, "like": true},
	"id":           {"eq": true, "gt": true, "ge": true, "lt": true, "le": true},
	"created_at":   {"eq": true, "gt": true, "ge": true, "lt": true, "le": true},
	"updated_at":   {"eq": true, "gt": true, "ge": true, "lt": true, "le": true},
	"external_ref": {"eq": true},
}

// parseFilter parses clauses joined by ':'. Values are bare (up to the
// closing parenthesis; no commas, quotes or parentheses) or double-quoted,
// where \" and \\ are escapes and everything else is literal.
func parseFilter(s string) ([]condition, error) {
	return parseFilterOps(s, allowedOps)
}

// parseFilterOps is parseFilter for a list whose fields and operators are
// allowed.
func parseFilterOps(s string, allowed map[string]map[string]bool) ([]condition, error) {
	var conds []condition
	i := 0
	for {
		open := strings.IndexByte(s[i:], '(')
		if open < 0 {
			return nil, fmt.Errorf("expected '(' after operator at position %d", i)
		}
		op := s[i : i+open]
		i += open + 1
		comma := strings.IndexByte(s[i:], ',')
		if comma < 0 {
			return nil, fmt.Errorf("expected ',' after field name in %s(", op)
		}
		field := s[i : i+comma]
		i += comma + 1
		ops, ok := allowed[field]
		if !ok {
			return nil, fmt.Errorf("cannot filter on field %q", field)
		}
		if !ops[op] {
			return nil, fmt.Errorf("operator %q is not supported on field %q", op, field)
		}

		var value string
		if i < len(s) && s[i] == '"' {
			v, n, err := parseQuoted(s[i:])
			if err != nil {
				return nil, err
			}
			value = v
			i += n
			if i >= len(s) || s[i] != ')' {
				return nil, fmt.Errorf("expected ')' after quoted value in %s(%s,...)", op, field)
			}
		} else {
			end := strings.IndexByte(s[i:], ')')
			if end < 0 {
				return nil, fmt.Errorf("missing ')' in %s(%s,...)", op, field)
			}
			value = s[i : i+end]
			if strings.ContainsAny(value, ",(\"") {
				return nil, fmt.Errorf("value in %s(%s,...) contains ',', '(' or '\"'; wrap it in double quotes", op, field)
			}
			i += end
		}
		i++ // the ')'

		c := condition{op: op, field: field, value: value}
		if field == "created_at" || field == "updated_at" {
			t, err := parseFilterTime(value)
			if err != nil {
				return nil, fmt.Errorf("%s(%s,...): %q is not an RFC 3339 timestamp", op, field, value)
			}
			c.at = t
		}
		conds = append(conds, c)

		if i == len(s) {
			return conds, nil
		}
		if s[i] != ':' {
			return nil, fmt.Errorf("expected ':' between filters at position %d", i)
		}
		i++
	}
}

// parseQuoted reads a quoted value starting at s[0] == '"'; it returns the
// unescaped value and the number of bytes consumed including both quotes.
func parseQuoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '"' && s[i+1] != '\\') {
				return "", 0, fmt.Errorf("invalid escape in quoted filter value; only \\\" and \\\\ are allowed")
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted filter value")
}

func parseFilterTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse("2006-01-02", v)
	return t.UTC(), err
}

func (c condition) matches(cust *customer) bool {
	switch c.field {
	case "email":
		if c.op == "like" {
			return likepattern.Match(c.value, cust.email)
		}
		return strings.EqualFold(cust.email, c.value)
	case "name":
		if c.op == "like" {
			return likepattern.Match(c.value, cust.name)
		}
		return cust.name == c.value
	case "external_ref":
		return cust.externalRef != nil && *cust.externalRef == c.value
	case "id":
		return compareOp(c.op, strings.Compare(cust.id, c.value))
	case "created_at":
		return compareOp(c.op, cust.createdAt.Compare(c.at))
	case "updated_at":
		return compareOp(c.op, cust.updatedAt.Compare(c.at))
	}
	return false
}

func compareOp(op string, cmp int) bool {
	switch op {
	case "eq":
		return cmp == 0
	case "gt":
		return cmp > 0
	case "ge":
		return cmp >= 0
	case "lt":
		return cmp < 0
	case "le":
		return cmp <= 0
	}
	return false
}
