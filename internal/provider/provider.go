// Package provider is the Terraform side of the Moltin provider: schemas,
// models, and the mapping of plans and state onto internal/moltin calls.
package provider

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// Environment variables read when the provider block leaves a setting out.
// The EPCC_ names are Elastic Path's current ones; the MOLTIN_ names are the
// older ones that existing pipelines still export.
var (
	envClientID             = []string{"EPCC_CLIENT_ID", "MOLTIN_CLIENT_ID"}
	envClientSecret         = []string{"EPCC_CLIENT_SECRET", "MOLTIN_CLIENT_SECRET"}
	envBaseURL              = []string{"EPCC_API_BASE_URL", "MOLTIN_API_BASE_URL"}
	envMaxRequestsPerSecond = []string{"EPCC_MAX_REQUESTS_PER_SECOND"}
	envMaxRetries           = []string{"EPCC_MAX_RETRIES"}
	envRequestTimeout       = []string{"EPCC_REQUEST_TIMEOUT"}
	envAdoptExisting        = []string{"EPCC_ADOPT_EXISTING_CUSTOMERS"}
)

// Limits of the settings, read by their validators and by the parsers of
// their environment variables alike.
const (
	minRequestsPerSecond = 0.1
	maxRetriesAllowed    = 100
)

var (
	_ provider.Provider                       = &moltinProvider{}
	_ provider.ProviderWithEphemeralResources = &moltinProvider{}
	_ provider.ProviderWithListResources      = &moltinProvider{}
	_ provider.ProviderWithActions            = &moltinProvider{}
)

type moltinProvider struct {
	version string
}

// New returns the provider factory for a release version ("dev", "test").
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &moltinProvider{version: version}
	}
}

type providerModel struct {
	ClientID             types.String         `tfsdk:"client_id"`
	ClientSecret         types.String         `tfsdk:"client_secret"`
	APIBaseURL           types.String         `tfsdk:"api_base_url"`
	MaxRequestsPerSecond types.Float64        `tfsdk:"max_requests_per_second"`
	MaxRetries           types.Int64          `tfsdk:"max_retries"`
	RequestTimeout       timetypes.GoDuration `tfsdk:"request_timeout"`
	AdoptExisting        types.Bool           `tfsdk:"adopt_existing_customers"`
}

// Serve serves the provider over protocol 6 under its registry address, for
// main and for the benchmark's variants of it, through the server that lets
// go of each RPC's context when it returns (see NewProtocol6Server). Served
// to a CLI, the process outlives neither a stop signal's requests nor its
// CLI (see lifecycle.go); a debug server is left to its terminal.
func Serve(_ context.Context, version string, debug bool) error {
	var opts []tf6server.ServeOpt
	var life *lifecycle
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		life = newLifecycle()
		defer life.watchProcess(longestRequestTimeout)()
	}
	return tf6server.Serve(ProviderAddress, newProtocol6Server(New(version)(), life), opts...)
}

// longestRequestTimeout is the longest request_timeout of the provider
// configurations of this process, or the default when none is configured:
// how long a request already sent may still take.
func longestRequestTimeout() time.Duration {
	clientsMu.Lock()
	defer clientsMu.Unlock()
	longest := time.Duration(0)
	for _, c := range clients {
		longest = max(longest, c.RequestTimeout())
	}
	if longest == 0 {
		return moltin.DefaultRequestTimeout
	}
	return longest
}

func (p *moltinProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "moltin"
	resp.Version = p.version
}

