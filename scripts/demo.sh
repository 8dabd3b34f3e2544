#!/usr/bin/env bash
# The demo: builds the provider, starts the emulator, applies examples/demo
# through dev_overrides, changes one attribute, and prints the requests the
# API saw at each step.
#
# The CLI: a Terraform or OpenTofu 1.11 or later already on PATH (the demo's
# password is write-only, which older CLIs lack), tofu first; DEMO_CLI names
# one explicitly. Only when there is none is OpenTofu 1.12.6 built from the
# Go module proxy (about 7 minutes, then cached). The test command keeps its
# pinned CLIs whatever is on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

# cli_version PATH prints the CLI's version (1.11.4), with an empty CLI
# configuration: the machine's own may name a file that is missing.
cli_version() {
  TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\).*/\1/p' | head -1
}

# at_least VERSION MIN: VERSION >= MIN.
at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

cli=${DEMO_CLI:-}
if [ -z "$cli" ]; then
  for name in tofu terraform; do
    path=$(command -v "$name" 2>/dev/null) || continue
    version=$(cli_version "$path")
    if [ -n "$version" ] && at_least "$version" 1.11; then
      cli=$path
      echo "== using $name $version from PATH ($path)"
      break
    fi
    echo "== $path is ${version:-of unknown version}; the demo needs 1.11 or later" >&2
  done
fi
if [ -z "$cli" ]; then
  echo "== no Terraform or OpenTofu 1.11+ on PATH: using OpenTofu 1.12.6, built from the Go module proxy on first use"
  cli=$(scripts/ensure-clis.sh tofu | sed -n 's/^tofu=//p')
fi
exec go run ./internal/devtools/demo -cli "$cli"
