#!/usr/bin/env bash
# The CRDs the project's charts render objects of, at the versions the catalog pins, taken
# from the upstream Go modules (the Go module proxy serves them; their zips carry the CRD
# YAML): Envoy Gateway (Gateway API standard/experimental + gateway.envoyproxy.io kinds) and
# prometheus-operator (monitoring.coreos.com kinds). Idempotent; prints the folder.
#
#   scripts/crds.sh            fetch if missing, print the folder holding *.yaml CRDs
set -euo pipefail

ENVOY_GATEWAY=v1.9.0          # src/catalog/platform/gateway.ts: gateway-helm v1.9.0
PROMETHEUS_OPERATOR=v0.93.1   # src/catalog/platform/observability.ts: kube-prometheus-stack appVersion
T=${GOVSTACK_TOOLS:-$HOME/.cache/govstack-blueprint}
OUT=$T/crds-envoy-gateway-$ENVOY_GATEWAY-prometheus-operator-$PROMETHEUS_OPERATOR

if [ ! -f "$OUT/.complete" ]; then
  echo "[crds] fetching Envoy Gateway $ENVOY_GATEWAY and prometheus-operator $PROMETHEUS_OPERATOR CRDs" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  dir_of() { (cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'); }
  eg=$(dir_of "github.com/envoyproxy/gateway@$ENVOY_GATEWAY")
  po=$(dir_of "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR")
  mkdir -p "$tmp/out"
  # The controller chart's own CRD subchart: Gateway API (the channel it installs) + Envoy Gateway kinds.
  cp "$eg"/charts/gateway-helm/charts/crds/crds/*.yaml "$eg"/charts/gateway-helm/charts/crds/crds/generated/*.yaml "$tmp/out/" 2>/dev/null ||
    cp "$eg"/charts/gateway-helm/charts/crds/crds/generated/*.yaml "$tmp/out/"
  cp "$po"/example/prometheus-operator-crd/*.yaml "$tmp/out/"
  chmod -R u+w "$tmp/out"
  rm -rf "$OUT" && mkdir -p "$(dirname "$OUT")" && mv "$tmp/out" "$OUT"
  touch "$OUT/.complete"
fi
echo "$OUT"
