#!/usr/bin/env bash
# Regenerate docs/sandbox-diagram.svg (shown in the README) from blueprints/sandbox.yaml.
# Run through `npm run diagram`, which compiles first. test/unit/diagram.test.ts fails when the
# committed image is not the current rendering.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node bin/govstack.js diagram blueprints/sandbox.yaml --format svg --out docs/sandbox-diagram.svg
echo "wrote docs/sandbox-diagram.svg"
