package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

const nestedRes = "moltin_customer.shopper"

// nestedAddress is one address of moltin_customer's addresses, without its
// name (the map key).
func nestedAddress(first, line1 string) map[string]string {
	return map[string]string{"first_name": first, "last_name": "Lee", "line_1": line1, "postcode": "LS1 1AA", "country": "GB"}
}

// nestedHCL is moltin_customer.shopper with the addresses given (nil: the
// attribute not set), and extra HCL after it.
func nestedHCL(env *testEnv, addresses map[string]map[string]string, extra ...string) string {
	var b strings.Builder
	b.WriteString(env.providerBlock())
	fmt.Fprintf(&b, "resource \"moltin_customer\" \"shopper\" {\n  name  = \"Ann Lee\"\n  email = %q\n", env.email("shopper"))
	if addresses != nil {
		b.WriteString("  addresses = {\n")
		for _, key := range slices.Sorted(maps.Keys(addresses)) {
			fmt.Fprintf(&b, "    %q = {\n", key)
			for _, k := range slices.Sorted(maps.Keys(addresses[key])) {
				fmt.Fprintf(&b, "      %s = %q\n", k, addresses[key][k])
			}
			b.WriteString("    }\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	for _, e := range extra {
		b.WriteString(e)
	}
	return b.String()
}

// storedByName is the customer's addresses in the store, by name.
func (e *testEnv) storedByName(s *terraform.State) (map[string]emulator.Address, error) {
	id := s.RootModule().Resources[nestedRes].Primary.ID
	list, ok := e.Addresses(id)
	if !ok {
		return nil, fmt.Errorf("customer %s is not in the store", id)
	}
	out := map[string]emulator.Address{}
	for _, a := range list {
		if _, dup := out[a.Fields["name"]]; dup {
			return nil, fmt.Errorf("two addresses named %q", a.Fields["name"])
		}
		out[a.Fields["name"]] = a
	}
	return out, nil
}

// expectStoredSet checks that the store holds exactly want's addresses, by
// name, with exactly their fields, and that the state's ids are theirs
// (when the state has addresses).
func (e *testEnv) expectStoredSet(want map[string]map[string]string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		got, err := e.storedByName(s)
		if err != nil {
			return err
		}
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
			return fmt.Errorf("the store holds addresses %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
		attrs := s.RootModule().Resources[nestedRes].Primary.Attributes
		for name, fields := range want {
			w := maps.Clone(fields)
			w["name"] = name
			w["country"] = strings.ToUpper(w["country"])
			if !maps.Equal(got[name].Fields, w) {
				return fmt.Errorf("address %q: the store holds %v, want %v", name, got[name].Fields, w)
			}
			if id := attrs["addresses."+name+".id"]; attrs["addresses.%"] != "" && id != got[name].ID {
				return fmt.Errorf("address %q: the state's id %q is not the store's %q", name, id, got[name].ID)
			}
		}
		return nil
	}
}

// expectNestedPut checks the one address mutation since the reset: a PUT
// to the state's address key, with every field (unset ones null) as want.
func (e *testEnv) expectNestedPut(key string, want map[string]string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return e.wire("one address PUT, to the changed address only, with every field", func() error {
			muts := e.addressMutations()
			if len(muts) != 1 || muts[0].Kind != emulator.KindAddressUpdate {
				return fmt.Errorf("want one address PUT, got %s", describe(muts))
			}
			if cm := e.mutations(); len(cm) != 0 {
				return fmt.Errorf("an address change sent customer requests: %s", describe(cm))
			}
			rs := s.RootModule().Resources[nestedRes].Primary
			if p := "/v2/customers/" + rs.ID + "/addresses/" + rs.Attributes["addresses."+key+".id"]; muts[0].Path != p {
				return fmt.Errorf("the PUT went to %s, want %s", muts[0].Path, p)
			}
			var doc struct {
				Data map[string]*string `json:"data"`
			}
			if err := json.Unmarshal(muts[0].Body, &doc); err != nil {
				return err
			}
			if len(doc.Data) != len(addressAttributeTable())+2 {
				return fmt.Errorf("the PUT holds %d members, want every field plus type and id: %s", len(doc.Data), muts[0].Body)
			}
			w := maps.Clone(want)
			w["name"] = key
			for _, a := range addressAttributeTable() {
				got := doc.Data[a.name]
				switch {
				case w[a.name] == "" && got != nil:
					return fmt.Errorf("the PUT sends %s = %q, want null", a.name, *got)
				case w[a.name] != "" && (got == nil || *got != w[a.name]):
					return fmt.Errorf("the PUT sends %s = %v, want %q: %s", a.name, got, w[a.name], muts[0].Body)
				}
			}
			return nil
		})
	}
}

// TestAccCustomerAddresses_nested: create with two addresses (one customer
// POST, one POST each); one changed (one PUT to it alone, every field);
// one removed (one DELETE); one added (one POST); a change of the country's
// case alone (nothing sent); drift (an address changed and one added outside:
// put back with one PUT and one DELETE); import; a bad country at plan time.
func TestAccCustomerAddresses_nested(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	timeRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	home, work := nestedAddress("Ann", "1 High Street"), nestedAddress("Ann", "9 Mill Lane")
	two := map[string]map[string]string{"Home": home, "Work": work}
	work2 := with(with(work, "line_1", "10 Mill Lane"), "instructions", "Reception")
	changed := map[string]map[string]string{"Home": home, "Work": work2}
	removed := map[string]map[string]string{"Work": work2}
	added := map[string]map[string]string{"Work": work2, "Office": nestedAddress("Bo", "3 Park Row")}
	var customerID string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config:      nestedHCL(env, map[string]map[string]string{"Home": with(home, "country", "UK")}),
				ExpectError: regexp.MustCompile(`(?s)Invalid country code.*"UK" is not an assigned country code: use GB`),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, two),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(nestedRes, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Home").AtMapKey("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("created_at"), knownvalue.StringRegexp(timeRE)),
					statecheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("line_1"), knownvalue.StringExact("9 Mill Lane")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(two), func(s *terraform.State) error {
					customerID = s.RootModule().Resources[nestedRes].Primary.ID
					return env.wire("one customer POST, then one POST per address", func() error {
						var kinds []string
						for _, r := range env.Requests() {
							switch r.Kind {
							case emulator.KindCreate, emulator.KindAddressCreate, emulator.KindUpdate, emulator.KindAddressUpdate, emulator.KindDelete, emulator.KindAddressDelete:
								kinds = append(kinds, r.Kind)
							}
						}
						if want := []string{emulator.KindCreate, emulator.KindAddressCreate, emulator.KindAddressCreate}; !slices.Equal(kinds, want) {
							return fmt.Errorf("want %v, got %v", want, kinds)
						}
						return nil
					})
				}),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(nestedRes, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("updated_at")),
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Home").AtMapKey("updated_at"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("updated_at"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectNestedPut("Work", work2), env.expectStoredSet(changed)),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, removed),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(removed), func(*terraform.State) error {
					return env.expectAddressMutations("one DELETE for the removed key", emulator.KindAddressDelete)
				}),
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, added),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(added), func(*terraform.State) error {
					return env.expectAddressMutations("one POST for the added key", emulator.KindAddressCreate)
				}),
			},
			{
				// The country's case alone: nothing to send.
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, map[string]map[string]string{"Work": with(work2, "country", "gb"), "Office": added["Office"]}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses").AtMapKey("Work").AtMapKey("updated_at"), knownvalue.NotNull()),
				}},
				Check: func(*terraform.State) error {
					return env.expectAddressMutations("no address request for a change of the country's case alone")
				},
			},
			{
				// Drift: Office changed and an address added outside.
				PreConfig: func() {
					list, _ := env.Addresses(customerID)
					for _, a := range list {
						if a.Fields["name"] == "Office" {
							if err := env.UpdateAddress(customerID, a.ID, func(f map[string]string) { f["city"] = "York" }); err != nil {
								t.Fatal(err)
							}
						}
					}
					if _, err := env.CreateAddress(customerID, with(nestedAddress("Cy", "5 Side St"), "name", "Extra")); err != nil {
						t.Fatal(err)
					}
					env.ResetRequests()
				},
				Config: nestedHCL(env, added),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(nestedRes, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(added), func(*terraform.State) error {
					return env.expectAddressMutations("the extra address deleted, the changed one put back",
						emulator.KindAddressDelete, emulator.KindAddressUpdate)
				}),
			},
			{
				ResourceName:      nestedRes,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Plan-only: the configuration is what the store holds.
				Config:   nestedHCL(env, added),
				PlanOnly: true,
			},
		},
	})
}

