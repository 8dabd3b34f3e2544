package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ProviderAddress is the provider's registry address.
const ProviderAddress = "registry.terraform.io/moltin-community/moltin"

// frameworkServer is what the framework's protocol 6 server implements: the
// provider server and the optional list resource, action and state store
// RPCs, which terraform-plugin-go finds by type assertion.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// NewProtocol6Server is providerserver.NewProtocol6: the framework's protocol
// 6 server for p, except that each per-resource RPC's context is released
// when the RPC returns. main, the tests and the benchmark's providers serve
// through it.
//
// Why: terraform-plugin-framework (v1.19.0, internal/proto6server/serve.go,
// registerContext) derives a cancelable context from every RPC's context and
// appends its CancelFunc to a slice that only StopProvider empties, so the
// process keeps every RPC's context until it exits. terraform-plugin-go puts
// in each one the RPC's loggers (hclog loggers and terraform-plugin-log
// option copies, built per RPC even when logging is off) and the gRPC stream:
// about 13 KiB per RPC, 100 KiB per customer over a create, refresh, update
// and destroy, so a provider's heap grew with the size of the configuration.
// Here the framework gets a context that forwards to the RPC's until the RPC
// returns and then lets go of it; what the framework keeps is a few hundred
// bytes per RPC. See BENCHMARKS.md ("Memory and growth with N").
//
// When to remove it: the report for the framework's issue tracker is in
// BENCHMARKS.md, "Minimal reproduction for the framework's issue tracker"
// (TestContextsRetained: "heap grew by 10358 KiB over 1,000 RPCs"). Once a
// framework release makes that test log a flat heap (each RPC dropping its
// own CancelFunc when it returns), serve with providerserver.NewProtocol6
// again, delete this file and TestReleasedContext, and keep
// TestProviderHeapFlat, which then guards the framework's fix.
func NewProtocol6Server(p provider.Provider) func() tfprotov6.ProviderServer {
	return newProtocol6Server(p, nil)
}

// newProtocol6Server is NewProtocol6Server whose RPCs a lifecycle can stop
// (nil: only the CLI's StopProvider stops them).
func newProtocol6Server(p provider.Provider, life *lifecycle) func() tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(p)
	return func() tfprotov6.ProviderServer {
		s := framework()
		fs, ok := s.(frameworkServer)
		if !ok {
			panic(fmt.Sprintf("the framework's server %T lacks list resource, action or state store RPCs", s))
		}
		if life != nil {
			// The streaming RPCs, whose contexts are not the lifecycle's,
			// are stopped as the CLI's StopProvider stops them.
			life.whenStopped(func() { _, _ = fs.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}) })
		}
		return releasingServer{fs, life}
	}
}

// NewProtocol6ServerWithError is NewProtocol6Server in the form that
// terraform-plugin-testing's ProtoV6ProviderFactories take.
func NewProtocol6ServerWithError(p provider.Provider) func() (tfprotov6.ProviderServer, error) {
	factory := NewProtocol6Server(p)
	return func() (tfprotov6.ProviderServer, error) { return factory(), nil }
}

// releasingServer hands the framework released contexts on the RPCs that
// are sent once per resource, data source, ephemeral resource, list block,
// action or function call. The once-per-process RPCs (schemas, provider
// configuration, stop), the state store's (the provider has none), and the
// streaming ones, whose results are read after the method returns, go to
// the framework as they are: TestReleasingServerCoversEveryRPC names each
// and fails on an RPC of a newer framework that is in neither group.
type releasingServer struct {
	frameworkServer
	life *lifecycle
}

var _ frameworkServer = releasingServer{}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.UpgradeResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.MoveResourceState)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.GenerateResourceConfig)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ReadDataSource)
}

func (s releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ValidateEphemeralResourceConfig)
}

func (s releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.OpenEphemeralResource)
}

func (s releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.RenewEphemeralResource)
}

func (s releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.CloseEphemeralResource)
}

func (s releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ValidateListResourceConfig)
}

func (s releasingServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.ValidateActionConfig)
}

func (s releasingServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.PlanAction)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return released(ctx, s.life, req, s.frameworkServer.CallFunction)
}

// released calls rpc with a context that is ctx (ended by life's stop too)
// until rpc returns.
func released[Req, Resp any](ctx context.Context, life *lifecycle, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	ctx, done := life.rpc(ctx)
	defer done()
	rc := &releasableContext{}
	rc.ctx.Store(&ctx)
	defer rc.ctx.Store(nil)
	return rpc(rc, req)
}

// releasableContext forwards to a context until it is released, and then
// behaves as a canceled context with no values, holding nothing. Whatever
// keeps a context derived from it after the RPC keeps only this.
type releasableContext struct {
	ctx atomic.Pointer[context.Context]
}

var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func (c *releasableContext) Deadline() (time.Time, bool) {
	if ctx := c.ctx.Load(); ctx != nil {
		return (*ctx).Deadline()
	}
	return time.Time{}, false
}

func (c *releasableContext) Done() <-chan struct{} {
	if ctx := c.ctx.Load(); ctx != nil {
		return (*ctx).Done()
	}
	return closedDone
}

func (c *releasableContext) Err() error {
	if ctx := c.ctx.Load(); ctx != nil {
		return (*ctx).Err()
	}
	return context.Canceled
}

func (c *releasableContext) Value(key any) any {
	if ctx := c.ctx.Load(); ctx != nil {
		return (*ctx).Value(key)
	}
	return nil
}
