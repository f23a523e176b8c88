#!/usr/bin/env bash
# Smoke test of the offline toolchain (re-runnable, needs no network):
#  - the cached binaries report the pinned, stamped versions;
#  - scripts/control-plane.sh brings up etcd + kube-apiserver + KCM on 127.0.0.1;
#  - PodSecurity: a Deployment violating "restricted" yields a ReplicaSet
#    FailedCreate event "violates PodSecurity"; a compliant one creates a Pod
#    (Pending, there is no kubelet);
#  - OpenTofu, offline through the filesystem mirror, applies and destroys a
#    kubernetes_namespace_v1, a kubernetes_service_account_v1 (needs the
#    apiserver's version stamp) and a helm_release of a local chart;
#  - helm lint/template, checkov (offline) and kube-linter (if built) run.
#
#   scripts/smoke-toolchain.sh [workdir]     (default: a fresh mktemp dir)
# KEEP=1 leaves the control plane running and the workdir in place.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
USER_W=${1:-}
W=${USER_W:-$(mktemp -d /tmp/govstack-smoke.XXXXXX)}
mkdir -p "$W"; W=$(cd "$W" && pwd)
CP=$W/control-plane
eval "$("$HERE/toolchain.sh" --print-env)"
# shellcheck disable=SC1090
. <(sed -n 's/^\(TOFU_VERSION\|K8SPROV_VERSION\|HELMPROV_VERSION\|HELM_VERSION\|K8S_VERSION\|ETCD_VERSION\|CHECKOV_VERSION\|KUBELINTER_VERSION\)=\([^ ]*\).*/\1=\2/p' "$HERE/toolchain.sh")
export HELM_CACHE_HOME=$W/helm/cache HELM_CONFIG_HOME=$W/helm/config HELM_DATA_HOME=$W/helm/data

PASS=0 FAIL=0 SKIP=0
pass() { PASS=$((PASS + 1)); echo "[smoke] PASS $*"; }
fail() { FAIL=$((FAIL + 1)); echo "[smoke] FAIL $*"; }
skip() { SKIP=$((SKIP + 1)); echo "[smoke] SKIP $*"; }
check() { # <description> <command...>
  local d=$1; shift
  if "$@" >"$W/last.out" 2>&1; then pass "$d"; else fail "$d"; sed 's/^/    /' "$W/last.out" | tail -n 30; fi
}
finish() {
  local rc=$?
  if [ "${KEEP:-0}" = 1 ]; then
    echo "[smoke] KEEP=1: control plane left up; stop with: $HERE/control-plane.sh down $CP --purge"
  else
    "$HERE/control-plane.sh" down "$CP" >/dev/null 2>&1 || true
    [ -n "$USER_W" ] || rm -rf "$W"
  fi
  echo "smoke: $PASS passed, $FAIL failed, $SKIP skipped"
  [ "$FAIL" = 0 ] && [ "$rc" = 0 ] || exit 1
}
trap finish EXIT

# ---- 1. versions ---------------------------------------------------------------
check "tofu is v$TOFU_VERSION (not -dev)" bash -c "tofu version | grep -qx 'OpenTofu v$TOFU_VERSION'"
check "helm is v$HELM_VERSION" bash -c "helm version --template '{{.Version}}' | grep -qx 'v$HELM_VERSION'"
check "kubectl client is v$K8S_VERSION" bash -c "kubectl version --client -o json | grep -q '\"gitVersion\": \"v$K8S_VERSION\"'"
command -v checkov >/dev/null && check "checkov is $CHECKOV_VERSION" bash -c "checkov --version | grep -qx '$CHECKOV_VERSION'"
command -v kube-linter >/dev/null && check "kube-linter is $KUBELINTER_VERSION" bash -c "kube-linter version | grep -qx '$KUBELINTER_VERSION'"
check "etcd is $ETCD_VERSION" bash -c "etcd --version | grep -q 'etcd Version: $ETCD_VERSION'"
check "kube-apiserver is v$K8S_VERSION" bash -c "kube-apiserver --version | grep -qx 'Kubernetes v$K8S_VERSION'"
check "kube-controller-manager is v$K8S_VERSION" bash -c "kube-controller-manager --version | grep -qx 'Kubernetes v$K8S_VERSION'"
for t in kubernetes helm; do
  check "provider $t in the offline mirror" bash -c "ls '$GOVSTACK_TOOLS'/tf-mirror/registry.opentofu.org/hashicorp/$t/*/linux_amd64/terraform-provider-${t}_v*_x5"
