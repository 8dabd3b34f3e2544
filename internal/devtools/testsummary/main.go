// Command testsummary reads `go test -json` events on stdin and prints the
// failures with their output, one line per test result, and counts.
// With -count it prints only "<suite>: N passed, N failed, N skipped"; with
// -skips only the skipped tests, grouped by the reason each gave.
//
// Not gotestsum: its summary ("DONE 101 tests, 3 skipped, 2 failures")
// prints every skipped test's output one by one, where scripts/test.sh wants
// the hundreds of skips of a suite grouped under the few reasons they give,
// and a counts line per suite from a JSON file already written.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	countOnly := flag.Bool("count", false, "print only the counts line")
	skipsOnly := flag.Bool("skips", false, "print only the skipped tests, grouped by reason")
	flag.Parse()
	suite := flag.Arg(0)

	output := map[string]*strings.Builder{}
	var passed, failed, skipped int
	var results []string
	var buildFailures []string
	skipsByReason := map[string][]string{}
	var reasons []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Build errors come as plain text lines.
			buildFailures = append(buildFailures, sc.Text())
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					results = append(results, fmt.Sprintf("FAIL package %s", e.Package))
					if b := output[key]; b != nil {
						results = append(results, b.String())
					}
				}
				continue
			}
			switch e.Action {
			case "pass":
				passed++
				results = append(results, fmt.Sprintf("--- PASS: %s (%.1fs) [%s]", e.Test, e.Elapsed, short(e.Package)))
			case "skip":
				skipped++
				reason := ""
				if b := output[key]; b != nil {
					reason = lastLine(b.String())
				}
				results = append(results, fmt.Sprintf("--- SKIP: %s [%s] %s", e.Test, short(e.Package), reason))
				why := sourcePos.ReplaceAllString(reason, "")
				if skipsByReason[why] == nil {
					reasons = append(reasons, why)
				}
				skipsByReason[why] = append(skipsByReason[why], e.Test)
			case "fail":
				failed++
				results = append(results, fmt.Sprintf("--- FAIL: %s (%.1fs) [%s]", e.Test, e.Elapsed, short(e.Package)))
				if b := output[key]; b != nil {
					results = append(results, b.String())
				}
			}
		}
	}
	if len(buildFailures) > 0 {
		failed++
	}
	if *skipsOnly {
		for _, r := range reasons {
			fmt.Printf("  skipped %d: %s (%s)\n", len(skipsByReason[r]), r, strings.Join(skipsByReason[r], ", "))
		}
		return
	}
	if *countOnly {
		fmt.Printf("%s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped)
		return
	}
	for _, r := range results {
		fmt.Println(r)
	}
	for _, l := range buildFailures {
		fmt.Println(l)
	}
}

// sourcePos is the "file_test.go:12: " that t.Skip puts before a reason.
var sourcePos = regexp.MustCompile(`^\S+\.go:\d+: `)

func short(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/moltin-community/terraform-provider-moltin/")
}

// lastLine is the test's last line of its own output: for a skipped test,
// the reason it gave.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !strings.HasPrefix(l, "--- ") && !strings.HasPrefix(l, "=== ") {
			return l
		}
	}
	return ""
}
