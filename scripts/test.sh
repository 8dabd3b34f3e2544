#!/usr/bin/env bash
# Runs every test: static checks (gofmt, go vet, golangci-lint at its pinned
# version, scripts/check-*.sh), the unit tests, and the acceptance suite
# against two real CLIs (OpenTofu 1.12.6 and Terraform 1.5.7). The CLIs and
# tools are built from the Go module proxy on first use and cached. Needs
# nothing but Go. `make test` runs the unit tests alone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The default suites run against in-process emulators, whatever the caller's
# environment says.
unset MOLTIN_ACC_LIVE

# The machine may export TF_CLI_CONFIG_FILE naming a missing file, which makes
# the CLI print a warning that breaks the testing library's version check.
work=$(mktemp -d)
emulator_pid=
trap '[ -z "$emulator_pid" ] || kill "$emulator_pid" 2>/dev/null; rm -rf "$work"' EXIT
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
# Without the lock, a developer's own `make lint` cannot fail a test run.
"$(scripts/ensure-tool.sh lint)" run --allow-parallel-runners ./...
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
  go run ./internal/devtools/testsummary <"$log" "$name" || true
  local line
  line=$(go run ./internal/devtools/testsummary -count <"$log" "$name")
  summary+=("$line")
  if [ $rc -ne 0 ]; then status=1; fi
}

TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp \
  run_suite "opentofu-1.12.6" "$tofu" ./...
run_suite "terraform-1.5.7" "$terraform" ./internal/provider/...

# Live mode, proved with nothing but the three variables: the emulator
# command runs as a process of its own, at a production store's rate limit,
# and scripts/testacc-live.sh (make testacc-live) treats it as a real store
# (no in-process hooks, no request log).
emulator_cmd=./cmd/moltin-emulator
live_start=$SECONDS
echo "== live mode against a separately started emulator ($emulator_cmd), OpenTofu"
go build -o "$work/moltin-emulator" "$emulator_cmd"
"$work/moltin-emulator" -env-file "$work/live.env" -rate-limit 100 >/dev/null 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do [ -s "$work/live.env" ] && break; sleep 0.1; done
live_log="$work/live.json"
live_run=$(printf '%04x%04x' $((RANDOM % 65536)) $((RANDOM % 65536)))
set +e
(
  set -a; . "$work/live.env"; set +a
  TF_ACC_TERRAFORM_PATH="$tofu" TF_ACC_PROVIDER_HOST=registry.opentofu.org TF_ACC_PROVIDER_NAMESPACE=hashicorp \
    MOLTIN_ACC_RUN="$live_run" MOLTIN_CONTRACT_TABLE="$work/contract.txt" MOLTIN_CONTRACT_BURST=1 TEST_PARALLEL=4 \
    scripts/testacc-live.sh -json >"$live_log"
)
live_rc=$?
# Every test deleted what it made: a sweep of this run finds nothing.
swept=$(set -a; . "$work/live.env"; set +a; MOLTIN_ACC_RUN="$live_run" scripts/testacc-live.sh -sweep -v 2>&1 | sed -n 's/^sweeper moltin_customer: deleted \([0-9]*\).*/\1/p')
# Every customer the run made had an email under its prefix: checked from
# the emulator's request log, which the tests never read.
prefix_check=$(set -a; . "$work/live.env"; set +a; go run ./internal/devtools/liveprefix "$EPCC_API_BASE_URL" "$live_run")
prefix_rc=$?
set -e
go run ./internal/devtools/testsummary <"$live_log" live || true
summary+=("$(go run ./internal/devtools/testsummary -count <"$live_log" "live mode (opentofu-1.12.6, emulator process)")")
summary+=("$(go run ./internal/devtools/testsummary -skips <"$live_log")")
summary+=("  checks not made live, each logged by its test: $(grep -c 'live mode: not checked' "$live_log" || true) (they need the emulator's request log)")
summary+=("  left behind by the live run (swept afterwards): ${swept:-unknown}")
summary+=("  under the run's prefix: ${prefix_check//$'\n'/$'\n'  }")
if [ $live_rc -ne 0 ] || [ "${swept:-x}" != 0 ] || [ $prefix_rc -ne 0 ]; then status=1; fi
[ ! -s "$work/contract.txt" ] || summary+=("$(cat "$work/contract.txt")")
kill "$emulator_pid" 2>/dev/null || true
wait "$emulator_pid" 2>/dev/null || true
emulator_pid=
summary+=("  live mode took $((SECONDS - live_start)) s of this run's $SECONDS s")

echo "== summary"
for line in "${summary[@]}"; do echo "$line"; done
exit $status