done
check "offline.tfrc has no direct block" bash -c "grep -q filesystem_mirror '$TF_CLI_CONFIG_FILE' && ! grep -Eq '^[[:space:]]*(direct|network_mirror)' '$TF_CLI_CONFIG_FILE'"

# ---- 2. control plane --------------------------------------------------------
if ! "$HERE/control-plane.sh" up "$CP"; then
  fail "control plane up"
  exit 1
fi
pass "control plane up"
export KUBECONFIG=$CP/admin.kubeconfig KUBE_CONFIG_PATH=$CP/admin.kubeconfig
check "server version is v$K8S_VERSION" bash -c "kubectl version -o json | python3 -c 'import json,sys; v=json.load(sys.stdin)[\"serverVersion\"]; assert v[\"gitVersion\"]==\"v$K8S_VERSION\", v'"
check "control-plane.sh status" "$HERE/control-plane.sh" status "$CP"
check "all control-plane listeners are on 127.0.0.1" bash -c "
  . '$HERE/lib/process.sh'
  for f in '$CP'/pids/*.pid; do
    pid=\$(recorded_pid \"\$f\") || { echo \"\$f: not running\"; continue; }
    ss -Hltnp | grep \"pid=\$pid,\" | awk '{print \$4}'
  done | grep -v '^127\.0\.0\.1:' | { ! grep .; }"

# ---- 3. PodSecurity admission --------------------------------------------------
NS=psa-smoke
kubectl create namespace $NS >/dev/null
kubectl label namespace $NS pod-security.kubernetes.io/enforce=restricted >/dev/null
cat >"$W/bad.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: noncompliant}
spec:
  replicas: 1
  selector: {matchLabels: {app: noncompliant}}
  template:
    metadata: {labels: {app: noncompliant}}
    spec:
      containers:
      - name: app
        image: registry.k8s.io/pause:3.10
EOF
cat >"$W/good.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: compliant}
spec:
  replicas: 1
  selector: {matchLabels: {app: compliant}}
  template:
    metadata: {labels: {app: compliant}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.k8s.io/pause:3.10
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
EOF
check "non-compliant Deployment accepted (PSA only warns on Deployments)" kubectl -n $NS apply -f "$W/bad.yaml"
check "compliant Deployment accepted" kubectl -n $NS apply -f "$W/good.yaml"
wait_for() { # <seconds> <command...>
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $end ] || return 1; sleep 1; done
}
psa_event() {
  kubectl -n $NS get events --field-selector reason=FailedCreate \
    -o jsonpath='{range .items[*]}{.involvedObject.kind}/{.involvedObject.name}: {.message}{"\n"}{end}' \
    | grep 'violates PodSecurity' >"$W/psa-event.txt"
}
if wait_for 60 psa_event; then
  pass "ReplicaSet FailedCreate event 'violates PodSecurity'"
  sed 's/^/    /' "$W/psa-event.txt" | head -3
else
  fail "no FailedCreate/violates PodSecurity event within 60s"
  kubectl -n $NS get events 2>&1 | tail -n 10 | sed 's/^/    /'
fi
pending_pod() {
  kubectl -n $NS get pods -l app=compliant -o jsonpath='{.items[*].status.phase}' | grep -qw Pending
}
if wait_for 60 pending_pod; then
  pass "compliant Deployment created a Pod (Pending: no kubelet)"
  kubectl -n $NS get pods -o wide 2>&1 | sed 's/^/    /'
else
  fail "compliant Deployment created no Pod within 60s"
fi
check "no Pod for the non-compliant Deployment" bash -c "[ -z \"\$(kubectl -n $NS get pods -l app=noncompliant -o name)\" ]"

# ---- 4. helm CLI -----------------------------------------------------------------
CHART=$W/chart/smoke
mkdir -p "$CHART/templates"
cat >"$CHART/Chart.yaml" <<'EOF'
apiVersion: v2
name: smoke
description: toolchain smoke chart
version: 0.1.0
icon: https://example.invalid/icon.png
EOF
echo 'greeting: hello' >"$CHART/values.yaml"
cat >"$CHART/templates/configmap.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-smoke
data:
  greeting: {{ .Values.greeting | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
EOF
check "helm lint --strict" helm lint --strict "$CHART"
kmin=${K8S_VERSION#1.}; kmin=${kmin%%.*}
check "helm template default KubeVersion is v1.$kmin (stamped)" bash -c "helm template r '$CHART' | grep -q 'kubeVersion: \"v1.$kmin'"

# ---- 5. OpenTofu offline against the control plane -------------------------------
STACK=$W/stack
mkdir -p "$STACK"
# Same shape as cdktf's synthesised cdk.tf.json (exact versions, one-part sources).
cat >"$STACK/cdk.tf.json" <<EOF
{
  "//": {"metadata": {"stackName": "smoke", "backend": "local"}},
  "terraform": {
    "required_providers": {
      "kubernetes": {"source": "kubernetes", "version": "$K8SPROV_VERSION"},
      "helm": {"source": "helm", "version": "$HELMPROV_VERSION"}
    }
  },
  "provider": {
    "kubernetes": [{"config_path": "$CP/admin.kubeconfig"}],
    "helm": [{"kubernetes": {"config_path": "$CP/admin.kubeconfig"}}]
  },
  "resource": {
    "kubernetes_namespace_v1": {
      "smoke": {"metadata": {"name": "tofu-smoke", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}
    },
    "kubernetes_service_account_v1": {
      "smoke": {"metadata": {"name": "smoke", "namespace": "\${kubernetes_namespace_v1.smoke.metadata[0].name}"}}
    },
    "helm_release": {
      "smoke": {"name": "smoke", "chart": "$CHART", "namespace": "\${kubernetes_namespace_v1.smoke.metadata[0].name}", "wait": false}
    }
  }
}
EOF
check "toolchain.sh --from accepts the stack's provider versions" "$HERE/toolchain.sh" --from "$STACK/cdk.tf.json" --only providers
sed "s/\"version\": \"$K8SPROV_VERSION\"/\"version\": \"9.9.9\"/" "$STACK/cdk.tf.json" >"$W/wrong.tf.json"
check "toolchain.sh --from rejects a version mismatch" bash -c "! '$HERE/toolchain.sh' --from '$W/wrong.tf.json' --only providers"
export TF_DATA_DIR=$STACK/.terraform
tofu_() { tofu -chdir="$STACK" "$@"; }
check "tofu init (filesystem mirror only)" tofu_ init -input=false -no-color
check "tofu validate" tofu_ validate -no-color
check "tofu plan" tofu_ plan -input=false -no-color -out=tfplan
check "tofu apply" tofu_ apply -input=false -no-color -auto-approve tfplan
check "namespace tofu-smoke exists" kubectl get namespace tofu-smoke
check "service account tofu-smoke/smoke exists" kubectl -n tofu-smoke get serviceaccount smoke
check "helm release ConfigMap exists" kubectl -n tofu-smoke get configmap smoke-smoke
check "tofu plan after apply is empty" tofu_ plan -input=false -no-color -detailed-exitcode
check "tofu destroy" tofu_ destroy -input=false -no-color -auto-approve
if wait_for 60 bash -c '! kubectl get namespace tofu-smoke >/dev/null 2>&1'; then
  pass "namespace tofu-smoke deleted"
else
  fail "namespace tofu-smoke still present after destroy"
fi

# ---- 6. scanners -----------------------------------------------------------------
if command -v checkov >/dev/null; then
  check "checkov scans cdk.tf.json offline" bash -c "checkov -d '$STACK' --framework terraform_json --skip-download --compact --quiet --soft-fail -o json > '$W/checkov.json' && python3 -c 'import json;d=json.load(open(\"$W/checkov.json\"));d=d[0] if isinstance(d,list) else d;s=d[\"summary\"];print(s);assert s[\"passed\"]+s[\"failed\"]>0'"
else
  skip "checkov not built"
fi
mkdir -p "$W/manifests"
cp "$W/bad.yaml" "$W/good.yaml" "$W/manifests/"
helm template r "$CHART" >"$W/manifests/rendered.yaml"
if command -v kube-linter >/dev/null; then
  # Expect findings (exit 1) for the non-compliant Deployment, none for the compliant one's security settings.
  kube-linter lint "$W/manifests" >"$W/kube-linter.txt" 2>&1 && klrc=0 || klrc=$?
  if [ "$klrc" = 1 ] && grep -q 'noncompliant' "$W/kube-linter.txt" && grep -q 'run-as-non-root' "$W/kube-linter.txt"; then
    pass "kube-linter flags the non-compliant Deployment"
  else
    fail "kube-linter (exit $klrc)"; tail -n 20 "$W/kube-linter.txt" | sed 's/^/    /'
  fi
else
  skip "kube-linter not built"
fi
# polaris is not buildable here (the Go module proxy refuses it); see scripts/TOOLCHAIN-TIMINGS.md.