func (p *moltinProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages customers of the Moltin API (Elastic Path Commerce Cloud) with client credentials.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The store's client ID. Falls back to `EPCC_CLIENT_ID`, then `MOLTIN_CLIENT_ID`.",
				Optional:            true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The store's client secret. Falls back to `EPCC_CLIENT_SECRET`, then `MOLTIN_CLIENT_SECRET`. Prefer the environment variable, so that the secret is not in configuration files.",
				Optional:            true,
				Sensitive:           true,
			},
			"api_base_url": schema.StringAttribute{
				MarkdownDescription: "The API's base URL. Falls back to `EPCC_API_BASE_URL`, then `MOLTIN_API_BASE_URL`; defaults to `" + moltin.DefaultBaseURL + "`. Regional hosts are `https://useast.api.elasticpath.com` and `https://euwest.api.elasticpath.com`. Must be `https://`; plain `http://` is accepted only for loopback hosts (a local emulator).",
				Optional:            true,
			},
			"max_requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("The most API requests per second that this provider sends, over all operations of one run. Falls back to `EPCC_MAX_REQUESTS_PER_SECOND`; defaults to %d, the limit of a development store (production stores allow 100). The provider slows down below it for a while when the API answers 429.", moltin.DefaultMaxRequestsPerSecond),
				Optional:            true,
				Validators:          []validator.Float64{float64validator.AtLeast(minRequestsPerSecond)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times one request is retried after a 408, a 429, a 5xx (not for creates) or a connection failure. Falls back to `EPCC_MAX_RETRIES`; defaults to %d. `0` turns retries off.", moltin.DefaultMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, maxRetriesAllowed)},
			},
			"request_timeout": schema.StringAttribute{
				CustomType:          timetypes.GoDurationType{},
				MarkdownDescription: fmt.Sprintf("How long one HTTP attempt may take, as a positive duration such as `30s` or `1m`. Falls back to `EPCC_REQUEST_TIMEOUT`; defaults to `%s`. One operation, its retries included, is bounded by %s. When a run is interrupted, a create, update or delete already sent is still awaited this long, so that its result reaches the state.", moltin.DefaultRequestTimeout, moltin.DefaultMaxElapsed),
				Optional:            true,
			},
			"adopt_existing_customers": schema.BoolAttribute{
				MarkdownDescription: "Meant for test stores. When a create meets a customer that already has the email (left behind by a run that was killed, or by a lost state), take that customer over instead of failing: update only the attributes that differ from the configuration (and the password, when one is configured) and warn with its id. The risk: a customer that someone else created with that email (or an address of the same name, such as one that another configuration manages) is taken over, and changed, and destroyed with the resource. A customer created by the same run is never adopted. The same goes for a `moltin_customer_address` create under a customer that this run did not create: it takes over an address of the customer with the same `name` (or, without a name, an unnamed one with the same `first_name`, `last_name`, `line_1`, `postcode` and `country`) that this run did not make or take, updating it when a field differs, and warns with its id. This is the recovery from a run that was killed (SIGKILL), which no provider can catch. Falls back to `EPCC_ADOPT_EXISTING_CUSTOMERS`; defaults to `false`.",
				Optional:            true,
			},
		},
	}
}

func (p *moltinProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, a := range []struct {
		name  string
		value interface{ IsUnknown() bool }
		env   []string
	}{
		{"client_id", cfg.ClientID, envClientID},
		{"client_secret", cfg.ClientSecret, envClientSecret},
		{"api_base_url", cfg.APIBaseURL, envBaseURL},
		{"max_requests_per_second", cfg.MaxRequestsPerSecond, envMaxRequestsPerSecond},
		{"max_retries", cfg.MaxRetries, envMaxRetries},
		{"request_timeout", cfg.RequestTimeout, envRequestTimeout},
		{"adopt_existing_customers", cfg.AdoptExisting, envAdoptExisting},
	} {
		if a.value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Unknown provider setting",
				fmt.Sprintf("The provider cannot be configured because %s is not known until apply. Set it to a value known at plan time, use the %s environment variable, or apply the resource it depends on first with -target.",
					a.name, joinOr(a.env)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	mcfg := clientConfig(cfg, &resp.Diagnostics)
	mcfg.UserAgent = fmt.Sprintf("terraform-provider-moltin/%s (+https://registry.terraform.io/providers/moltin-community/moltin) Terraform/%s", p.version, req.TerraformVersion)
	mcfg.Logger = tflogLogger{}
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := sharedClient(mcfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Moltin provider", err.Error())
		return
	}
	tflog.Debug(ctx, "Moltin provider configured", map[string]any{"api_base_url": client.BaseURL()})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.EphemeralResourceData = client
	resp.ListResourceData = client
	resp.ActionData = client
}

// clientConfig reads the client's settings, each from the provider block or
// else from its environment variables, and adds an error naming the
// attribute for each one that is missing or invalid.
func clientConfig(cfg providerModel, diags *diag.Diagnostics) moltin.Config {
	clientID := stringOrEnv(cfg.ClientID, envClientID)
	clientSecret := stringOrEnv(cfg.ClientSecret, envClientSecret)
	baseURL := stringOrEnv(cfg.APIBaseURL, envBaseURL)
	if baseURL == "" {
		baseURL = moltin.DefaultBaseURL
	}
	if clientID == "" {
		diags.AddAttributeError(path.Root("client_id"), "Missing client_id",
			"The provider needs the store's client ID. Set client_id in the provider block or the "+joinOr(envClientID)+" environment variable.")
	}
	if clientSecret == "" {
		diags.AddAttributeError(path.Root("client_secret"), "Missing client_secret",
			"The provider needs the store's client secret. Set the "+joinOr(envClientSecret)+" environment variable (preferred) or client_secret in the provider block.")
	}
	if _, err := moltin.ParseBaseURL(baseURL); err != nil {
		diags.AddAttributeError(path.Root("api_base_url"), "Invalid api_base_url", err.Error())
	}

	mcfg := moltin.Config{
		BaseURL:      baseURL,
		ClientID:     clientID,
		ClientSecret: clientSecret,
	}
	if v, ok := envSetting(diags, "max_requests_per_second", cfg.MaxRequestsPerSecond.ValueFloat64Pointer(), envMaxRequestsPerSecond, parseRate); ok {
		mcfg.MaxRequestsPerSecond = v
	}
	if v, ok := envSetting(diags, "max_retries", cfg.MaxRetries.ValueInt64Pointer(), envMaxRetries, parseRetries); ok {
		mcfg.MaxRetries = int(v)
		mcfg.RetriesOff = v == 0
	}
	// The schema's type has checked the configured value's syntax; its sign,
	// and the environment variable, are checked here.
	var timeout *time.Duration
	if !cfg.RequestTimeout.IsNull() {
		d, ds := cfg.RequestTimeout.ValueGoDuration()
		diags.Append(ds...)
		timeout = &d
	}
	if v, ok := envSetting(diags, "request_timeout", timeout, envRequestTimeout, time.ParseDuration); ok {
		if v <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("%s is not a positive duration such as 30s or 2m (from request_timeout or %s).", v, joinOr(envRequestTimeout)))
		}
		mcfg.RequestTimeout = v
	}
	if v, ok := envSetting(diags, "adopt_existing_customers", cfg.AdoptExisting.ValueBoolPointer(), envAdoptExisting, parseBool); ok {
		mcfg.AdoptExistingCustomers = v
	}
	return mcfg
}

