package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// These tests call the provider the way Terraform 1.14's
// `terraform apply -invoke` does, through the plugin protocol
// (ValidateActionConfig, PlanAction, InvokeAction), with the provider served
// in the test process through the server that main serves: they need no CLI
// (nor TF_ACC), so they run in every test tier. They delete by pattern, so
// they run against the emulator only: on a shared live store a pattern would
// reach other runs' customers.

const deleteCustomersType = "moltin_delete_customers"

type actionProtocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

// actionServer is the provider behind the protocol, configured for one
// emulator, with the schema of the action.
type actionServer struct {
	actionProtocolServer
	env     *testEnv
	typ     string // the action the calls are for
	schema  *tfprotov6.Schema
	schemas map[string]*tfprotov6.ActionSchema
}

// forAction is s, its calls made for the action typeName.
func (s *actionServer) forAction(t *testing.T, typeName string) *actionServer {
	t.Helper()
	as, ok := s.schemas[typeName]
	if !ok || as.Schema == nil {
		t.Fatalf("no action %s; the provider has %v", typeName, keys(s.schemas))
	}
	c := *s
	c.typ, c.schema = typeName, as.Schema
	return &c
}

// newActionServer starts an emulator of the test's own (or, in live mode,
// connects to the store) and serves the provider for it, its calls made for
// moltin_delete_customers.
func newActionServer(t *testing.T, providerSettings map[string]tftypes.Value) (*testEnv, *actionServer) {
	t.Helper()
	env := newTestEnv(t, emulator.Config{})
	settings := map[string]tftypes.Value{
		// The emulator answers at once; the development store's 25 a
		// second would only make the tests slow.
		"max_requests_per_second": tftypes.NewValue(tftypes.Number, 2000),
	}
	maps.Copy(settings, providerSettings)
	server, schemas := servedProvider[actionProtocolServer](t, NewProtocol6Server(New("test")())(), "actions", env, settings)
	s := &actionServer{actionProtocolServer: server, env: env, schemas: schemas.ActionSchemas}
	return env, s.forAction(t, deleteCustomersType)
}

// noRetries is the provider setting under which a failed request is not
// tried again.
var noRetries = map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)}

// config is an action config with the attributes given, every other null.
// Values are strings, ints, bools, tftypes.Values (for unknowns) or nil.
func (s *actionServer) config(t *testing.T, attrs map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, v := range attrs {
		switch v := v.(type) {
		case string:
			vals[k] = tftypes.NewValue(tftypes.String, v)
		case int:
			vals[k] = tftypes.NewValue(tftypes.Number, v)
		case bool:
			vals[k] = tftypes.NewValue(tftypes.Bool, v)
		case tftypes.Value:
			vals[k] = v
		default:
			t.Fatalf("attribute %s: unsupported value %T", k, v)
		}
	}
	dv := dynamicValue(t, s.schema.ValueType().(tftypes.Object), vals)
	return &dv
}

func (s *actionServer) validate(t *testing.T, cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := s.ValidateActionConfig(t.Context(), &tfprotov6.ValidateActionConfigRequest{ActionType: s.typ, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

func (s *actionServer) plan(t *testing.T, cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	t.Helper()
	resp, err := s.PlanAction(t.Context(), &tfprotov6.PlanActionRequest{ActionType: s.typ, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// invoked is what one InvokeAction streamed.
type invoked struct {
	progress []string
	diags    []*tfprotov6.Diagnostic
}

func (r invoked) errors() []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range r.diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out = append(out, d)
		}
	}
	return out
}

// invoke calls InvokeAction and reads its stream to the end, calling
// onProgress (if any) with each progress message as it is read.
func (s *actionServer) invoke(ctx context.Context, t *testing.T, cfg *tfprotov6.DynamicValue, onProgress func(string)) invoked {
	t.Helper()
	stream, err := s.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: s.typ, Config: cfg})
	if err != nil {
		t.Fatalf("InvokeAction: %v", err)
	}
	var out invoked
	completed := 0
	for ev := range stream.Events {
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			if completed > 0 {
				t.Errorf("progress %q after the completed event", e.Message)
			}
			out.progress = append(out.progress, e.Message)
			if onProgress != nil {
				onProgress(e.Message)
			}
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			out.diags = e.Diagnostics
		default:
			t.Fatalf("unexpected event %T", ev.Type)
		}
	}
	if completed != 1 {
		t.Fatalf("%d completed events, want 1", completed)
	}
	return out
}

// requireNoSecret fails if a message of r holds the client secret or
// anything like a bearer token.
func requireNoSecret(t *testing.T, env *testEnv, r invoked) {
	t.Helper()
	texts := slices.Clone(r.progress)
	for _, d := range r.diags {
		texts = append(texts, d.Summary, d.Detail)
	}
	for _, s := range texts {
		if strings.Contains(s, env.ClientSecret) || strings.Contains(strings.ToLower(s), "bearer") {
			t.Errorf("a message holds a secret: %q", s)
		}
	}
}

func requireErrorOn(t *testing.T, diags []*tfprotov6.Diagnostic, attr, summary string) {
	t.Helper()
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		gotAttr := ""
		if d.Attribute != nil {
			gotAttr = d.Attribute.String()
		}
		wantAttr := ""
		if attr != "" {
			wantAttr = `AttributeName("` + attr + `")`
		}
		if gotAttr == wantAttr && (summary == "" || d.Summary == summary) {
			return
		}
	}
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%v %v: %s: %s", d.Severity, d.Attribute, d.Summary, d.Detail))
	}
	t.Errorf("want an error %q on %q, got %q", summary, attr, got)
}

