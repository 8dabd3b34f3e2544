package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// grpcProvider is the provider served as the CLI reaches it: go-plugin's
// gRPC server and terraform-plugin-go's tf6server in front of the framework,
// in this process, called over a real connection. tf6server builds each
// RPC's context (loggers, request ID, stop channel) as it does for the CLI.
// Its message types are internal to terraform-plugin-go, so requests are
// built from the descriptors it registers (dynamicpb).
type grpcProvider struct {
	conn     *grpc.ClientConn
	resType  tftypes.Type
	provType tftypes.Type
}

func serveGRPCProvider(t testing.TB, factory func() tfprotov6.ProviderServer) *grpcProvider {
	t.Helper()

	// The schema types, to encode and decode values.
	schemas, err := factory().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve(ProviderAddress, factory,
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	conn, err := grpc.NewClient(cfg.Addr.Network()+":"+cfg.Addr.String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		cancel()
		<-closed
	})
	return &grpcProvider{
		conn:     conn,
		resType:  schemas.ResourceSchemas["moltin_customer"].ValueType(),
		provType: schemas.Provider.ValueType(),
	}
}

// rpcMessage is one tfplugin6 request or response.
type rpcMessage struct{ *dynamicpb.Message }

func newRequest(t testing.TB, rpc string) rpcMessage {
	t.Helper()
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName("tfplugin6." + rpc + ".Request"))
	if err != nil {
		t.Fatal(err)
	}
	return rpcMessage{dynamicpb.NewMessage(d.(protoreflect.MessageDescriptor))}
}

func (m rpcMessage) field(t testing.TB, name string) protoreflect.FieldDescriptor {
	t.Helper()
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		t.Fatalf("%s has no field %s", m.Descriptor().FullName(), name)
	}
	return fd
}

func (m rpcMessage) setString(t testing.TB, name, v string) {
	m.Set(m.field(t, name), protoreflect.ValueOfString(v))
}

// setValue sets a DynamicValue field to val encoded as typ.
func (m rpcMessage) setValue(t testing.TB, name string, typ tftypes.Type, val tftypes.Value) {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, val)
	if err != nil {
		t.Fatal(err)
	}
	fd := m.field(t, name)
	v := dynamicpb.NewMessage(fd.Message())
	v.Set(fd.Message().Fields().ByName("msgpack"), protoreflect.ValueOfBytes(dv.MsgPack))
	m.Set(fd, protoreflect.ValueOfMessage(v))
}

// copyFrom sets field name to from's field fromName (a state, private data
// or identity handed back as the CLI would, without decoding it).
func (m rpcMessage) copyFrom(t testing.TB, name string, from rpcMessage, fromName string) {
	t.Helper()
	fd, ffd := m.field(t, name), from.field(t, fromName)
	if from.Has(ffd) {
		m.Set(fd, from.Get(ffd))
	}
}

// value decodes a DynamicValue field.
func (m rpcMessage) value(t testing.TB, name string, typ tftypes.Type) tftypes.Value {
	t.Helper()
	fd := m.field(t, name)
	raw := m.Get(fd).Message()
	dv := tfprotov6.DynamicValue{MsgPack: raw.Get(fd.Message().Fields().ByName("msgpack")).Bytes()}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatalf("decoding %s: %v", name, err)
	}
	return v
}

// call sends one RPC and fails on an error diagnostic.
func (p *grpcProvider) call(ctx context.Context, t testing.TB, rpc string, req rpcMessage) rpcMessage {
	t.Helper()
	respDesc := req.Descriptor().Parent().(protoreflect.MessageDescriptor).Messages().ByName("Response")
	resp := rpcMessage{dynamicpb.NewMessage(respDesc)}
	if err := p.conn.Invoke(ctx, "/tfplugin6.Provider/"+rpc, req.Message, resp.Message); err != nil {
		t.Fatalf("%s: %v", rpc, err)
	}
	if fd := respDesc.Fields().ByName("diagnostics"); fd != nil {
		list := resp.Get(fd).List()
		var errs []string
		for i := range list.Len() {
			d := list.Get(i).Message()
			fields := d.Descriptor().Fields()
			if d.Get(fields.ByName("severity")).Enum() == 1 { // ERROR
				errs = append(errs, d.Get(fields.ByName("summary")).String()+": "+d.Get(fields.ByName("detail")).String())
			}
		}
		if len(errs) > 0 {
			t.Fatalf("%s: %s", rpc, strings.Join(errs, "; "))
		}
	}
	return resp
}