// TestAccCustomerAddresses_unsetLeavesAlone: a customer without addresses
// in its configuration leaves alone the address that moltin_customer_address
// manages, on create and on change.
func TestAccCustomerAddresses_unsetLeavesAlone(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	home := with(nestedAddress("Ann", "1 High Street"), "name", "Home")
	separate := func() string {
		var b strings.Builder
		b.WriteString("resource \"moltin_customer_address\" \"home\" {\n  customer_id = moltin_customer.shopper.id\n")
		for _, k := range slices.Sorted(maps.Keys(home)) {
			fmt.Fprintf(&b, "  %s = %q\n", k, home[k])
		}
		b.WriteString("}\n")
		return b.String()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config: nestedHCL(env, nil, separate()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(nestedRes, tfjsonpath.New("addresses"), knownvalue.Null()),
				},
				Check: env.expectStoredSet(map[string]map[string]string{"Home": nestedAddress("Ann", "1 High Street")}),
			},
			{
				// A change to the customer: no address request.
				PreConfig: env.ResetRequests,
				Config:    strings.Replace(nestedHCL(env, nil, separate()), `"Ann Lee"`, `"Ann Leigh"`, 1),
				Check: func(*terraform.State) error {
					return env.expectAddressMutations("no address request from the customer")
				},
			},
		},
	})
}

