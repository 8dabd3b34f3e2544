package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/moltin-community/terraform-provider-moltin/internal/provider"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// Log lines that the CLI would drop cost a third of the provider's CPU.
	// A provider run for a debugger logs to its own terminal: keep those.
	if !debug {
		if err := provider.QuietUnreadLogs(os.Getenv, os.Setenv); err != nil {
			log.Fatal(err.Error())
		}
	}
	// providerserver.Serve, with the server that lets go of each RPC's
	// context when it returns (see provider.NewProtocol6Server).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(provider.ProviderAddress, provider.NewProtocol6Server(provider.New(version)()), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
