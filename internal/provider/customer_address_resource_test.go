package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

const (
	addressRes = "moltin_customer_address.home"
	shopperRes = "moltin_customer.shopper"
)

// fullAddress sets every attribute; country in lower case, as a user may
// write it.
var fullAddress = map[string]string{
	"name": "Home", "first_name": "Ann", "last_name": "Lee", "company_name": "Lee & Co",
	"phone_number": "+44 113 496 0000", "line_1": "1 High Street", "line_2": "Flat 2", "city": "Leeds",
	"county": "West Yorkshire", "region": "England", "postcode": "LS1 1AA", "country": "gb",
	"instructions": "Leave with the neighbour",
}

// shopperHCL is a customer and one address (moltin_customer_address.home)
// with the attributes given.
func shopperHCL(env *testEnv, attrs map[string]string) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	fmt.Fprintf(&b, "resource \"moltin_customer\" \"shopper\" {\n  name  = \"Ann Lee\"\n  email = %q\n}\n\n", env.email("shopper"))
	b.WriteString("resource \"moltin_customer_address\" \"home\" {\n  customer_id = moltin_customer.shopper.id\n")
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		fmt.Fprintf(&b, "  %s = %q\n", k, attrs[k])
	}
	b.WriteString("}\n")
	return b.String()
}

