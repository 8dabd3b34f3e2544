package provider

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	if TuneGC(func(string) string { return "150" }) {
		t.Error("TuneGC changed the target although GOGC was set")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, the target became %d, want it left at 100", got)
	}

	if !TuneGC(func(string) string { return "" }) {
		t.Error("TuneGC left the target alone without GOGC")
	}
	if got := debug.SetGCPercent(100); got != providerGCPercent {
		t.Errorf("without GOGC, the target is %d, want %d", got, providerGCPercent)
	}
}
