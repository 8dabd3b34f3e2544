package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/moltin-community/terraform-provider-moltin/internal/moltin"
)

// settingsEnv lists every variable clientConfig reads, so that each case
// starts from an empty environment.
var settingsEnv = [][]string{envClientID, envClientSecret, envBaseURL, envMaxRequestsPerSecond, envMaxRetries, envRequestTimeout}

type clientConfigCase struct {
	name  string
	block func(m *providerModel)
	env   map[string]string
	want  func(c *moltin.Config) // the expected config, from the defaults
	// errs are the attributes with an error, each with a part of its detail.
	errs map[string]string
}

// TestClientConfig reads the settings from the provider block and from the
// environment, without a CLI. It sets the process environment, so it does
// not run in parallel.
func TestClientConfig(t *testing.T) {
	credentials := func(m *providerModel) {
		m.ClientID, m.ClientSecret = types.StringValue("id"), types.StringValue("secret")
	}
	// badEnv is a case of one invalid environment variable.
	badEnv := func(name, key, value, attr, detail string) clientConfigCase {
		return clientConfigCase{name: name, block: credentials, env: map[string]string{key: value}, errs: map[string]string{attr: detail}}
	}
	for _, tc := range []clientConfigCase{
		{
			name:  "defaults",
			block: credentials,
			want:  func(*moltin.Config) {},
		},
		{
			name: "everything from the block",
			block: func(m *providerModel) {
				credentials(m)
				m.APIBaseURL = types.StringValue("https://useast.api.elasticpath.com")
				m.MaxRequestsPerSecond = types.Float64Value(100)
				m.MaxRetries = types.Int64Value(3)
				m.RequestTimeout = timetypes.NewGoDurationValueFromStringMust("1m")
			},
			want: func(c *moltin.Config) {
				c.BaseURL = "https://useast.api.elasticpath.com"
				c.MaxRequestsPerSecond, c.MaxRetries, c.RequestTimeout = 100, 3, time.Minute
			},
		},
		{
			name: "everything from the environment",
			env: map[string]string{
				"EPCC_CLIENT_ID": "id", "EPCC_CLIENT_SECRET": "secret", "EPCC_API_BASE_URL": "http://127.0.0.1:8080",
				"EPCC_MAX_REQUESTS_PER_SECOND": "0.5", "EPCC_MAX_RETRIES": "100", "EPCC_REQUEST_TIMEOUT": "1500ms",
			},
			want: func(c *moltin.Config) {
				c.BaseURL = "http://127.0.0.1:8080"
				c.MaxRequestsPerSecond, c.MaxRetries, c.RequestTimeout = 0.5, 100, 1500*time.Millisecond
			},
		},
		{
			name: "the older MOLTIN_ names",
			env:  map[string]string{"MOLTIN_CLIENT_ID": "id", "MOLTIN_CLIENT_SECRET": "secret", "MOLTIN_API_BASE_URL": "https://euwest.api.elasticpath.com"},
			want: func(c *moltin.Config) { c.BaseURL = "https://euwest.api.elasticpath.com" },
		},
		{
			name: "EPCC_ wins over MOLTIN_",
			env:  map[string]string{"EPCC_CLIENT_ID": "id", "MOLTIN_CLIENT_ID": "old", "EPCC_CLIENT_SECRET": "secret", "MOLTIN_CLIENT_SECRET": "old"},
			want: func(*moltin.Config) {},
		},
		{
			name: "the block wins over the environment",
			block: func(m *providerModel) {
				credentials(m)
				m.MaxRetries = types.Int64Value(2)
				m.RequestTimeout = timetypes.NewGoDurationValueFromStringMust("10s")
			},
			env:  map[string]string{"EPCC_CLIENT_ID": "env-id", "EPCC_MAX_RETRIES": "not a number", "EPCC_REQUEST_TIMEOUT": "soon"},
			want: func(c *moltin.Config) { c.MaxRetries, c.RequestTimeout = 2, 10*time.Second },
		},
		{
			name:  "max_retries 0 turns retries off",
			block: func(m *providerModel) { credentials(m); m.MaxRetries = types.Int64Value(0) },
			want:  func(c *moltin.Config) { c.RetriesOff = true },
		},
		{
			name:  "EPCC_MAX_RETRIES=0 turns retries off",
			block: credentials,
			env:   map[string]string{"EPCC_MAX_RETRIES": "0"},
			want:  func(c *moltin.Config) { c.RetriesOff = true },
		},
		{
			name: "missing credentials",
			errs: map[string]string{
				"client_id":     "EPCC_CLIENT_ID or MOLTIN_CLIENT_ID",
				"client_secret": "EPCC_CLIENT_SECRET or MOLTIN_CLIENT_SECRET",
			},
		},
		{
			name:  "plain http to a remote host",
			block: func(m *providerModel) { credentials(m); m.APIBaseURL = types.StringValue("http://api.moltin.com") },
			errs:  map[string]string{"api_base_url": "plain http to a host that is not loopback"},
		},
		badEnv("rate below the least", "EPCC_MAX_REQUESTS_PER_SECOND", "0.09", "max_requests_per_second", `EPCC_MAX_REQUESTS_PER_SECOND="0.09": want a number of at least 0.1`),
		badEnv("rate not a number", "EPCC_MAX_REQUESTS_PER_SECOND", "fast", "max_requests_per_second", "want a number of at least 0.1"),
		badEnv("rate not a number at all", "EPCC_MAX_REQUESTS_PER_SECOND", "NaN", "max_requests_per_second", "want a number of at least 0.1"),
		badEnv("rate infinite", "EPCC_MAX_REQUESTS_PER_SECOND", "+Inf", "max_requests_per_second", "want a number of at least 0.1"),
		badEnv("retries above the most", "EPCC_MAX_RETRIES", "101", "max_retries", `EPCC_MAX_RETRIES="101": want a whole number from 0 to 100`),
		badEnv("retries negative", "EPCC_MAX_RETRIES", "-1", "max_retries", "want a whole number from 0 to 100"),
		badEnv("timeout not a duration", "EPCC_REQUEST_TIMEOUT", "soon", "request_timeout", `EPCC_REQUEST_TIMEOUT="soon": time: invalid duration "soon"`),
		badEnv("timeout zero", "EPCC_REQUEST_TIMEOUT", "0s", "request_timeout", `0s is not a positive duration`),
		{
			name: "timeout negative in the block",
			block: func(m *providerModel) {
				credentials(m)
				m.RequestTimeout = timetypes.NewGoDurationValueFromStringMust("-5s")
			},
			errs: map[string]string{"request_timeout": `-5s is not a positive duration`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, names := range settingsEnv {
				for _, name := range names {
					t.Setenv(name, tc.env[name])
				}
			}
			m := providerModel{
				ClientID: types.StringNull(), ClientSecret: types.StringNull(), APIBaseURL: types.StringNull(),
				MaxRequestsPerSecond: types.Float64Null(), MaxRetries: types.Int64Null(), RequestTimeout: timetypes.NewGoDurationNull(),
			}
			if tc.block != nil {
				tc.block(&m)
			}
			var diags diag.Diagnostics
			got := clientConfig(m, &diags)

			if tc.errs != nil {
				if len(diags) != len(tc.errs) {
					t.Errorf("%d diagnostics, want %d: %v", len(diags), len(tc.errs), diags)
				}
				for attr, detail := range tc.errs {
					if !hasAttributeError(diags, attr, detail) {
						t.Errorf("no error on %s with %q in: %v", attr, detail, diags)
					}
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected errors: %v", diags)
			}
			want := moltin.Config{BaseURL: moltin.DefaultBaseURL, ClientID: "id", ClientSecret: "secret"}
			tc.want(&want)
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func hasAttributeError(diags diag.Diagnostics, attr, detail string) bool {
	for _, d := range diags {
		wp, ok := d.(diag.DiagnosticWithPath)
		if ok && d.Severity() == diag.SeverityError && wp.Path().Equal(path.Root(attr)) && strings.Contains(d.Detail(), detail) {
			return true
		}
	}
	return false
}

func TestJoinOr(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{"A"}, "A"},
		{[]string{"A", "B"}, "A or B"},
		{[]string{"A", "B", "C"}, "A, B or C"},
	} {
		if got := joinOr(tc.names); got != tc.want {
			t.Errorf("joinOr(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}
