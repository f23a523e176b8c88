#!/usr/bin/env bash
# A consumer of the packed package, end to end:
#   1. npm pack the repository (its prepare script builds the declarations and JavaScript);
#   2. install the tarball here, beside cdktf and constructs (the package's peer dependencies);
#   3. compile this project against the package's declarations;
#   4. synthesise the sandbox declared in src/sandbox.ts and compare its cdk.tf.json byte for
#      byte with `govstack synth blueprints/sandbox.yaml`;
#   5. the same for a country's own products: src/national-payments.ts against
#      blueprints/examples/ghana-national-payments.yaml;
#   6. run src/bad-inputs.ts and check that one InputError names each problem.
# Exits non-zero on the first difference. Needs the npm registry or a warm npm cache.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$HERE"
rm -rf .pack dist out node_modules package-lock.json
mkdir -p .pack out

echo "[example] npm pack"
tarball=$(cd "$ROOT" && npm pack --silent --pack-destination "$HERE/.pack" | tail -1)
mv ".pack/$tarball" .pack/govstack-blueprint.tgz
# Nothing but compiled code (with the V8 code caches and the bundles' source maps), declarations, charts and blueprints ships.
if tar -tzf .pack/govstack-blueprint.tgz | grep -Ev '^package/(package\.json|README\.md|ARCHITECTURE\.md|bin/.*|dist/src/.*\.(js|d\.ts|json|cache)|dist/src/(cli/front-end|synth/stage-bundle)\.js\.map|charts/.*|blueprints/.*)$'; then
  echo "[example] FAIL: the tarball holds files outside the published set (above)" >&2; exit 1
fi

echo "[example] npm install (the tarball, cdktf, constructs)"
npm install --no-audit --no-fund --prefer-offline --no-package-lock >/dev/null

# One copy of cdktf and constructs: the consumer's (peer dependencies, not the package's own).
for m in cdktf constructs; do
  if [[ -e node_modules/govstack-blueprint/node_modules/$m ]]; then
    echo "[example] FAIL: govstack-blueprint brought its own copy of $m" >&2; exit 1
  fi
done

echo "[example] tsc"
node "$ROOT/node_modules/typescript/bin/tsc" -p tsconfig.json

echo "[example] synth from TypeScript and from YAML"
node dist/sandbox.js out/code
(cd "$ROOT" && node bin/govstack.js synth blueprints/sandbox.yaml --out "$HERE/out/yaml" --quiet)
if cmp out/code/stacks/sandbox/cdk.tf.json out/yaml/stacks/sandbox/cdk.tf.json; then
  echo "[example] PASS: cdk.tf.json byte-identical ($(wc -c <out/code/stacks/sandbox/cdk.tf.json) bytes)"
else
  echo "[example] FAIL: cdk.tf.json differs" >&2; exit 1
fi
diff -r out/code/stacks/sandbox/assets out/yaml/stacks/sandbox/assets >/dev/null || { echo "[example] FAIL: chart assets differ" >&2; exit 1; }

echo "[example] a country's own products: synth from TypeScript and from YAML"
node dist/national-payments.js out/code-gh
(cd "$ROOT" && node bin/govstack.js synth blueprints/examples/ghana-national-payments.yaml --out "$HERE/out/yaml-gh" --quiet)
if cmp out/code-gh/stacks/gh-staging/cdk.tf.json out/yaml-gh/stacks/gh-staging/cdk.tf.json; then
  echo "[example] PASS: custom products, cdk.tf.json byte-identical ($(wc -c <out/code-gh/stacks/gh-staging/cdk.tf.json) bytes)"
else
  echo "[example] FAIL: custom products, cdk.tf.json differs" >&2; exit 1
fi

echo "[example] bad inputs"
set +e
node dist/bad-inputs.js >out/bad-inputs.txt 2>&1
code=$?
set -e
cat out/bad-inputs.txt
[[ $code -eq 2 ]] || { echo "[example] FAIL: bad-inputs.js exited $code, expected 2" >&2; exit 1; }
expected=(
  'bad-inputs.ts  /metadata/name  "KE_Test" is not valid'
  'bad-inputs.ts  /metadata/country  "Kenya" is not allowed'
  'bad-inputs.ts  /buildingBlocks/identity/replicas  must be >= 1'
  'bad-inputs.ts  /buildingBlocks/registraton  unknown property "registraton" (did you mean "registration"?)'
  'bad-inputs.ts  /mediator/organisations/0/title  contains "${"'
)
for line in "${expected[@]}"; do
  grep -qF -- "$line" out/bad-inputs.txt || { echo "[example] FAIL: no problem line starting: $line" >&2; exit 1; }
done
grep -q '^5 problems, one error:' out/bad-inputs.txt || { echo "[example] FAIL: expected exactly 5 problems" >&2; exit 1; }
echo "[example] PASS: one InputError names all 5 problems"
