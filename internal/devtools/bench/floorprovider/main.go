// Command floorprovider is the benchmark's lower bound: a provider with the
// moltin provider's schema and the moltin_customer resource's schema,
// validation and plan modification, whose create, read, update and delete
// make no request and do the least the framework accepts (copy the plan into
// the state and fill in the computed values). Each of them only waits for
// $MOLTIN_FLOOR_LATENCY, as a request to an API with that latency and no
// cost of its own would, and the first call in a process waits once more,
// as for its token. That is the ideal provider of this schema on
// terraform-plugin-framework: what it measures in a step, no such provider
// can go below on the same machine. `go run ./internal/devtools/bench` builds it and
// runs every unlimited step on it too.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/moltin-community/terraform-provider-moltin/internal/provider"
)

func main() {
	if err := provider.QuietUnreadLogs(os.Getenv, os.Setenv); err != nil {
		log.Fatal(err)
	}
	// Served as main serves the real provider, so that the framework keeps
	// no more of each RPC than it does there.
	err := tf6server.Serve(provider.ProviderAddress, provider.NewProtocol6Server(floorProvider{Provider: provider.New("floor")()}))
	if err != nil {
		log.Fatal(err)
	}
}

// floorProvider keeps the real provider's metadata and schema, configures
// nothing and serves only the floor customer.
type floorProvider struct {
	fwprovider.Provider
}

func (floorProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newFloorCustomer}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// customerSchema is what the floor keeps of moltin_customer: its metadata,
// schema, validation, plan modification and identity schema.
type customerSchema interface {
	resource.ResourceWithModifyPlan
	resource.ResourceWithValidateConfig
	resource.ResourceWithIdentity
}

var _ customerSchema = floorCustomer{}

// floorCustomer is moltin_customer without the API: its own create, read,
// update and delete take the place of the real ones.
type floorCustomer struct {
	customerSchema
}

func newFloorCustomer() resource.Resource {
	customer, ok := provider.NewCustomerResource().(customerSchema)
	if !ok {
		panic("moltin_customer no longer implements ModifyPlan, ValidateConfig and IdentitySchema; update the floor provider")
	}
	return floorCustomer{customerSchema: customer}
}

var nextID atomic.Int64

// apiLatency is how long each call waits instead of a request.
var apiLatency = func() time.Duration {
	d, err := time.ParseDuration(os.Getenv("MOLTIN_FLOOR_LATENCY"))
	if err != nil {
		return 0
	}
	return d
}()

var token sync.Once

// request stands in for one API request: the process's first also waits
// for a token, and its concurrent callers with it, as the client's do.
func request() {
	token.Do(func() { time.Sleep(apiLatency) })
	time.Sleep(apiLatency)
}

func (floorCustomer) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	request()
	id := fmt.Sprintf("floor-%d-%d", os.Getpid(), nextID.Add(1))
	state, err := known(req.Plan.Raw, id)
	if err != nil {
		resp.Diagnostics.AddError("floor create", err.Error())
		return
	}
	resp.State.Raw = state
	setIdentity(ctx, resp.Identity, id)
}

// Read keeps the state as it is: nothing changed outside.
func (floorCustomer) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) { request() }

func (floorCustomer) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	request()
	state, err := known(req.Plan.Raw, "")
	if err != nil {
		resp.Diagnostics.AddError("floor update", err.Error())
		return
	}
	resp.State.Raw = state
}

func (floorCustomer) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	request()
}

// known fills in the plan's unknown top-level values, as the API's answer
// would: the id, the timestamps and has_password.
func known(plan tftypes.Value, id string) (tftypes.Value, error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if len(p.Steps()) != 1 || v.IsKnown() {
			return v, nil
		}
		switch p.Steps()[0] {
		case tftypes.AttributeName("id"):
			return tftypes.NewValue(tftypes.String, id), nil
		case tftypes.AttributeName("has_password"):
			return tftypes.NewValue(tftypes.Bool, true), nil
		case tftypes.AttributeName("created_at"), tftypes.AttributeName("updated_at"):
			return tftypes.NewValue(tftypes.String, now), nil
		}
		return v, fmt.Errorf("unexpected unknown value at %s", p)
	})
}

func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id string) {
	if identity == nil {
		return
	}
	identity.Raw = tftypes.NewValue(identity.Schema.Type().TerraformType(ctx), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
}