func with(attrs map[string]string, k, v string) map[string]string {
	out := maps.Clone(attrs)
	if v == "" {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// addressMutations returns the logged POST, PUT and DELETE requests to
// addresses.
func (e *testEnv) addressMutations() []emulator.Request {
	var out []emulator.Request
	for _, r := range e.Requests() {
		switch r.Kind {
		case emulator.KindAddressCreate, emulator.KindAddressUpdate, emulator.KindAddressDelete:
			out = append(out, r)
		}
	}
	return out
}

// expectOnePut checks that since the last reset the emulator saw exactly one
// address mutation, a PUT whose data holds every field (unset ones as null)
// with want's values, and no customer mutation.
func (e *testEnv) expectOnePut(want map[string]string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		if err := e.wire("exactly one address PUT, holding every field (unset ones as null)", func() error { return e.onePut(s, want) }); err != nil {
			return err
		}
		return e.expectStored(s, want)
	}
}

// expectStored checks that the store holds the address with exactly want's
// fields (the country in any case).
func (e *testEnv) expectStored(s *terraform.State, want map[string]string) error {
	a, err := e.storedAddress(s)
	if err != nil {
		return err
	}
	for _, at := range addressAttributeTable() {
		got, w := a.Fields[at.name], want[at.name]
		if got != w && (at.name != "country" || !strings.EqualFold(got, w)) {
			return fmt.Errorf("the store holds %s = %q, want %q", at.name, got, w)
		}
	}
	return nil
}

func (e *testEnv) onePut(s *terraform.State, want map[string]string) error {
	w := maps.Clone(want)
	if c, ok := w["country"]; ok {
		w["country"] = strings.ToUpper(c)
	}
	put, data, err := e.onlyAddressPut(w)
	if err != nil {
		return err
	}
	if id := s.RootModule().Resources[addressRes].Primary.ID; data["id"] == nil || *data["id"] != id {
		return fmt.Errorf("the PUT's id is not the address's %s: %s", id, put.Body)
	}
	return nil
}

// onlyAddressPut checks that the step sent one request that changed
// anything, an address PUT, which holds every field plus type and id, each
// field as want says (null where want has none). It returns the PUT and its
// members.
func (e *testEnv) onlyAddressPut(want map[string]string) (emulator.Request, map[string]*string, error) {
	muts := e.addressMutations()
	if len(muts) != 1 || muts[0].Kind != emulator.KindAddressUpdate {
		return emulator.Request{}, nil, fmt.Errorf("want one address PUT, got %s", describe(muts))
	}
	if cm := e.mutations(); len(cm) != 0 {
		return emulator.Request{}, nil, fmt.Errorf("an address change sent customer requests: %s", describe(cm))
	}
	put := muts[0]
	var doc struct {
		Data map[string]*string `json:"data"`
	}
	if err := json.Unmarshal(put.Body, &doc); err != nil {
		return put, nil, err
	}
	if len(doc.Data) != len(addressAttributeTable())+2 {
		return put, nil, fmt.Errorf("the PUT holds %d members, want every field plus type and id: %s", len(doc.Data), put.Body)
	}
	for _, a := range addressAttributeTable() {
		got, w := doc.Data[a.name], want[a.name]
		switch {
		case w == "" && got != nil:
			return put, nil, fmt.Errorf("the PUT sends %s = %q, want null", a.name, *got)
		case w != "" && (got == nil || *got != w):
			return put, nil, fmt.Errorf("the PUT sends %s = %v, want %q: %s", a.name, got, w, put.Body)
		}
	}
	return put, doc.Data, nil
}

// storedAddress is the address as the store holds it.
func (e *testEnv) storedAddress(s *terraform.State) (emulator.Address, error) {
	rs := s.RootModule().Resources[addressRes].Primary
	a, ok := e.Address(rs.Attributes["customer_id"], rs.ID)
	if !ok {
		return a, fmt.Errorf("address %s is not in the store", rs.ID)
	}
	return a, nil
}

// expectAddressMutations checks that since the last reset the emulator saw
// exactly the address mutations given, by kind (none for an empty list).
func (e *testEnv) expectAddressMutations(what string, kinds ...string) error {
	return e.wire(what, func() error {
		muts := e.addressMutations()
		got := make([]string, len(muts))
		for i, m := range muts {
			got[i] = m.Kind
		}
		if !slices.Equal(got, kinds) {
			return fmt.Errorf("%s: want %v, got %s", what, kinds, describe(muts))
		}
		return nil
	})
}

// TestAccCustomerAddress_lifecycle: create; each attribute changed alone, one
// PUT each; an optional one cleared (sent null); drift; the address and then
// its customer deleted outside Terraform; imports; destroy.
func TestAccCustomerAddress_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	var customerID, addressID string
	timeRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

	steps := []resource.TestStep{{
		PreConfig: env.ResetRequests,
		Config:    shopperHCL(env, fullAddress),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addressRes, plancheck.ResourceActionCreate),
			plancheck.ExpectKnownValue(addressRes, tfjsonpath.New("country"), knownvalue.StringExact("gb")),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addressRes, tfjsonpath.New("line_1"), knownvalue.StringExact("1 High Street")),
			statecheck.ExpectKnownValue(addressRes, tfjsonpath.New("created_at"), knownvalue.StringRegexp(timeRE)),
			statecheck.ExpectKnownValue(addressRes, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(timeRE)),
			statecheck.CompareValuePairs(addressRes, tfjsonpath.New("customer_id"), shopperRes, tfjsonpath.New("id"), compareEqual{}),
		},
		Check: func(s *terraform.State) error {
			customerID = s.RootModule().Resources[shopperRes].Primary.ID
			addressID = s.RootModule().Resources[addressRes].Primary.ID
			if err := env.wire("exactly one address POST, to the customer's addresses", func() error {
				muts := env.addressMutations()
				if len(muts) != 1 || muts[0].Kind != emulator.KindAddressCreate || muts[0].Path != "/v2/customers/"+customerID+"/addresses" {
					return fmt.Errorf("want one address POST, got %s", describe(muts))
				}
				return nil
			}); err != nil {
				return err
			}
			a, err := env.storedAddress(s)
			if err != nil {
				return err
			}
			// gb is sent as GB; the state keeps what the configuration says.
			if a.Fields["country"] != "GB" || len(a.Fields) != len(fullAddress) {
				return fmt.Errorf("stored %v", a.Fields)
			}
			return nil
		},
	}}

	// Each attribute changed alone: one PUT with every field.
	current := fullAddress
	changes := map[string]string{
		"name": "Home 2", "first_name": "Anne", "last_name": "Leigh", "company_name": "Leigh Ltd",
		"phone_number": "+44 113 496 0001", "line_1": "2 High Street", "line_2": "Flat 3", "city": "Bradford",
		"county": "North Yorkshire", "region": "Yorkshire", "postcode": "BD1 1AA", "country": "IE",
		"instructions": "Ring twice",
	}
	for _, a := range addressAttributeTable() {
		next := with(current, a.name, changes[a.name])
		steps = append(steps, resource.TestStep{
			PreConfig: env.ResetRequests,
			Config:    shopperHCL(env, next),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addressRes, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(shopperRes, plancheck.ResourceActionNoop),
				plancheck.ExpectUnknownValue(addressRes, tfjsonpath.New("updated_at")),
				plancheck.ExpectKnownValue(addressRes, tfjsonpath.New("created_at"), knownvalue.NotNull()),
			}},
			Check: env.expectOnePut(next),
		})
		current = next
	}
	// The country's case alone: no request, and updated_at stays known.
	steps = append(steps, resource.TestStep{
		PreConfig: env.ResetRequests,
		Config:    shopperHCL(env, with(current, "country", "ie")),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addressRes, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(addressRes, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
		}},
		Check: func(*terraform.State) error {
			return env.expectAddressMutations("no address request for a change of the country's case alone")
		},
	})
	// Optional attributes cleared: sent as null, gone from the store.
	cleared := with(with(current, "instructions", ""), "line_2", "")
	steps = append(steps, resource.TestStep{
		PreConfig: env.ResetRequests,
		Config:    shopperHCL(env, cleared),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addressRes, tfjsonpath.New("instructions"), knownvalue.Null()),
		},
		Check: resource.ComposeAggregateTestCheckFunc(env.expectOnePut(cleared), func(s *terraform.State) error {
			a, err := env.storedAddress(s)
			if _, set := a.Fields["instructions"]; err != nil || set {
				return fmt.Errorf("instructions still stored: %v %v", a.Fields, err)
			}
			return nil
		}),
	},
		resource.TestStep{
			// Drift: changed outside Terraform, put back by one PUT.
			PreConfig: func() {
				env.ResetRequests()
				if err := env.UpdateAddress(customerID, addressID, func(f map[string]string) {
					f["city"] = "Changed Outside"
					f["instructions"] = "Added outside"
				}); err != nil {
					t.Fatal(err)
				}
			},
			Config: shopperHCL(env, cleared),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addressRes, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(addressRes, tfjsonpath.New("city"), knownvalue.StringExact("Bradford")),
				plancheck.ExpectKnownValue(addressRes, tfjsonpath.New("instructions"), knownvalue.Null()),
			}},
			Check: env.expectOnePut(cleared),
		},
		resource.TestStep{
			// Deleted outside: planned for re-creation, one POST.
			PreConfig: func() {
				env.ResetRequests()
				if !env.DeleteAddress(customerID, addressID) {
					t.Fatal("address to delete not found")
				}
			},
			Config: shopperHCL(env, cleared),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addressRes, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(shopperRes, plancheck.ResourceActionNoop),
			}},
			Check: func(s *terraform.State) error {
				if err := env.expectAddressMutations("exactly one address POST to re-create it", emulator.KindAddressCreate); err != nil {
					return err
				}
				addressID = s.RootModule().Resources[addressRes].Primary.ID
				return nil
			},
		},
		resource.TestStep{
			// The customer deleted outside takes its address with it: both
			// are planned for creation, and made in one apply.
			PreConfig: env.deleteOutside(t, &customerID),
			Config:    shopperHCL(env, cleared),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(shopperRes, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(addressRes, plancheck.ResourceActionCreate),
			}},
			Check: func(s *terraform.State) error {
				newCustomer := s.RootModule().Resources[shopperRes].Primary.ID
				if newCustomer == customerID {
					return fmt.Errorf("the customer was not re-created")
				}
				customerID, addressID = newCustomer, s.RootModule().Resources[addressRes].Primary.ID
				if list, _ := env.Addresses(customerID); len(list) != 1 || list[0].ID != addressID {
					return fmt.Errorf("addresses of the new customer: %v", list)
				}
				return nil
			},
		},
		resource.TestStep{
			ResourceName:      addressRes,
			ImportState:       true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return customerID + "/" + addressID, nil },
			ImportStateVerify: true,
			// The import reads GB; the configuration says ie, the same code.
			ImportStateVerifyIgnore: []string{"country"},
		},
		resource.TestStep{
			ResourceName:    addressRes,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateIdFunc: func(*terraform.State) (string, error) {
				return customerID + "/" + addressID, nil
			},
			// An import plans no change only when the configuration says
			// what the API holds, the country in its case included.
			Config: shopperHCL(env, with(cleared, "country", "IE")),
		},
		resource.TestStep{
			ResourceName:  addressRes,
			ImportState:   true,
			ImportStateId: "only-one-id",
			ExpectError:   wrapRegexp(`Invalid import id`, `"only-one-id" is not of the form <customer_id>/<address_id>`),
		},
	)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps:                    steps,
	})
}

