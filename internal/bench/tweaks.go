package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// tweakVariant is one combination of the provider's process-wide tweaks.
type tweakVariant struct {
	name   string
	tweaks string // MOLTIN_BENCH_TWEAKS
}

var tweakVariants = []tweakVariant{
	{"both (as released)", "gc,logs"},
	{"without GOGC=400", "logs"},
	{"without forced log levels", "gc"},
	{"neither", ""},
}

// tweakCell is one variant's measurement of one step.
type tweakCell struct {
	wall, cpu time.Duration
	peakKiB   int64
}

// runTweaks measures the tweaks at each client rate: every variant has its
// own emulator and working directory, and the variants take turns step by
// step, so that the machine's load falls on them alike.
func runTweaks(ctx context.Context, o options, rates []float64) error {
	root, err := moduleAndTofu(ctx, &o)
	if err != nil {
		return err
	}
	providerDir, err := buildVariant(ctx, root, "./internal/bench/tweakprovider")
	if err != nil {
		return err
	}
	load0 := loadavg()
	fmt.Printf("%s, N = %d customers, `-parallelism=%d`, emulator latency %s, no server-side limit; %d run(s) per cell, the median shown; "+
		"%d CPUs, load average %s before", tofuVersion(ctx, o.tofu), o.n, o.parallelism, o.latency, o.runs, numCPU(), load0)
	var tables strings.Builder
	for _, rate := range rates {
		cells, names, err := tweakRate(ctx, o, providerDir, rate)
		if err != nil {
			return err
		}
		printTweakTable(&tables, rate, names, cells)
	}
	fmt.Printf(" and %s after; finished %s.\n\n%s", loadavg(), time.Now().UTC().Format(time.RFC3339), tables.String())
	return nil
}

func tweakRate(ctx context.Context, o options, providerDir string, rate float64) (cells [][][]tweakCell, names []string, err error) {
	type variantRun struct {
		emu *emulator.Server
		w   *clitest.Workdir
		url string
	}
	dir, err := os.MkdirTemp("", "moltin-bench-tweaks")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", fmt.Sprintf("-parallelism=%d", o.parallelism)}
	destroy := []string{"destroy", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", o.parallelism)}
	tweakSteps := []struct {
		name string
		args []string
		cfg  version
	}{
		{"create", apply, version{password: 1, clientRate: rate}},
		{"no-op plan (refresh)", plan, version{password: 1, clientRate: rate}},
		{"change name on all", apply, version{renamed: true, password: 1, clientRate: rate}},
		{"destroy", destroy, version{renamed: true, password: 1, clientRate: rate}},
	}
	for _, s := range tweakSteps {
		names = append(names, s.name)
	}
	// cells[step][variant] holds one cell per run.
	cells = make([][][]tweakCell, len(tweakSteps))
	for i := range cells {
		cells[i] = make([][]tweakCell, len(tweakVariants))
	}
	for run := range o.runs {
		vs := make([]variantRun, len(tweakVariants))
		for i := range tweakVariants {
			emu := emulator.New(emulator.Config{Faults: emulator.Faults{Latency: o.latency}})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return nil, nil, err
			}
			srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
			go func() { _ = srv.Serve(ln) }()
			defer srv.Close()
			w, err := clitest.NewWorkdir(o.tofu, providerDir, filepath.Join(dir, fmt.Sprintf("r%d-v%d", run, i)))
			if err != nil {
				return nil, nil, err
			}
			vs[i] = variantRun{emu: emu, w: w, url: "http://" + ln.Addr().String()}
		}
		for si, s := range tweakSteps {
			for turn := range tweakVariants {
				// Start each step with a different variant, so that none
				// always follows the same one.
				vi := (turn + si + run) % len(tweakVariants)
				v := tweakVariants[vi]
				vr := vs[vi]
				if err := vr.w.WriteFile("main.tf", moltinConfig(o.n, vr.url, s.cfg)); err != nil {
					return nil, nil, err
				}
				env := []string{
					"EPCC_CLIENT_ID=" + emulator.DefaultClientID,
					"EPCC_CLIENT_SECRET=" + emulator.DefaultClientSecret,
					"MOLTIN_BENCH_TWEAKS=" + v.tweaks,
				}
				watch := watchProcesses(providerComm, 20*time.Millisecond)
				t0 := time.Now()
				_, err := vr.w.Run(ctx, env, s.args...)
				wall := time.Since(t0)
				_, peak, cpu := watch.Stop()
				if err != nil {
					return nil, nil, fmt.Errorf("%g/s, %s, %s: %w", rate, s.name, v.name, err)
				}
				fmt.Fprintf(os.Stderr, "  %g/s run %d %-22s %-26s wall %6.2fs  provider CPU %6.2fs  peak RSS %4d MiB\n",
					rate, run+1, s.name, v.name, wall.Seconds(), cpu.Seconds(), peak/1024)
				cells[si][vi] = append(cells[si][vi], tweakCell{wall: wall, cpu: cpu, peakKiB: peak})
			}
		}
	}
	return cells, names, nil
}

func medianCell(cs []tweakCell) tweakCell {
	med := func(get func(tweakCell) float64) float64 {
		v := make([]float64, len(cs))
		for i, c := range cs {
			v[i] = get(c)
		}
		return median(v)
	}
	return tweakCell{
		wall:    time.Duration(med(func(c tweakCell) float64 { return float64(c.wall) })),
		cpu:     time.Duration(med(func(c tweakCell) float64 { return float64(c.cpu) })),
		peakKiB: int64(med(func(c tweakCell) float64 { return float64(c.peakKiB) })),
	}
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// printTweakTable prints, per step, each variant's wall time, provider CPU
// and peak RSS, and wall and CPU as a ratio to the released variant's.
func printTweakTable(w io.Writer, rate float64, steps []string, cells [][][]tweakCell) {
	fmt.Fprintf(w, "Client limit %s requests/s:\n\n", strconv.FormatFloat(rate, 'f', -1, 64))
	fmt.Fprintln(w, "| step | variant | wall | provider CPU | peak RSS | wall ÷ released | CPU ÷ released |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	for si, step := range steps {
		released := medianCell(cells[si][0])
		for vi, v := range tweakVariants {
			c := medianCell(cells[si][vi])
			fmt.Fprintf(w, "| %s | %s | %.2f s | %.2f s | %d MiB | %.2f | %.2f |\n", step, v.name, c.wall.Seconds(), c.cpu.Seconds(), c.peakKiB/1024,
				c.wall.Seconds()/released.wall.Seconds(), c.cpu.Seconds()/released.cpu.Seconds())
		}
	}
	fmt.Fprintln(w)
}
