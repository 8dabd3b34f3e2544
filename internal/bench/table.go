package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

func numCPU() int { return runtime.NumCPU() }

// kinds are the table's request columns, in the emulator's kinds.
var kinds = []struct{ title, kind string }{
	{"token", emulator.KindToken},
	{"POST", emulator.KindCreate},
	{"GET", emulator.KindGet},
	{"PUT", emulator.KindUpdate},
	{"DELETE", emulator.KindDelete},
	{"list", emulator.KindList},
}

func printTable(w io.Writer, o options, rs []result) {
	head := []string{"scenario"}
	for _, k := range kinds {
		head = append(head, k.title)
	}
	head = append(head, "429", "requests", "minimum", "ratio", "wall s", "baseline s", "ideal s", "(wall−baseline)÷ideal", "provider processes", "tokens used", "peak RSS MiB", "CPU s: CLI / provider / baseline")
	fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(head)))
	for _, r := range rs {
		row := []string{r.name}
		for _, k := range kinds {
			row = append(row, countCell(r.byKind[k.kind], r.min[k.kind]))
		}
		ideal := r.ideal(o)
		row = append(row,
			fmt.Sprint(r.rateLimited),
			fmt.Sprint(r.total()),
			fmt.Sprint(r.minTotal()),
			fmt.Sprintf("%.2f", float64(r.total())/float64(r.minTotal())),
			secs(r.wall), secs(r.baseline), secs(ideal),
			fmt.Sprintf("%.2f", float64(r.wall-r.baseline)/float64(ideal)),
			fmt.Sprint(r.processes),
			fmt.Sprint(r.tokens),
			fmt.Sprintf("%.1f", float64(r.peakKiB)/1024),
			fmt.Sprintf("%s / %s / %s", secs(r.cliCPU), secs(r.providerCPU), secs(r.baselineCPU)),
		)
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
	fmt.Fprintln(w)
	for _, r := range rs {
		if !r.limited {
			continue
		}
		over := r.wall - r.baseline
		fmt.Fprintf(w, "%s: %d requests in %s of API traffic (first to last request) = %.1f requests/s, %.0f%% of the server's %g/s; "+
			"the minimum %d requests over wall−baseline %s = %.1f/s, %.0f%%.\n",
			r.name, r.total(), r.apiSpan.Round(time.Millisecond), rate(r.total(), r.apiSpan), 100*rate(r.total(), r.apiSpan)/o.rateLimit, o.rateLimit,
			r.minTotal(), over.Round(time.Millisecond), rate(r.minTotal(), over), 100*rate(r.minTotal(), over)/o.rateLimit)
	}
}

// countCell shows a count, and the minimum beside it when they differ.
func countCell(got, min int) string {
	if got == min {
		return fmt.Sprint(got)
	}
	return fmt.Sprintf("%d (min %d)", got, min)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
