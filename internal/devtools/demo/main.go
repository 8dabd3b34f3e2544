// Command demo applies examples/demo with a real Terraform or OpenTofu CLI
// (scripts/demo.sh picks one) against the emulator, changes one attribute, and shows the requests the API saw at
// each step: what the provider sends, and that it sends only what changed.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moltin-community/terraform-provider-moltin/internal/clitest"
	"github.com/moltin-community/terraform-provider-moltin/internal/emulator"
)

func main() {
	cli := flag.String("cli", "", "path of the tofu or terraform binary")
	flag.Parse()
	if err := run(*cli); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(cli string) error {
	if cli == "" {
		return fmt.Errorf("-cli is required (scripts/demo.sh passes a Terraform or OpenTofu 1.11+)")
	}
	name := strings.TrimSuffix(filepath.Base(cli), ".exe")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	root, err := clitest.ModuleRoot()
	if err != nil {
		return err
	}
	step("building the provider")
	providerDir, err := clitest.BuildProvider(ctx)
	if err != nil {
		return err
	}
	secret := "demo-secret-" + rand.Text()
	emu, err := emulator.Start(emulator.Config{ClientID: "demo-client", ClientSecret: secret})
	if err != nil {
		return err
	}
	defer emu.Close()
	fmt.Printf("emulator listening on %s\n", emu.URL)

	dir, err := os.MkdirTemp("", "moltin-demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w, err := clitest.NewWorkdir(cli, providerDir, dir)
	if err != nil {
		return err
	}
	example, err := os.ReadFile(filepath.Join(root, "examples", "demo", "main.tf"))
	if err != nil {
		return err
	}
	if err := w.WriteFile("main.tf", string(example)); err != nil {
		return err
	}
	w.Env = append(w.Env,
		"EPCC_API_BASE_URL="+emu.URL,
		"EPCC_CLIENT_ID=demo-client",
		"EPCC_CLIENT_SECRET="+secret,
		"TF_VAR_customer_password=demo-"+rand.Text(),
	)

	step(name + " apply: create the three customers of examples/demo")
	if err := apply(ctx, w, emu, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}

	step("change one attribute (the vip customer's name) and apply again")
	if err := w.WriteFile("rename.auto.tfvars", `customers = {
  shopper = { name = "Sam Shopper", email = "sam.shopper@example.com" }
  vip     = { name = "Vera V. Important", email = "vera.vip@example.com" }
  support = { name = "Sid Support", email = "sid.support@example.com" }
}
`); err != nil {
		return err
	}
	if err := apply(ctx, w, emu, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}

	step("plan again: nothing to change")
	if err := apply(ctx, w, emu, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		return err
	}

	step(name + " destroy")
	if err := apply(ctx, w, emu, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	if n := len(emu.Customers()); n != 0 {
		return fmt.Errorf("%d customers left after destroy", n)
	}
	step("done: every step sent only what it had to")
	return nil
}

func apply(ctx context.Context, w *clitest.Workdir, emu *emulator.Running, args ...string) error {
	emu.ResetRequests()
	res, err := w.Run(ctx, nil, args...)
	if err != nil {
		return err
	}
	fmt.Print(indent(lastLines(res.Stdout, 12)))
	fmt.Println("  requests the API saw:")
	for _, r := range emu.Requests() {
		line := fmt.Sprintf("    %-6s %-45s %d", r.Method, r.Path, r.Status)
		if r.Query != "" {
			line += "  ?" + r.Query
		}
		if len(r.Body) > 0 && r.Kind != "token" {
			line += "  " + string(r.Body)
		}
		fmt.Println(line)
	}
	return nil
}

func step(s string) { fmt.Printf("\n== %s\n", s) }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	return strings.Join(kept, "\n") + "\n"
}

func indent(s string) string {
	return "  | " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  | ") + "\n"
}
