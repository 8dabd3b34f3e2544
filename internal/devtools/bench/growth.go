package main

import (
	"fmt"
	"io"
	"time"
)

// sizeRows is one size's rows (one per step, from the median run).
type sizeRows struct {
	n    int
	rows []result
}

// Growth targets: from the smallest N to the largest, a provider process's
// peak RSS and the provider's CPU per customer stay about flat.
const (
	rssGrowthTarget = 1.3
	cpuGrowthTarget = 1.2
)

// printGrowth prints how each step grows with N: per size, the wall time,
// the CPU per customer and the peak RSS per process of the provider and of
// the baseline (the CLI alone), each with its ratio to the smallest size.
// Then the targets, judged on the smallest and largest size.
func printGrowth(w io.Writer, sizes []sizeRows) {
	fmt.Fprintf(w, "Growth with N: each cell is the figure at that N and, in brackets, its ratio to N = %d. "+
		"CPU per customer is CPU time ÷ N, in milliseconds: provider processes for the provider, the CLI for the baseline. "+
		"Peak RSS is the highest VmHWM of one process: any provider process for the provider, the CLI for the baseline.\n\n", sizes[0].n)
	head := []string{"step", "N", "wall s", "provider CPU ms per customer", "provider peak RSS MiB", "baseline wall s", "baseline CLI CPU ms per customer", "baseline CLI peak RSS MiB"}
	var rows [][]string
	first := sizes[0]
	for i := range first.rows {
		for _, sz := range sizes {
			r, b := sz.rows[i], first.rows[i]
			rows = append(rows, []string{
				r.name,
				fmt.Sprint(sz.n),
				withRatio(r.wall.Seconds(), b.wall.Seconds(), "%.2f"),
				withRatio(perCustomerMs(r.providerCPU, sz.n), perCustomerMs(b.providerCPU, first.n), "%.2f"),
				withRatio(mib(r.peakKiB), mib(b.peakKiB), "%.1f"),
				withRatio(r.baseline.Seconds(), b.baseline.Seconds(), "%.2f"),
				withRatio(perCustomerMs(r.baselineCPU, sz.n), perCustomerMs(b.baselineCPU, first.n), "%.2f"),
				withRatio(mib(r.baselinePeakKiB), mib(b.baselinePeakKiB), "%.1f"),
			})
		}
	}
	markdownTable(w, head, rows)
	fmt.Fprintln(w)

	last := sizes[len(sizes)-1]
	fmt.Fprintf(w, "Growth targets, N = %d against N = %d:\n", last.n, first.n)
	for i, b := range first.rows {
		r := last.rows[i]
		rss := ratio(mib(r.peakKiB), mib(b.peakKiB))
		cpu := ratio(perCustomerMs(r.providerCPU, last.n), perCustomerMs(b.providerCPU, first.n))
		fmt.Fprintf(w, "- %s: provider peak RSS ≤ %.1f×: %.2f×, %s; provider CPU per customer ≤ %.1f×: %.2f×, %s\n",
			b.name, rssGrowthTarget, rss, metOrNot(rss <= rssGrowthTarget), cpuGrowthTarget, cpu, metOrNot(cpu <= cpuGrowthTarget))
	}
}

func perCustomerMs(d time.Duration, n int) float64 {
	return float64(d.Microseconds()) / 1000 / float64(n)
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func ratio(v, base float64) float64 {
	if base == 0 {
		return 0
	}
	return v / base
}

// withRatio is v in format, and its ratio to base.
func withRatio(v, base float64, format string) string {
	return fmt.Sprintf(format+" (%.2f×)", v, ratio(v, base))
}