// compareEqual is a value comparer for CompareValuePairs.
type compareEqual struct{}

func (compareEqual) CompareValues(values ...any) error {
	if len(values) != 2 || values[0] != values[1] {
		return fmt.Errorf("values differ: %v", values)
	}
	return nil
}

// TestAccCustomerAddress_identity: the identity is (customer_id, id), and an
// import block's identity imports the address. Needs a client with resource
// identity (Terraform 1.12+, OpenTofu 1.12.6).
func TestAccCustomerAddress_identity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	attrs := with(fullAddress, "country", "GB")
	var addressID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: shopperHCL(env, attrs),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(addressRes, tfjsonpath.New("id")),
					statecheck.ExpectIdentityValueMatchesState(addressRes, tfjsonpath.New("customer_id")),
				},
				Check: func(s *terraform.State) error {
					addressID = s.RootModule().Resources[addressRes].Primary.ID
					return nil
				},
			},
			{
				ResourceName:    addressRes,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				Config:          shopperHCL(env, attrs),
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addressRes, tfjsonpath.New("line_1"), knownvalue.StringExact("1 High Street")),
					checkPlanFunc(func() error {
						if len(env.Customers()) != 1 {
							return fmt.Errorf("want one customer")
						}
						return nil
					}),
				}},
			},
		},
	})
	if addressID == "" {
		t.Error("no address was created")
	}
}

