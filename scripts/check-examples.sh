#!/usr/bin/env bash
# Fails when an example under examples/ is not in canonical format, or does
# not validate on its own with the provider built from this tree (OpenTofu,
# no registry access). Applying each example against the emulator is the
# TestAccExamples acceptance test's job.
set -euo pipefail
cd "$(dirname "$0")/.."

tofu=$(scripts/ensure-clis.sh tofu | sed -n 's/^tofu=//p')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/empty.tfrc"

if ! TF_CLI_CONFIG_FILE="$work/empty.tfrc" "$tofu" fmt -check -recursive -diff examples >"$work/fmt" 2>&1; then
  echo "examples/ is not formatted; run 'make fmt':" >&2
  cat "$work/fmt" >&2
  exit 1
fi

go build -o "$work/bin/terraform-provider-moltin" .
cat >"$work/cli.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/moltin-community/moltin" = "$work/bin"
    "registry.opentofu.org/moltin-community/moltin" = "$work/bin"
  }
  direct {}
}
TFRC

# Each file is a configuration of its own (an import example with the
# resource.tf beside it, which declares its target).
status=0
n=0
while IFS= read -r file; do
  dir="$work/validate/$n"; n=$((n + 1))
  mkdir -p "$dir"
  case "$(basename "$file")" in
    import*) cp "$(dirname "$file")/resource.tf" "$dir/target.tf" ;;
  esac
  cp "$file" "$dir/example.tf"
  # Without its own terraform block, a configuration names the provider as
  # moltin-community/moltin for validation.
  if ! grep -q '^terraform {' "$dir"/*.tf; then
    printf 'terraform {\n  required_providers {\n    moltin = { source = "moltin-community/moltin" }\n  }\n}\n' >"$dir/versions.tf"
  fi
  if ! (cd "$dir" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$tofu" validate -no-color >"$dir/out" 2>&1); then
    echo "$file does not validate:" >&2
    cat "$dir/out" >&2
    status=1
  fi
# Actions need Terraform 1.14+, which OpenTofu does not read: their examples
# are only formatted here, and TestActionExamples validates, plans and
# invokes each of their blocks through the plugin protocol.
done < <(find examples -name '*.tf' -not -path 'examples/actions/*' | sort)
[ "$status" = 0 ] && echo "examples/: $n configurations formatted and valid"
exit $status
