// Command hclfmt rewrites the HCL files under the directories it is given
// (.tf, .tfvars and .hcl) in canonical format with hclwrite.Format, the
// formatter that `terraform fmt` and `tofu fmt` apply, so that `make fmt`
// needs no CLI. The CLIs also rewrite interpolation-only expressions
// ("${var.x}") and quoted type constraints, which this does not:
// scripts/check-examples.sh (`tofu fmt -check`, in `make check`) stays the
// judge, and asks for those by hand.
//
//	usage: go run ./internal/devtools/hclfmt [-check] DIR...
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

func main() {
	check := flag.Bool("check", false, "list the files that are not formatted and exit 1 instead of rewriting them")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: hclfmt [-check] DIR...")
		os.Exit(2)
	}
	changed, err := run(flag.Args(), !*check)
	for _, f := range changed {
		fmt.Println(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hclfmt:", err)
		os.Exit(1)
	}
	if *check && len(changed) > 0 {
		os.Exit(1)
	}
}

// run formats every HCL file under dirs and returns those whose content
// differed, rewriting them when write is set. A file that does not parse is
// an error, left as it is.
func run(dirs []string, write bool) (changed []string, err error) {
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isHCL(path) {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out, err := format(path, src)
			if err != nil {
				return err
			}
			if bytes.Equal(src, out) {
				return nil
			}
			changed = append(changed, path)
			if !write {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return os.WriteFile(path, out, info.Mode().Perm())
		})
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}

func isHCL(path string) bool {
	for _, ext := range []string{".tf", ".tfvars", ".hcl"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

// format is src in canonical format; hclwrite.Format formats whatever it is
// given, so the syntax is checked first.
func format(path string, src []byte) ([]byte, error) {
	if _, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), nil
}
