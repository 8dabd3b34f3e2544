#!/usr/bin/env bash
# The demo: builds the provider and OpenTofu (cached after the first run),
# starts the emulator, applies examples/demo through dev_overrides, changes one
# attribute, and prints the requests the API saw at each step.
set -euo pipefail
cd "$(dirname "$0")/.."
tofu=$(scripts/ensure-clis.sh tofu | sed -n 's/^tofu=//p')
exec go run ./internal/devtools/demo -cli "$tofu"
