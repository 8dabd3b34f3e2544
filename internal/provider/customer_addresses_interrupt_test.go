package provider

import (
	"fmt"
	"testing"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// TestAccInterrupt_nestedAddresses stops (SIGINT) an apply of customers
// with two nested addresses each once some addresses exist: every customer
// and address in the store is in the state (none orphaned, a customer
// stopped between its addresses is kept, tainted), and the next apply
// finishes with every customer once and exactly its two addresses.
func TestAccInterrupt_nestedAddresses(t *testing.T) {
	cli, providerDir := requireCLI(t, "the interrupt tests")
	t.Parallel()
	r := newInterruptRun(t, cli, providerDir, runOptions{})
	config := clitest.RequiredProviders + fmt.Sprintf(`
provider "moltin" {
  api_base_url            = %q
  max_requests_per_second = 100
}

resource "moltin_customer" "c" {
  count = %d
  name  = "Customer ${count.index}"
  email = "interrupt-${count.index}@example.com"
  addresses = {
    Home = { first_name = "C", last_name = "${count.index}", line_1 = "1 High St", postcode = "LS1 1AA", country = "GB" }
    Work = { first_name = "C", last_name = "${count.index}", line_1 = "9 Mill Ln", postcode = "LS2 2AA", country = "GB" }
  }
}
`, r.srv.URL, interruptCount)
	if err := r.w.WriteFile("main.tf", config); err != nil {
		t.Fatal(err)
	}
	addresses := func() int {
		n := 0
		for _, c := range r.srv.Customers() {
			list, _ := r.srv.Addresses(c.ID)
			n += len(list)
		}
		return n
	}
	res, f := r.signalled(sigintCLI, func() bool { return addresses() >= interruptAfter }, append([]string{"apply"}, applyArgs...)...)
	t.Logf("the interrupted apply exited %d; its errors: %s", res.ExitCode, errorSummaries(res.Stderr))
	if f.customers.emulator >= interruptCount && f.addresses.emulator >= 2*interruptCount {
		t.Errorf("the run made everything before SIGINT took effect: the test proves nothing")
	}
	r.checkLost(f)

	r.apply(false)
	r.checkComplete()
	for _, c := range r.srv.Customers() {
		list, _ := r.srv.Addresses(c.ID)
		names := map[string]int{}
		for _, a := range list {
			names[a.Fields["name"]]++
		}
		if len(list) != 2 || names["Home"] != 1 || names["Work"] != 1 {
			t.Errorf("customer %s (%s) has addresses %v, want Home and Work once each", c.ID, c.Name, names)
		}
	}
	if s := r.srv.Stats(); s.ByKind[emulator.KindAddressCreate] < 2*interruptCount {
		t.Errorf("%d address creates for %d addresses", s.ByKind[emulator.KindAddressCreate], 2*interruptCount)
	}
}
