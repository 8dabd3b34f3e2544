package provider

import "runtime/debug"

// providerGCPercent is the garbage collector's target in a provider process.
// A provider lives for one CLI command and keeps little: its live heap stays
// around 10 MiB, and at Go's default of 100 the collector ran about every
// 10 MiB allocated, a fifth of the provider's CPU on a large apply (the
// framework allocates heavily per call). At 400, in one `make bench` run,
// provider CPU fell by 21–34% per step and peak RSS rose from 46–63 MiB to
// 69–100 MiB. See BENCHMARKS.md.
const providerGCPercent = 400

// TuneGC sets the collector's target for a provider process, unless the
// user chose one with GOGC. It reports whether it changed anything.
func TuneGC(getenv func(string) string) bool {
	if getenv("GOGC") != "" {
		return false
	}
	debug.SetGCPercent(providerGCPercent)
	return true
}
