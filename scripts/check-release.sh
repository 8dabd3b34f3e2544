#!/usr/bin/env bash
# Fails when goreleaser (the pinned v2 built from tools/release, cached)
# rejects .goreleaser.yml, or when terraform-registry-manifest.json does not
# declare plugin protocol 6.0, the one main.go serves.
set -euo pipefail
cd "$(dirname "$0")/.."

goreleaser=$(scripts/ensure-tool.sh release)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! "$goreleaser" check .goreleaser.yml >"$out" 2>&1; then
  cat "$out" >&2
  exit 1
fi
if ! tr -d ' \n' <terraform-registry-manifest.json | grep -q '"protocol_versions":\["6.0"\]'; then
  echo "terraform-registry-manifest.json must declare \"protocol_versions\": [\"6.0\"] (main.go serves protocol 6)" >&2
  exit 1
fi
echo ".goreleaser.yml and terraform-registry-manifest.json are valid"
