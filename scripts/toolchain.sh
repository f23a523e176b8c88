#!/usr/bin/env bash
# Offline IaC test toolchain: builds OpenTofu, the kubernetes/helm Terraform
# providers (as an offline filesystem mirror), helm, kube-apiserver /
# kube-controller-manager / kubectl, etcd, checkov and kube-linter into a
# version-keyed cache outside the clone, and skips whatever is already there.
#
#   scripts/toolchain.sh                       build everything missing
#   scripts/toolchain.sh --only tofu,providers build a subset
#   scripts/toolchain.sh --from cdktf.out/stacks/sandbox/cdk.tf.json
#                                              also check the providers the
#                                              synthesised stack requires
#   eval "$(scripts/toolchain.sh --print-env)" PATH, TF_CLI_CONFIG_FILE, ...
#
# Cache: ${GOVSTACK_TOOLS:-$HOME/.cache/govstack-blueprint}/<tool>-<version>/
# Go tools are built from the Go module proxy through the committed wrapper
# modules tools/go/<tool>/go.mod + go.sum with -mod=readonly, so a build
# resolves nothing new (scripts/toolchain-resolve.sh regenerates a wrapper when
# a version is bumped). Measured cold timings: scripts/TOOLCHAIN-TIMINGS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WRAP=$ROOT/tools/go
T=${GOVSTACK_TOOLS:-$HOME/.cache/govstack-blueprint}

# ---- pinned versions (must agree with tools/go/*/go.mod) --------------------
TOFU_VERSION=1.12.6
# Providers: the Go module proxy reachable here serves only these pseudo-versions
# (v2.38.0 / v3.1.1, which the prebuilt cdktf bindings pin, are refused: 403).
# The mirror version is the one in the commit's version/VERSION file.
K8SPROV_VERSION=3.2.1     # hashicorp/terraform-provider-kubernetes main @3a33fb6cc605 (2026-08-21)
K8SPROV_PSEUDO=v1.13.4-0.20260821094251-3a33fb6cc605
HELMPROV_VERSION=3.2.0    # hashicorp/terraform-provider-helm main @a4f1c1d8b008 (2026-06-29)
HELMPROV_PSEUDO=v1.3.3-0.20260629194918-a4f1c1d8b008
HELM_VERSION=3.22.0
K8S_VERSION=1.37.2
ETCD_VERSION=3.6.16
CHECKOV_VERSION=3.3.30
KUBELINTER_VERSION=0.8.3  # golang.stackrox.io/kube-linter via replace => github.com/stackrox/kube-linter
# The test node (scripts/node.sh): container runtime, CNI, DNS and NetworkPolicy enforcer.
CONTAINERD_VERSION=2.4.2
RUNC_VERSION=1.5.3
CNI_PLUGINS_VERSION=1.10.0
COREDNS_VERSION=1.15.0
KUBEROUTER_VERSION=2.1.0  # the only kube-router/v2 version the Go module proxy lists
# The mocks' server, from npm, for host-side runs (the merge tests, `compliance --host`);
# must equal the catalog's mockoonCli.image.tag (test/unit/mockoon-merge.test.ts checks).
MOCKOON_VERSION=9.7.0

ALL_TOOLS=(tofu providers helm k8s etcd checkov kubelinter node mockoon)
# Known but not buildable from the registries this project reaches:
# shellcheck disable=SC2034  # read indirectly as ${!u}
UNAVAILABLE_polaris="polaris: the Go module proxy refuses github.com/fairwindsops/polaris at every version (403 'This module version is not available'; it lists none), so it cannot be built here; checkov's kubernetes/helm checks cover the same ground"

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  echo "Tools: ${ALL_TOOLS[*]}"
}

log() { echo "[toolchain] $*"; }
die() { echo "[toolchain] ERROR: $*" >&2; exit 1; }

ONLY="" FROM="" PRINT_ENV=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) [ $# -ge 2 ] || die "--only needs a list"; ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#--only=}; shift ;;
    --from) [ $# -ge 2 ] || die "--from needs a cdk.tf.json path"; FROM=$2; shift 2 ;;
    --from=*) FROM=${1#--from=}; shift ;;
    --print-env) PRINT_ENV=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