// TestAccCustomerAddresses_import: a customer with an address, imported
// into a configuration that does not set addresses: the address is in the
// state, nothing is planned for it, and it is left alone; set to what the
// store holds, nothing is planned either; unset again, still alone.
func TestAccCustomerAddresses_import(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	home := nestedAddress("Ann", "1 High Street")
	stored := map[string]map[string]string{"Home": home}
	var customerID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c, err := env.CreateCustomer("Ann Lee", env.email("shopper"), "", nil)
					if err != nil {
						t.Fatal(err)
					}
					customerID = c.ID
					if _, err := env.CreateAddress(c.ID, with(home, "name", "Home")); err != nil {
						t.Fatal(err)
					}
				},
				ResourceName:       nestedRes,
				ImportState:        true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return customerID, nil },
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if got := states[0].Attributes["addresses.Home.line_1"]; got != "1 High Street" {
						return fmt.Errorf("the import brought addresses.Home.line_1 = %q: %v", got, states[0].Attributes)
					}
					return nil
				},
				Config: nestedHCL(env, nil),
			},
			{
				// Imported, with addresses not set: nothing planned.
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, nil),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(stored),
					func(*terraform.State) error { return env.expectAddressMutations("no address request after the import") }),
			},
			{
				// Set to what the store holds: nothing planned.
				Config: nestedHCL(env, stored),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Unset again, and the customer changed: the address stays.
				PreConfig: env.ResetRequests,
				Config:    strings.Replace(nestedHCL(env, nil), `"Ann Lee"`, `"Ann Leigh"`, 1),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(stored),
					func(*terraform.State) error { return env.expectAddressMutations("no address request when unset") }),
			},
		},
	})
}

// TestAccCustomerAddresses_startManaging: addresses set on a customer
// whose addresses were not managed before takes over the one with the
// key's name (one PUT, since a field differs) and creates the other; no
// address is made twice.
func TestAccCustomerAddresses_startManaging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	want := map[string]map[string]string{"Home": with(nestedAddress("Ann", "1 High Street"), "city", "Leeds"), "Work": nestedAddress("Ann", "9 Mill Lane")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config: nestedHCL(env, nil),
				Check: func(s *terraform.State) error {
					_, err := env.CreateAddress(s.RootModule().Resources[nestedRes].Primary.ID, with(nestedAddress("Ann", "1 High Street"), "name", "Home"))
					return err
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    nestedHCL(env, want),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(want), func(*terraform.State) error {
					return env.expectAddressMutations("Home taken over with one PUT, Work created", emulator.KindAddressUpdate, emulator.KindAddressCreate)
				}),
			},
			{Config: nestedHCL(env, want), PlanOnly: true},
		},
	})
}

