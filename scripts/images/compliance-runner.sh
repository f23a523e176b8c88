#!/usr/bin/env bash
# Prepares the root filesystem tree of the compliance-runner image (govstack/compliance-runner,
# src/compliance/job.ts): GovStack's cucumber-js suites at the pinned commits, each with the
# dependencies its own package.json pins, and the project's entry.js / redirect.js / results.js.
#
#   scripts/images/compliance-runner.sh <govstack compliance folder> <output folder>
#
# <govstack compliance folder> holds <building-block id>/<suite dir>/ as extracted from each
# repository at its pinned commit (e.g. /work/shared/govstack/compliance, see its SOURCES.txt);
# nothing of it is committed to this project. The suites run and their folders come from
# src/compliance/suites.ts (compiled: run `npx tsc -p tsconfig.json` first).
#
# Output: <output>/opt/govstack-compliance/{entry.js,redirect.js,results.js,suites/<id>/}.
# scripts/images/mkimage.py adds the Node runtime (the host's node binary and its libraries)
# and imports the image into containerd; for host mode pass
# --suites <output>/opt/govstack-compliance/suites to `govstack compliance --host`.
#
# GovStack publishes no lock files for the suites: dependencies resolve from the ranges in each
# package.json (exact for @cucumber/cucumber and pactum in the suites this project runs).
# Idempotent: a suite whose package.json is unchanged keeps its node_modules.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <govstack compliance folder> <output folder>" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
dist="$here/dist/src/compliance"
for f in entry.js redirect.js results.js suites.js; do
  [[ -f "$dist/$f" ]] || { echo "$0: $dist/$f missing; run npx tsc -p tsconfig.json first" >&2; exit 2; }
done

root="$out/opt/govstack-compliance"
mkdir -p "$root/suites"
cp "$dist/entry.js" "$dist/redirect.js" "$dist/results.js" "$root/"

# "<id> <dir>" for every cucumber-js suite the project runs (one source: suites.ts).
mapfile -t suites < <(node -e '
  const { complianceSuites } = require(process.argv[1]);
  for (const s of complianceSuites) if (!s.notRun && s.runner === "cucumber-js") console.log(`${s.buildingBlock} ${s.dir}`);
' "$dist/suites.js")

for line in "${suites[@]}"; do
  id=${line%% *}
  dir=${line#* }
  from="$src/$id/$dir"
  to="$root/suites/$id"
  [[ -f "$from/package.json" ]] || { echo "$0: $from/package.json missing" >&2; exit 2; }
  if [[ -f "$to/package.json" ]] && cmp -s "$from/package.json" "$to/package.json" && [[ -d "$to/node_modules/@cucumber/cucumber" ]]; then
    echo "$id: up to date"
    continue
  fi
  rm -rf "$to"
  mkdir -p "$to"
  cp -R "$from/." "$to/"
  chmod -R u+w "$to"
  rm -rf "$to/docker" "$to/docker-compose.yaml" "$to/result" "$to/results"
  echo "$id: npm install ($(node -p 'const p=require(process.argv[1]);JSON.stringify({...p.dependencies,...p.devDependencies})' "$to/package.json"))"
  (cd "$to" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
done
echo "prepared $root"