# Directories of the cache, one per tool and version.
D_TOFU=$T/tofu-$TOFU_VERSION
D_K8SPROV=$T/terraform-provider-kubernetes-$K8SPROV_VERSION
D_HELMPROV=$T/terraform-provider-helm-$HELMPROV_VERSION
D_HELM=$T/helm-$HELM_VERSION
D_K8S=$T/kubernetes-$K8S_VERSION
D_ETCD=$T/etcd-$ETCD_VERSION
D_CHECKOV=$T/checkov-$CHECKOV_VERSION
D_KUBELINTER=$T/kube-linter-$KUBELINTER_VERSION
D_CONTAINERD=$T/containerd-$CONTAINERD_VERSION
D_RUNC=$T/runc-$RUNC_VERSION
D_CNI=$T/cni-plugins-$CNI_PLUGINS_VERSION
D_COREDNS=$T/coredns-$COREDNS_VERSION
D_KUBEROUTER=$T/kube-router-$KUBEROUTER_VERSION
D_MOCKOON=$T/mockoon-cli-$MOCKOON_VERSION
MIRROR=$T/tf-mirror
TFRC=$T/offline.tfrc

if [ "$PRINT_ENV" = 1 ]; then
  q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
  echo "export GOVSTACK_TOOLS=$(q "$T")"
  echo "export PATH=$(q "$D_TOFU:$D_HELM:$D_K8S:$D_ETCD:$D_CHECKOV/bin:$D_KUBELINTER:$D_CONTAINERD"):\"\$PATH\""
  echo "export TF_CLI_CONFIG_FILE=$(q "$TFRC")"
  echo "export GOVSTACK_NODE_BINS=$(q "$D_K8S:$D_CONTAINERD:$D_RUNC:$D_COREDNS:$D_KUBEROUTER")"
  echo "export GOVSTACK_CNI_BIN=$(q "$D_CNI")"
  echo "export GOVSTACK_MOCKOON_CLI=$(q "$D_MOCKOON/node_modules/.bin/mockoon-cli")"
  echo "export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1"
  echo "export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=True"
  exit 0
fi

# ---- which tools --------------------------------------------------------------
declare -A WANT=()
if [ -z "$ONLY" ]; then
  for t in "${ALL_TOOLS[@]}"; do WANT[$t]=1; done
else
  IFS=, read -r -a sel <<<"$ONLY"
  for t in "${sel[@]}"; do
    u=UNAVAILABLE_$t
    [ -z "${!u:-}" ] || die "${!u}"
    case " ${ALL_TOOLS[*]} " in *" $t "*) WANT[$t]=1 ;; *) die "unknown tool '$t' (known: ${ALL_TOOLS[*]})" ;; esac
  done
fi

# ---- --from: the providers the synthesised stack requires -------------------
if [ -n "$FROM" ]; then
  [ -f "$FROM" ] || die "--from: no such file: $FROM"
  python3 - "$FROM" "$K8SPROV_VERSION" "$HELMPROV_VERSION" <<'PY' || die "provider versions in $FROM do not match the pinned wrappers (tools/go/k8sprov, tools/go/helmprov); bump them with scripts/toolchain-resolve.sh or change the stack"
import json, re, sys
path, pinned = sys.argv[1], {"kubernetes": sys.argv[2], "helm": sys.argv[3]}
doc = json.load(open(path))
req = doc.get("terraform", {}).get("required_providers", {})
def vt(v): return tuple(int(x) for x in v.split("."))
def ok(constraint, have):
    for part in [c.strip() for c in constraint.split(",") if c.strip()]:
        m = re.fullmatch(r"(=|!=|>=|<=|>|<|~>)?\s*v?([0-9]+(?:\.[0-9]+)*)", part)
        if not m: return False
        op, want = m.group(1) or "=", m.group(2)
        w = vt(want); h = vt(have); n = max(len(w), len(h))
        wp = w + (0,) * (n - len(w)); hp = h + (0,) * (n - len(h))
        if op == "=" and hp != wp: return False
        if op == "!=" and hp == wp: return False
        if op == ">" and not hp > wp: return False
        if op == ">=" and not hp >= wp: return False
        if op == "<" and not hp < wp: return False
        if op == "<=" and not hp <= wp: return False
        if op == "~>":
            if hp < wp: return False
            prefix = w[:-1] if len(w) > 1 else w
            if h[:len(prefix)] != prefix: return False
    return True
