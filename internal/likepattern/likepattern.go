// Package likepattern is the API's `like` filter operator, as the API
// documents it: the emulator filters lists with it, and the client re-checks
// a listing's results with it. It depends on neither side.
package likepattern

import "strings"

// Match reports whether s matches pattern case-insensitively, where '*'
// stands for any run of characters (including none).
func Match(pattern, s string) bool {
	p := []rune(strings.ToLower(pattern))
	t := []rune(strings.ToLower(s))
	// Greedy glob matching, backtracking to the last '*'.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && p[pi] == t[ti]:
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
