package clitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewWorkdirDevOverrides checks the CLI config that points both
// registries' addresses of the provider at the built binary.
func TestNewWorkdirDevOverrides(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWorkdir("/bin/true", "/opt/provider", filepath.Join(dir, "w"))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := os.ReadFile(filepath.Join(w.Dir, ".terraformrc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"registry.terraform.io/moltin-community/moltin" = "/opt/provider"`,
		`"registry.opentofu.org/moltin-community/moltin" = "/opt/provider"`,
	} {
		if !strings.Contains(string(rc), want) {
			t.Errorf("CLI config lacks %s:\n%s", want, rc)
		}
	}
	if !strings.Contains(strings.Join(w.Env, " "), "TF_CLI_CONFIG_FILE="+filepath.Join(w.Dir, ".terraformrc")) {
		t.Errorf("Env does not point at the CLI config: %v", w.Env)
	}
	if _, err := w.Run(t.Context(), nil, "anything"); err != nil {
		t.Errorf("running /bin/true: %v", err)
	}
}