bad = 0
for name, spec in req.items():
    if isinstance(spec, str): spec = {"version": spec}
    src = spec.get("source", name).split("/")
    ptype = src[-1]
    ns = src[-2] if len(src) >= 2 else "hashicorp"
    ver = spec.get("version", "")
    if ptype not in pinned or ns != "hashicorp":
        print(f"[toolchain] ERROR: {path}: provider {name} (source {spec.get('source', name)!r}) has no offline build; only hashicorp/kubernetes and hashicorp/helm are mirrored", file=sys.stderr)
        bad = 1; continue
    if ver and not ok(ver, pinned[ptype]):
        print(f"[toolchain] ERROR: {path}: requires {ptype} {ver!r}, but the offline mirror has only {pinned[ptype]} "
              f"(the Go module proxy serves no other build). Make the stack require {pinned[ptype]}, e.g. in the cdktf stack: "
              f"this.addOverride('terraform.required_providers.{name}.version', '{pinned[ptype]}')", file=sys.stderr)
        bad = 1; continue
    print(f"[toolchain] {path}: {ptype} {ver or '(any)'} satisfied by pinned {pinned[ptype]}")
sys.exit(bad)
PY
  WANT[providers]=1
fi

# ---- helpers -----------------------------------------------------------------
mkdir -p "$T"
exec 9>"$T/.lock"
flock -w 7200 9 || die "another toolchain.sh run holds $T/.lock"

export GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
TOTAL_START=$SECONDS
BUILT=0
STAMPS=$T/build-times.log

modcache_bytes() {
  local d; d=$(go env GOMODCACHE)/cache/download
  [ -d "$d" ] && du -sb "$d" 2>/dev/null | cut -f1 || echo 0
}
mb() { echo $(( ($1 + 524288) / 1048576 )); }

# wrapper_hash <dir>: identifies a wrapper's exact dependency set (go.mod + go.sum).
wrapper_hash() { cat "$WRAP/$1/go.mod" "$WRAP/$1/go.sum" | sha256sum | cut -c1-16; }

# is_present <dir> <stamp>
is_present() { [ -f "$1/.complete" ] && [ "$(cat "$1/.complete")" = "$2" ]; }

# require_pin <wrapper> <module> <version>: the wrapper must pin what we say.
require_pin() {
  local f=$WRAP/$1/go.mod
  [ -f "$f" ] && [ -f "$WRAP/$1/go.sum" ] || die "missing wrapper $f (+go.sum); run scripts/toolchain-resolve.sh $1"
  grep -Eq "^[[:space:]]*(require[[:space:]]+)?$2 $3( |$)" "$f" \
    || die "$f does not pin $2 $3; run scripts/toolchain-resolve.sh $1 or fix the version in scripts/toolchain.sh"
}

# gobuild <wrapper> <out-file> <ldflags> <package>
gobuild() {
  go -C "$WRAP/$1" build -pgo=off -ldflags "$3" -o "$2" "$4"
}

# begin <name> <version> <dir> <stamp>  -> returns 1 if present
begin() {
  if is_present "$3" "$4"; then log "$1 v$2 present, skipped"; return 1; fi
  log "building $1 v$2 ..."
  STEP_START=$SECONDS
  STEP_MOD=$(modcache_bytes)
  rm -rf "$3.tmp"; mkdir -p "$3.tmp"
  return 0
}
# finish <name> <version> <dir> <stamp>
finish() {
  local secs=$((SECONDS - STEP_START)) mod size
  mod=$(( $(modcache_bytes) - STEP_MOD ))
  echo "$4" >"$3.tmp/.complete"
  rm -rf "$3"; mv "$3.tmp" "$3"
  size=$(du -sb "$3" | cut -f1)
  log "$1 v$2 done in ${secs}s (module cache +$(mb "$mod") MB, installed $(mb "$size") MB)"
  echo "$(date -u +%FT%TZ) $1 v$2 ${secs}s modules+$(mb "$mod")MB size$(mb "$size")MB" >>"$STAMPS"
  BUILT=$((BUILT + 1))
}

