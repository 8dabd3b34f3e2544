// Package clitest drives a real Terraform or OpenTofu CLI against the
// provider built as a binary, installed through dev_overrides. The leak test,
// the benchmark and the demo use it where the in-process provider of
// terraform-plugin-testing would hide what a user's CLI really does: the
// provider's own process, its logs at TF_LOG=TRACE, and plan files.
package clitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// ProviderSource is the provider's address as configurations name it.
const ProviderSource = "moltin-community/moltin"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// BuildProvider builds the provider binary once per process into a temporary
// directory and returns that directory (the dev_overrides target).
func BuildProvider(ctx context.Context) (string, error) {
	buildOnce.Do(func() {
		root, err := ModuleRoot()
		if err != nil {
			buildErr = err
			return
		}
		buildDir, buildErr = os.MkdirTemp("", "moltin-provider-bin")
		if buildErr != nil {
			return
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(buildDir, "terraform-provider-moltin"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	return buildDir, buildErr
}

// ModuleRoot finds the directory of the provider's go.mod from the working
// directory upwards.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/moltin-community/terraform-provider-moltin\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod of terraform-provider-moltin not found above the working directory")
		}
		dir = parent
	}
}

// Workdir is one configuration directory with its own CLI config.
type Workdir struct {
	Dir string
	CLI string
	// Env is added to every command's environment.
	Env []string
}

// NewWorkdir makes dir a working directory in which cli uses the provider
// binary in providerDir. The CLI config installs nothing from a registry.
func NewWorkdir(cli, providerDir, dir string) (*Workdir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/%[1]s" = %[2]q
    "registry.opentofu.org/%[1]s" = %[2]q
  }
  direct {}
}
`, ProviderSource, providerDir)
	rcPath := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(rcPath, []byte(rc), 0o600); err != nil {
		return nil, err
	}
	return &Workdir{
		Dir: dir,
		CLI: cli,
		Env: []string{"TF_CLI_CONFIG_FILE=" + rcPath, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"},
	}, nil
}

// WriteFile writes a file (a configuration) into the working directory.
func (w *Workdir) WriteFile(name, content string) error {
	return os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600)
}

// Result is what one CLI command printed.
type Result struct {
	Args           []string
	Stdout, Stderr string
	ExitCode       int
}

// Run runs the CLI with args in the working directory, with extraEnv on top
// of w.Env. A non-zero exit is an error that carries the output.
func (w *Workdir) Run(ctx context.Context, extraEnv []string, args ...string) (Result, error) {
	cmd := w.command(ctx, extraEnv, args)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Args: args, Stdout: stdout.String(), Stderr: stderr.String()}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if err != nil {
		return res, w.failed(res, err)
	}
	return res, nil
}

// command is the CLI with args, to run in the working directory with
// extraEnv on top of w.Env (Run and Start).
func (w *Workdir) command(ctx context.Context, extraEnv, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.CLI, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append(filteredEnviron(), w.Env...), extraEnv...)
	return cmd
}

// failed is the error of a command that ended with err, carrying what it
// printed.
func (w *Workdir) failed(res Result, err error) error {
	return fmt.Errorf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(w.CLI), strings.Join(res.Args, " "), err, res.Stdout, res.Stderr)
}

// filteredEnviron drops the variables that would make the CLI read another
// CLI config or log elsewhere than the caller asks.
func filteredEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TF_CLI_CONFIG_FILE", "TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_LOG_CORE", "TF_ACC":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// RequiredProviders is the terraform block that selects this provider.
const RequiredProviders = `terraform {
  required_providers {
    moltin = {
      source = "` + ProviderSource + `"
    }
  }
}
`
