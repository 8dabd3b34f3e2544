package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

func numCPU() int { return runtime.NumCPU() }

// kinds are the request columns, in the emulator's kinds.
var kinds = []struct{ title, kind string }{
	{"token", emulator.KindToken},
	{"POST", emulator.KindCreate},
	{"GET", emulator.KindGet},
	{"PUT", emulator.KindUpdate},
	{"DELETE", emulator.KindDelete},
	{"list", emulator.KindList},
	{"address POST", emulator.KindAddressCreate},
	{"address GET", emulator.KindAddressGet},
	{"address DELETE", emulator.KindAddressDelete},
	{"address list", emulator.KindAddressList},
}

func printTables(w io.Writer, o options, rs []result) {
	head := []string{"scenario"}
	for _, k := range kinds {
		head = append(head, k.title)
	}
	head = append(head, "429", "requests", "minimum", "ratio", "provider processes", "access tokens used")
	var rows [][]string
	for _, r := range rs {
		row := []string{r.name}
		for _, k := range kinds {
			row = append(row, countCell(r.byKind[k.kind], r.min[k.kind]))
		}
		row = append(row,
			fmt.Sprint(r.rateLimited),
			fmt.Sprint(r.total()),
			fmt.Sprint(r.minTotal()),
			fmt.Sprintf("%.2f", float64(r.total())/float64(r.minTotal())),
			fmt.Sprint(r.processes),
			fmt.Sprint(r.api.tokens),
		)
		rows = append(rows, row)
	}
	markdownTable(w, head, rows)
	fmt.Fprintln(w)

	head = []string{"scenario", "wall s", "baseline s", "ideal s", "(wall − baseline) ÷ ideal", "floor s", "(floor − baseline) ÷ ideal", "(wall − floor) ÷ ideal", "API active s", "mean requests in flight", "CPU s: CLI / provider / baseline CLI", "floor CPU s: CLI + provider", "provider peak RSS MiB"}
	rows = nil
	for _, r := range rs {
		ideal := r.ideal(o)
		rows = append(rows, []string{
			r.name,
			secs(r.wall), secs(r.baseline), secs(ideal),
			fmt.Sprintf("**%.2f**", float64(r.wall-r.baseline)/float64(ideal)),
			floorCell(r, secs(r.floor)), floorCell(r, fmt.Sprintf("%.2f", r.floorRatio(o))),
			floorCell(r, fmt.Sprintf("%.2f", r.overFloorRatio(o))),
			secs(r.api.active),
			fmt.Sprintf("%.1f", r.api.concurrency),
			fmt.Sprintf("%s / %s / %s", secs(r.cliCPU), secs(r.providerCPU), secs(r.baselineCPU)),
			floorCell(r, secs(r.floorCPU)),
			fmt.Sprintf("%.1f", float64(r.peakKiB)/1024),
		})
	}
	markdownTable(w, head, rows)
	fmt.Fprintln(w)

	for _, r := range rs {
		if !r.limited {
			continue
		}
		over := r.wall - r.baseline
		fmt.Fprintf(w, "Rate-limited create: %d requests arrived over %s (first to last) = %.1f requests/s, %.0f%% of the server's %g/s; "+
			"the minimum %d requests over wall − baseline (%s) = %.1f/s, **%.0f%%** of the limit.\n",
			r.total(), r.api.span.Round(time.Millisecond), rate(r.total(), r.api.span), 100*rate(r.total(), r.api.span)/o.rateLimit, o.rateLimit,
			r.minTotal(), over.Round(time.Millisecond), rate(r.minTotal(), over), 100*rate(r.minTotal(), over)/o.rateLimit)
	}
}

// printTargets checks the figures against the targets and returns the steps
// of any run that sent more requests than the minimum.
func printTargets(w io.Writer, o options, runs [][]result, rows []result) (extra string) {
	var over []string
	for _, run := range runs {
		for _, r := range run {
			if r.total() != r.minTotal() && !r.reportOnly {
				over = append(over, fmt.Sprintf("%s (%d for %d)", r.name, r.total(), r.minTotal()))
			}
		}
	}
	fmt.Fprintln(w, "Targets:")
	if len(over) == 0 {
		fmt.Fprintf(w, "- request ratio 1.00 in every step of every run: met\n")
	} else {
		fmt.Fprintf(w, "- request ratio 1.00 in every step of every run: **not met**: %s\n", strings.Join(over, ", "))
	}
	for _, r := range rows {
		if r.reportOnly {
			fmt.Fprintf(w, "- %s (reported, not checked): %d requests for the minimum %d, ratio %.2f; the extra by kind: %s\n",
				r.name, r.total(), r.minTotal(), float64(r.total())/float64(r.minTotal()), extraByKind(r))
		}
		ratio := float64(r.wall-r.baseline) / float64(r.ideal(o))
		if r.limited {
			pct := 100 * rate(r.minTotal(), r.wall-r.baseline) / o.rateLimit
			fmt.Fprintf(w, "- %s: throughput ≥ 90%% of the server's limit: %.0f%%, %s\n", r.name, pct, metOrNot(pct >= 90))
			continue
		}
		fmt.Fprintf(w, "- %s: (wall − baseline) ÷ ideal ≤ 1.3: %.2f, %s%s\n", r.name, ratio, metOrNot(ratio <= 1.3), floorNote(r, o))
	}
	return strings.Join(over, ", ")
}

