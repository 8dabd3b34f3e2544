// Command tweakprovider is the provider as main.go serves it, with each of
// its two process-wide tweaks applied only when $MOLTIN_BENCH_TWEAKS names it
// ("gc": GOGC=400 through provider.TuneGC; "logs": the SDK's and the
// provider's unread log levels forced OFF through provider.QuietUnreadLogs),
// so that `go run ./internal/bench -tweaks` can measure each against its
// absence in one run.
package main

import (
	"context"
	"log"
	"os"
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
		provider.TuneGC(os.Getenv)
	}
	if err := provider.Serve(context.Background(), "bench", false); err != nil {
		log.Print(err.Error())
	}
}
