package provider

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// These tests call the provider the way Terraform 1.14's `terraform query`
// does, through the plugin protocol, with the provider served in the test
// process: no Terraform 1.14 can be built here, and they need no CLI (nor
// TF_ACC), so they run in every test tier.

const customerListType = "moltin_customer"

// listProtocolServer is a provider server with the list resource calls.
type listProtocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// listServer is the provider behind the protocol, configured for one
// emulator, with the schemas it announced.
type listServer struct {
	listProtocolServer
	env     *testEnv
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newListServer(t *testing.T, env *testEnv, providerSettings map[string]tftypes.Value) *listServer {
	t.Helper()
	plain, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	server, schemas := servedProvider[listProtocolServer](t, plain, "list resources", env, providerSettings)
	for _, typeName := range []string{customerListType, addressListType} {
		if _, ok := schemas.ListResourceSchemas[typeName]; !ok {
			t.Fatalf("GetProviderSchema announces no list resource %s; it has %v", typeName, keys(schemas.ListResourceSchemas))
		}
	}
	return &listServer{listProtocolServer: server, env: env, schemas: schemas}
}

// filterConfig is a moltin_customer list block's config with the string
// filters given.
func (s *listServer) filterConfig(t *testing.T, filters map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	return s.configOf(t, customerListType, filters)
}

// configOf is a config of the list resource typeName with the string
// attributes given, every other one null.
func (s *listServer) configOf(t *testing.T, typeName string, values map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	listSchema, ok := s.schemas.ListResourceSchemas[typeName]
	if !ok {
		t.Fatalf("no list resource %s", typeName)
	}
	attrs := map[string]tftypes.Value{}
	for k, v := range values {
		attrs[k] = tftypes.NewValue(tftypes.String, v)
	}
	dv := dynamicValue(t, listSchema.ValueType().(tftypes.Object), attrs)
	return &dv
}

// listed is one result as Terraform would read it.
type listed struct {
	ID, DisplayName string
	Identity        map[string]string        // every identity attribute; ID is Identity["id"]
	Resource        map[string]tftypes.Value // nil unless include_resource
	Diagnostics     []*tfprotov6.Diagnostic
}

// list calls ListResource of moltin_customer and reads the whole stream.
func (s *listServer) list(t *testing.T, config *tfprotov6.DynamicValue, includeResource bool, limit int64) []listed {
	t.Helper()
	return s.listOf(t, customerListType, config, includeResource, limit)
}

// listOf calls ListResource of typeName and reads the whole stream.
func (s *listServer) listOf(t *testing.T, typeName string, config *tfprotov6.DynamicValue, includeResource bool, limit int64) []listed {
	t.Helper()
	stream, err := s.ListResource(t.Context(), &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: config, IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		t.Fatalf("ListResource: %v", err)
	}
	resourceType := s.schemas.ResourceSchemas[typeName].ValueType()
	identitySchema, err := s.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	identityType := identitySchema.IdentitySchemas[typeName].ValueType()
	var out []listed
	for r := range stream.Results {
		l := listed{DisplayName: r.DisplayName, Diagnostics: r.Diagnostics}
		if r.Identity != nil {
			v, err := r.Identity.IdentityData.Unmarshal(identityType)
			if err != nil {
				t.Fatalf("identity of %q: %v", r.DisplayName, err)
			}
			var attrs map[string]tftypes.Value
			if err := v.As(&attrs); err != nil {
				t.Fatal(err)
			}
			l.Identity = map[string]string{}
			for name, a := range attrs {
				var v string
				if err := a.As(&v); err != nil {
					t.Fatal(err)
				}
				l.Identity[name] = v
			}
			l.ID = l.Identity["id"]
		}
		if r.Resource != nil {
			v, err := r.Resource.Unmarshal(resourceType)
			if err != nil {
				t.Fatalf("resource of %q: %v", r.DisplayName, err)
			}
			if err := v.As(&l.Resource); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, l)
	}
	return out
}

func requireNoDiagnostics(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		t.Errorf("%s: unexpected diagnostic %v: %s: %s", call, d.Severity, d.Summary, d.Detail)
	}
	if t.Failed() {
		t.FailNow()
	}
}