// configCase is an action's configuration (attrs) and what it must draw:
// an error on attr ("" for the action as a whole) whose summary is summary
// (any where ""), or where both are "" no diagnostic at all.
type configCase struct {
	name          string
	attrs         map[string]any
	attr, summary string
}

func (tc configCase) refused() bool { return tc.attr != "" || tc.summary != "" }

// require checks the diagnostics that call (the RPC) returned for tc's
// configuration against what tc wants.
func (tc configCase) require(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if !tc.refused() {
		requireNoDiagnostics(t, call, diags)
		return
	}
	requireErrorOn(t, diags, tc.attr, tc.summary)
}

// validateCases validates each case's configuration in a subtest of its
// own.
func (s *actionServer) validateCases(t *testing.T, cases []configCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.require(t, "ValidateActionConfig", s.validate(t, s.config(t, tc.attrs)))
		})
	}
}

// requireNoRequests fails if the emulator logged a request: what (the
// validation, the planning) must send none.
func requireNoRequests(t *testing.T, env *testEnv, what string) {
	t.Helper()
	if reqs := env.Requests(); len(reqs) != 0 {
		t.Errorf("%s sent %d requests: %s", what, len(reqs), describe(reqs))
	}
}

// seedStore makes 400 customers: 250 that name_like "Leftover *" matches
// (the first three with an address), 100 kept ones of another domain with an
// address for the first, and 50 whose names only contain "Leftover", which an
// unanchored pattern would match. It returns the matching ids, oldest first
// as the API orders them, and the others.
func seedStore(t *testing.T, env *testEnv) (matching, others []string) {
	t.Helper()
	emu := env.emulator()
	for i := range 250 {
		c := mustCreate(t, env, fmt.Sprintf("Leftover %03d", i), fmt.Sprintf("leftover%03d@test.example.com", i), "", nil)
		if i < 3 {
			mustCreateAddress(t, env, c.ID, addressFields("Home", "1 Main St", "London", "SW1A 1AA", "GB"))
		}
	}
	for i := range 100 {
		c := mustCreate(t, env, fmt.Sprintf("Kept %03d", i), fmt.Sprintf("kept%03d@example.com", i), "", nil)
		if i == 0 {
			mustCreateAddress(t, env, c.ID, addressFields("Work", "2 High St", "Leeds", "LS1 1AA", "GB"))
		}
		others = append(others, c.ID)
	}
	for i := range 50 {
		others = append(others, mustCreate(t, env, fmt.Sprintf("Not a Leftover %02d", i), fmt.Sprintf("notleft%02d@test.example.com", i), "", nil).ID)
	}
	var all []emulator.Customer
	for _, c := range emu.Customers() {
		if strings.HasPrefix(c.Name, "Leftover ") {
			all = append(all, c)
		}
	}
	// The API's order for sort=created_at: oldest first, ties by id.
	sort.Slice(all, func(i, j int) bool {
		if c := all[i].CreatedAt.Compare(all[j].CreatedAt); c != 0 {
			return c < 0
		}
		return all[i].ID < all[j].ID
	})
	for _, c := range all {
		matching = append(matching, c.ID)
	}
	env.ResetRequests()
	return matching, others
}

// deleteRequests are the ids of the logged DELETEs, by status answered.
func deleteRequests(env *testEnv) map[int][]string {
	out := map[int][]string{}
	for _, r := range env.Requests() {
		if r.Method == "DELETE" {
			out[r.Status] = append(out[r.Status], strings.TrimPrefix(r.Path, "/v2/customers/"))
		}
	}
	return out
}

