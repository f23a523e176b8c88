#!/usr/bin/env bash
# Independent scanners over what govstack-blueprint emits, offline and idempotent:
#
#   scripts/scan.sh                  sandbox, every example, and the declared-waiver fixture
#   scripts/scan.sh FILE..           only these blueprints
#   SCAN_REPORT=path scripts/scan.sh report elsewhere (default: scan-report.json)
#   SCAN_KEEP=dir scripts/scan.sh    keep the synthesised stacks and rendered charts there
#
# For each blueprint: `govstack synth`; checkov 3.3.30 (framework terraform_json) over each
# cdk.tf.json; each of the project's charts rendered with `helm template` exactly as its
# helm_release installs it (the stack's assets/ copy, the release's values, namespace), then
# checkov (framework kubernetes) and kube-linter 0.8.3 over the rendered manifests. polaris is
# not run: the Go module proxy refuses it at every version (scripts/toolchain.sh).
# Findings fail the scan unless waived in scripts/scan-waivers.yaml (with a justification)
# or by the blueprint's own security.overrides. Prints per scanner and as the last line
# `checks run N, passed N, failed N, waived N`; exit 0 when nothing failed.
# The tools come from the toolchain cache (scripts/toolchain.sh --only helm,checkov,kubelinter).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

eval "$(scripts/toolchain.sh --print-env)"
# Offline: no Bridgecrew platform mapping download, no version check.
export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=True
export CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false PYTHONWARNINGS=ignore

missing=()
for t in checkov helm kube-linter; do command -v "$t" >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "scan: not built: ${missing[*]}; run scripts/toolchain.sh --only helm,checkov,kubelinter" >&2
  exit 2
fi

# Build what the scan runs (no-op when dist/ is current).
npx --no-install tsc -p tsconfig.json

if [ $# -eq 0 ]; then
  # The hostile fixture extends ../valid/minimal.yaml, outside its own folder: allowed explicitly.
  set -- blueprints/sandbox.yaml blueprints/examples/*.yaml test/fixtures/hostile/declared-waiver.yaml --extends-root test/fixtures/valid
fi
args=(--report "${SCAN_REPORT:-$ROOT/scan-report.json}")
[ -z "${SCAN_KEEP:-}" ] || args+=(--keep "$SCAN_KEEP")
exec node dist/src/scan/run.js "${args[@]}" "$@"