func requireClean(t *testing.T, results []listed) {
	t.Helper()
	for _, r := range results {
		requireNoDiagnostics(t, "ListResource result "+r.DisplayName, r.Diagnostics)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustCreate(t *testing.T, env *testEnv, name, email, password string, externalRef *string) emulator.Customer {
	t.Helper()
	c, err := env.CreateCustomer(name, email, password, externalRef)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCustomerListResource_Schema(t *testing.T) {
	t.Parallel()
	s := newListServer(t, newTestEnv(t, emulator.Config{}), nil)

	got := s.schemas.ListResourceSchemas[customerListType]
	var names []string
	for _, a := range got.Block.Attributes {
		names = append(names, a.Name)
		if !a.Optional || a.Required || a.Computed || !a.Type.Is(tftypes.String) {
			t.Errorf("config attribute %s: want an optional string, got optional=%v required=%v computed=%v type=%s", a.Name, a.Optional, a.Required, a.Computed, a.Type)
		}
		if a.Description == "" {
			t.Errorf("config attribute %s has no description", a.Name)
		}
	}
	sort.Strings(names)
	if want := []string{"email", "email_like", "external_ref", "name", "name_like"}; !slices.Equal(names, want) {
		t.Errorf("config attributes %v, want %v", names, want)
	}
	if len(got.Block.BlockTypes) != 0 {
		t.Errorf("config has nested blocks: %v", got.Block.BlockTypes)
	}

	meta, err := s.GetMetadata(t.Context(), &tfprotov6.GetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	requireNoDiagnostics(t, "GetMetadata", meta.Diagnostics)
	var listNames []string
	for _, l := range meta.ListResources {
		listNames = append(listNames, l.TypeName)
	}
	sort.Strings(listNames)
	// Sorted: the Account Management ones (issue 19) first.
	if want := []string{"moltin_account", "moltin_account_member", customerListType, addressListType}; !slices.Equal(listNames, want) {
		t.Errorf("GetMetadata lists list resources %v, want %v", listNames, want)
	}
}

func TestCustomerListResource_ValidateConfig(t *testing.T) {
	t.Parallel()
	s := newListServer(t, newTestEnv(t, emulator.Config{}), nil)
	for _, tc := range []struct {
		name    string
		filters map[string]string
		wantErr string // "" means valid; else the attribute the error names
	}{
		{"none", nil, ""},
		{"every filter that combines", map[string]string{"email_like": "*@example.com", "name_like": "E2E *", "external_ref": "run-7"}, ""},
		{"punctuation in a name", map[string]string{"name": `O'Neil, "Sam" (test)`}, ""},
		{"name and name_like", map[string]string{"name": "Sam", "name_like": "Sa*"}, "name"},
		{"email and email_like", map[string]string{"email": "sam@example.com", "email_like": "*@example.com"}, "email"},
		{"an email that is not one", map[string]string{"email": "not-an-email"}, "email"},
		{"an empty name", map[string]string{"name": ""}, "name"},
		{"an empty external_ref", map[string]string{"external_ref": ""}, "external_ref"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := s.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{
				TypeName: customerListType, Config: s.filterConfig(t, tc.filters),
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr == "" {
				requireNoDiagnostics(t, "ValidateListResourceConfig", resp.Diagnostics)
				return
			}
			var found bool
			for _, d := range resp.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil && d.Attribute.String() == `AttributeName("`+tc.wantErr+`")` {
					found = true
				}
			}
			if !found {
				var got []string
				for _, d := range resp.Diagnostics {
					got = append(got, fmt.Sprintf("%v %v: %s", d.Severity, d.Attribute, d.Summary))
				}
				t.Errorf("want an error on %s, got %v", tc.wantErr, got)
			}
		})
	}
}

func TestCustomerListResource_IdentitiesAndDisplayNames(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	ref := "crm-42"
	want := map[string]string{} // id -> display name
	for _, c := range []emulator.Customer{
		mustCreate(t, env, "Sam Shopper", "sam@example.com", "pw-sam-123456", nil),
		mustCreate(t, env, "Ann Other", "ann@example.com", "", &ref),
		mustCreate(t, env, `O'Neil, "Pat" (QA)`, "pat@example.com", "", nil),
	} {
		want[c.ID] = c.Name + " <" + c.Email + ">"
	}
	env.ResetRequests()

	// No config block: a null config, every customer.
	results := s.list(t, nil, false, 100)
	requireClean(t, results)
	got := map[string]string{}
	for _, r := range results {
		got[r.ID] = r.DisplayName
		if r.Resource != nil {
			t.Errorf("%s: a resource object although include_resource is false", r.DisplayName)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listed %v, want %v", got, want)
	}
	if got, want := listQueries(env), []string{"page[limit]=100&page[offset]=0"}; !slices.Equal(got, want) {
		t.Errorf("list requests %q, want %q", got, want)
	}
	if got := s.list(t, s.filterConfig(t, nil), false, 100); len(got) != 3 {
		t.Errorf("a config block with no filter listed %d customers, want 3", len(got))
	}
}

func TestCustomerListResource_IncludeResource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	ref := "crm-42"
	withPassword := mustCreate(t, env, "Sam Shopper", "sam@example.com", "pw-sam-123456", &ref)
	without := mustCreate(t, env, "Ann Other", "ann@example.com", "", nil)

	results := s.list(t, s.filterConfig(t, nil), true, 100)
	requireClean(t, results)
	if len(results) != 2 {
		t.Fatalf("listed %d customers, want 2", len(results))
	}
	for _, r := range results {
		if r.Resource == nil {
			t.Fatalf("%s: no resource object although include_resource is true", r.DisplayName)
		}
		c := withPassword
		if r.ID == without.ID {
			c = without
		}
		str := func(name string) *string {
			v := r.Resource[name]
			if v.IsNull() {
				return nil
			}
			var s string
			if err := v.As(&s); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return &s
		}
		check := func(name string, got, want *string) {
			if (got == nil) != (want == nil) || (got != nil && *got != *want) {
				t.Errorf("%s: %s = %v, want %v", r.DisplayName, name, deref(got), deref(want))
			}
		}
		check("id", str("id"), &c.ID)
		check("name", str("name"), &c.Name)
		check("email", str("email"), &c.Email)
		check("external_ref", str("external_ref"), c.ExternalRef)
		created := c.CreatedAt.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
		check("created_at", str("created_at"), &created)
		if str("updated_at") == nil {
			t.Errorf("%s: updated_at is null", r.DisplayName)
		}
		var hasPassword bool
		if err := r.Resource["has_password"].As(&hasPassword); err != nil {
			t.Fatal(err)
		}
		if want := c.ID == withPassword.ID; hasPassword != want {
			t.Errorf("%s: has_password %v, want %v (from the API)", r.DisplayName, hasPassword, want)
		}
		// No password attribute is ever set: the API never returns one.
		for _, name := range []string{"password", "password_wo", "password_wo_version"} {
			if !r.Resource[name].IsNull() {
				t.Errorf("%s: %s is %v, want null", r.DisplayName, name, r.Resource[name])
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

// seedLeftovers makes n customers that name_like "Leftover *" matches, and a
// few that it does not.
func seedLeftovers(t *testing.T, env *testEnv, n int) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for i := range n {
		ids[mustCreate(t, env, fmt.Sprintf("Leftover %03d", i), fmt.Sprintf("leftover%03d@test.example.com", i), "", nil).ID] = true
	}
	for i := range 5 {
		mustCreate(t, env, fmt.Sprintf("Kept %d", i), fmt.Sprintf("kept%d@example.com", i), "", nil)
	}
	env.ResetRequests()
	return ids
}

func TestCustomerListResource_Paging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	matching := seedLeftovers(t, env, 250)
	config := s.filterConfig(t, map[string]string{"name_like": "Leftover *"})
	filter := `filter=like(name,"Leftover *")`

	for _, tc := range []struct {
		name     string
		limit    int64
		want     int
		requests []string
	}{
		// First, so that its log shows every request of a fresh provider,
		// its token included: the record the closing note of #13 asks for.
		{"limit between pages", 120, 120, []string{
			filter + "&page[limit]=100&page[offset]=0",
			filter + "&page[limit]=20&page[offset]=100",
		}},
		{"limit below a page", 30, 30, []string{filter + "&page[limit]=30&page[offset]=0"}},
		{"limit of exactly a page", 100, 100, []string{filter + "&page[limit]=100&page[offset]=0"}},
		{"limit above every match", 1000, 250, []string{
			filter + "&page[limit]=100&page[offset]=0",
			filter + "&page[limit]=100&page[offset]=100",
			filter + "&page[limit]=100&page[offset]=200",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetRequests()
			results := s.list(t, config, false, tc.limit)
			requireClean(t, results)
			if len(results) != tc.want {
				t.Fatalf("limit %d: %d results, want %d", tc.limit, len(results), tc.want)
			}
			seen := map[string]bool{}
			for _, r := range results {
				if !matching[r.ID] {
					t.Errorf("listed %s (%s), which does not match", r.ID, r.DisplayName)
				}
				if seen[r.ID] {
					t.Errorf("listed %s twice", r.ID)
				}
				seen[r.ID] = true
			}
			got := listQueries(env)
			if !slices.Equal(got, tc.requests) {
				t.Errorf("list requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.requests, "\n  "))
			}
			// Written to the test log for the record (go test -v).
			var sent []string
			for _, r := range env.Requests() {
				sent = append(sent, fmt.Sprintf("%s %s?%s -> %d", r.Method, r.Path, r.Query, r.Status))
			}
			t.Logf("limit %d over %d matches: %d results; requests sent:\n  %s",
				tc.limit, len(matching), len(results), strings.Join(sent, "\n  "))
		})
	}
}

// TestCustomerListResource_StopsWhenTerraformStops checks that a query that
// stops reading results (as Terraform does once it has what it asked for)
// sends no further page request.
func TestCustomerListResource_StopsWhenTerraformStops(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	seedLeftovers(t, env, 250)
	stream, err := s.ListResource(t.Context(), &tfprotov6.ListResourceRequest{
		TypeName: customerListType, Config: s.filterConfig(t, map[string]string{"name_like": "Leftover *"}), Limit: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range stream.Results {
		if n++; n == 5 {
			break
		}
	}
	if got := listQueries(env); len(got) != 1 {
		t.Errorf("stopping after 5 results sent %d list requests, want 1: %q", len(got), got)
	}
}

func TestCustomerListResource_Filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	odd := `O'Neil, "Sam" (QA): test\run`
	ref := `ext,(1)"x"`
	target := mustCreate(t, env, odd, "sam.oneil@test.example.com", "", &ref)
	// Decoys that a badly quoted filter would match or choke on.
	mustCreate(t, env, `O'Neil`, "oneil@example.com", "", nil)
	mustCreate(t, env, `Sam (QA)`, "samqa@example.com", "", nil)
	other := mustCreate(t, env, "Other Tester", "other@test.example.com", "", nil)

	for _, tc := range []struct {
		name    string
		filters map[string]string
		terms   []moltin.Filter // as the data sources quote them
		want    []string
	}{
		{"name with commas, quotes and parentheses", map[string]string{"name": odd},
			[]moltin.Filter{moltin.Eq("name", odd)}, []string{target.ID}},
		{"external_ref with punctuation", map[string]string{"external_ref": ref},
			[]moltin.Filter{moltin.Eq("external_ref", ref)}, []string{target.ID}},
		{"email", map[string]string{"email": "SAM.ONEIL@test.example.com"},
			[]moltin.Filter{moltin.Eq("email", "SAM.ONEIL@test.example.com")}, []string{target.ID}},
		{"email_like", map[string]string{"email_like": "*@test.example.com"},
			[]moltin.Filter{moltin.Like("email", "*@test.example.com")}, []string{target.ID, other.ID}},
		{"name_like and email_like together", map[string]string{"name_like": "O'Neil, *", "email_like": "*@test.example.com"},
			[]moltin.Filter{moltin.Like("email", "*@test.example.com"), moltin.Like("name", "O'Neil, *")}, []string{target.ID}},
		{"no match", map[string]string{"name": "Nobody (none)"},
			[]moltin.Filter{moltin.Eq("name", "Nobody (none)")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env.ResetRequests()
			results := s.list(t, s.filterConfig(t, tc.filters), false, 100)
			requireClean(t, results)
			var got []string
			for _, r := range results {
				got = append(got, r.ID)
			}
			sort.Strings(got)
			want := slices.Clone(tc.want)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("listed %v, want %v", got, want)
			}
			wantQuery := "filter=" + moltin.JoinFilters(tc.terms) + "&page[limit]=100&page[offset]=0"
			if reqs := listQueries(env); !slices.Equal(reqs, []string{wantQuery}) {
				t.Errorf("list requests %q, want [%q]", reqs, wantQuery)
			}
		})
	}
}

func TestCustomerListResource_APIError(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)})
	mustCreate(t, env, "Sam Shopper", "sam@example.com", "", nil)
	// One listing that works first, so that the failure below is the
	// listing's own, not the token's.
	if got := s.list(t, nil, false, 100); len(got) != 1 {
		t.Fatalf("listed %d customers before the fault, want 1", len(got))
	}
	env.ResetRequests()
	env.emulator().SetFaults(emulator.Faults{Rate5xx: 1, Seed: 1})

	d := onlyError(t, s.list(t, s.filterConfig(t, map[string]string{"name_like": "Sam (*"}), true, 100))
	if d.Summary != "Could not list customers" || !strings.Contains(d.Detail, "Listing customers failed: ") ||
		!strings.Contains(d.Detail, `Filter sent: like(name,"Sam (*")`) {
		t.Errorf("diagnostic %q: %q", d.Summary, d.Detail)
	}
	requireOneFailedListing(t, env, d, emulator.KindList, "list")
}

// onlyError is the error of a listing that failed: its one result, which
// must hold one error diagnostic and nothing else.
func onlyError(t *testing.T, results []listed) *tfprotov6.Diagnostic {
	t.Helper()
	if len(results) != 1 || results[0].ID != "" || results[0].Resource != nil {
		t.Fatalf("want one result holding the error alone, got %+v", results)
	}
	d := results[0].Diagnostics
	if len(d) != 1 || d[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("want one error diagnostic, got %+v", d)
	}
	return d[0]
}

// requireOneFailedListing checks a listing that a 5xx failed, with
// max_retries = 0: its diagnostic d holds no secret, and it sent one
// request, of kind (what names it), which was answered 5xx.
func requireOneFailedListing(t *testing.T, env *testEnv, d *tfprotov6.Diagnostic, kind, what string) {
	t.Helper()
	if strings.Contains(d.Detail, env.ClientSecret) {
		t.Error("the diagnostic holds the client secret")
	}
	reqs := env.Requests()
	if len(reqs) != 1 || reqs[0].Kind != kind || reqs[0].Status < 500 {
		t.Errorf("want one %s request answered 5xx (max_retries = 0), got %s", what, describe(reqs))
	}
}

// queryTest runs steps, list blocks and `terraform query` among them, on
// Terraform 1.14 or later; on older CLIs, and on OpenTofu, it skips with
// the reason printed.
func queryTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestCustomerListResource_includesCustomFields: with include_resource, a
// listed customer's resource object carries its non-null custom values.
func TestCustomerListResource_includesCustomFields(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	c := env.client(t)
	fl, err := c.CreateFlow(t.Context(), moltin.FlowCreate{Slug: "customers", Name: "Customers", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []moltin.FieldCreate{{Slug: "tier", FieldType: "string"}, {Slug: "points", FieldType: "integer"}, {Slug: "unset", FieldType: "boolean"}} {
		f.FlowID, f.Name, f.Enabled = fl.ID, f.Slug, true
		if _, err := c.CreateField(t.Context(), "customers", f); err != nil {
			t.Fatal(err)
		}
	}
	cu := mustCreate(t, env, "Gold Shopper", "gold@example.com", "", nil)
	env.SetCustomerValue(cu.ID, "tier", "gold")
	env.SetCustomerValue(cu.ID, "points", 120)

	results := s.list(t, s.filterConfig(t, nil), true, 100)
	requireClean(t, results)
	if len(results) != 1 || results[0].Resource == nil {
		t.Fatalf("results %v", results)
	}
	var values map[string]tftypes.Value
	if err := results[0].Resource["custom_fields"].As(&values); err != nil {
		t.Fatal(err)
	}
	if len(values) != 2 || !values["tier"].Equal(tfStr("gold")) || !sameCustom(values["points"], tfNum("120")) {
		t.Errorf("custom_fields %v", values)
	}
}

// TestAccCustomerList_query runs `terraform query` through the testing
// library against the moltin_customer list resource. It needs Terraform 1.14
// or later, which cannot be built here: on older CLIs, and on OpenTofu, it is
// skipped with the reason printed, and it runs wherever TF_ACC_TERRAFORM_PATH
// names a 1.14+ CLI. The protocol-level tests above cover the same ground on
// every CLI.
func TestAccCustomerList_query(t *testing.T) {
	emulatorOnly(t, `seeds fixed emails, and its filters ("Leftover *", "*@test.example.com") would see other runs' customers on a shared store`)
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	// Leftovers: customers that no state knows, as a killed run leaves them.
	leftovers := seedLeftovers(t, env, 130)
	ref := "run-17"
	first := mustCreate(t, env, `Leftover "first", (QA)`, "first.leftover@test.example.com", "pw-left-123456", &ref)
	leftovers[first.ID] = true

	managed := customerConfig{Name: "Managed Mia", Email: "mia@example.com"}
	queryTest(t,
		resource.TestStep{
			Config: env.providerBlock() + managed.hcl(),
		},
		resource.TestStep{
			Query: true,
			Config: env.providerBlock() + `
list "moltin_customer" "leftovers" {
  provider         = moltin
  include_resource = true
  limit            = 1000

  config {
    name_like = "Leftover *"
  }
}

list "moltin_customer" "first_page" {
  provider = moltin
  limit    = 120

  config {
    email_like = "*@test.example.com"
  }
}

list "moltin_customer" "odd_name" {
  provider = moltin

  config {
    name = "Leftover \"first\", (QA)"
  }
}

list "moltin_customer" "nobody" {
  provider = moltin

  config {
    email = "nobody@example.com"
  }
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("moltin_customer.leftovers", len(leftovers)),
				querycheck.ExpectLength("moltin_customer.first_page", 120),
				querycheck.ExpectLength("moltin_customer.odd_name", 1),
				querycheck.ExpectLength("moltin_customer.nobody", 0),
				querycheck.ExpectIdentity("moltin_customer.odd_name", map[string]knownvalue.Check{
					"id": knownvalue.StringExact(first.ID),
				}),
				querycheck.ExpectResourceDisplayName("moltin_customer.leftovers",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(first.ID)}),
					knownvalue.StringExact(`Leftover "first", (QA) <first.leftover@test.example.com>`)),
				querycheck.ExpectResourceKnownValues("moltin_customer.leftovers",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(first.ID)}),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("email"), KnownValue: knownvalue.StringExact(first.Email)},
						{Path: tfjsonpath.New("external_ref"), KnownValue: knownvalue.StringExact(ref)},
						{Path: tfjsonpath.New("has_password"), KnownValue: knownvalue.Bool(true)},
						{Path: tfjsonpath.New("password"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("password_wo_version"), KnownValue: knownvalue.Null()},
					}),
			},
		},
	)
}

// TestListResourceExamples runs every list block of the .tfquery.hcl examples
// (the ones the docs and the guide show) through ValidateListResourceConfig
// and ListResource, as `terraform query` would, against an emulator seeded
// with customers that each block should find.
func TestListResourceExamples(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(examplesDir, "list-resources", "*", "*.tfquery.hcl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tfquery.hcl examples found under %s/list-resources: %v", examplesDir, err)
	}
	env := newTestEnv(t, emulator.Config{})
	s := newListServer(t, env, nil)
	ref := "ci-run-1234"
	for i := range 3 {
		mustCreate(t, env, fmt.Sprintf("E2E shopper %d", i), fmt.Sprintf("e2e-%d@e2e.example.com", i), "", &ref)
	}
	mustCreate(t, env, "Real Customer", "real@example.com", "", nil)
	// The address examples name a customer by a literal id: their blocks
	// are validated as written, then listed for this customer instead.
	shopper := mustCreate(t, env, "Addressed Shopper", "addressed@example.com", "", nil)
	mustCreateAddress(t, env, shopper.ID, addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB"))
	mustCreateAddress(t, env, shopper.ID, addressFields("Work", "2 Dock Ln", "Leeds", "LS1 1AA", "GB"))

	for _, file := range files {
		f, diags := hclparse.NewParser().ParseHCLFile(file)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", file, diags)
		}
		content, diags := f.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
			{Type: "provider", LabelNames: []string{"name"}},
			{Type: "list", LabelNames: []string{"type", "name"}},
		}})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", file, diags)
		}
		n := 0
		for _, block := range content.Blocks.OfType("list") {
			n++
			t.Run(filepath.Base(file)+"/"+block.Labels[1], func(t *testing.T) {
				typeName := block.Labels[0]
				if typeName != customerListType && typeName != addressListType {
					t.Fatalf("list block of type %s", typeName)
				}
				body, diags := block.Body.Content(&hcl.BodySchema{
					Attributes: []hcl.AttributeSchema{{Name: "provider", Required: true}, {Name: "limit"}, {Name: "include_resource"}},
					Blocks:     []hcl.BlockHeaderSchema{{Type: "config"}},
				})
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				limit, include := int64(100), false
				if a, ok := body.Attributes["limit"]; ok {
					if diags := gohcl.DecodeExpression(a.Expr, nil, &limit); diags.HasErrors() {
						t.Fatal(diags)
					}
				}
				if a, ok := body.Attributes["include_resource"]; ok {
					if diags := gohcl.DecodeExpression(a.Expr, nil, &include); diags.HasErrors() {
						t.Fatal(diags)
					}
				}
				filters := map[string]string{}
				for _, cfg := range body.Blocks.OfType("config") {
					attrs, diags := cfg.Body.JustAttributes()
					if diags.HasErrors() {
						t.Fatal(diags)
					}
					for name, a := range attrs {
						var v string
						if diags := gohcl.DecodeExpression(a.Expr, nil, &v); diags.HasErrors() {
							t.Fatal(diags)
						}
						filters[name] = v
					}
				}
				config := s.configOf(t, typeName, filters)
				resp, err := s.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{TypeName: typeName, Config: config})
				if err != nil {
					t.Fatal(err)
				}
				requireNoDiagnostics(t, "ValidateListResourceConfig", resp.Diagnostics)
				want, prefixes := 3, []string{"E2E shopper "}
				if typeName == addressListType {
					filters["customer_id"] = shopper.ID
					config = s.configOf(t, typeName, filters)
					want, prefixes = 2, []string{"Home: ", "Work: "}
				}
				results := s.listOf(t, typeName, config, include, limit)
				requireClean(t, results)
				if len(results) != want {
					t.Errorf("found %d, want the %d seeded", len(results), want)
				}
				for _, r := range results {
					if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(r.DisplayName, p) }) || (r.Resource != nil) != include {
						t.Errorf("found %q (resource object: %v, include_resource %v)", r.DisplayName, r.Resource != nil, include)
					}
				}
			})
		}
		if n == 0 {
			t.Errorf("%s has no list block", file)
		}
	}
}

// TestCustomerListResource_unconfigured checks that a listing asked for
// before the provider was configured is an error diagnostic, not a panic.
func TestCustomerListResource_unconfigured(t *testing.T) {
	t.Parallel()
	plain, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	server := plain.(listProtocolServer)
	if _, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	stream, err := server.ListResource(t.Context(), &tfprotov6.ListResourceRequest{TypeName: customerListType, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var diags []*tfprotov6.Diagnostic
	n := 0
	for r := range stream.Results {
		n++
		diags = append(diags, r.Diagnostics...)
	}
	if n != 1 || len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError || diags[0].Summary != "Provider not configured" {
		t.Errorf("want one result with the error \"Provider not configured\", got %d results, diagnostics %+v", n, diags)
	}
}