# ---- tools -------------------------------------------------------------------
build_tofu() {
  require_pin tofu github.com/opentofu/opentofu "v$TOFU_VERSION"
  local st; st=$(wrapper_hash tofu)
  begin tofu "$TOFU_VERSION" "$D_TOFU" "$st" || return 0
  gobuild tofu "$D_TOFU.tmp/tofu" "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'" github.com/opentofu/opentofu/cmd/tofu
  # (TF_CLI_CONFIG_FILE may point at a missing file: tofu then adds a warning)
  TF_CLI_CONFIG_FILE=/dev/null "$D_TOFU.tmp/tofu" version | grep -qx "OpenTofu v$TOFU_VERSION" \
    || die "tofu reports '$(TF_CLI_CONFIG_FILE=/dev/null "$D_TOFU.tmp/tofu" version 2>&1)'"
  finish tofu "$TOFU_VERSION" "$D_TOFU" "$st"
}

build_provider() { # <type> <version> <wrapper> <module> <pseudo> <dir>
  local type=$1 ver=$2 w=$3 mod=$4 pseudo=$5 d=$6 st
  require_pin "$w" "$mod" "$pseudo"
  st=$(wrapper_hash "$w")
  if begin "terraform-provider-$type" "$ver" "$d" "$st"; then
    gobuild "$w" "$d.tmp/terraform-provider-$type" "-s -w -X main.Version=$ver" "$mod"
    finish "terraform-provider-$type" "$ver" "$d" "$st"
  fi
  local m=$MIRROR/registry.opentofu.org/hashicorp/$type/$ver/linux_amd64
  local exe=$m/terraform-provider-${type}_v${ver}_x5
  if ! cmp -s "$d/terraform-provider-$type" "$exe" 2>/dev/null; then
    mkdir -p "$m"; rm -f "$exe"
    ln "$d/terraform-provider-$type" "$exe" 2>/dev/null || cp "$d/terraform-provider-$type" "$exe"
  fi
}

