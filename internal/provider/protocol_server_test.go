package provider

import (
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The tests of list resources and actions call the provider through the
// plugin protocol, served in the test process, as Terraform 1.14 does.

// servedProvider is plain as S, the protocol calls a test needs (kind names
// them when plain lacks them), configured for env: its address and
// credentials, with settings on top. It returns it with the schemas it
// announced.
func servedProvider[S tfprotov6.ProviderServer](t *testing.T, plain tfprotov6.ProviderServer, kind string, env *testEnv, settings map[string]tftypes.Value) (S, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	server, ok := plain.(S)
	if !ok {
		t.Fatalf("the provider server (%T) does not serve %s", plain, kind)
	}
	ctx := t.Context()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	requireNoDiagnostics(t, "GetProviderSchema", schemas.Diagnostics)
	all := map[string]tftypes.Value{
		"api_base_url":  tftypes.NewValue(tftypes.String, env.URL),
		"client_id":     tftypes.NewValue(tftypes.String, env.ClientID),
		"client_secret": tftypes.NewValue(tftypes.String, env.ClientSecret),
	}
	maps.Copy(all, settings)
	config := dynamicValue(t, schemas.Provider.ValueType().(tftypes.Object), all)
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	requireNoDiagnostics(t, "ConfigureProvider", resp.Diagnostics)
	return server, schemas
}

// dynamicValue is an object of typ with the attributes given and every
// other one null.
func dynamicValue(t *testing.T, typ tftypes.Object, attrs map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	full := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		full[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("the schema has no attribute %q", name)
		}
		full[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, full))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}