// TestAccCustomerAddress_badInput: a clear error on the attribute's line, and
// nothing created.
func TestAccCustomerAddress_badInput(t *testing.T) {
	t.Parallel()
	noCounty := with(fullAddress, "county", "")
	for _, row := range []struct {
		name   string
		county bool // the store insists on county
		hcl    func(env *testEnv) string
		expect *regexp.Regexp
	}{
		{
			name:   "country UK",
			hcl:    func(env *testEnv) string { return shopperHCL(env, with(fullAddress, "country", "UK")) },
			expect: wrapRegexp(`Invalid country code`, `country = "UK"`, `"UK" is not an assigned country code: use GB (United Kingdom) instead.`),
		},
		{
			name:   "country not a code",
			hcl:    func(env *testEnv) string { return shopperHCL(env, with(fullAddress, "country", "Britain")) },
			expect: wrapRegexp(`Invalid country code`, `country = "Britain"`, `"Britain" is not a two-letter country code`),
		},
		{
			name:   "country ZZ",
			hcl:    func(env *testEnv) string { return shopperHCL(env, with(fullAddress, "country", "ZZ")) },
			expect: wrapRegexp(`Invalid country code`, `country = "ZZ"`, `"ZZ" is not the code of a country`),
		},
		{
			name:   "missing postcode",
			hcl:    func(env *testEnv) string { return shopperHCL(env, with(fullAddress, "postcode", "")) },
			expect: wrapRegexp(`Missing required argument`, `"postcode" is required`),
		},
		{
			name: "unknown customer_id",
			hcl: func(env *testEnv) string {
				return strings.Replace(shopperHCL(env, fullAddress), "moltin_customer.shopper.id", `"00000000-0000-4000-8000-000000000000"`, 1)
			},
			expect: wrapRegexp(`Customer not found`, `customer_id = "00000000-0000-4000-8000-000000000000"`,
				`No customer in the store has the id "00000000-0000-4000-8000-000000000000"`),
		},
		{
			name:   "store insisting on county",
			county: true,
			hcl:    func(env *testEnv) string { return shopperHCL(env, noCounty) },
			expect: wrapRegexp(`Could not create the address`, `with moltin_customer_address.home`, `county is required (at /data/county)`),
		},
	} {
		t.Run(row.name, func(t *testing.T) {
			if row.county {
				emulatorOnly(t, "needs a store that insists on county (the emulator's SetAddressRequired); a live store's rule is its own")
			}
			t.Parallel()
			env := newTestEnv(t, emulator.Config{})
			if row.county {
				env.emulator().SetAddressRequired("county")
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      row.hcl(env),
					ExpectError: row.expect,
				}},
				CheckDestroy: func(*terraform.State) error {
					for _, c := range env.Customers() {
						if list, _ := env.Addresses(c.ID); len(list) != 0 {
							return fmt.Errorf("an address was created: %v", list)
						}
					}
					return nil
				},
			})
			for _, c := range env.Customers() {
				if list, _ := env.Addresses(c.ID); len(list) != 0 {
					t.Errorf("an address was created: %v", list)
				}
			}
		})
	}
}