func remaining(env *testEnv, ids []string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := env.Customer(id); ok {
			out = append(out, id)
		}
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

const leftoverQuery = `filter=like(name,"Leftover *")&page[limit]=100&page[offset]=%d&sort=created_at`

func TestDeleteCustomersAction_Schema(t *testing.T) {
	t.Parallel()
	_, s := newActionServer(t, nil)
	want := map[string]tftypes.Type{
		"email": tftypes.String, "email_like": tftypes.String, "name": tftypes.String, "name_like": tftypes.String,
		"external_ref": tftypes.String, "created_before": tftypes.String, "limit": tftypes.Number, "dry_run": tftypes.Bool,
	}
	var names []string
	for _, a := range s.schema.Block.Attributes {
		names = append(names, a.Name)
		if !a.Optional || a.Required || a.Computed || a.Sensitive {
			t.Errorf("%s: want a plain optional attribute, got optional=%v required=%v computed=%v sensitive=%v", a.Name, a.Optional, a.Required, a.Computed, a.Sensitive)
		}
		if typ, ok := want[a.Name]; !ok || !a.Type.Is(typ) {
			t.Errorf("%s: type %s, want %v", a.Name, a.Type, typ)
		}
		if a.Description == "" {
			t.Errorf("%s has no description", a.Name)
		}
	}
	if sort.Strings(names); !slices.Equal(names, keys(want)) {
		t.Errorf("attributes %v, want %v", names, keys(want))
	}
	meta, err := s.GetMetadata(t.Context(), &tfprotov6.GetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range meta.Actions {
		actions = append(actions, a.TypeName)
	}
	sort.Strings(actions)
	if want := []string{deleteAccountMembersType, deleteCustomersType}; !slices.Equal(actions, want) {
		t.Errorf("GetMetadata lists actions %v, want %v", actions, want)
	}
}

func TestDeleteCustomersAction_Validate(t *testing.T) {
	emulatorOnly(t, "reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	s.validateCases(t, []configCase{
		{"no filter", nil, "", "No filter"},
		{"only limit and dry_run", map[string]any{"limit": 10, "dry_run": true}, "", "No filter"},
		{"a pattern of stars alone", map[string]any{"email_like": "**"}, "email_like", "Pattern matches every customer"},
		{"name_like of a star", map[string]any{"name_like": "*", "external_ref": "x"}, "name_like", "Pattern matches every customer"},
		{"limit 0", map[string]any{"name_like": "E2E *", "limit": 0}, "limit", ""},
		{"limit above 10000", map[string]any{"name_like": "E2E *", "limit": 10001}, "limit", ""},
		{"created_before not a time", map[string]any{"name_like": "E2E *", "created_before": "yesterday"}, "created_before", ""},
		{"created_before without a zone", map[string]any{"name_like": "E2E *", "created_before": "2026-11-30T15:00:00"}, "created_before", ""},
		{"email and email_like", map[string]any{"email": "a@example.com", "email_like": "*@example.com"}, "email", ""},
		{"an email that is not one", map[string]any{"email": "not-an-email"}, "email", ""},
		{"every bound and filter", map[string]any{"email_like": "*@test.example.com", "name_like": "E2E *", "external_ref": "run-7",
			"created_before": "2026-11-30T15:00:00Z", "limit": 10000, "dry_run": false}, "", ""},
		{"limit 1", map[string]any{"email": "a@example.com", "limit": 1}, "", ""},
		// timeadd(plantimestamp(), "-24h") is unknown when Terraform validates.
		{"created_before unknown", map[string]any{"email_like": "*@test.example.com", "created_before": unknown}, "", ""},
		{"the only filter unknown", map[string]any{"email_like": unknown}, "", ""},
	})
	requireNoRequests(t, env, "validation")
}

// TestDeleteCustomersAction_Plan checks what PlanAction refuses once the
// values are known: the framework runs no schema validator there, and what
// was unknown at validation (created_before from plantimestamp(), a filter
// from a variable) may turn out wrong.
func TestDeleteCustomersAction_Plan(t *testing.T) {
	emulatorOnly(t, "reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	for _, tc := range []configCase{
		{"the unknown filter turned out null", map[string]any{"created_before": "2026-11-30T15:00:00Z"}, "", "No filter"},
		{"limit 0", map[string]any{"email_like": "*@x.example.com", "limit": 0}, "limit", "Invalid limit"},
		{"limit 10001", map[string]any{"email_like": "*@x.example.com", "limit": 10001}, "limit", "Invalid limit"},
		// Refused by the type when the framework reads the config.
		{"created_before bad", map[string]any{"email_like": "*@x.example.com", "created_before": "2026-13-01T00:00:00Z"}, "created_before", ""},
		{"email bad", map[string]any{"email": "nobody"}, "email", "Invalid email address"},
		{"valid", map[string]any{"email_like": "*@x.example.com", "created_before": time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.require(t, "PlanAction", s.plan(t, s.config(t, tc.attrs)))
			if !tc.refused() {
				return
			}
			// Invoke refuses it too, before any request.
			r := s.invoke(t.Context(), t, s.config(t, tc.attrs), nil)
			requireErrorOn(t, r.diags, tc.attr, tc.summary)
			if len(r.progress) != 0 {
				t.Errorf("progress from a refused invocation: %q", r.progress)
			}
		})
	}
	t.Run("invoked with an unknown filter", func(t *testing.T) {
		r := s.invoke(t.Context(), t, s.config(t, map[string]any{"email_like": "*@x.example.com",
			"name_like": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}), nil)
		requireErrorOn(t, r.diags, "name_like", "Unknown value")
	})
	requireNoRequests(t, env, "planning")
}

// TestDeleteCustomersAction_Deletes250Of400 is the record the issue asks
// for: the requests one invocation sends to delete 250 matching customers
// among 400.
func TestDeleteCustomersAction_Deletes250Of400(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	matching, others := seedStore(t, env)

	start := time.Now()
	r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *"}), nil)
	elapsed := time.Since(start)
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	requireNoSecret(t, env, r)
	want := []string{
		`Found 250 customers matching like(name,"Leftover *").`,
		`Deleted 100 of 250 customers (0 already gone).`,
		`Deleted 200 of 250 customers (0 already gone).`,
		`Done: 250 customers found, 250 deleted, 0 already gone.`,
	}
	if !slices.Equal(r.progress, want) {
		t.Errorf("progress:\n  %s\nwant:\n  %s", strings.Join(r.progress, "\n  "), strings.Join(want, "\n  "))
	}

	reqs := env.Requests()
	stats := env.Stats()
	if got, want := listQueries(env), []string{fmt.Sprintf(leftoverQuery, 0), fmt.Sprintf(leftoverQuery, 100), fmt.Sprintf(leftoverQuery, 200)}; !slices.Equal(got, want) {
		t.Errorf("list requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	deletes := deleteRequests(env)
	if got := sorted(deletes[204]); !slices.Equal(got, sorted(matching)) || len(deletes) != 1 {
		t.Errorf("DELETEs by status: %d answered 204 (want one for each of the 250 matches), %d statuses in all", len(got), len(deletes))
	}
	if len(reqs) != 1+3+250 || stats.ByKind[emulator.KindToken] != 1 {
		t.Errorf("%d requests (%v), want 254: a token, 3 list pages, 250 DELETEs", len(reqs), stats.ByKind)
	}
	t.Logf("250 matching among 400: %d requests (%v: token %d, list %d, delete %d) in %s",
		len(reqs), stats.ByKind, stats.ByKind[emulator.KindToken], stats.ByKind[emulator.KindList], stats.ByKind[emulator.KindDelete], elapsed.Round(time.Millisecond))

	if left := remaining(env, matching); len(left) != 0 {
		t.Errorf("%d matching customers left", len(left))
	}
	if left := remaining(env, others); len(left) != 150 {
		t.Errorf("%d of the 150 other customers left", len(left))
	}
	// Addresses go with their customer: the API answers 404 for them.
	client := env.client(t)
	for _, id := range matching[:3] {
		if _, err := client.ListAddresses(t.Context(), id); !moltin.IsNotFound(err) {
			t.Errorf("addresses of deleted customer %s: want 404, got %v", id, err)
		}
	}
	if got, err := client.ListAddresses(t.Context(), others[0]); err != nil || len(got) != 1 {
		t.Errorf("the kept customer's address: %d, %v; want it kept", len(got), err)
	}
}

func TestDeleteCustomersAction_DryRun(t *testing.T) {
	emulatorOnly(t, "reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	matching, others := seedStore(t, env)

	r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *", "dry_run": true}), nil)
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	want := []string{
		`Found 250 customers matching like(name,"Leftover *").`,
		`Dry run: 250 customers would be deleted; none was.`,
	}
	if !slices.Equal(r.progress, want) {
		t.Errorf("progress:\n  %s\nwant:\n  %s", strings.Join(r.progress, "\n  "), strings.Join(want, "\n  "))
	}
	t.Logf("dry run's progress:\n  %s", strings.Join(r.progress, "\n  "))
	stats := env.Stats()
	if stats.ByKind[emulator.KindDelete] != 0 || stats.ByKind[emulator.KindList] != 3 || stats.Total != 4 {
		t.Errorf("requests %v, want a token and 3 list pages, no DELETE", stats.ByKind)
	}
	if n := len(remaining(env, matching)) + len(remaining(env, others)); n != 400 {
		t.Errorf("%d customers left after a dry run, want 400", n)
	}
}

// TestDeleteCustomersAction_Limit checks that a limit asks for no customer
// beyond it and deletes the oldest.
func TestDeleteCustomersAction_Limit(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	matching, _ := seedStore(t, env)

	r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *", "limit": 120}), nil)
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	if len(r.progress) == 0 || r.progress[0] != `Found 120 customers matching like(name,"Leftover *") (the limit, 120: more may match).` {
		t.Errorf("progress %q", r.progress)
	}
	if got, want := listQueries(env), []string{
		fmt.Sprintf(leftoverQuery, 0),
		`filter=like(name,"Leftover *")&page[limit]=20&page[offset]=100&sort=created_at`,
	}; !slices.Equal(got, want) {
		t.Errorf("list requests %q, want %q", got, want)
	}
	deletes := deleteRequests(env)
	if got := sorted(deletes[204]); !slices.Equal(got, sorted(matching[:120])) {
		t.Errorf("deleted %d customers; want the 120 oldest matches", len(got))
	}
	if left := remaining(env, matching); !slices.Equal(sorted(left), sorted(matching[120:])) {
		t.Errorf("%d matches left, want the 130 newest", len(left))
	}
}

func TestDeleteCustomersAction_CreatedBefore(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	var old, recent []string
	for i := range 5 {
		old = append(old, mustCreate(t, env, fmt.Sprintf("E2E old %d", i), fmt.Sprintf("old%d@test.example.com", i), "", nil).ID)
	}
	time.Sleep(20 * time.Millisecond)
	cutoff := time.Now().UTC()
	time.Sleep(20 * time.Millisecond)
	for i := range 5 {
		recent = append(recent, mustCreate(t, env, fmt.Sprintf("E2E new %d", i), fmt.Sprintf("new%d@test.example.com", i), "", nil).ID)
	}
	env.ResetRequests()

	// Given in another zone, sent in UTC.
	given := cutoff.In(time.FixedZone("", 2*3600)).Format(time.RFC3339Nano)
	cfg := s.config(t, map[string]any{"email_like": "*@test.example.com", "created_before": given})
	requireNoDiagnostics(t, "ValidateActionConfig", s.validate(t, cfg))
	requireNoDiagnostics(t, "PlanAction", s.plan(t, cfg))
	r := s.invoke(t.Context(), t, cfg, nil)
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	wantQuery := fmt.Sprintf(`filter=like(email,"*@test.example.com"):lt(created_at,"%s")&page[limit]=100&page[offset]=0&sort=created_at`, cutoff.Format(time.RFC3339Nano))
	if got := listQueries(env); !slices.Equal(got, []string{wantQuery}) {
		t.Errorf("list requests %q, want [%q]", got, wantQuery)
	}
	if got := sorted(deleteRequests(env)[204]); !slices.Equal(got, sorted(old)) {
		t.Errorf("deleted %v, want the 5 older ones %v", got, old)
	}
	if left := remaining(env, recent); len(left) != 5 {
		t.Errorf("%d of the 5 recent customers left", len(left))
	}
}

// TestDeleteCustomersAction_Filters checks that the filters are quoted as
// the list resource quotes them: quotes, commas, parentheses and
// backslashes are matched literally, and only '*' is a wildcard.
func TestDeleteCustomersAction_Filters(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	odd := `O'Neil, "Sam" (QA): test\run`
	ref := `ext,(1)"x"`
	for _, tc := range []struct {
		name    string
		filters map[string]any
		terms   []moltin.Filter
		want    []string // names of the customers deleted
	}{
		{"name with commas, quotes and parentheses", map[string]any{"name": odd},
			[]moltin.Filter{moltin.Eq("name", odd)}, []string{odd}},
		{"external_ref with punctuation", map[string]any{"external_ref": ref},
			[]moltin.Filter{moltin.Eq("external_ref", ref)}, []string{odd}},
		{"email in other case", map[string]any{"email": "SAM.ONEIL@test.example.com"},
			[]moltin.Filter{moltin.Eq("email", "SAM.ONEIL@test.example.com")}, []string{odd}},
		{"wildcard inside email_like", map[string]any{"email_like": "sam*@test.example.com"},
			[]moltin.Filter{moltin.Like("email", "sam*@test.example.com")}, []string{odd, "Sam (QA)"}},
		{"quote and wildcard in name_like", map[string]any{"name_like": `O'Neil, "Sam*`},
			[]moltin.Filter{moltin.Like("name", `O'Neil, "Sam*`)}, []string{odd}},
		{"name_like with email_like", map[string]any{"name_like": "*(QA)*", "email_like": "*@test.example.com"},
			[]moltin.Filter{moltin.Like("email", "*@test.example.com"), moltin.Like("name", "*(QA)*")}, []string{odd, "Sam (QA)"}},
		{"no match", map[string]any{"name": "Nobody (none)"},
			[]moltin.Filter{moltin.Eq("name", "Nobody (none)")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env, s := newActionServer(t, nil)
			byName := map[string]string{}
			for _, c := range []struct{ name, email, ref string }{
				{odd, "sam.oneil@test.example.com", ref},
				// Decoys that a badly quoted filter would match or choke on.
				{`O'Neil`, "oneil@example.com", ""},
				{"Sam (QA)", "samqa@test.example.com", ""},
				{"Other Tester", "other@example.com", "ext"},
			} {
				var r *string
				if c.ref != "" {
					r = &c.ref
				}
				byName[c.name] = mustCreate(t, env, c.name, c.email, "", r).ID
			}
			env.ResetRequests()
			r := s.invoke(t.Context(), t, s.config(t, tc.filters), nil)
			requireNoDiagnostics(t, "InvokeAction", r.diags)
			wantQuery := "filter=" + moltin.JoinFilters(tc.terms) + "&page[limit]=100&page[offset]=0&sort=created_at"
			if got := listQueries(env); !slices.Equal(got, []string{wantQuery}) {
				t.Errorf("list requests %q, want [%q]", got, wantQuery)
			}
			var want []string
			for _, n := range tc.want {
				want = append(want, byName[n])
			}
			if got := sorted(deleteRequests(env)[204]); !slices.Equal(got, sorted(want)) {
				t.Errorf("deleted %v, want %v", got, sorted(want))
			}
			for name, id := range byName {
				_, kept := env.Customer(id)
				if kept == slices.Contains(tc.want, name) {
					t.Errorf("%s: kept = %v", name, kept)
				}
			}
		})
	}
}

// TestDeleteCustomersAction_AlreadyGone deletes one match behind the
// action's back once it has listed them: its DELETE answers 404, which
// counts as already gone, not as a failure.
func TestDeleteCustomersAction_AlreadyGone(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	env, s := newActionServer(t, nil)
	matching, _ := seedStore(t, env)
	newest := matching[len(matching)-1]
	// Slowed down, so that the action is far from the newest when the test
	// deletes it.
	env.emulator().SetFaults(emulator.Faults{Latency: 5 * time.Millisecond})

	r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *"}), func(msg string) {
		if strings.HasPrefix(msg, "Found ") && !env.DeleteCustomer(newest) {
			t.Error("the newest match was gone before the test deleted it")
		}
	})
	requireNoDiagnostics(t, "InvokeAction", r.diags)
	if last := r.progress[len(r.progress)-1]; last != "Done: 250 customers found, 249 deleted, 1 already gone." {
		t.Errorf("summary %q", last)
	}
	if got := deleteRequests(env)[404]; !slices.Equal(got, []string{newest}) {
		t.Errorf("DELETEs answered 404: %v, want [%s]", got, newest)
	}
}

var tallyPattern = regexp.MustCompile(`(\d+) customers found, (\d+) deleted, (\d+) already gone(?:, (\d+) failed)?(?:, (\d+) not sent)?\.`)

// tallyOf reads the counts out of a summary.
func tallyOf(t *testing.T, s string) (found, deleted, gone, failed, notSent int) {
	t.Helper()
	m := tallyPattern.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no summary in %q", s)
	}
	n := make([]int, 5)
	for i := range n {
		if m[i+1] != "" {
			n[i], _ = strconv.Atoi(m[i+1])
		}
	}
	return n[0], n[1], n[2], n[3], n[4]
}

// TestDeleteCustomersAction_APIError makes the API fail midway: the action
// sends no delete after the first failure, waits for those under way, and
// says what it did. A listing that fails deletes nothing.
func TestDeleteCustomersAction_APIError(t *testing.T) {
	emulatorOnly(t, "injects faults into the emulator")
	t.Parallel()

	t.Run("deleting", func(t *testing.T) {
		t.Parallel()
		env, s := newActionServer(t, noRetries)
		matching, others := seedStore(t, env)
		// Slowed down, so that few deletes are sent between the message
		// and the fault.
		env.emulator().SetFaults(emulator.Faults{Latency: 10 * time.Millisecond})
		r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *"}), func(msg string) {
			if strings.HasPrefix(msg, "Deleted 100 of") {
				env.emulator().SetFaults(emulator.Faults{Rate5xx: 1, Seed: 1})
			}
		})
		requireNoSecret(t, env, r)
		errs := r.errors()
		if len(errs) != 1 || errs[0].Summary != "Could not delete every matching customer" || !strings.Contains(errs[0].Detail, "injected server error") {
			t.Fatalf("want one error naming the API's answer, got %+v", errs)
		}
		found, deleted, gone, failed, notSent := tallyOf(t, errs[0].Detail)
		deletes := deleteRequests(env)
		var failedSent int
		for status, ids := range deletes {
			if status >= 500 {
				failedSent += len(ids)
			}
		}
		t.Logf("failed midway: %s", r.progress[len(r.progress)-1])
		switch {
		case found != 250 || gone != 0 || deleted+failed+notSent != 250:
			t.Errorf("counts do not add up: %s", errs[0].Detail)
		case deleted < 100 || deleted > 150:
			// Those under way at the fault, and those sent while the test
			// read the message and set it (a few at most; more on a
			// loaded machine).
			t.Errorf("%d deleted; want the 100 before the fault and about those under way", deleted)
		case failed < 1 || failed > bulkDeleteWorkers || failed != failedSent:
			t.Errorf("%d failed, %d DELETEs answered 5xx: want the same, between 1 and %d", failed, failedSent, bulkDeleteWorkers)
		case len(deletes[204]) != deleted:
			t.Errorf("%d DELETEs answered 204, but the action says %d deleted", len(deletes[204]), deleted)
		}
		if left := remaining(env, matching); len(left) != 250-deleted {
			t.Errorf("%d matches left, want %d", len(left), 250-deleted)
		}
		if left := remaining(env, others); len(left) != 150 {
			t.Errorf("%d of 150 others left", len(left))
		}
	})

	t.Run("listing", func(t *testing.T) {
		t.Parallel()
		env, s := newActionServer(t, noRetries)
		matching, _ := seedStore(t, env)
		// A dry run first, so that the token is not what fails.
		requireNoDiagnostics(t, "dry run", s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *", "dry_run": true}), nil).diags)
		env.ResetRequests()
		env.emulator().SetFaults(emulator.Faults{Rate5xx: 1, Seed: 1})
		r := s.invoke(t.Context(), t, s.config(t, map[string]any{"name_like": "Leftover *"}), nil)
		requireNoSecret(t, env, r)
		errs := r.errors()
		if len(errs) != 1 || errs[0].Summary != "Could not list customers" || !strings.Contains(errs[0].Detail, "No customer was deleted.") ||
			!strings.Contains(errs[0].Detail, `Filter sent: like(name,"Leftover *")`) {
			t.Fatalf("want one listing error, got %+v", errs)
		}
		if stats := env.Stats(); stats.Total != 1 || stats.ByKind[emulator.KindList] != 1 {
			t.Errorf("requests %v; want the one failed list page", stats.ByKind)
		}
		if len(remaining(env, matching)) != 250 {
			t.Error("a match was deleted")
		}
	})
}

