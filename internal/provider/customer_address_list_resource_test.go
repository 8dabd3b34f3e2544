package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// The moltin_customer_address list resource, called through the plugin
// protocol as `terraform query` would (see customer_list_resource_test.go).

const addressListType = "moltin_customer_address"

func mustCreateAddress(t *testing.T, env *testEnv, customerID string, fields map[string]string) emulator.Address {
	t.Helper()
	a, err := env.emulator().CreateAddress(customerID, fields)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func addressFields(name, line1, city, postcode, country string) map[string]string {
	f := map[string]string{"first_name": "Ann", "last_name": "Lee", "line_1": line1, "postcode": postcode, "country": country}
	if name != "" {
		f["name"] = name
	}
	if city != "" {
		f["city"] = city
	}
	return f
}

// addressListRequests are the address list requests sent, as path?query.
func addressListRequests(env *testEnv) []string {
	var out []string
	for _, r := range env.Requests() {
		if r.Kind == emulator.KindAddressList {
			out = append(out, r.Path+"?"+r.Query)
		}
	}
	return out
}

func (s *listServer) listAddresses(t *testing.T, customerID string, include bool, limit int64) []listed {
	t.Helper()
	return s.listOf(t, addressListType, s.configOf(t, addressListType, map[string]string{"customer_id": customerID}), include, limit)
}

func TestCustomerAddressListResource_Schema(t *testing.T) {
	t.Parallel()
	s := newListServer(t, newTestEnv(t, emulator.Config{}), nil)
	got := s.schemas.ListResourceSchemas[addressListType]
	if len(got.Block.Attributes) != 1 || len(got.Block.BlockTypes) != 0 {
		t.Fatalf("config: want customer_id alone, got %+v", got.Block)
	}
	a := got.Block.Attributes[0]
	if a.Name != "customer_id" || !a.Required || a.Optional || a.Computed || !a.Type.Is(tftypes.String) || a.Description == "" {
		t.Errorf("config attribute: want a required, described string customer_id, got %+v", a)
	}
	// Results carry the managed resource's identity: (customer_id, id).
	ids, err := s.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range ids.IdentitySchemas[addressListType].IdentityAttributes {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"customer_id", "id"}) {
		t.Errorf("identity attributes %v, want [customer_id id]", names)
	}
}

func TestCustomerAddressListResource_ValidateConfig(t *testing.T) {
	t.Parallel()
	s := newListServer(t, newTestEnv(t, emulator.Config{}), nil)
	for _, tc := range []struct {
		name   string
		config map[string]string
		valid  bool
	}{
		{"a customer id", map[string]string{"customer_id": "c-1"}, true},
		{"customer_id missing", nil, false},
		{"customer_id empty", map[string]string{"customer_id": ""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := s.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
				TypeName: addressListType, Config: s.configOf(t, addressListType, tc.config),
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.valid {
				requireNoDiagnostics(t, "ValidateListResourceConfig", resp.Diagnostics)
				return
			}
			if len(resp.Diagnostics) == 0 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
				resp.Diagnostics[0].Attribute.String() != `AttributeName("customer_id")` {
				t.Errorf("want an error on customer_id, got %+v", resp.Diagnostics)
			}
		})
	}
}