// TestAccCustomerAddresses_faultMidway: the store refuses the second address
// of a new customer; the customer is deleted again (none left half-made),
// the error is on that address's field, and the next apply makes all.
func TestAccCustomerAddresses_faultMidway(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "needs a store that insists on county (the emulator's SetAddressRequired)")
	env := newTestEnv(t, emulator.Config{})
	env.emulator().SetAddressRequired("county")
	a := with(nestedAddress("Ann", "1 High Street"), "county", "West Yorkshire")
	b := nestedAddress("Ann", "9 Mill Lane")
	fixed := map[string]map[string]string{"A": a, "B": with(b, "county", "Kent")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig:   env.ResetRequests,
				Config:      nestedHCL(env, map[string]map[string]string{"A": a, "B": b}),
				ExpectError: regexp.MustCompile(`(?s)address "B" failed.*county.*was deleted again`),
			},
			{
				PreConfig: func() {
					if n := len(env.Customers()); n != 0 {
						t.Fatalf("%d customers left after the failed create, want none", n)
					}
					var kinds []string
					for _, r := range env.Requests() {
						switch r.Kind {
						case emulator.KindCreate, emulator.KindAddressCreate, emulator.KindDelete:
							kinds = append(kinds, r.Kind)
						}
					}
					want := []string{emulator.KindCreate, emulator.KindAddressCreate, emulator.KindAddressCreate, emulator.KindDelete}
					if !slices.Equal(kinds, want) {
						t.Fatalf("requests %v, want %v", kinds, want)
					}
				},
				Config: nestedHCL(env, fixed),
				Check:  env.expectStoredSet(fixed),
			},
		},
	})
}

// TestAccCustomerAddresses_unknownOutcomes: the customer's POST and both
// addresses' take effect and their answers are lost. Each create is looked
// up before it is sent again: one customer and two addresses, none twice.
func TestAccCustomerAddresses_unknownOutcomes(t *testing.T) {
	t.Parallel()
	// With this seed and share, the emulator's first draw (the token's POST)
	// passes and the next three (the three creates) are dropped; the check
	// below counts the drops, so another order fails the test, not passes it.
	env := newTestEnv(t, emulator.Config{Faults: emulator.Faults{DropAfterCommit: 0.9, Seed: 16}})
	two := map[string]map[string]string{"Home": nestedAddress("Ann", "1 High Street"), "Work": nestedAddress("Ann", "9 Mill Lane")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				Config: nestedHCL(env, two),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(two), func(*terraform.State) error {
					if n := len(env.Customers()); n != 1 {
						return fmt.Errorf("%d customers in the store, want 1", n)
					}
					if n := env.Stats().Faults[emulator.FaultDrop]; n != 3 {
						return fmt.Errorf("%d answers dropped, want the 3 creates'", n)
					}
					if n := env.Stats().ByKind[emulator.KindAddressCreate]; n != 2 {
						return fmt.Errorf("%d address POSTs, want 2: none sent again", n)
					}
					env.emulator().SetFaults(emulator.Faults{})
					return nil
				}),
			},
		},
	})
}

// TestAccCustomerAddresses_adoptAfterKill: a killed run left the customer
// and one of its addresses behind; with adopt_existing_customers the next
// apply takes both over, and creates only the missing address.
func TestAccCustomerAddresses_adoptAfterKill(t *testing.T) {
	t.Parallel()
	emulatorOnly(t, "the leftovers must come from outside this process")
	env := newTestEnv(t, emulator.Config{})
	two := map[string]map[string]string{"Home": nestedAddress("Ann", "1 High Street"), "Work": nestedAddress("Ann", "9 Mill Lane")}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             env.checkNoneLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c, err := env.CreateCustomer("Ann Lee", env.email("shopper"), "", nil)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := env.CreateAddress(c.ID, with(two["Home"], "name", "Home")); err != nil {
						t.Fatal(err)
					}
					env.ResetRequests()
				},
				Config: strings.Replace(nestedHCL(env, two), "provider \"moltin\" {", "provider \"moltin\" {\n  adopt_existing_customers = true", 1),
				Check: resource.ComposeAggregateTestCheckFunc(env.expectStoredSet(two), func(*terraform.State) error {
					return env.expectAddressMutations("only the missing address created", emulator.KindAddressCreate)
				}),
			},
		},
	})
}
