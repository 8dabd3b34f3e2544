package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// TestCustomerStateFromPlainStrings reads a state written by the provider
// before created_at and updated_at had the timetypes.RFC3339 type (plain
// strings, schema version 0) the way every CLI does: UpgradeResourceState on
// the stored JSON, ReadResource, then PlanResourceChange with the unchanged
// configuration. The state must read as it was, the refresh must find no
// drift, and the plan must change nothing. It runs at the protocol level,
// without a CLI: no CLI here can run the previous release beside this one.
func TestCustomerStateFromPlainStrings(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t, emulator.Config{})
	c, err := env.client(t).CreateCustomer(ctx, moltin.CustomerCreate{Name: "Old State", Email: "old.state@example.com", ExternalRef: ptr("ref-1")})
	if err != nil {
		t.Fatal(err)
	}
	// As the previous version wrote them: UTC, RFC 3339 with the API's
	// fraction of a second, in a plain string attribute.
	oldTime := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	rawState := fmt.Sprintf(`{"id":%q,"name":"Old State","email":"old.state@example.com","external_ref":"ref-1",`+
		`"password":null,"password_wo":null,"password_wo_version":null,"has_password":false,"created_at":%q,"updated_at":%q}`,
		c.ID, oldTime(c.CreatedAt), oldTime(c.UpdatedAt))

	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("schema: %v %v", err, schemas.Diagnostics)
	}
	rs := schemas.ResourceSchemas["moltin_customer"]
	if rs.Version != 0 {
		t.Fatalf("moltin_customer schema version %d: this test reads a version 0 state", rs.Version)
	}
	typ := rs.ValueType()
	providerType := schemas.Provider.ValueType()
	providerConfig := newObject(t, providerType, map[string]tftypes.Value{
		"client_id":     tftypes.NewValue(tftypes.String, env.ClientID),
		"client_secret": tftypes.NewValue(tftypes.String, env.ClientSecret),
		"api_base_url":  tftypes.NewValue(tftypes.String, env.URL),
	})
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: providerConfig})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, configured.Diagnostics)
	}

	upgraded, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "moltin_customer", Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(rawState)},
	})
	if err != nil || len(upgraded.Diagnostics) > 0 {
		t.Fatalf("upgrade: %v %v", err, upgraded.Diagnostics)
	}
	want := newObject(t, typ, map[string]tftypes.Value{
		"id":           tftypes.NewValue(tftypes.String, c.ID),
		"name":         tftypes.NewValue(tftypes.String, "Old State"),
		"email":        tftypes.NewValue(tftypes.String, "old.state@example.com"),
		"external_ref": tftypes.NewValue(tftypes.String, "ref-1"),
		"has_password": tftypes.NewValue(tftypes.Bool, false),
		"created_at":   tftypes.NewValue(tftypes.String, oldTime(c.CreatedAt)),
		"updated_at":   tftypes.NewValue(tftypes.String, oldTime(c.UpdatedAt)),
	})
	assertSameValue(t, "upgraded state", typ, upgraded.UpgradedState, want)

	read, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "moltin_customer", CurrentState: upgraded.UpgradedState})
	if err != nil || len(read.Diagnostics) > 0 {
		t.Fatalf("read: %v %v", err, read.Diagnostics)
	}
	assertSameValue(t, "refreshed state", typ, read.NewState, want)

	config := newObject(t, typ, map[string]tftypes.Value{
		"name":         tftypes.NewValue(tftypes.String, "Old State"),
		"email":        tftypes.NewValue(tftypes.String, "old.state@example.com"),
		"external_ref": tftypes.NewValue(tftypes.String, "ref-1"),
	})
	plan, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "moltin_customer", PriorState: read.NewState, ProposedNewState: proposedNewState(t, typ, read.NewState, config), Config: config,
	})
	if err != nil || len(plan.Diagnostics) > 0 {
		t.Fatalf("plan: %v %v", err, plan.Diagnostics)
	}
	assertSameValue(t, "planned state", typ, plan.PlannedState, want)
	if len(plan.RequiresReplace) > 0 {
		t.Errorf("the plan replaces the customer for %v", plan.RequiresReplace)
	}
}

func ptr[T any](v T) *T { return &v }

// newObject is an object of typ with the attributes given and null for the
// rest (dynamicValue, as a pointer).
func newObject(t *testing.T, typ tftypes.Type, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	return ptr(dynamicValue(t, typ.(tftypes.Object), attrs))
}

// proposedNewState is what a CLI proposes for an unchanged configuration:
// the configuration's values, and the prior state's for computed attributes
// that the configuration leaves null.
func proposedNewState(t *testing.T, typ tftypes.Type, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	t.Helper()
	pm, cm := objectAttrs(t, typ, prior), objectAttrs(t, typ, config)
	out := map[string]tftypes.Value{}
	for name, v := range cm {
		out[name] = v
		if v.IsNull() {
			switch name {
			case "id", "has_password", "created_at", "updated_at":
				out[name] = pm[name]
			}
		}
	}
	return newObject(t, typ, out)
}

func assertSameValue(t *testing.T, what string, typ tftypes.Type, got, want *tfprotov6.DynamicValue) {
	t.Helper()
	g, w := objectValue(t, typ, got), objectValue(t, typ, want)
	if !g.Equal(w) {
		diffs, _ := g.Diff(w)
		t.Errorf("%s differs from the state the previous version wrote: %v\ngot  %s\nwant %s", what, diffs, g, w)
	}
}

func objectValue(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func objectAttrs(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := objectValue(t, typ, dv).As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs
}
