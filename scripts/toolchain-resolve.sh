#!/usr/bin/env bash
# Regenerates the committed wrapper modules tools/go/<tool>/go.mod + go.sum.
# Run only when bumping a tool version; it talks to the Go module proxy and
# rewrites go.mod/go.sum. scripts/toolchain.sh then builds with -mod=readonly.
# Usage: scripts/toolchain-resolve.sh tofu|k8sprov|helmprov|helm|k8s|etcd|polaris|kubelinter|
#        containerd|runc|cni|coredns|kuberouter ...
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$ROOT/tools/go
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

TOFU_VERSION=v1.12.6
TOFU_HCL_REPLACE=github.com/opentofu/hcl/v2@v2.20.2-0.20251021132045-587d123c2828
# The Go module proxy reachable here serves the providers ONLY at these
# pseudo-versions (its version list); the v2.38.0 / v3.1.1 commits and their
# pseudo-versions are refused with 403 "This module version is not available".
K8SPROV_COMMIT=v1.13.4-0.20260821094251-3a33fb6cc605  # terraform-provider-kubernetes main after v3.2.1 (version/VERSION 3.2.1)
HELMPROV_COMMIT=v1.3.3-0.20260629194918-a4f1c1d8b008  # terraform-provider-helm main after v3.2.0 (version/VERSION 3.2.0)
HELM_VERSION=v3.22.0
K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=v3.6.16
POLARIS_COMMIT=v0.0.0-20260806161001-dafa0b74fc09  # polaris v10.2.2: refused by the proxy (403), kept for the record
KUBELINTER_VERSION=v0.8.3

# Each wrapper is resolved in tools/go/.<tool>.new and only replaces
# tools/go/<tool> when resolution succeeded.
fresh() { rm -rf "${W:?}/.${1:?}.new"; mkdir -p "$W/.$1.new"; cd "$W/.$1.new"; go mod init "govstack-blueprint/tools/$1" >/dev/null 2>&1; }

r_tofu() {
  fresh tofu
  go mod edit -go=1.26.6 -godebug=tlsmlkem=0 -godebug=winsymlink=0
  go mod edit -replace=github.com/hashicorp/hcl/v2=$TOFU_HCL_REPLACE
  go get -tool github.com/opentofu/opentofu/cmd/tofu@$TOFU_VERSION
}
r_k8sprov()  { fresh k8sprov;  go get -tool github.com/hashicorp/terraform-provider-kubernetes@$K8SPROV_COMMIT; }
r_helmprov() { fresh helmprov; go get -tool github.com/hashicorp/terraform-provider-helm@$HELMPROV_COMMIT; }
r_helm()     { fresh helm;     go get -tool helm.sh/helm/v3/cmd/helm@$HELM_VERSION; }
r_etcd()     { fresh etcd;     go get -tool go.etcd.io/etcd/server/v3@$ETCD_VERSION; }
# polaris: refused by the Go module proxy (403 at every version); kept so the attempt can be repeated.
r_polaris()  { fresh polaris;  go get -tool github.com/fairwindsops/polaris@$POLARIS_COMMIT; }
r_kubelinter() {
  fresh kubelinter
  go mod edit -replace=golang.stackrox.io/kube-linter=github.com/stackrox/kube-linter@$KUBELINTER_VERSION
  go mod edit -require=golang.stackrox.io/kube-linter@$KUBELINTER_VERSION
  go mod edit -tool=golang.stackrox.io/kube-linter/cmd/kube-linter
  go mod tidy
}
r_k8s() {
  local S="v0.${K8S_VERSION#v1.}"
  fresh k8s
  local gm
  gm=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')
  for m in $(awk '$1 ~ /^k8s\.io\// && $2=="v0.0.0" {print $1}' "$gm"); do
    go mod edit -replace="$m=$m@$S"
  done
  local gd; gd=$(awk '$1=="godebug"{print $2}' "$gm" | head -1)
  [ -n "$gd" ] && go mod edit -godebug="$gd"
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    go get -tool "k8s.io/kubernetes/cmd/$c@$K8S_VERSION"
  done
}
# The test node's pieces: a wrapper whose go.mod lists the tools and the pinned module, then tidy.
node_wrapper() { # <name> "<tool packages>" <requires...>
  local n=$1 t=$2; shift 2
  fresh "$n"
  for p in $t; do go mod edit -tool="$p"; done
  for r in "$@"; do go mod edit -require="$r"; done
  go mod tidy
}
r_containerd() {
  local c=github.com/containerd/containerd/v2/cmd
  node_wrapper containerd "$c/containerd $c/containerd-shim-runc-v2 $c/ctr" github.com/containerd/containerd/v2@v2.4.2
}
r_runc() { node_wrapper runc github.com/opencontainers/runc github.com/opencontainers/runc@v1.5.3; }
r_cni() {
  local p=github.com/containernetworking/plugins/plugins
  node_wrapper cni "$p/main/bridge $p/ipam/host-local $p/main/loopback $p/meta/portmap" github.com/containernetworking/plugins@v1.10.0
}
r_coredns() { node_wrapper coredns github.com/coredns/coredns github.com/coredns/coredns@v1.15.0; }
# kube-router v2.1.0's own go.mod is not tidy: tidy would pick the newest otel/grpc/x/sys for
# the modules it misses; pin those to kube-router's own generation before the first tidy.
r_kuberouter() {
  node_wrapper kuberouter github.com/cloudnativelabs/kube-router/v2/cmd/kube-router \
    github.com/cloudnativelabs/kube-router/v2@v2.1.0 go.opentelemetry.io/otel/exporters/otlp/otlptrace@v1.24.0 \
    go.opentelemetry.io/proto/otlp@v1.1.0 github.com/cenkalti/backoff/v4@v4.2.1 github.com/Azure/go-ansiterm@v0.0.0-20230124172434-306776ec8161
}

for t in "$@"; do
  echo "[resolve] $t"
  s=$SECONDS
  if ! ( "r_$t" ); then
    rm -rf "${W:?}/.$t.new"
    echo "[resolve] $t FAILED; tools/go/$t left unchanged" >&2
    exit 1
  fi
  rm -rf "${W:?}/$t"; mv "$W/.$t.new" "$W/$t"
  echo "[resolve] $t done in $((SECONDS-s))s"
done
