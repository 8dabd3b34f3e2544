package provider

// OpenTofu and Terraform show a provider's log lines only when TF_LOG or
// TF_LOG_PROVIDER is set; otherwise they read every line from the provider's
// stderr and drop it. The plugin SDK, told no level, logs at TRACE: a dozen
// JSON lines per resource per call, about a third of the provider's CPU on a
// large apply, encoded only to be thrown away.
//
// The SDK's proto and framework subsystems inherit TF_LOG_SDK's level, but
// their fast "would this log?" check reads only their own variables: with
// those unset, every trace line is still built and masked before the root
// logger drops it (about 5% of the provider's CPU). So the subsystems are
// turned off by name too, and only when TF_LOG_SDK itself was not set.
var unreadSDKLogLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

const providerLogLevelVar = "TF_LOG_PROVIDER_MOLTIN"

// QuietUnreadLogs turns the SDK's and the provider's loggers off when the CLI
// that started the provider would drop their lines anyway: neither TF_LOG nor
// TF_LOG_PROVIDER is set. A level the user set explicitly is kept. main calls
// it before serving; the in-process provider of acceptance tests logs to the
// testing sink instead and is unaffected.
func QuietUnreadLogs(getenv func(string) string, setenv func(key, value string) error) error {
	if getenv("TF_LOG") != "" || getenv("TF_LOG_PROVIDER") != "" {
		return nil
	}
	var names []string
	if getenv("TF_LOG_SDK") == "" {
		names = unreadSDKLogLevelVars
	}
	for _, name := range append(names, providerLogLevelVar) {
		if getenv(name) == "" {
			if err := setenv(name, "OFF"); err != nil {
				return err
			}
		}
	}
	return nil
}
