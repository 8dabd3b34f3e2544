package moltin

import (
	"testing"
	"time"
)

func TestCustomerMatches(t *testing.T) {
	t.Parallel()
	ref := `ext,(1)"x"`
	created := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c := Customer{ID: "c1", Name: `O'Neil, "Sam" (QA)`, Email: "Sam.ONeil@Test.Example.com", ExternalRef: &ref, CreatedAt: created}
	for _, tc := range []struct {
		name    string
		filters []Filter
		want    bool
	}{
		{"no filter", nil, true},
		{"email in other case", []Filter{Eq("email", "sam.oneil@test.example.com")}, true},
		{"email of another", []Filter{Eq("email", "sam@test.example.com")}, false},
		{"email_like anchored at both ends", []Filter{Like("email", "*@test.example.com")}, true},
		{"email_like is not a substring match", []Filter{Like("email", "test.example")}, false},
		{"name exact, case counts", []Filter{Eq("name", `o'neil, "sam" (qa)`)}, false},
		{"name exact", []Filter{Eq("name", `O'Neil, "Sam" (QA)`)}, true},
		{"name_like with a star inside", []Filter{Like("name", `o'neil*(qa)`)}, true},
		{"name_like: only * is a wildcard", []Filter{Like("name", `O'Neil, "Sam" (Q?)`)}, false},
		{"external_ref", []Filter{Eq("external_ref", ref)}, true},
		{"external_ref of another", []Filter{Eq("external_ref", "ext")}, false},
		{"created before a later time", []Filter{Lt("created_at", "2026-11-30T12:00:00.001Z")}, true},
		{"created at the time itself", []Filter{Lt("created_at", "2026-11-30T14:00:00+02:00")}, false},
		{"every term must hold", []Filter{Like("email", "*@test.example.com"), Eq("external_ref", "other")}, false},
		{"a term it cannot judge", []Filter{{Op: "gt", Field: "updated_at", Value: "2020-01-01T00:00:00Z"}}, false},
		{"a time it cannot read", []Filter{Lt("created_at", "tomorrow")}, false},
	} {
		if got := CustomerMatches(c, tc.filters); got != tc.want {
			t.Errorf("%s: CustomerMatches = %v, want %v", tc.name, got, tc.want)
		}
	}
	if CustomerMatches(Customer{ID: "c2", Name: "x", Email: "x@example.com"}, []Filter{Eq("external_ref", "")}) {
		t.Error("a customer without external_ref matches eq(external_ref,\"\")")
	}
}