// TestDeleteCustomersAction_Interrupt stops the invocation midway, as
// Terraform does on Ctrl-C (StopProvider) or when its RPC ends (the
// context): the deletes already sent are awaited and counted, no other is
// sent, and it returns promptly.
func TestDeleteCustomersAction_Interrupt(t *testing.T) {
	emulatorOnly(t, "slows the emulator down")
	t.Parallel()
	for _, how := range []string{"context", "StopProvider"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			env, s := newActionServer(t, nil)
			matching, _ := seedStore(t, env)
			const latency = 40 * time.Millisecond
			env.emulator().SetFaults(emulator.Faults{Latency: latency})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var stoppedAt time.Time
			var sentAtStop int
			r := s.invoke(ctx, t, s.config(t, map[string]any{"name_like": "Leftover *"}), func(msg string) {
				if !strings.HasPrefix(msg, "Deleted 100 of") {
					return
				}
				stoppedAt = time.Now()
				if how == "context" {
					cancel()
				} else if _, err := s.StopProvider(t.Context(), &tfprotov6.StopProviderRequest{}); err != nil {
					t.Error(err)
				}
				sentAtStop = len(deleteRequests(env)[0]) + len(deleteRequests(env)[204])
			})
			took := time.Since(stoppedAt)
			requireNoSecret(t, env, r)
			errs := r.errors()
			if len(errs) != 1 || errs[0].Summary != "Interrupted" {
				t.Fatalf("want one Interrupted error, got %+v", errs)
			}
			found, deleted, gone, failed, notSent := tallyOf(t, errs[0].Detail)
			deletes := deleteRequests(env)
			t.Logf("interrupted after %d deletes: %s; %d DELETEs were on the wire at the stop, %d sent in all; returned %s after the stop",
				100, r.progress[len(r.progress)-1], sentAtStop-100, len(deletes[204]), took.Round(time.Millisecond))
			switch {
			case found != 250 || gone != 0 || failed != 0 || deleted+notSent != 250:
				t.Errorf("counts do not add up: %s", errs[0].Detail)
			case len(deletes) != 1 || len(deletes[204]) != deleted:
				// A DELETE abandoned on the wire would show here: made by the
				// API, but not counted as deleted.
				t.Errorf("DELETEs by status %v; want %d, all answered 204 and counted", mapLens(deletes), deleted)
			case deleted < 100 || deleted > 150:
				// Those under way at the stop, and those sent while the
				// test read the message and stopped it (a few at most).
				t.Errorf("%d deleted; want the 100 before the stop and about those under way", deleted)
			case took > 20*latency:
				t.Errorf("returned %s after the stop; want about one request's latency (%s)", took, latency)
			}
			if left := remaining(env, matching); len(left) != 250-deleted {
				t.Errorf("%d matches left, want %d", len(left), 250-deleted)
			}
		})
	}
}

