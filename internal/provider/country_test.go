package provider

import (
	"strings"
	"testing"
)

func TestCheckCountry(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"GB", "gb", "Gb", "US", "DE", "FR", "AQ", "AX", "BQ", "CW", "SS", "SX", "PS", "TW", "UM", "EH", "BV", "HM"} {
		if msg := checkCountry(ok); msg != "" {
			t.Errorf("%s refused: %s", ok, msg)
		}
	}
	for code, want := range map[string]string{
		"UK":  "use GB (United Kingdom)", // exceptionally reserved; x/text canonicalizes it to GB
		"FX":  "use FR",
		"DD":  "use DE",
		"ZR":  "use CD",
		"ZZ":  "not the code of a country",
		"QO":  "not the code of a country",
		"XK":  "not the code of a country", // user-assigned, private use in ISO terms
		"AA":  "not the code of a country",
		"EU":  "not the code of a country",
		"UN":  "not the code of a country",
		"EZ":  "not the code of a country",
		"AC":  "not the code of a country",
		"IC":  "not the code of a country",
		"SU":  "deleted",
		"YU":  "deleted",
		"CS":  "deleted",
		"AB":  "not the code of a country",
		"826": "not a two-letter",
		"GBR": "not a two-letter",
		"G":   "not a two-letter",
		"":    "not a two-letter",
		"É":   "not a two-letter",
		"G1":  "not a two-letter",
	} {
		if msg := checkCountry(code); !strings.Contains(msg, want) {
			t.Errorf("%q: %q, want it to say %q", code, msg, want)
		}
	}
}

// Every one of the 676 letter pairs is judged, and exactly the 249 assigned
// codes pass (ISO 3166-1 as of 2024).
func TestCheckCountryCount(t *testing.T) {
	t.Parallel()
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if checkCountry(string([]rune{a, b})) == "" {
				n++
			}
		}
	}
	if n != 249 {
		t.Errorf("%d codes accepted, want 249", n)
	}
}
