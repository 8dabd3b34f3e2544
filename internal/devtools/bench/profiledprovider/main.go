// Command profiledprovider is the provider as main.go serves it, plus a CPU
// and a heap profile per process written into $MOLTIN_CPUPROFILE_DIR, so the
// benchmark can show where the provider's time goes without a profiling hook
// in the released binary. `go run ./internal/devtools/bench -cpuprofile-dir DIR`
// builds and uses it.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/moltin-community/terraform-provider-moltin/internal/provider"
)

func main() {
	dir := os.Getenv("MOLTIN_CPUPROFILE_DIR")
	if dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
			if h, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid()))); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(h, 0)
				_ = h.Close()
			}
		}()
	}
	if err := provider.QuietUnreadLogs(os.Getenv, os.Setenv); err != nil {
		log.Fatal(err)
	}
	if err := provider.Serve(context.Background(), "bench", false); err != nil {
		log.Print(err.Error())
	}
}
