package provider

// providerGCPercent is the provider process's GOGC. Most of its CPU is the
// framework converting and walking values, which allocates; at the default
// 100 a third of that CPU went to the collector, while the live heap stays a
// few MiB (BENCHMARKS.md, "The provider's garbage collector").
const providerGCPercent = 400

// TuneGC sets the provider process's garbage collection target, unless the
// user chose one with GOGC or GOMEMLIMIT. main calls it before serving; the
// in-process provider of acceptance tests is left alone.
func TuneGC(getenv func(string) string, setGCPercent func(int) int) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	setGCPercent(providerGCPercent)
}
