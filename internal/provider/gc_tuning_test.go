package provider

import "testing"

func TestTuneGC(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want int // the percent set, 0 for none
	}{
		{name: "unset", env: nil, want: providerGCPercent},
		{name: "GOGC set", env: map[string]string{"GOGC": "50"}, want: 0},
		{name: "GOGC off", env: map[string]string{"GOGC": "off"}, want: 0},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "200MiB"}, want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := 0
			TuneGC(func(k string) string { return tc.env[k] }, func(p int) int { got = p; return 100 })
			if got != tc.want {
				t.Errorf("set GOGC %d, want %d", got, tc.want)
			}
		})
	}
}
