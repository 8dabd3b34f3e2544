#!/usr/bin/env bash
# Live mode (make testacc-live): the acceptance tests of the customer and
# address resources, the data sources, the ephemeral token and the lookups, and the
# API contract test, against the store that EPCC_CLIENT_ID,
# EPCC_CLIENT_SECRET and EPCC_API_BASE_URL name instead of an in-process
# emulator. Tests that need the emulator skip, saying why.
#
#   scripts/testacc-live.sh [go test flags...]   run the tests
#   scripts/testacc-live.sh -sweep               delete what crashed runs left
#
# Every customer made has an email tfacc-<run id>-…@example.com; the run id
# is MOLTIN_ACC_RUN if set, else random, and is printed first. The sweeper
# deletes such customers older than MOLTIN_ACC_SWEEP_MIN_AGE (default 1h),
# or with MOLTIN_ACC_RUN set that run's only, and never anything else.
# The CLI is TF_ACC_TERRAFORM_PATH if set, else the cached OpenTofu.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for v in EPCC_CLIENT_ID EPCC_CLIENT_SECRET EPCC_API_BASE_URL; do
  [ -n "${!v:-}" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "testacc-live: live mode needs EPCC_CLIENT_ID, EPCC_CLIENT_SECRET and EPCC_API_BASE_URL to name a store; not set: ${missing[*]}" >&2
  exit 2
fi
export MOLTIN_ACC_LIVE=1

if [ "${1:-}" = "-sweep" ]; then
  shift
  exec go test -count=1 -run '^$' "$@" ./internal/provider/ -sweep=live
fi

export MOLTIN_ACC_RUN=${MOLTIN_ACC_RUN:-$(printf '%04x%04x' $((RANDOM % 65536)) $((RANDOM % 65536)))}
echo "testacc-live: run $MOLTIN_ACC_RUN against $EPCC_API_BASE_URL; every customer made has an email beginning tfacc-$MOLTIN_ACC_RUN-" >&2

if [ -z "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  TF_ACC_TERRAFORM_PATH=$(scripts/ensure-clis.sh tofu | sed -n 's/^tofu=//p')
  export TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp
fi
export TF_ACC_TERRAFORM_PATH TF_ACC=1 CHECKPOINT_DISABLE=1
# A CLI config file that does not exist breaks the testing library's version
# check: use an empty one.
if [ ! -f "${TF_CLI_CONFIG_FILE:-/nonexistent}" ]; then
  TF_CLI_CONFIG_FILE=$(mktemp)
  export TF_CLI_CONFIG_FILE
  trap 'rm -f "$TF_CLI_CONFIG_FILE"' EXIT
fi

go test -count=1 -parallel "${TEST_PARALLEL:-4}" -timeout 60m -run '^(TestAcc|TestContract)' "$@" ./internal/provider/ ./internal/moltin/