func mapLens(m map[int][]string) map[int]int {
	out := map[int]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}

// TestAccDeleteCustomersAction_trigger runs the action through the real CLI,
// from an action_trigger of a terraform_data resource (the testing library
// has no step for `apply -invoke`). It needs Terraform 1.14 or later, which
// cannot be built here: on older CLIs, and on OpenTofu, it is skipped with
// the reason printed. The protocol-level tests above cover the same ground
// on every CLI.
func TestAccDeleteCustomersAction_trigger(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, which on a shared store would reach other runs' customers")
	t.Parallel()
	env := newTestEnv(t, emulator.Config{})
	matching, others := seedStore(t, env)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + `
action "moltin_delete_customers" "leftovers" {
  config {
    name_like = "Leftover *"
    # Unknown when Terraform validates, as timeadd(plantimestamp(), "-24h") is.
    created_before = timeadd(plantimestamp(), "1m")
  }
}

resource "terraform_data" "cleanup" {
  input = "nightly"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.moltin_delete_customers.leftovers]
    }
  }
}
`,
				Check: func(*terraform.State) error {
					if left := remaining(env, matching); len(left) != 0 {
						return fmt.Errorf("%d matches left", len(left))
					}
					if left := remaining(env, others); len(left) != len(others) {
						return fmt.Errorf("%d of %d other customers left", len(left), len(others))
					}
					if n := len(deleteRequests(env)[204]); n != len(matching) {
						return fmt.Errorf("%d DELETEs, want %d", n, len(matching))
					}
					return nil
				},
			},
		},
	})
}