build_providers() {
  build_provider kubernetes "$K8SPROV_VERSION" k8sprov github.com/hashicorp/terraform-provider-kubernetes "$K8SPROV_PSEUDO" "$D_K8SPROV"
  build_provider helm "$HELMPROV_VERSION" helmprov github.com/hashicorp/terraform-provider-helm "$HELMPROV_PSEUDO" "$D_HELMPROV"
  [ -L "$MIRROR/registry.terraform.io" ] || ln -sfn registry.opentofu.org "$MIRROR/registry.terraform.io"
  cat >"$TFRC.tmp" <<EOF
# Written by scripts/toolchain.sh: providers come only from the local filesystem
# mirror; there is deliberately no network installation method.
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.opentofu.org/hashicorp/*", "registry.terraform.io/hashicorp/*"]
  }
}
EOF
  mv "$TFRC.tmp" "$TFRC"
}

build_helm() {
  require_pin helm helm.sh/helm/v3 "v$HELM_VERSION"
  local st kmin=${K8S_VERSION#1.}; kmin=${kmin%%.*}
  st=$(wrapper_hash helm)
  begin helm "$HELM_VERSION" "$D_HELM" "$st" || return 0
  gobuild helm "$D_HELM.tmp/helm" "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$kmin \
-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$kmin" helm.sh/helm/v3/cmd/helm
  "$D_HELM.tmp/helm" version --template '{{.Version}}' | grep -qx "v$HELM_VERSION" || die "helm version stamp missing"
  finish helm "$HELM_VERSION" "$D_HELM" "$st"
}

build_k8s() {
  require_pin k8s k8s.io/kubernetes "v$K8S_VERSION"
  local st minor=${K8S_VERSION#1.} ldf v c
  minor=${minor%%.*}
  st=$(wrapper_hash k8s)
  begin kubernetes "$K8S_VERSION" "$D_K8S" "$st" || return 0
  ldf="-s -w"
  for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $v.gitVersion=v$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  done
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    local s=$SECONDS
    gobuild k8s "$D_K8S.tmp/$c" "$ldf" "k8s.io/kubernetes/cmd/$c"
    log "  $c built in $((SECONDS - s))s"
  done
  "$D_K8S.tmp/kubectl" version --client -o json | grep -q "\"gitVersion\": \"v$K8S_VERSION\"" || die "kubectl version stamp missing"
  finish kubernetes "$K8S_VERSION" "$D_K8S" "$st"
}

build_etcd() {
  require_pin etcd go.etcd.io/etcd/server/v3 "v$ETCD_VERSION"
  local st; st=$(wrapper_hash etcd)
  begin etcd "$ETCD_VERSION" "$D_ETCD" "$st" || return 0
  gobuild etcd "$D_ETCD.tmp/etcd" "-s -w" go.etcd.io/etcd/server/v3
  "$D_ETCD.tmp/etcd" --version | grep -q "etcd Version: $ETCD_VERSION" || die "etcd reports the wrong version"
  finish etcd "$ETCD_VERSION" "$D_ETCD" "$st"
}

build_checkov() {
  local st="pip checkov==$CHECKOV_VERSION" py
  if is_present "$D_CHECKOV" "$st"; then log "checkov v$CHECKOV_VERSION present, skipped"; return 0; fi
  log "building checkov v$CHECKOV_VERSION (PyPI venv) ..."
  local s=$SECONDS
  py=$(command -v python3.11 || command -v python3)
  # A venv hard-codes its path, so it is built in place; .complete marks success.
  rm -rf "$D_CHECKOV"; mkdir -p "$D_CHECKOV"
  "$py" -m venv "$D_CHECKOV/venv"
  "$D_CHECKOV/venv/bin/pip" install --quiet --no-input "checkov==$CHECKOV_VERSION"
  mkdir -p "$D_CHECKOV/bin"
  ln -sfn ../venv/bin/checkov "$D_CHECKOV/bin/checkov"
  "$D_CHECKOV/bin/checkov" --version | grep -qx "$CHECKOV_VERSION" || die "checkov reports '$("$D_CHECKOV/bin/checkov" --version)'"
  echo "$st" >"$D_CHECKOV/.complete"
  local secs=$((SECONDS - s)) size; size=$(du -sb "$D_CHECKOV" | cut -f1)
  log "checkov v$CHECKOV_VERSION done in ${secs}s (venv $(mb "$size") MB)"
  echo "$(date -u +%FT%TZ) checkov v$CHECKOV_VERSION ${secs}s size$(mb "$size")MB" >>"$STAMPS"
  BUILT=$((BUILT + 1))
}


build_kubelinter() {
  require_pin kubelinter golang.stackrox.io/kube-linter "v$KUBELINTER_VERSION"
  local st; st=$(wrapper_hash kubelinter)
  begin kube-linter "$KUBELINTER_VERSION" "$D_KUBELINTER" "$st" || return 0
  gobuild kubelinter "$D_KUBELINTER.tmp/kube-linter" "-s -w -X golang.stackrox.io/kube-linter/internal/version.version=$KUBELINTER_VERSION" golang.stackrox.io/kube-linter/cmd/kube-linter
  "$D_KUBELINTER.tmp/kube-linter" version | grep -qx "$KUBELINTER_VERSION" || die "kube-linter version stamp missing"
  finish kube-linter "$KUBELINTER_VERSION" "$D_KUBELINTER" "$st"
}

# The node's runtime pieces (recipe: docs/real-node.md); all static but runc, whose
# namespace setup (libcontainer/nsenter) is C and which links Debian's libseccomp.
build_containerd() {
  require_pin containerd github.com/containerd/containerd/v2 "v$CONTAINERD_VERSION"
  local st cd=github.com/containerd/containerd/v2 ldf; st=$(wrapper_hash containerd)
  begin containerd "$CONTAINERD_VERSION" "$D_CONTAINERD" "$st" || return 0
  ldf="-s -w -X $cd/version.Version=v$CONTAINERD_VERSION -X $cd/version.Revision=v$CONTAINERD_VERSION -X $cd/version.Package=$cd"
  go -C "$WRAP/containerd" build -pgo=off -tags "urfave_cli_no_docs no_btrfs osusergo netgo static_build" -ldflags "$ldf" -o "$D_CONTAINERD.tmp/containerd" $cd/cmd/containerd
  go -C "$WRAP/containerd" build -pgo=off -tags "urfave_cli_no_docs no_grpc osusergo netgo static_build" -ldflags "$ldf" -o "$D_CONTAINERD.tmp/containerd-shim-runc-v2" $cd/cmd/containerd-shim-runc-v2
  go -C "$WRAP/containerd" build -pgo=off -tags "urfave_cli_no_docs no_btrfs osusergo netgo static_build" -ldflags "$ldf" -o "$D_CONTAINERD.tmp/ctr" $cd/cmd/ctr
  "$D_CONTAINERD.tmp/containerd" --version | grep -q "v$CONTAINERD_VERSION" || die "containerd version stamp missing"
  finish containerd "$CONTAINERD_VERSION" "$D_CONTAINERD" "$st"
}

build_runc() {
  require_pin runc github.com/opencontainers/runc "v$RUNC_VERSION"
  [ -f /usr/include/seccomp.h ] || die "runc needs libseccomp-dev (apt-get install libseccomp-dev)"
  local st; st=$(wrapper_hash runc)
  begin runc "$RUNC_VERSION" "$D_RUNC" "$st" || return 0
  CGO_ENABLED=1 go -C "$WRAP/runc" build -pgo=off -buildmode=pie -tags "seccomp urfave_cli_no_docs" \
    -ldflags "-s -w -X main.gitCommit=v$RUNC_VERSION -X main.version=$RUNC_VERSION" -o "$D_RUNC.tmp/runc" github.com/opencontainers/runc
  "$D_RUNC.tmp/runc" --version | grep -q "$RUNC_VERSION" || die "runc reports '$("$D_RUNC.tmp/runc" --version)'"
  finish runc "$RUNC_VERSION" "$D_RUNC" "$st"
}

build_cni() {
  require_pin cni github.com/containernetworking/plugins "v$CNI_PLUGINS_VERSION"
  local st p; st=$(wrapper_hash cni)
  begin cni-plugins "$CNI_PLUGINS_VERSION" "$D_CNI" "$st" || return 0
  for p in main/bridge ipam/host-local main/loopback meta/portmap; do
    gobuild cni "$D_CNI.tmp/${p#*/}" "-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v$CNI_PLUGINS_VERSION" \
      "github.com/containernetworking/plugins/plugins/$p"
  done
  finish cni-plugins "$CNI_PLUGINS_VERSION" "$D_CNI" "$st"
}

