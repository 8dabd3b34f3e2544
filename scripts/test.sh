#!/usr/bin/env bash
# Runs every test: static checks (gofmt, go vet, golangci-lint at its pinned
# version, scripts/check-*.sh), the unit tests, and the acceptance suite
# against two real CLIs (OpenTofu 1.12.6 and Terraform 1.5.7). The CLIs and
# tools are built from the Go module proxy on first use and cached. Needs
# nothing but Go. `make test` runs the unit tests alone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The machine may export TF_CLI_CONFIG_FILE naming a missing file, which makes
# the CLI print a warning that breaks the testing library's version check.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc"
export CHECKPOINT_DISABLE=1

echo "== preparing the CLIs"
clis=$(scripts/ensure-clis.sh all)
tofu=$(sed -n 's/^tofu=//p' <<<"$clis")
terraform=$(sed -n 's/^terraform=//p' <<<"$clis")

echo "== static checks"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:"; echo "$unformatted"; exit 1
fi
go vet ./...
echo "== golangci-lint"
"$(scripts/ensure-tool.sh lint)" run ./...
for extra in scripts/check-*.sh; do
  [ -e "$extra" ] || continue
  echo "== $extra"
  bash "$extra"
done

parallel=${TEST_PARALLEL:-4}
status=0
summary=()

# run_suite NAME CLI PACKAGES... runs go test with TF_ACC against one CLI and
# counts what passed, failed and skipped from its JSON events.
run_suite() {
  local name=$1 cli=$2; shift 2
  echo "== go test against $name ($cli)"
  local log="$work/$name.json"
  set +e
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" go test -json -count=1 -parallel "$parallel" -timeout 40m "$@" >"$log"
  local rc=$?
  set -e
  go run ./scripts/testsummary <"$log" "$name" || true
  local line
  line=$(go run ./scripts/testsummary -count <"$log" "$name")
  summary+=("$line")
  if [ $rc -ne 0 ]; then status=1; fi
}

TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp \
  run_suite "opentofu-1.12.6" "$tofu" ./...
run_suite "terraform-1.5.7" "$terraform" ./internal/provider/...

echo "== summary"
for line in "${summary[@]}"; do echo "$line"; done
exit $status
