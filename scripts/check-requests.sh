#!/usr/bin/env bash
# Runs the end-to-end benchmark (internal/devtools/bench) at a small size for its
# request counts: it fails when any step sends more API requests than the
# minimum (one token per provider process that calls the API, one request per
# resource per operation), which would be a regression whatever the machine.
# It includes the Account Management shoppers (account, member, membership)
# with members appearing at once; the same shoppers at the emulator's default
# member delay are reported against the minimum, not checked (their membership
# retries depend on timing).
# Its wall-time figures mean little at this size and are not checked here;
# `make bench` measures them at full size (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! go run ./internal/devtools/bench -n 10 -runs 1 >"$out" 2>&1; then
  cat "$out" >&2
  exit 1
fi
grep -e '- request ratio' -e '(reported, not checked)' "$out"