build_coredns() {
  require_pin coredns github.com/coredns/coredns "v$COREDNS_VERSION"
  local st; st=$(wrapper_hash coredns)
  begin coredns "$COREDNS_VERSION" "$D_COREDNS" "$st" || return 0
  gobuild coredns "$D_COREDNS.tmp/coredns" "-s -w -X github.com/coredns/coredns/coremain.GitCommit=v$COREDNS_VERSION" github.com/coredns/coredns
  "$D_COREDNS.tmp/coredns" -version | grep -q "CoreDNS-$COREDNS_VERSION" || die "coredns reports the wrong version"
  finish coredns "$COREDNS_VERSION" "$D_COREDNS" "$st"
}

build_kuberouter() {
  require_pin kuberouter github.com/cloudnativelabs/kube-router/v2 "v$KUBEROUTER_VERSION"
  local st v=github.com/cloudnativelabs/kube-router/v2/pkg/version; st=$(wrapper_hash kuberouter)
  begin kube-router "$KUBEROUTER_VERSION" "$D_KUBEROUTER" "$st" || return 0
  gobuild kuberouter "$D_KUBEROUTER.tmp/kube-router" "-s -w -X $v.Version=v$KUBEROUTER_VERSION -X $v.BuildDate=1970-01-01" \
    github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
  finish kube-router "$KUBEROUTER_VERSION" "$D_KUBEROUTER" "$st"
}

