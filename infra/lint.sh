#!/usr/bin/env bash
# Lint the deployment files. Works offline, needs no AWS account.
#
#   bash infra/lint.sh [VENV_BIN_DIR]     (default: .venv/bin)
#
# Runs from the repository root: sam validate --lint, cfn-lint, checkov, the
# offline SAM transform check and the table.json <-> template sync check.
# Prints one summary line per tool (full output of failing tools above it) and
# exits non-zero if any of them fails.
set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/.venv/bin}"
BIN="$(cd "$BIN" 2>/dev/null && pwd)" || { echo "lint: venv bin dir '${1:-$ROOT/.venv/bin}' not found" >&2; exit 2; }
cd "$ROOT" || exit 2
export PATH="$BIN:$PATH"

TEMPLATE=infra/template.yaml

# Offline and account-free: a region for the SAM tooling, dummy credentials so
# no credential provider goes looking for real ones, no telemetry or update checks.
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"
export AWS_REGION="$AWS_DEFAULT_REGION"
export AWS_ACCESS_KEY_ID=lint-only AWS_SECRET_ACCESS_KEY=lint-only
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true

failures=0
summary=()

run() {
  local name="$1"; shift
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ "$rc" -eq 0 ]; then
    summary+=("PASS  $name")
  else
    failures=$((failures + 1))
    printf '=== %s (exit %s) ===\n%s\n\n' "$name" "$rc" "$out"
    summary+=("FAIL  $name (exit $rc)")
  fi
}

run "sam validate --lint" sam validate --lint -t "$TEMPLATE"
run "cfn-lint" cfn-lint "$TEMPLATE"
run "checkov" checkov -f "$TEMPLATE" --quiet --compact --skip-download
run "sam transform (offline)" python infra/check-sam-transform.py "$TEMPLATE"
run "table sync (infra/table.json)" python infra/check-table-sync.py "$TEMPLATE" infra/table.json

printf '%s\n' "${summary[@]}"
if [ "$failures" -ne 0 ]; then
  echo "lint: $failures check(s) failed"
  exit 1
fi
echo "lint: all checks passed"
