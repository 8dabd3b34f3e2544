package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// Helpers that every resource, data source, list resource and ephemeral
// resource of the provider uses.

// clientFromProviderData takes the API client that the provider's Configure
// hands to resources, data sources and ephemeral resources. It is nil while
// the provider is not configured yet (during validation).
func clientFromProviderData(data any, diags *diag.Diagnostics) *moltin.Client {
	if data == nil {
		return nil
	}
	client, ok := data.(*moltin.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *moltin.Client, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return client
}

// setIdentity records a resource's identity (a tfsdk-tagged struct of the
// values that never change) on clients that keep one: Terraform and OpenTofu
// 1.12+ keep it beside the state and accept it in import blocks; older
// clients pass none.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, v any) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, v)
}

// timeValue is an API timestamp as an RFC 3339 string in UTC, with the
// fraction of a second the API gave (timetypes.NewRFC3339TimeValue would drop
// it); null when the API gave none.
func timeValue(t time.Time) timetypes.RFC3339 {
	if t.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.RFC3339{StringValue: types.StringValue(t.UTC().Format(time.RFC3339Nano))}
}

// modelSource is what a model is read from: a request's plan, state or
// configuration.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// modelFrom is the start of a resource's CRUD method or a data source's Read
// where the model holds no secret: the model read from src, and a context
// that masks secrets in every log line. ok is false when the model could not
// be read (the diagnostics say why).
func modelFrom[M any](ctx context.Context, src modelSource, diags *diag.Diagnostics) (_ context.Context, m M, ok bool) {
	diags.Append(src.Get(ctx, &m)...)
	return maskSecrets(ctx), m, !diags.HasError()
}

// maskSecrets masks the values in every log line written with ctx, a second
// line of defence behind the client, which never logs bodies.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "password", "password_wo", "client_secret", "token", "access_token", "Authorization")
	if len(secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return ctx
}

// pointedFields names, in order, the attributes of the request body that an
// API error's source.pointer points at ("/data/<field>"), for resources to
// show the error on the attribute's line.
func pointedFields(err error) []string {
	var apiErr *moltin.APIError
	if !errors.As(err, &apiErr) {
		return nil
	}
	var fields []string
	for _, o := range apiErr.Errors {
		if o.Source != nil {
			fields = append(fields, strings.TrimPrefix(o.Source.Pointer, "/data/"))
		}
	}
	return fields
}

// addAPIError adds err as a diagnostic on the attribute that the API's error
// points at (source.pointer /data/<field>) when fields names it.
func addAPIError(client *moltin.Client, diags *diag.Diagnostics, summary string, err error, fields map[string]string, secrets ...string) {
	msg := client.Redact(err.Error(), secrets...)
	for _, f := range pointedFields(err) {
		if attr, ok := fields[f]; ok {
			diags.AddAttributeError(path.Root(attr), summary, msg)
			return
		}
	}
	diags.AddError(summary, msg)
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