func TestCustomerAddressListResource_IdentitiesAndDisplayNames(t *testing.T) {
	t.Parallel()
	env, s, sam := newAddressListTest(t, nil)
	other := mustCreate(t, env, "Ann Other", "ann@example.com", "", nil)
	want := map[string]string{ // id -> display name
		mustCreateAddress(t, env, sam.ID, addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB")).ID:     "Home: 1 Main St, London, SW1A 1AA, GB",
		mustCreateAddress(t, env, sam.ID, addressFields("", "2 Side Rd", "", "10001", "US")).ID:                  "2 Side Rd, 10001, US",
		mustCreateAddress(t, env, sam.ID, addressFields(`Work, "HQ"`, "3 Dock Ln", "Leeds", "LS1 1AA", "GB")).ID: `Work, "HQ": 3 Dock Ln, Leeds, LS1 1AA, GB`,
	}
	mustCreateAddress(t, env, other.ID, addressFields("Home", "9 Far Away", "Paris", "75001", "FR"))
	env.ResetRequests()

	results := s.listAddresses(t, sam.ID, false, 100)
	requireClean(t, results)
	got := map[string]string{}
	for _, r := range results {
		got[r.ID] = r.DisplayName
		if r.Identity["customer_id"] != sam.ID || len(r.Identity) != 2 {
			t.Errorf("%s: identity %v, want customer_id %s and id", r.DisplayName, r.Identity, sam.ID)
		}
		if r.Resource != nil {
			t.Errorf("%s: a resource object although include_resource is false", r.DisplayName)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	wantRequests := []string{"/v2/customers/" + sam.ID + "/addresses?page[limit]=100&page[offset]=0"}
	if reqs := addressListRequests(env); !slices.Equal(reqs, wantRequests) {
		t.Errorf("address list requests %q, want %q", reqs, wantRequests)
	}
	// Written to the test log for the record (go test -v).
	var sent []string
	for _, r := range env.Requests() {
		sent = append(sent, fmt.Sprintf("%s %s?%s -> %d", r.Method, r.Path, r.Query, r.Status))
	}
	t.Logf("one customer's %d addresses (limit 100); requests sent by a fresh provider:\n  %s", len(results), strings.Join(sent, "\n  "))
}

func TestCustomerAddressListResource_IncludeResource(t *testing.T) {
	t.Parallel()
	env, s, sam := newAddressListTest(t, nil)
	full := addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB")
	full["company_name"], full["instructions"] = "Acme", "Leave with the neighbour"
	stored := map[string]emulator.Address{}
	for _, f := range []map[string]string{full, addressFields("", "2 Side Rd", "", "10001", "US")} {
		a := mustCreateAddress(t, env, sam.ID, f)
		stored[a.ID] = a
	}

	for _, include := range []bool{true, false} {
		results := s.listAddresses(t, sam.ID, include, 100)
		requireClean(t, results)
		if len(results) != len(stored) {
			t.Fatalf("include_resource %v: %d results, want %d", include, len(results), len(stored))
		}
		for _, r := range results {
			if !include {
				if r.Resource != nil {
					t.Errorf("%s: a resource object although include_resource is false", r.DisplayName)
				}
				continue
			}
			if r.Resource == nil {
				t.Fatalf("%s: no resource object although include_resource is true", r.DisplayName)
			}
			a := stored[r.ID]
			want := map[string]string{"id": a.ID, "customer_id": sam.ID}
			for _, attr := range addressAttributeTable() {
				if v, ok := a.Fields[attr.name]; ok {
					want[attr.name] = v
				}
			}
			for name, v := range r.Resource {
				if name == "created_at" || name == "updated_at" {
					continue
				}
				var got *string
				if err := v.As(&got); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				w, set := want[name]
				if (got == nil) == set || (got != nil && *got != w) {
					t.Errorf("%s: %s = %v, want %q (set: %v)", r.DisplayName, name, deref(got), w, set)
				}
			}
			var created string
			if err := r.Resource["created_at"].As(&created); err != nil {
				t.Fatal(err)
			}
			if at, err := time.Parse(time.RFC3339Nano, created); err != nil || at.Sub(a.CreatedAt).Abs() >= time.Millisecond {
				t.Errorf("%s: created_at %q, want %s (%v)", r.DisplayName, created, a.CreatedAt, err)
			}
			if r.Resource["updated_at"].IsNull() {
				t.Errorf("%s: updated_at is null", r.DisplayName)
			}
		}
	}
}

// TestCustomerAddressListResource_Limits checks a limit below the count, and
// more addresses than a page from an endpoint that answers them all at once
// (as the API's is documented to, and the emulator does): each once, with
// one request.
func TestCustomerAddressListResource_Limits(t *testing.T) {
	t.Parallel()
	env, s, sam := newAddressListTest(t, nil)
	var ids []string
	for i := range 130 {
		ids = append(ids, mustCreateAddress(t, env, sam.ID, addressFields(fmt.Sprintf("Flat %d", i), fmt.Sprintf("%d Main St", i), "London", "SW1A 1AA", "GB")).ID)
	}
	path := "/v2/customers/" + sam.ID + "/addresses?"
	for _, tc := range []struct {
		limit   int64
		want    int
		request string
	}{
		{2, 2, "page[limit]=2&page[offset]=0"},
		{100, 100, "page[limit]=100&page[offset]=0"},
		{1000, 130, "page[limit]=100&page[offset]=0"},
	} {
		t.Run(fmt.Sprint("limit ", tc.limit), func(t *testing.T) {
			env.ResetRequests()
			results := s.listAddresses(t, sam.ID, false, tc.limit)
			requireClean(t, results)
			var got []string
			for _, r := range results {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, ids[:tc.want]) {
				t.Errorf("limit %d: listed %d addresses, want the first %d in creation order, each once", tc.limit, len(got), tc.want)
			}
			if reqs := addressListRequests(env); !slices.Equal(reqs, []string{path + tc.request}) {
				t.Errorf("address list requests %q, want [%q]", reqs, path+tc.request)
			}
		})
	}
}

func TestCustomerAddressListResource_NoAddresses(t *testing.T) {
	t.Parallel()
	env, s, sam := newAddressListTest(t, nil)
	other := mustCreate(t, env, "Ann Other", "ann@example.com", "", nil)
	mustCreateAddress(t, env, other.ID, addressFields("Home", "9 Far Away", "Paris", "75001", "FR"))
	if results := s.listAddresses(t, sam.ID, true, 100); len(results) != 0 {
		t.Errorf("a customer without addresses listed %+v, want nothing", results)
	}
}

// listError lists and wants one result holding one error diagnostic.
// newAddressListTest is the start of most address list tests: the list
// server for a new emulator, with providerSettings, and a customer, Sam
// Shopper.
func newAddressListTest(t *testing.T, providerSettings map[string]tftypes.Value) (*testEnv, *listServer, emulator.Customer) {
	t.Helper()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, providerSettings)
	return env, s, mustCreate(t, env, "Sam Shopper", "sam@example.com", "", nil)
}

func listError(t *testing.T, s *listServer, customerID string) *tfprotov6.Diagnostic {
	t.Helper()
	return onlyError(t, s.listAddresses(t, customerID, true, 100))
}

func TestCustomerAddressListResource_UnknownCustomer(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	gone := mustCreate(t, env, "Gone Soon", "gone@example.com", "", nil)
	mustCreateAddress(t, env, gone.ID, addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB"))
	env.emulator().DeleteCustomer(gone.ID)
	for _, id := range []string{gone.ID, "no-such-customer"} {
		d := listError(t, s, id)
		if d.Summary != "Customer not found" || d.Attribute.String() != `AttributeName("customer_id")` ||
			!strings.Contains(d.Detail, `"`+id+`"`) || !strings.Contains(d.Detail, "Check customer_id") {
			t.Errorf("customer %s: diagnostic %q on %v: %q", id, d.Summary, d.Attribute, d.Detail)
		}
	}
}

func TestCustomerAddressListResource_APIError(t *testing.T) {
	t.Parallel()
	env, s, sam := newAddressListTest(t, noRetries)
	mustCreateAddress(t, env, sam.ID, addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB"))
	// One listing that works first, so that the failure below is the
	// listing's own, not the token's.
	if got := s.listAddresses(t, sam.ID, false, 100); len(got) != 1 {
		t.Fatalf("listed %d addresses before the fault, want 1", len(got))
	}
	env.ResetRequests()
	env.emulator().SetFaults(emulator.Faults{Rate5xx: 1, Seed: 1})

	d := listError(t, s, sam.ID)
	if d.Summary != "Could not list addresses" || !strings.Contains(d.Detail, `Listing the addresses of customer "`+sam.ID+`" failed: `) {
		t.Errorf("diagnostic %q: %q", d.Summary, d.Detail)
	}
	requireOneFailedListing(t, env, d, emulator.KindAddressList, "address list")
}

// TestAccCustomerAddressList_query runs `terraform query` against the
// moltin_customer_address list resource. Like TestAccCustomerList_query it
// needs Terraform 1.14 or later and is skipped, with the reason printed, on
// the CLIs that can be built here; the protocol-level tests above cover it.
func TestAccCustomerAddressList_query(t *testing.T) {
	emulatorOnly(t, "seeds a customer with a fixed email, as the query step's expectations name it")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	sam := mustCreate(t, env, "Sam Shopper", "sam.leftover@test.example.com", "", nil)
	homeAddr := mustCreateAddress(t, env, sam.ID, addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB"))
	for i := range 4 {
		mustCreateAddress(t, env, sam.ID, addressFields(fmt.Sprint("Flat ", i), "2 Side Rd", "", "10001", "US"))
	}
	identity := map[string]knownvalue.Check{"customer_id": knownvalue.StringExact(sam.ID), "id": knownvalue.StringExact(homeAddr.ID)}
	queryTest(t,
		resource.TestStep{Config: env.providerBlock()},
		resource.TestStep{
			Query: true,
			Config: env.providerBlock() + fmt.Sprintf(`
list "moltin_customer_address" "all" {
  provider         = moltin
  include_resource = true

  config {
    customer_id = %q
  }
}

list "moltin_customer_address" "two" {
  provider = moltin
  limit    = 2

  config {
    customer_id = %q
  }
}
`, sam.ID, sam.ID),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("moltin_customer_address.all", 5),
				querycheck.ExpectLength("moltin_customer_address.two", 2),
				querycheck.ExpectResourceDisplayName("moltin_customer_address.all", queryfilter.ByResourceIdentity(identity),
					knownvalue.StringExact("Home: 1 Main St, London, SW1A 1AA, GB")),
				querycheck.ExpectResourceKnownValues("moltin_customer_address.all", queryfilter.ByResourceIdentity(identity),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("line_1"), KnownValue: knownvalue.StringExact("1 Main St")},
						{Path: tfjsonpath.New("customer_id"), KnownValue: knownvalue.StringExact(sam.ID)},
						{Path: tfjsonpath.New("line_2"), KnownValue: knownvalue.Null()},
					}),
			},
		},
	)
}