// floorNote says what the floor provider's figure means for the target.
func floorNote(r result, o options) string {
	if r.floor == 0 {
		return ""
	}
	f, over := r.floorRatio(o), r.overFloorRatio(o)
	verdict := ""
	if f > 1.3 {
		verdict = ": out of reach for any provider on this framework and machine"
	}
	return fmt.Sprintf("; the floor provider (same schema, requests replaced by waits of the latency) measures %.2f%s; over the floor, %.2f × ideal", f, verdict, over)
}

// floorCell is text, or a dash for a step not run on the floor.
func floorCell(r result, text string) string {
	if r.floor == 0 {
		return "—"
	}
	return text
}

func metOrNot(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

func markdownTable(w io.Writer, head []string, rows [][]string) {
	fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(head)))
	for _, row := range rows {
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
}

// countCell shows a count, and the minimum beside it when they differ.
func countCell(got, minimum int) string {
	if got == minimum {
		return fmt.Sprint(got)
	}
	return fmt.Sprintf("%d (min %d)", got, minimum)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// nestedTarget is issue 24's: N shoppers with nested addresses take at most
// this many times the wall of N customers alone, at the same client limit.
const nestedTarget = 1.5

// printForms compares each address form's create and destroy with those of
// N customers alone, in one run's rows: the wall with the provider, and the
// wall of the same shapes on terraform_data (the CLI's own cost).
func printForms(w io.Writer, n int, rs []result) {
	byName := map[string]result{}
	for _, r := range rs {
		byName[r.name] = r
	}
	fmt.Fprintf(w, "N = %d shoppers with one address each, against N customers alone (ratios in brackets):\n\n", n)
	head := []string{"form", "create wall s", "create CPU s (CLI + provider)", "create baseline s", "create baseline CPU s", "destroy wall s", "destroy CPU s", "destroy baseline s", "destroy baseline CPU s"}
	var rows [][]string
	create, destroy := byName["create"], byName["destroy"]
	cpu := func(r result) float64 { return (r.cliCPU + r.providerCPU).Seconds() }
	row := func(name string, c, d result) []string {
		return []string{name,
			withRatio(c.wall.Seconds(), create.wall.Seconds(), "%.2f"), withRatio(cpu(c), cpu(create), "%.2f"),
			withRatio(c.baseline.Seconds(), create.baseline.Seconds(), "%.2f"), withRatio(c.baselineCPU.Seconds(), create.baselineCPU.Seconds(), "%.2f"),
			withRatio(d.wall.Seconds(), destroy.wall.Seconds(), "%.2f"), withRatio(cpu(d), cpu(destroy), "%.2f"),
			withRatio(d.baseline.Seconds(), destroy.baseline.Seconds(), "%.2f"), withRatio(d.baselineCPU.Seconds(), destroy.baselineCPU.Seconds(), "%.2f")}
	}
	rows = append(rows, row("customers alone", create, destroy))
	for _, f := range []addressForm{formByIndex, formLocal, formNested} {
		c, okc := byName["create with one address each, "+f.String()]
		d, okd := byName["destroy with addresses, "+f.String()]
		if !okc || !okd {
			continue
		}
		rows = append(rows, row(f.String(), c, d))
	}
	for _, f := range []amForm{amByIndex, amLocal} {
		c, okc := byName["create Account Management shoppers, "+f.String()]
		d, okd := byName["destroy Account Management shoppers, "+f.String()]
		if !okc || !okd {
			continue
		}
		rows = append(rows, row("Account Management, "+f.String(), c, d))
	}
	markdownTable(w, head, rows)
	if c, ok := byName["create with one address each, "+formNested.String()]; ok {
		r := ratio(c.wall.Seconds(), create.wall.Seconds())
		fmt.Fprintf(w, "\n- nested addresses: create wall ≤ %.1f× that of N customers alone: %.2f×, %s\n", nestedTarget, r, metOrNot(r <= nestedTarget))
	}
	fmt.Fprintln(w)
}

// extraByKind lists the requests of r beyond its minimum, by kind.
func extraByKind(r result) string {
	var out []string
	for k, v := range r.byKind {
		if d := v - r.min[k]; d != 0 {
			out = append(out, fmt.Sprintf("%s %+d", k, d))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
