#!/usr/bin/env bash
# Builds one developer tool (tfplugindocs, golangci-lint or goreleaser) from
# its pinned tools module under tools/, from the Go module proxy only, and
# caches the binary outside the work tree. Later runs, and CI on the same
# machine, reuse it. Prints the binary's path and nothing else on stdout.
#   usage: scripts/ensure-tool.sh docs|lint|release
#
# The tools modules also declare each as a `tool`, so the standard
# `go tool -modfile=tools/lint/go.mod golangci-lint run ./...` runs the same
# pinned version. The scripts keep this cache because it is faster where it
# counts (issue 22, 2 CPUs at load average ~25): `go tool` loads the tools
# module's graph and checks the build cache on every call, 1.9-2.9 s per
# later call of tfplugindocs and 7.2-7.3 s of golangci-lint (`--version`),
# against 0.4 s and 2.2-3.6 s here; first builds took 195 s (go tool) and
# 152 s (here) for tfplugindocs, 23 min for golangci-lint with go tool.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MOLTIN_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-moltin}

case "${1:-}" in
  docs) pkg=github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs ;;
  lint) pkg=github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
  release) pkg=github.com/goreleaser/goreleaser/v2 ;;
  *) echo "usage: $0 docs|lint|release" >&2; exit 2 ;;
esac
module="$root/tools/$1"
name=$(basename "$pkg")
[ "$name" = v2 ] && name=goreleaser

# The cache key is the tools module itself, so that a version bump rebuilds.
key=$(cat "$module/go.mod" "$module/go.sum" | sha256sum | cut -c1-12)
bin="$cache/$name-$key/$name"
if [ ! -x "$bin" ]; then
  echo "building $name from tools/$1 (first time only)..." >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/$name-build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$module" && GOFLAGS=-mod=mod go build -trimpath -o "$tmp/$name" "$pkg")
  mkdir -p "$(dirname "$bin")"
  mv "$tmp/$name" "$bin"
fi
echo "$bin"
