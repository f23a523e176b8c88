#!/usr/bin/env bash
# Prepares the root filesystem tree of the compliance-runner image (govstack/compliance-runner,
# src/compliance/job.ts): GovStack's suites at the pinned commits, each with the dependencies
# it pins itself (a cucumber-js suite's package.json, installed by npm into node_modules; a
# behave suite's requirements.txt, installed by pip into python/), and the project's entry.js /
# redirect.js / results.js / python/sitecustomize.py.
#
#   scripts/images/compliance-runner.sh <govstack compliance folder> <output folder>
#
# <govstack compliance folder> holds <building-block id>/<suite dir>/ as extracted from each
# repository at its pinned commit (e.g. /work/shared/govstack/compliance, see its SOURCES.txt);
# nothing of it is committed to this project. The suites run and their folders come from
# src/compliance/suites.ts (compiled: run `npx tsc -p tsconfig.json` first).
#
# Output: <output>/opt/govstack-compliance/{entry.js,redirect.js,results.js,python/,suites/<id>/},
# each suites/<id>/ shaped like the building block's repository: the suite at its own path in it
# (e.g. test/openAPI/) and the repository files it reads beside (suites.ts `repositoryFiles`, read
# from GOVSTACK_API_SOURCES, default <govstack compliance folder>/../api: the API documents at
# the same commits).
# Python packages are installed with PYTHON (default python3), which must be the Python the
# image carries (build.sh copies it): compiled wheels match its version. build.sh adds the
# runtimes and scripts/images/mkimage.py packs the image; for host mode pass
# --suites <output>/opt/govstack-compliance/suites to `govstack compliance --host`.
#
# GovStack publishes no lock files for the suites: dependencies resolve from the ranges in each
# package.json (exact for @cucumber/cucumber and pactum in most suites) or requirements.txt.
# Idempotent: a suite whose dependency file is unchanged keeps its installed dependencies.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <govstack compliance folder> <output folder>" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
api=${GOVSTACK_API_SOURCES:-$src/../api}
out=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
dist="$here/dist/src/compliance"
for f in entry.js redirect.js results.js suites.js; do
  [[ -f "$dist/$f" ]] || { echo "$0: $dist/$f missing; run npx tsc -p tsconfig.json first" >&2; exit 2; }
done

root="$out/opt/govstack-compliance"
mkdir -p "$root/suites"
cp "$dist/entry.js" "$dist/redirect.js" "$dist/results.js" "$root/"
mkdir -p "$root/python"
cp "$here/src/compliance/python/sitecustomize.py" "$root/python/"
python=${PYTHON:-python3}

# "<id> <runner> <dir> [<repository file>...]" for every suite the project runs (one source: suites.ts).
mapfile -t suites < <(node -e '
  const { complianceSuites } = require(process.argv[1]);
  for (const s of complianceSuites) console.log([s.buildingBlock, s.runner, s.dir, ...(s.repositoryFiles ?? [])].join(" "));
' "$dist/suites.js")

for line in "${suites[@]}"; do
  read -r id runner dir reads <<<"$line"
  from="$src/$id/$dir"
  to="$root/suites/$id/$dir"
  for f in $reads; do
    [[ -f "$api/$id/$f" ]] || { echo "$0: $api/$id/$f missing (the $id suite reads it; GOVSTACK_API_SOURCES)" >&2; exit 2; }
    mkdir -p "$root/suites/$id/$(dirname "$f")"
    cp "$api/$id/$f" "$root/suites/$id/$f"
  done
  case $runner in
    cucumber-js) pins=package.json installed=node_modules/@cucumber/cucumber ;;
    behave) pins=requirements.txt installed=python/behave ;;
    *) echo "$0: $id: unknown runner $runner" >&2; exit 2 ;;
  esac
  [[ -f "$from/$pins" ]] || { echo "$0: $from/$pins missing" >&2; exit 2; }
  if [[ -f "$to/$pins" ]] && cmp -s "$from/$pins" "$to/$pins" && [[ -e "$to/$installed" ]]; then
    echo "$id: up to date"
    continue
  fi
  rm -rf "$to"
  mkdir -p "$to"
  cp -R "$from/." "$to/"
  chmod -R u+w "$to"
  rm -rf "$to/docker" "$to/docker-compose.yaml" "$to/docker-compose.yml" "$to/Dockerfile" "$to/result" "$to/results"
  if [[ $runner == behave ]]; then
    echo "$id: pip install ($(grep -v '^#' "$to/$pins" | tr '\n' ' '))"
    "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-compile --target "$to/python" -r "$to/$pins"
  else
    echo "$id: npm install ($(node -p 'const p=require(process.argv[1]);JSON.stringify({...p.dependencies,...p.devDependencies})' "$to/package.json"))"
    (cd "$to" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
done
echo "prepared $root"
