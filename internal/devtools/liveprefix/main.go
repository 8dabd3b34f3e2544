// Command liveprefix checks, after a live run against the emulator process,
// that every customer the run created or re-emailed had an email under the
// run's prefix (tfacc-<run>-…@example.com). It reads the emulator's request
// log from its admin API: the tests never see it, and a store shared with
// others would have no such log. Usage: liveprefix <base URL> <run id>.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/moltin-community/terraform-provider-moltin/internal/acctest"
)

var customerPath = regexp.MustCompile(`^/v2/customers(/[^/]+)?$`)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: liveprefix <emulator base URL> <run id>")
		os.Exit(2)
	}
	base, run := strings.TrimRight(os.Args[1], "/"), os.Args[2]
	resp, err := http.Get(base + "/__emulator/requests")
	if err != nil {
		fmt.Fprintln(os.Stderr, "liveprefix:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	var log []struct {
		Method, Path, Body string
	}
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		fmt.Fprintln(os.Stderr, "liveprefix: the request log:", err)
		os.Exit(1)
	}
	var checked int
	var outside []string
	for _, r := range log {
		if (r.Method != http.MethodPost && r.Method != http.MethodPut) || !customerPath.MatchString(r.Path) || r.Path == "/v2/customers/tokens" {
			continue
		}
		var doc struct {
			Data struct {
				Email *string `json:"email"`
			} `json:"data"`
		}
		if json.Unmarshal([]byte(r.Body), &doc) != nil || doc.Data.Email == nil {
			continue
		}
		checked++
		if got, ok := acctest.RunOf(*doc.Data.Email); !ok || got != run {
			outside = append(outside, fmt.Sprintf("%s %s with email %s", r.Method, r.Path, *doc.Data.Email))
		}
	}
	fmt.Printf("%d customer creates and email changes, %d outside the run's prefix tfacc-%s-\n", checked, len(outside), run)
	for _, o := range outside {
		fmt.Println("  " + o)
	}
	if len(outside) > 0 || checked == 0 {
		os.Exit(1)
	}
}
