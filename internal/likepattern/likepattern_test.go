package likepattern

import "testing"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"jon*", "Jonathan", true}, {"*than", "JONATHAN", true}, {"j*n*n", "jonathan", true},
		{"jon", "jonathan", false}, {"*", "", true}, {"a*b*c", "abxbc", true}, {"a*b*c", "acb", false},
		{"**x", "x", true}, {"é*", "Ébène", true},
	} {
		if got := Match(tc.p, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}