// TestAccCustomerAddresses_dataSource lists a customer's addresses with every
// field, and fails on an unknown customer on the customer_id line.
func TestAccCustomerAddresses_dataSource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	c := mustCreate(t, env, "Ann Lee", env.email("ann"), "", nil)
	home, err := env.CreateAddress(c.ID, map[string]string{
		"name": "Home", "first_name": "Ann", "last_name": "Lee", "company_name": "Lee & Co", "phone_number": "+44 113 496 0000",
		"line_1": "1 High Street", "line_2": "Flat 2", "city": "Leeds", "county": "West Yorkshire", "region": "England",
		"postcode": "LS1 1AA", "country": "GB", "instructions": "Ring twice",
	})
	if err != nil {
		t.Fatal(err)
	}
	work, err := env.CreateAddress(c.ID, map[string]string{"name": "Work", "first_name": "Ann", "last_name": "Lee", "line_1": "2 Low Road", "postcode": "M1 1AA", "country": "GB"})
	if err != nil {
		t.Fatal(err)
	}
	empty := mustCreate(t, env, "No Address", env.email("none"), "", nil)
	ds := "data.moltin_customer_addresses.test"
	cfg := func(id string) string {
		return env.providerBlock() + fmt.Sprintf("data \"moltin_customer_addresses\" \"test\" {\n  customer_id = %q\n}\n", id)
	}
	all := map[string]knownvalue.Check{"id": knownvalue.StringExact(home.ID)}
	for k, v := range home.Fields {
		all[k] = knownvalue.StringExact(v)
	}
	all["created_at"] = knownvalue.StringExact(home.CreatedAt.UTC().Format(time.RFC3339Nano))
	all["updated_at"] = knownvalue.NotNull()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(c.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("addresses"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(all),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(work.ID), "line_2": knownvalue.Null(), "city": knownvalue.Null(),
						}),
					})),
				},
			},
			{
				Config: cfg(empty.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("addresses"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      cfg("00000000-0000-4000-8000-000000000000"),
				ExpectError: wrapRegexp(`Customer not found`, `customer_id = "00000000-0000-4000-8000-000000000000"`, `No customer in the store has the id`),
			},
		},
	})
}