// TestActionExamples runs every action block of the examples (the ones the
// docs and the guide show) as Terraform would: validated with
// plantimestamp() unknown, then planned and invoked with it known, against
// an emulator seeded with customers that each block should delete and one
// it must not. plantimestamp() is taken to be a day and an hour after the
// seeding, so that created_before = timeadd(plantimestamp(), "-24h") covers
// the seeded customers.
func TestActionExamples(t *testing.T) {
	emulatorOnly(t, "deletes by pattern, and reads the emulator's request log")
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(examplesDir, "actions", "*", "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no action examples found under %s/actions: %v", examplesDir, err)
	}
	planTime := time.Now().Add(25 * time.Hour).UTC()
	evalCtx := func(known bool) *hcl.EvalContext {
		return &hcl.EvalContext{Functions: map[string]function.Function{
			"timeadd": stdlib.TimeAddFunc,
			"plantimestamp": function.New(&function.Spec{Type: function.StaticReturnType(cty.String),
				Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
					if !known {
						return cty.UnknownVal(cty.String), nil
					}
					return cty.StringVal(planTime.Format(time.RFC3339)), nil
				}}),
		}}
	}
	n := 0
	for _, file := range files {
		f, diags := hclparse.NewParser().ParseHCLFile(file)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", file, diags)
		}
		content, diags := f.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "action", LabelNames: []string{"type", "name"}}}})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", file, diags)
		}
		for _, block := range content.Blocks.OfType("action") {
			n++
			t.Run(filepath.Base(filepath.Dir(file))+"/"+block.Labels[1], func(t *testing.T) {
				t.Parallel()
				typeName := block.Labels[0]
				if typeName != deleteCustomersType && typeName != deleteAccountMembersType {
					t.Fatalf("action block of type %s", typeName)
				}
				body, diags := block.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "config"}}})
				if diags.HasErrors() || len(body.Blocks) != 1 {
					t.Fatalf("want one config block: %s", diags)
				}
				attrs, diags := body.Blocks[0].Body.JustAttributes()
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				configAt := func(known bool) map[string]any {
					out := map[string]any{}
					for name, a := range attrs {
						v, diags := a.Expr.Value(evalCtx(known))
						if diags.HasErrors() {
							t.Fatalf("%s: %s", name, diags)
						}
						switch {
						case !v.IsKnown():
							out[name] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
						case v.Type() == cty.String:
							out[name] = v.AsString()
						case v.Type() == cty.Number:
							i, _ := v.AsBigFloat().Int64()
							out[name] = int(i)
						case v.Type() == cty.Bool:
							out[name] = v.True()
						default:
							t.Fatalf("%s: a value of type %s", name, v.Type().FriendlyName())
						}
					}
					return out
				}
				env, s := newActionServer(t, nil)
				s = s.forAction(t, typeName)
				// Three that the block should delete, and one to keep.
				var seeded []string
				var kept, noun string
				left := func() []string { return remaining(env, append(seeded, kept)) }
				if typeName == deleteCustomersType {
					ref := "ci-run-1234"
					for i := range 3 {
						seeded = append(seeded, mustCreate(t, env, fmt.Sprintf("E2E shopper %d", i), fmt.Sprintf("e2e-%d@e2e.example.com", i), "", &ref).ID)
					}
					kept, noun = mustCreate(t, env, "Real Customer", "real@example.com", "", nil).ID, "customers"
				} else {
					am := newAMStore(t, env)
					seeded = am.members(t, env, 3, "E2E member %d", "e2e-%d@e2e.example.com", func(int) bool { return true })
					kept, noun = am.member(t, env, "Real Member", "real@example.com", true), "account members"
					left = func() []string {
						var out []string
						for _, u := range env.emulator().UserAuthenticationInfos() {
							out = append(out, u.ID)
						}
						return out
					}
				}
				env.ResetRequests()

				requireNoDiagnostics(t, "ValidateActionConfig", s.validate(t, s.config(t, configAt(false))))
				cfg := s.config(t, configAt(true))
				requireNoDiagnostics(t, "PlanAction", s.plan(t, cfg))
				r := s.invoke(t.Context(), t, cfg, nil)
				requireNoDiagnostics(t, "InvokeAction", r.diags)
				wantLeft := 1
				if dry, _ := configAt(true)["dry_run"].(bool); dry {
					wantLeft = 4
					if last, want := r.progress[len(r.progress)-1], "Dry run: 3 "+noun+" would be deleted; none was."; last != want {
						t.Errorf("dry run's answer %q, want %q", last, want)
					}
				}
				if left := left(); len(left) != wantLeft || !slices.Contains(left, kept) {
					t.Errorf("%d %s left (%v), want %d with %s", len(left), noun, left, wantLeft, kept)
				}
				t.Logf("progress: %q", r.progress)
			})
		}
	}
	if n == 0 {
		t.Fatal("no action block in the examples")
	}
}

