package provider

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

// listedIDs reads the ids of a moltin_customers data source from the state,
// in order.
func listedIDs(s *terraform.State, addr string) ([]string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return nil, fmt.Errorf("%s is not in the state", addr)
	}
	n, err := strconv.Atoi(rs.Primary.Attributes["customers.#"])
	if err != nil {
		return nil, fmt.Errorf("%s: customers.# = %q", addr, rs.Primary.Attributes["customers.#"])
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = rs.Primary.Attributes[fmt.Sprintf("customers.%d.id", i)]
	}
	return ids, nil
}

func expectIDs(s *terraform.State, addr string, want ...string) error {
	got, err := listedIDs(s, addr)
	if err != nil {
		return err
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s lists %v, want %v", addr, got, want)
	}
	return nil
}

// listQueries returns the decoded query strings of the list requests logged.
func listQueries(env *testEnv) []string {
	var out []string
	for _, r := range env.Requests() {
		if r.Kind == emulator.KindList {
			out = append(out, r.Query)
		}
	}
	return out
}

// TestAccCustomersDataSource_filters checks each filter alone and together,
// that a name with a comma and parentheses is matched literally (the value is
// quoted, so it cannot end the term or add another), and that no match is an
// empty list rather than an error.
func TestAccCustomersDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	mk := func(name, email string, ref *string) string {
		c := mustCreate(t, env, name, email, "", ref)
		return c.ID
	}
	// Names and external refs begin with the test's tag, so that on a
	// shared store the filters see this test's customers only.
	ref7, ref8 := env.tag+"-crm-7", env.tag+"-crm-8"
	qaEmail := env.email("john.qa")
	qa := mk(env.name("Smith, John (QA)"), qaEmail, &ref7)
	// Decoys: what the name would match if the comma or the parentheses
	// split or ended the filter term.
	smith := mk(env.name("Smith"), env.email("smith"), nil)
	john := mk(env.name("John (QA)"), env.email("john"), &ref7)
	jr := mk(env.name("Smith, John (QA) Jr"), env.email("jr"), nil)
	mk(env.name("Ann Other"), env.email("ann.other"), &ref8)

	qaAsked := upperLocal(qaEmail)
	// Everything of qaEmail but its domain's last letters, in upper case,
	// then a wildcard: only that customer's email matches.
	qaLike := strings.ToUpper(qaEmail[:len(qaEmail)-3]) + "*"
	const page = "&page[limit]=100&page[offset]=0"
	// Each data source: its attributes, the customers it must list (in
	// order) and the list request it must send, with the filter quoted
	// exactly as the API's filter language wants it.
	lookups := []struct {
		name  string
		attrs map[string]any
		want  []string
		query string
	}{
		{"exact", map[string]any{"name": env.name("Smith, John (QA)")}, []string{qa},
			`filter=eq(name,"` + env.name("Smith, John (QA)") + `")` + page},
		{"like", map[string]any{"name_like": env.name("smith*"), "sort": "name"}, []string{smith, qa, jr},
			`filter=like(name,"` + env.name("smith*") + `")` + page + `&sort=name`},
		{"email", map[string]any{"email": qaAsked}, []string{qa},
			`filter=eq(email,"` + qaAsked + `")` + page},
		{"ref", map[string]any{"external_ref": ref7, "sort": "-email"}, []string{john, qa},
			`filter=eq(external_ref,"` + ref7 + `")` + page + `&sort=-email`},
		{"both", map[string]any{"name_like": "*(qa)*", "external_ref": ref7, "sort": "email"}, []string{qa, john},
			`filter=like(name,"*(qa)*"):eq(external_ref,"` + ref7 + `")` + page + `&sort=email`},
		{"none", map[string]any{"name": env.name("Smith, John")}, nil,
			`filter=eq(name,"` + env.name("Smith, John") + `")` + page},
		{"email_like", map[string]any{"email_like": qaLike}, []string{qa},
			`filter=like(email,"` + qaLike + `")` + page},
	}
	config := env.providerBlock()
	var checks []resource.TestCheckFunc
	var queries []string
	for _, l := range lookups {
		config += customersBlock(l.name, l.attrs)
		checks = append(checks, func(s *terraform.State) error { return expectIDs(s, "data.moltin_customers."+l.name, l.want...) })
		queries = append(queries, l.query)
	}
	checks = append(checks, func(*terraform.State) error {
		return env.wire("each filter goes out quoted", func() error {
			qs := listQueries(env)
			for _, want := range queries {
				if !slices.Contains(qs, want) {
					return fmt.Errorf("no list request %q among %q", want, qs)
				}
			}
			return nil
		})
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.ResetRequests,
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.moltin_customers.exact", tfjsonpath.New("customers"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":           knownvalue.StringExact(qa),
							"name":         knownvalue.StringExact(env.name("Smith, John (QA)")),
							"email":        knownvalue.StringExact(qaEmail),
							"external_ref": knownvalue.StringExact(ref7),
							"has_password": knownvalue.Bool(false),
							"created_at":   knownvalue.NotNull(),
							"updated_at":   knownvalue.NotNull(),
						}),
					})),
					statecheck.ExpectKnownValue("data.moltin_customers.none", tfjsonpath.New("customers"), knownvalue.ListSizeExact(0)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(checks...),
			},
		},
	})
}

