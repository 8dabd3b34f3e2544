package clitest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestAlive: a running process is alive; one that has exited is not,
// whether a zombie not yet reaped or reaped and gone.
func TestAlive(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("reads process states from /proc")
	}
	if !Alive(os.Getpid()) {
		t.Error("this process is not alive")
	}
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	for deadline := time.Now().Add(10 * time.Second); Alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("an exited, unreaped process (a zombie) is alive")
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if Alive(pid) {
		t.Error("a reaped process is alive")
	}
}