// TestAccCustomerAddress_requests records the requests the emulator sees for
// one shopper with two addresses: created, one address field changed, all
// destroyed. It checks the mutations are the minimum and logs every request
// (run with -v to see them; the reads include the testing library's own
// plans and refreshes around each step).
func TestAccCustomerAddress_requests(t *testing.T) {
	emulatorOnly(t, "counts requests in the emulator's log")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	two := func(city string) string {
		return shopperHCL(env, with(fullAddress, "city", city)) + `
resource "moltin_customer_address" "work" {
  customer_id = moltin_customer.shopper.id
  name        = "Work"
  first_name  = "Ann"
  last_name   = "Lee"
  line_1      = "100 Market Street"
  postcode    = "M1 1AA"
  country     = "GB"
}
`
	}
	logPhase := func(phase string) []emulator.Request {
		reqs := env.Requests()
		var lines []string
		for _, r := range reqs {
			lines = append(lines, fmt.Sprintf("  %s %s -> %d", r.Method, r.Path, r.Status))
		}
		t.Logf("%s: %d requests\n%s", phase, len(reqs), strings.Join(lines, "\n"))
		return reqs
	}
	count := func(reqs []emulator.Request) map[string]int {
		out := map[string]int{}
		for _, r := range reqs {
			out[r.Kind]++
		}
		return out
	}
	expect := func(phase string, want map[string]int) func(*terraform.State) error {
		return func(*terraform.State) error {
			got := count(logPhase(phase))
			for _, k := range []string{emulator.KindCreate, emulator.KindUpdate, emulator.KindDelete,
				emulator.KindAddressCreate, emulator.KindAddressUpdate, emulator.KindAddressDelete} {
				if got[k] != want[k] {
					return fmt.Errorf("%s: %d %s requests, want %d (all: %v)", phase, got[k], k, want[k], got)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := expect("destroy", map[string]int{emulator.KindDelete: 1, emulator.KindAddressDelete: 2})(s); err != nil {
				return err
			}
			return env.checkNoneLeft(s)
		},
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    two("Leeds"),
				Check:     expect("create one shopper with two addresses", map[string]int{emulator.KindCreate: 1, emulator.KindAddressCreate: 2}),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    two("Bradford"),
				Check: resource.ComposeAggregateTestCheckFunc(
					expect("change one address field", map[string]int{emulator.KindAddressUpdate: 1}),
					// What follows is the testing library's refresh and the destroy.
					func(*terraform.State) error { env.ResetRequests(); return nil },
				),
			},
		},
	})
}

// TestAccCustomerAddress_adoptExisting: a killed run left a customer with its
// Home address. With adopt_existing_customers the next apply takes both over
// (the address with one PUT, as line_2 differs) and creates only the Work
// address, which the killed run had not made.
func TestAccCustomerAddress_adoptExisting(t *testing.T) {
	emulatorOnly(t, "the leftovers must come from outside this process")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	email := env.email("adopt-addresses")
	left := mustCreate(t, env, "Ann Lee", email, "", nil)
	leftHome, err := env.CreateAddress(left.ID, with(with(fullAddress, "line_2", "Flat 9"), "country", "GB"))
	if err != nil {
		t.Fatal(err)
	}
	config := env.providerBlock("adopt_existing_customers = true") + fmt.Sprintf(`
resource "moltin_customer" "shopper" {
  name  = "Ann Lee"
  email = %q
}
`, email)
	for _, a := range []map[string]string{fullAddress, with(with(fullAddress, "name", "Work"), "line_1", "2 Mill Road")} {
		config += fmt.Sprintf("resource \"moltin_customer_address\" %q {\n  customer_id = moltin_customer.shopper.id\n", strings.ToLower(a["name"]))
		for _, k := range slices.Sorted(maps.Keys(a)) {
			config += fmt.Sprintf("  %s = %q\n", k, a[k])
		}
		config += "}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(shopperRes, tfjsonpath.New("id"), knownvalue.StringExact(left.ID)),
				statecheck.ExpectKnownValue(addressRes, tfjsonpath.New("id"), knownvalue.StringExact(leftHome.ID)),
				statecheck.ExpectKnownValue(addressRes, tfjsonpath.New("line_2"), knownvalue.StringExact("Flat 2")),
			},
			Check: func(s *terraform.State) error {
				list, _ := env.Addresses(left.ID)
				if len(list) != 2 {
					return fmt.Errorf("%d addresses; want Home (adopted) and Work", len(list))
				}
				if got, _ := env.Address(left.ID, leftHome.ID); got.Fields["line_2"] != "Flat 2" {
					return fmt.Errorf("the adopted address has line_2 %q; want the configured Flat 2", got.Fields["line_2"])
				}
				if work := s.RootModule().Resources["moltin_customer_address.work"]; work == nil || work.Primary.ID == leftHome.ID {
					return fmt.Errorf("the Work address took the Home leftover: %v", work)
				}
				return env.wire("one address list, one address PUT, one address POST", func() error {
					n := map[string]int{}
					for _, r := range env.Requests() {
						if strings.Contains(r.Path, "/addresses") {
							n[r.Method]++
						}
					}
					if n["PUT"] != 1 || n["POST"] != 1 || n["GET"] < 1 {
						return fmt.Errorf("address requests %v; want a list, one PUT and one POST", n)
					}
					return nil
				})
			},
		}},
	})
}