// customersBlock is a moltin_customers data source called name with the
// attributes given (strings quoted, numbers as they are), in name order.
func customersBlock(name string, attrs map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\ndata \"moltin_customers\" %q {\n", name)
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		if v, ok := attrs[k].(string); ok {
			fmt.Fprintf(&b, "  %s = %q\n", k, v)
		} else {
			fmt.Fprintf(&b, "  %s = %v\n", k, attrs[k])
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// TestAccCustomersDataSource_validation checks the plan-time errors.
func TestAccCustomersDataSource_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	cfg := func(body string) string {
		return env.providerBlock() + "data \"moltin_customers\" \"test\" {\n" + body + "\n}\n"
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg(`  sort = "created"`),
				ExpectError: looseRegexp(`Invalid Attribute Value Match`, `sort value must be one of:`, `"-updated_at"`, `got: "created"`),
			},
			{
				Config:      cfg(`  name = "a"` + "\n" + `  name_like = "a*"`),
				ExpectError: looseRegexp(`Invalid Attribute Combination`, `name_like`),
			},
			{
				Config:      cfg(`  email = "a@example.com"` + "\n" + `  email_like = "*@example.com"`),
				ExpectError: looseRegexp(`Invalid Attribute Combination`, `email_like`),
			},
			{
				Config:      cfg(`  limit = 0`),
				ExpectError: looseRegexp(`Invalid Attribute Value`, `limit value must be at least 1, got: 0`),
			},
			{
				// Nothing was sent for any of the invalid configurations.
				PreConfig: func() {
					if err := env.wire("invalid configurations send nothing", func() error {
						if qs := listQueries(env); len(qs) != 0 {
							return fmt.Errorf("invalid configurations sent list requests: %q", qs)
						}
						return nil
					}); err != nil {
						t.Error(err)
					}
				},
				// A filter that matches nothing of this test's: a store
				// shared with others is never empty.
				Config: cfg(fmt.Sprintf("  name = %q", env.name("nobody"))),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.moltin_customers.test", tfjsonpath.New("customers"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// TestAccCustomersDataSource_paging lists more than two full pages and checks
// that every customer comes back, in the order asked for, and exactly which
// list requests were sent for each read.
func TestAccCustomersDataSource_paging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	const n = 260
	// Created in a shuffled order, with emails in yet another order, so that
	// neither the creation order nor the email order gives the name order.
	rng := rand.New(rand.NewPCG(1, 2))
	type made struct{ id, name, email string }
	var pagers []made
	for _, i := range rng.Perm(n) {
		name := env.name(fmt.Sprintf("Pager %03d", i))
		email := env.email(fmt.Sprintf("pager-%03d", (i*7919)%n))
		c := mustCreate(t, env, name, email, "", nil)
		pagers = append(pagers, made{c.ID, name, email})
	}
	for _, name := range []string{"Not A Pager", "Other"} {
		mustCreate(t, env, env.name(name), env.email(strings.ReplaceAll(strings.ToLower(name), " ", ".")), "", nil)
	}
	idsBy := func(less func(a, b made) int, desc bool, limit int) []string {
		sorted := slices.Clone(pagers)
		slices.SortFunc(sorted, less)
		if desc {
			slices.Reverse(sorted)
		}
		var ids []string
		for _, p := range sorted[:limit] {
			ids = append(ids, p.id)
		}
		return ids
	}
	byNameDesc := idsBy(func(a, b made) int { return strings.Compare(a.name, b.name) }, true, n)
	byEmailTop := idsBy(func(a, b made) int { return strings.Compare(a.email, b.email) }, false, 150)

	// One read of each data source (at plan time; the apply uses the saved
	// plan) has happened when the step's checks run: exactly these requests.
	pagerLike := env.name("pager*")
	wantAll := []string{
		`filter=like(name,"` + pagerLike + `")&page[limit]=100&page[offset]=0&sort=-name`,
		`filter=like(name,"` + pagerLike + `")&page[limit]=100&page[offset]=100&sort=-name`,
		`filter=like(name,"` + pagerLike + `")&page[limit]=100&page[offset]=200&sort=-name`,
	}
	wantTop := []string{
		`filter=like(name,"` + pagerLike + `")&page[limit]=100&page[offset]=0&sort=email`,
		`filter=like(name,"` + pagerLike + `")&page[limit]=50&page[offset]=100&sort=email`,
	}
	checkListRequests := func() error {
		var all, top []string
		for _, q := range listQueries(env) {
			v, err := url.ParseQuery(strings.ReplaceAll(q, "+", "%2B"))
			if err != nil {
				return fmt.Errorf("list request %q: %v", q, err)
			}
			switch v.Get("sort") {
			case "-name":
				all = append(all, q)
			case "email":
				top = append(top, q)
			default:
				return fmt.Errorf("unexpected list request %q", q)
			}
		}
		for _, c := range []struct {
			name      string
			got, want []string
		}{{"customers sorted by -name", all, wantAll}, {"top 150 by email", top, wantTop}} {
			if !slices.Equal(c.got, c.want) {
				return fmt.Errorf("%s: list requests sent\n  %s\nwant\n  %s", c.name, strings.Join(c.got, "\n  "), strings.Join(c.want, "\n  "))
			}
			t.Logf("%s: GET /v2/customers?%s", c.name, strings.Join(c.want, " ; GET /v2/customers?"))
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.ResetRequests,
			Config: env.providerBlock() +
				customersBlock("all", map[string]any{"name_like": pagerLike, "sort": "-name"}) +
				customersBlock("top", map[string]any{"name_like": pagerLike, "sort": "email", "limit": 150}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.moltin_customers.all", tfjsonpath.New("customers"), knownvalue.ListSizeExact(n)),
				statecheck.ExpectKnownValue("data.moltin_customers.top", tfjsonpath.New("customers"), knownvalue.ListSizeExact(150)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(s *terraform.State) error { return expectIDs(s, "data.moltin_customers.all", byNameDesc...) },
				func(s *terraform.State) error { return expectIDs(s, "data.moltin_customers.top", byEmailTop...) },
				func(*terraform.State) error {
					return env.wire("exactly the list requests each read needs", checkListRequests)
				},
			),
		}},
	})
}
