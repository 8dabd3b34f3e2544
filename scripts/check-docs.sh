#!/usr/bin/env bash
# Fails when docs/ is not exactly what scripts/docs.sh generates from the
# current schema, templates/ and examples/ (run `make generate` and commit), or
# when tfplugindocs finds the committed docs/ invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp -R templates examples "$work/src/"
DOCS_SOURCE_DIR="$work/src" DOCS_SCHEMA_OUT="$work/schema.json" scripts/docs.sh

if ! diff -ru docs "$work/src/docs" >"$work/diff"; then
  echo "docs/ is out of date with the schema, templates/ or examples/; run 'make generate' and commit docs/:" >&2
  head -n 80 "$work/diff" >&2
  exit 1
fi

tfplugindocs=$(scripts/ensure-tool.sh docs)
"$tfplugindocs" validate --provider-dir "$root" --provider-name moltin \
  --providers-schema "$work/schema.json" >"$work/validate.log" 2>&1 || {
  cat "$work/validate.log" >&2; exit 1; }
echo "docs/ is up to date and valid"
