package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/moltin-community/terraform-provider-moltin/internal/provider"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Building log lines that the CLI would drop costs much of the provider's
	// CPU (BENCHMARKS.md). A provider run for a debugger logs to its own
	// terminal: keep those.
	if !debug {
		if err := provider.QuietUnreadLogs(os.Getenv, os.Setenv); err != nil {
			log.Fatal(err.Error())
		}
	}
	if err := provider.Serve(context.Background(), version, debug); err != nil {
		log.Fatal(err.Error())
	}
}