build_mockoon() {
  local st="npm @mockoon/cli@$MOCKOON_VERSION"
  if is_present "$D_MOCKOON" "$st"; then log "mockoon-cli $MOCKOON_VERSION present, skipped"; return 0; fi
  log "installing mockoon-cli $MOCKOON_VERSION (npm) ..."
  rm -rf "$D_MOCKOON" && mkdir -p "$D_MOCKOON"
  (cd "$D_MOCKOON" && npm install --silent --no-audit --no-fund --omit=dev --no-package-lock "@mockoon/cli@$MOCKOON_VERSION" >/dev/null) \
    || die "npm install @mockoon/cli@$MOCKOON_VERSION failed"
  "$D_MOCKOON/node_modules/.bin/mockoon-cli" --version | grep -q "cli/$MOCKOON_VERSION " || die "mockoon-cli reports '$("$D_MOCKOON/node_modules/.bin/mockoon-cli" --version)'"
  echo "$st" >"$D_MOCKOON/.complete"
  BUILT=$((BUILT + 1))
}

build_node() { build_containerd; build_runc; build_cni; build_coredns; build_kuberouter; }

# ---- run ---------------------------------------------------------------------
# Go builds run one after another (parallel builds only fight over the 2 cores).
# What is network-bound overlaps with them: a background `go mod download` of
# the exact module zips (from each wrapper's go.sum) of every tool still to be
# built, in build order, and checkov's pip install.
log "cache $T ($(go version | cut -d' ' -f3), $(nproc) cores)"
declare -A WRAPPERS=([tofu]="tofu" [providers]="k8sprov helmprov" [helm]="helm" [k8s]="k8s" [etcd]="etcd" [kubelinter]="kubelinter"
  [node]="containerd runc cni coredns kuberouter")
declare -A DIRS=([tofu]="$D_TOFU" [providers]="$D_K8SPROV $D_HELMPROV" [helm]="$D_HELM" [k8s]="$D_K8S" [etcd]="$D_ETCD" [kubelinter]="$D_KUBELINTER"
  [node]="$D_CONTAINERD $D_RUNC $D_CNI $D_COREDNS $D_KUBEROUTER")
todo=()
for t in "${ALL_TOOLS[@]}"; do
  [ -n "${WANT[$t]:-}" ] && [ -n "${WRAPPERS[$t]:-}" ] || continue
  # shellcheck disable=SC2206  # space-separated lists, split on purpose
  for d in ${DIRS[$t]}; do [ -f "$d/.complete" ] || { todo+=(${WRAPPERS[$t]}); break; }; done
done
PREFETCH_PID=""
if [ ${#todo[@]} -gt 1 ]; then
  (
    for w in "${todo[@]}"; do
      [ -f "$WRAP/$w/go.sum" ] || continue
      awk '$2 !~ /\/go\.mod$/ {print $1"@"$2}' "$WRAP/$w/go.sum" | sort -u \
        | xargs -r go -C "$WRAP/$w" mod download >/dev/null 2>&1 || true
    done
  ) &
  PREFETCH_PID=$!
fi
CHECKOV_PID=""
if [ -n "${WANT[checkov]:-}" ] && ! is_present "$D_CHECKOV" "pip checkov==$CHECKOV_VERSION" && [ ${#todo[@]} -gt 0 ]; then
  log "installing checkov v$CHECKOV_VERSION in the background (log $T/checkov-install.log)"
  ( build_checkov ) >"$T/checkov-install.log" 2>&1 &
  CHECKOV_PID=$!
fi
cleanup() { [ -z "$PREFETCH_PID" ] || kill "$PREFETCH_PID" 2>/dev/null || true; }
trap cleanup EXIT

for t in "${ALL_TOOLS[@]}"; do
  [ -n "${WANT[$t]:-}" ] || continue
  case $t in
    tofu) build_tofu ;;
    providers) build_providers ;;
    helm) build_helm ;;
    k8s) build_k8s ;;
    etcd) build_etcd ;;
    checkov) [ -n "$CHECKOV_PID" ] || build_checkov ;;
    kubelinter) build_kubelinter ;;
    node) build_node ;;
    mockoon) build_mockoon ;;
  esac
done
if [ -n "$CHECKOV_PID" ]; then
  rc=0; wait "$CHECKOV_PID" || rc=$?
  cat "$T/checkov-install.log"
  [ $rc = 0 ] || die "checkov install failed (see above)"
  BUILT=$((BUILT + 1))
fi
log "total $((SECONDS - TOTAL_START))s ($BUILT built)"