func (p *moltinProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewCustomerResource,
		NewCustomerAddressResource,
		NewCustomFieldResource,
		NewPasswordProfileResource,
		NewAccountResource,
		NewAccountMemberResource,
		NewAccountMembershipResource,
		NewAccountAuthenticationSettingsResource,
	}
}

func (p *moltinProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCustomerDataSource,
		NewCustomersDataSource,
		NewCustomerAddressesDataSource,
		NewAccountAuthenticationSettingsDataSource,
		NewAccountMemberDataSource,
		NewAccountDataSource,
	}
}

func (p *moltinProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewCustomerTokenEphemeralResource,
		NewAccountMemberTokenEphemeralResource,
	}
}

// ListResources are for `terraform query` (Terraform 1.14+). Older clients,
// and OpenTofu, never ask for them.
func (p *moltinProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewCustomerListResource,
		NewCustomerAddressListResource,
		NewAccountMemberListResource,
		NewAccountListResource,
	}
}

// Actions are for `terraform apply -invoke` and action_trigger blocks
// (Terraform 1.14+). Older clients, and OpenTofu, never ask for them.
func (p *moltinProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewDeleteCustomersAction,
		NewDeleteAccountMembersAction,
	}
}

// Terraform may configure the provider more than once in one process. One
// client per distinct configuration keeps one token and one rate limiter
// for the whole process, as the API's limits are per store, not per call.
var (
	clientsMu sync.Mutex
	clients   = map[[32]byte]*moltin.Client{}
)

func sharedClient(cfg moltin.Config) (*moltin.Client, error) {
	key := sha256.Sum256(fmt.Appendf(nil, "%q|%q|%q|%q|%v|%d|%t|%d|%t", cfg.BaseURL, cfg.ClientID, cfg.ClientSecret, cfg.UserAgent,
		cfg.MaxRequestsPerSecond, cfg.MaxRetries, cfg.RetriesOff, cfg.RequestTimeout, cfg.AdoptExistingCustomers))
	clientsMu.Lock()
	defer clientsMu.Unlock()
	if c, ok := clients[key]; ok {
		return c, nil
	}
	c, err := moltin.New(cfg)
	if err != nil {
		return nil, err
	}
	clients[key] = c
	return c, nil
}

func stringOrEnv(v types.String, env []string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	for _, name := range env {
		if s := os.Getenv(name); s != "" {
			return s
		}
	}
	return ""
}

// envSetting returns the configured value if there is one, else the first
// environment variable's value as parse reads it.
func envSetting[T any](diags *diag.Diagnostics, name string, configured *T, env []string, parse func(string) (T, error)) (T, bool) {
	var zero T
	if configured != nil {
		return *configured, true
	}
	s := stringOrEnv(types.StringNull(), env)
	if s == "" {
		return zero, false
	}
	v, err := parse(s)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Invalid "+name, fmt.Sprintf("%s=%q: %v.", env[0], s, err))
		return zero, false
	}
	return v, true
}

func parseRate(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	// Written so that NaN fails too; +Inf would lift the limit altogether.
	if err != nil || !(f >= minRequestsPerSecond) || math.IsInf(f, 1) {
		return 0, fmt.Errorf("want a number of at least %v", minRequestsPerSecond)
	}
	return f, nil
}

func parseRetries(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxRetriesAllowed {
		return 0, fmt.Errorf("want a whole number from 0 to %d", maxRetriesAllowed)
	}
	return n, nil
}

func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, errors.New("want true or false")
	}
	return b, nil
}

func joinOr(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	s := names[0]
	for _, n := range names[1 : len(names)-1] {
		s += ", " + n
	}
	return s + " or " + names[len(names)-1]
}

// tflogLogger sends the client's request lines to Terraform's provider log.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
}