// TestDeleteCustomersAction_NoSecretInLogs captures every log line the
// provider writes during an invocation (TRACE), a failed delete included,
// and searches it and the messages for the client secret and every token
// the API issued.
func TestDeleteCustomersAction_NoSecretInLogs(t *testing.T) {
	emulatorOnly(t, "injects faults into the emulator")
	t.Parallel()
	env, s := newActionServer(t, noRetries)
	seedStore(t, env)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &logs)
	r := s.invoke(ctx, t, s.config(t, map[string]any{"name_like": "Leftover *"}), func(msg string) {
		if strings.HasPrefix(msg, "Deleted 100 of") {
			env.emulator().SetFaults(emulator.Faults{Rate5xx: 1, Seed: 1})
		}
	})
	if len(r.errors()) != 1 {
		t.Fatalf("want the injected failure, got %+v", r.diags)
	}
	text := logs.String()
	for _, want := range []string{"moltin_delete_customers finished", "Moltin API request", `"http_method":"DELETE"`} {
		if !strings.Contains(text, want) {
			t.Fatalf("the captured logs lack %q: the capture does not work", want)
		}
	}
	secrets := append([]string{env.ClientSecret}, env.IssuedTokens()...)
	if len(secrets) < 2 {
		t.Fatal("no access token was issued")
	}
	messages := strings.Join(r.progress, "\n")
	for _, d := range r.diags {
		messages += "\n" + d.Summary + "\n" + d.Detail
	}
	for _, secret := range secrets {
		if strings.Contains(text, secret) || strings.Contains(messages, secret) {
			t.Errorf("a secret (%d characters) is in the logs or the messages", len(secret))
		}
	}
}

