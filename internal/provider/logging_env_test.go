package provider

import (
	"maps"
	"testing"
)

func TestQuietUnreadLogs(t *testing.T) {
	for name, tc := range map[string]struct {
		env, want map[string]string
	}{
		"no log variables: SDK and provider loggers off": {
			env:  map[string]string{},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_MOLTIN": "OFF"},
		},
		"a subsystem level is kept": {
			env:  map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "DEBUG", "TF_LOG_PROVIDER_MOLTIN": "OFF"},
		},
		"TF_LOG set: the CLI reads the lines, nothing changes": {
			env:  map[string]string{"TF_LOG": "TRACE"},
			want: map[string]string{"TF_LOG": "TRACE"},
		},
		"TF_LOG_PROVIDER set: nothing changes": {
			env:  map[string]string{"TF_LOG_PROVIDER": "DEBUG"},
			want: map[string]string{"TF_LOG_PROVIDER": "DEBUG"},
		},
		"an explicit SDK level is kept, and its subsystems inherit it": {
			env:  map[string]string{"TF_LOG_SDK": "WARN"},
			want: map[string]string{"TF_LOG_SDK": "WARN", "TF_LOG_PROVIDER_MOLTIN": "OFF"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := maps.Clone(tc.env)
			err := QuietUnreadLogs(func(k string) string { return env[k] }, func(k, v string) error {
				env[k] = v
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(env, tc.want) {
				t.Errorf("environment %v, want %v", env, tc.want)
			}
		})
	}
}
