#!/usr/bin/env bash
# Generates docs/ from the provider's schema, templates/ and examples/ with
# tfplugindocs, without downloading Terraform: the schema comes from the
# provider built here and the OpenTofu CLI that scripts/ensure-clis.sh caches,
# and its list resource and action schemas from internal/devtools/listschemas.
#   usage: scripts/docs.sh
# DOCS_SOURCE_DIR names another directory holding templates/ and examples/
# (scripts/check-docs.sh passes a copy); docs/ is written beside them.
# DOCS_SCHEMA_OUT names a file to keep the schema JSON in.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=${DOCS_SOURCE_DIR:-$(pwd)}

tfplugindocs=$(scripts/ensure-tool.sh docs)
tofu=$(scripts/ensure-clis.sh tofu | sed -n 's/^tofu=//p')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A dev_overrides CLI config makes the CLI use the provider just built, with
# no registry lookup and no `init`.
go build -o "$work/bin/terraform-provider-moltin" .
cat >"$work/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/moltin-community/moltin" = "$work/bin"
  }
  direct {}
}
TFRC
mkdir "$work/config"
cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    moltin = { source = "registry.terraform.io/moltin-community/moltin" }
  }
}
TF
(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
  "$tofu" providers schema -json) >"$work/schema.full.json" 2>"$work/tofu.log" || {
  cat "$work/tofu.log" >&2; exit 1; }

# tfplugindocs looks the schema up by the bare provider name (or under
# registry.terraform.io/hashicorp/); the CLI keys it by the full source
# address, which OpenTofu may spell registry.opentofu.org.
sed -E 's#"registry\.(terraform\.io|opentofu\.org)/moltin-community/moltin":#"moltin":#' \
  "$work/schema.full.json" >"$work/schema.json"
grep -q '"provider_schemas":{"moltin":' "$work/schema.json" || {
  echo "docs.sh: the provider's schema is missing from the CLI's output" >&2; exit 1; }

# Neither CLI built here knows list resources or actions (Terraform 1.14+), so their
# schemas come from the provider itself, through the plugin protocol.
go run ./internal/devtools/listschemas <"$work/schema.json" >"$work/schema.with-lists.json"
mv "$work/schema.with-lists.json" "$work/schema.json"

"$tfplugindocs" generate \
  --provider-dir "$source_dir" \
  --provider-name moltin \
  --rendered-provider-name Moltin \
  --providers-schema "$work/schema.json" \
  --rendered-website-dir docs \
  --website-temp-dir "$work/tfplugindocs" >"$work/generate.log" 2>&1 || {
  cat "$work/generate.log" >&2; exit 1; }

if [ -n "${DOCS_SCHEMA_OUT:-}" ]; then cp "$work/schema.json" "$DOCS_SCHEMA_OUT"; fi
