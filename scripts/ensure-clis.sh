#!/usr/bin/env bash
# Builds the Terraform-compatible CLIs that the tests and the demo drive, from the
# Go module proxy only, and caches them outside the work tree so that later runs
# (and CI on the same machine) do not pay the build again.
# Prints nothing on success but the paths, one "name=path" per line.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MOLTIN_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-moltin}
tofu_version=1.12.6
terraform_version=1.5.7
want=${1:-all}

# The cache key includes the tools module so that a change to it rebuilds.
tofu_key=$(cat "$root/tools/opentofu/go.mod" "$root/tools/opentofu/go.sum" | sha256sum | cut -c1-12)
tofu_bin="$cache/tofu-$tofu_version-$tofu_key/tofu"
terraform_bin="$cache/terraform-$terraform_version/terraform"

build_tofu() {
  [ -x "$tofu_bin" ] && return 0
  echo "building OpenTofu $tofu_version from the Go module proxy (first time only, ~7 min)..." >&2
  local tmp
  tmp=$(mktemp -d "$cache/tofu-build.XXXXXX")
  (cd "$root/tools/opentofu" && go build -trimpath -o "$tmp/tofu" github.com/opentofu/opentofu/cmd/tofu)
  mkdir -p "$(dirname "$tofu_bin")"
  mv "$tmp/tofu" "$tofu_bin"
  rmdir "$tmp"
}

build_terraform() {
  [ -x "$terraform_bin" ] && return 0
  echo "building Terraform $terraform_version from the Go module proxy (first time only, ~4 min)..." >&2
  local tmp
  tmp=$(mktemp -d "$cache/terraform-build.XXXXXX")
  GOBIN="$tmp" go install -trimpath "github.com/hashicorp/terraform@v$terraform_version"
  mkdir -p "$(dirname "$terraform_bin")"
  mv "$tmp/terraform" "$terraform_bin"
  rmdir "$tmp"
}

mkdir -p "$cache"
case "$want" in
  tofu) build_tofu; echo "tofu=$tofu_bin" ;;
  terraform) build_terraform; echo "terraform=$terraform_bin" ;;
  all) build_tofu; build_terraform; echo "tofu=$tofu_bin"; echo "terraform=$terraform_bin" ;;
  *) echo "usage: $0 [all|tofu|terraform]" >&2; exit 2 ;;
esac
