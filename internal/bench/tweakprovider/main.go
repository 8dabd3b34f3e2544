// Command tweakprovider is the provider as main.go serves it, with each of
// its two process-wide tweaks applied only when $MOLTIN_BENCH_TWEAKS names it
// ("gc": the garbage collector at GOGC=400 unless GOGC is set, which the
// provider did until BENCHMARKS.md's measurement at the API's rates showed it
// made no difference there; "logs": the SDK's and the provider's unread log
// levels forced OFF through provider.QuietUnreadLogs, as main.go does), so
// that `go run ./internal/bench -tweaks` can measure each against its absence
// in one run.
package main

import (
	"context"
	"log"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/moltin-community/terraform-provider-moltin/internal/provider"
)

func main() {
	tweaks := strings.Split(os.Getenv("MOLTIN_BENCH_TWEAKS"), ",")
	if slices.Contains(tweaks, "logs") {
		if err := provider.QuietUnreadLogs(os.Getenv, os.Setenv); err != nil {
			log.Fatal(err)
		}
	}
	if slices.Contains(tweaks, "gc") {
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
	}
	if err := provider.Serve(context.Background(), "bench", false); err != nil {
		log.Print(err.Error())
	}
}