// TestDeleteCustomersAction_gRPCClientGone invokes the action over gRPC, as
// the CLI does, and then goes away mid-invocation (a killed CLI): the
// stream's context ends, so the action sends no further delete, and its
// goroutine ends. (Whether a progress message is then left unread depends
// on timing; TestProgressReporter_ClientGone covers that case.) Not
// parallel: it shortens progressGrace, and looks for the goroutine of any
// invocation in the process.
func TestDeleteCustomersAction_gRPCClientGone(t *testing.T) { //nolint:paralleltest // see above
	emulatorOnly(t, "slows the emulator down")
	old := progressGrace
	progressGrace = 200 * time.Millisecond
	t.Cleanup(func() { progressGrace = old })

	env := newTestEnv(t, emulator.Config{})
	seedStore(t, env)
	env.emulator().SetFaults(emulator.Faults{Latency: 20 * time.Millisecond})
	factory := NewProtocol6Server(New("test")())
	schemas, err := factory().GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	p := serveGRPCProvider(t, factory)

	withNulls := func(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
		vals := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		for k, v := range set {
			vals[k] = v
		}
		return tftypes.NewValue(typ, vals)
	}
	configure := newRequest(t, "ConfigureProvider")
	configure.setString(t, "terraform_version", "1.14.0")
	configure.setValue(t, "config", p.provType, withNulls(p.provType.(tftypes.Object), map[string]tftypes.Value{
		"api_base_url":            tftypes.NewValue(tftypes.String, env.URL),
		"client_id":               tftypes.NewValue(tftypes.String, env.ClientID),
		"client_secret":           tftypes.NewValue(tftypes.String, env.ClientSecret),
		"max_requests_per_second": tftypes.NewValue(tftypes.Number, 2000),
	}))
	p.call(t.Context(), t, "ConfigureProvider", configure)

	actionType := schemas.ActionSchemas[deleteCustomersType].Schema.ValueType()
	invoke := newRequest(t, "InvokeAction")
	invoke.setString(t, "action_type", deleteCustomersType)
	invoke.setValue(t, "config", actionType, withNulls(actionType.(tftypes.Object), map[string]tftypes.Value{
		"name_like": tftypes.NewValue(tftypes.String, "Leftover *"),
	}))
	ctx, leave := context.WithCancel(t.Context())
	defer leave()
	stream, err := p.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/tfplugin6.Provider/InvokeAction")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(invoke.Message); err != nil {
		t.Fatal(err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	eventDesc := invoke.Descriptor().Parent().(protoreflect.MessageDescriptor).Messages().ByName("Event")
	event := rpcMessage{dynamicpb.NewMessage(eventDesc)}
	if err := stream.RecvMsg(event.Message); err != nil {
		t.Fatal(err)
	}
	progress := event.Get(event.field(t, "progress")).Message()
	if msg := progress.Get(progress.Descriptor().Fields().ByName("message")).String(); !strings.HasPrefix(msg, "Found 250 customers") {
		t.Fatalf("first event %q", msg)
	}
	// Leave once the deleting is well under way, without reading further.
	deadline := time.Now().Add(10 * time.Second)
	for len(deleteRequests(env)[204]) < 30 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	leave()
	left := time.Now()

	invoking := func() bool {
		buf := make([]byte, 1<<22)
		return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "(*deleteCustomersAction).Invoke")
	}
	for invoking() && time.Since(left) < 10*progressGrace+5*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	if invoking() {
		t.Fatalf("the invocation still runs %s after its client went away", time.Since(left).Round(time.Millisecond))
	}
	ended := time.Since(left)
	sent := len(deleteRequests(env)[204])
	time.Sleep(100 * time.Millisecond)
	if again := len(deleteRequests(env)[204]); again != sent || sent >= 250 {
		t.Errorf("%d DELETEs when the invocation ended, %d later, of 250: want it stopped, and no more", sent, again)
	}
	t.Logf("client went away after %d+ deletes; the invocation ended %s later, having sent %d", 30, ended.Round(time.Millisecond), sent)
}
