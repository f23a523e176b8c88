#!/usr/bin/env bash
# Local Kubernetes control plane for offline tests: etcd + kube-apiserver +
# kube-controller-manager, all on 127.0.0.1 with dynamically chosen free ports.
# No kubelet and no scheduler here (scripts/node.sh adds a real node): alone, Pods stay
# Pending, but Deployments create ReplicaSets/Pods, PodSecurity admission enforces, and
# ServiceAccounts work.
#
#   scripts/control-plane.sh up <dir>            start (reuses <dir>'s PKI and etcd data)
#   scripts/control-plane.sh status <dir>        exit 0 if all components are up and /readyz is ok
#   scripts/control-plane.sh env <dir>          print KUBECONFIG / KUBE_CONFIG_PATH exports
#   scripts/control-plane.sh down <dir> [--purge] stop; --purge also deletes <dir>
#
# <dir> receives: pki/ (CA, serving and client certs, SA key), etcd-data/,
# logs/<component>.log, pids/<component>.pid ("<pid> <start time>", see lib/process.sh),
# ports.env, admin.kubeconfig.
# Binaries come from scripts/toolchain.sh's cache (or ETCD_BIN,
# KUBE_APISERVER_BIN, KUBE_CONTROLLER_MANAGER_BIN, KUBECTL_BIN).
# Timeouts: CP_ETCD_TIMEOUT (30s), CP_APISERVER_TIMEOUT (120s), CP_SA_TIMEOUT (90s).
# CP_ADDRESS (default 127.0.0.1): where the API server listens; scripts/node.sh sets it to
# the test node's own address so Pods reach it through the `kubernetes` Service.
# CP_APISERVER_PORT (default: a free port).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPONENTS=(etcd kube-apiserver kube-controller-manager)

say() { echo "[control-plane] $*"; }
die() { echo "[control-plane] ERROR: $*" >&2; exit 1; }
usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

[ $# -ge 2 ] || { usage; exit 2; }
CMD=$1 DIR=$2; shift 2
PURGE=0
for a in "$@"; do
  case $a in --purge) PURGE=1 ;; *) die "unknown argument: $a" ;; esac
done
if [ ! -d "$DIR" ]; then
  case $CMD in
    up) mkdir -p "$DIR" ;;
    down) say "nothing running for $DIR (no such directory)"; exit 0 ;;
    status) say "not up ($DIR does not exist)"; exit 1 ;;
    *) die "$DIR does not exist" ;;
  esac
fi
DIR=$(cd "$DIR" && pwd)
PKI=$DIR/pki LOGS=$DIR/logs PIDS=$DIR/pids
ADDRESS=${CP_ADDRESS:-127.0.0.1}

find_bins() {
  eval "$("$HERE/toolchain.sh" --print-env)"
  ETCD_BIN=${ETCD_BIN:-$(command -v etcd || true)}
  KUBE_APISERVER_BIN=${KUBE_APISERVER_BIN:-$(command -v kube-apiserver || true)}
  KUBE_CONTROLLER_MANAGER_BIN=${KUBE_CONTROLLER_MANAGER_BIN:-$(command -v kube-controller-manager || true)}
  KUBECTL_BIN=${KUBECTL_BIN:-$(command -v kubectl || true)}
  local b
  for b in ETCD_BIN KUBE_APISERVER_BIN KUBE_CONTROLLER_MANAGER_BIN KUBECTL_BIN; do
    [ -n "${!b}" ] && [ -x "${!b}" ] || die "$b not found; run scripts/toolchain.sh --only k8s,etcd first"
  done
}

# shellcheck source=lib/process.sh
. "$HERE/lib/process.sh"

# pid_alive <component>: the process recorded for <component> still runs.
pid_alive() { recorded_pid "$PIDS/$1.pid" >/dev/null; }

fail_with_log() { # <component> <message>
  echo "[control-plane] ERROR: $2" >&2
  if [ -f "$LOGS/$1.log" ]; then
    echo "[control-plane] ---- last 40 lines of $LOGS/$1.log ----" >&2
    tail -n 40 "$LOGS/$1.log" >&2
    echo "[control-plane] ----" >&2
  fi
  echo "[control-plane] processes started so far stay up for inspection; run: $0 down $DIR" >&2
  exit 1
}

free_ports() { # prints N free loopback ports
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
}

gen_pki() {
  mkdir -p "$PKI"; chmod 700 "$PKI"
  [ -f "$PKI/.complete" ] && return 0
  say "generating certificates in $PKI"
  (
    cd "$PKI"
    umask 077
    cat >openssl.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,IP:10.0.0.1,IP:@ADDRESS@,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
EOF
    sed -i "s/@ADDRESS@/$ADDRESS/" openssl.cnf
    q() { openssl "$@" 2>/dev/null || { openssl "$@"; exit 1; }; }
    q req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 3650 -config openssl.cnf -extensions ca \
      -subj "/CN=govstack-blueprint-local-ca" -keyout ca.key -out ca.crt
    issue() { # <name> <subject> <extensions>
      q req -new -nodes -newkey rsa:2048 -config openssl.cnf -subj "$2" -keyout "$1.key" -out "$1.csr"
      q x509 -req -sha256 -days 3650 -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
        -extfile openssl.cnf -extensions "$3" -out "$1.crt"
      rm -f "$1.csr"
    }
    issue apiserver "/CN=kube-apiserver" server
    issue admin "/O=system:masters/CN=admin" client
    issue controller-manager "/CN=system:kube-controller-manager" client
    # The API server's identity towards kubelets (logs, exec, port-forward).
    issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" client
    q genrsa -out sa.key 2048
    q rsa -in sa.key -pubout -out sa.pub
    touch .complete
  )
}

kubeconfig() { # <file> <user> <cert> <key>
  local b64="base64 -w0"
  umask 077
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://$ADDRESS:$APISERVER_PORT
    certificate-authority-data: $($b64 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b64 <"$3")
    client-key-data: $($b64 <"$4")
contexts:
- name: local
  context:
    cluster: local
    user: $2
    namespace: default
current-context: local
EOF
}

start() { # <component> <binary> args...
  local c=$1; shift
  : >"$LOGS/$c.log"
  launch "$PIDS/$c.pid" "$LOGS/$c.log" "$@"
}

apicurl() { # <path>
  curl -sS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://$ADDRESS:$APISERVER_PORT$1"
}

cmd_up() {
  find_bins
  command -v openssl >/dev/null || die "openssl is needed"
  command -v curl >/dev/null || die "curl is needed"
  mkdir -p "$LOGS" "$PIDS"
  local c running=0
  for c in "${COMPONENTS[@]}"; do pid_alive "$c" && running=$((running + 1)); done
  if [ "$running" = "${#COMPONENTS[@]}" ] && cmd_status >/dev/null 2>&1; then
    say "already up: export KUBECONFIG=$DIR/admin.kubeconfig"; return 0
  fi
  [ "$running" = 0 ] || { say "some components are still running from an earlier start; stopping them"; cmd_down; }

  gen_pki
  read -r ETCD_CLIENT_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT <<<"$(free_ports 4)"
  APISERVER_PORT=${CP_APISERVER_PORT:-$APISERVER_PORT}
  # On loopback no Pod can reach the API server, so the `kubernetes` Service gets no endpoints.
  local reconciler=none
  [ "$ADDRESS" = 127.0.0.1 ] || reconciler=lease
  cat >"$DIR/ports.env" <<EOF
ETCD_CLIENT_PORT=$ETCD_CLIENT_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
APISERVER_PORT=$APISERVER_PORT
KCM_PORT=$KCM_PORT
ADDRESS=$ADDRESS
EOF
  kubeconfig "$DIR/admin.kubeconfig" admin "$PKI/admin.crt" "$PKI/admin.key"
  kubeconfig "$DIR/controller-manager.kubeconfig" system:kube-controller-manager \
    "$PKI/controller-manager.crt" "$PKI/controller-manager.key"
  local t0=$SECONDS deadline

  # --- etcd ---
  say "starting etcd on 127.0.0.1:$ETCD_CLIENT_PORT"
  mkdir -p "$DIR/etcd-data"; chmod 700 "$DIR/etcd-data"
  start etcd "$ETCD_BIN" --name=default --data-dir="$DIR/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
    --unsafe-no-fsync --log-level=warn
  deadline=$((SECONDS + ${CP_ETCD_TIMEOUT:-30}))
  until curl -sf --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" 2>/dev/null | grep -q '"health":"true"'; do
    pid_alive etcd || fail_with_log etcd "etcd exited during startup"
    [ $SECONDS -lt $deadline ] || fail_with_log etcd "etcd not healthy after ${CP_ETCD_TIMEOUT:-30}s"
    sleep 0.5
  done

  # --- kube-apiserver ---
  say "starting kube-apiserver on https://$ADDRESS:$APISERVER_PORT"
  mkdir -p "$DIR/apiserver-certs"
  start kube-apiserver "$KUBE_APISERVER_BIN" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address="$ADDRESS" --advertise-address="$ADDRESS" --secure-port="$APISERVER_PORT" \
    --cert-dir="$DIR/apiserver-certs" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=$reconciler --profiling=false \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP
  deadline=$((SECONDS + ${CP_APISERVER_TIMEOUT:-120}))
  until [ "$(apicurl /readyz 2>/dev/null)" = "ok" ]; do
    pid_alive kube-apiserver || fail_with_log kube-apiserver "kube-apiserver exited during startup"
    [ $SECONDS -lt $deadline ] || fail_with_log kube-apiserver "kube-apiserver /readyz not ok after ${CP_APISERVER_TIMEOUT:-120}s: $(apicurl '/readyz?verbose' 2>&1 | grep -v ' ok$' | tr '\n' ' ')"
    sleep 1
  done
  say "kube-apiserver ready after $((SECONDS - t0))s"

  # --- kube-controller-manager ---
  say "starting kube-controller-manager (healthz on 127.0.0.1:$KCM_PORT)"
  mkdir -p "$DIR/kcm-certs"
  start kube-controller-manager "$KUBE_CONTROLLER_MANAGER_BIN" \
    --kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$DIR/kcm-certs" \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range=10.0.0.0/24 --use-service-account-credentials=true \
    --leader-elect=false
  deadline=$((SECONDS + ${CP_SA_TIMEOUT:-90}))
  until "$KUBECTL_BIN" --kubeconfig="$DIR/admin.kubeconfig" -n default get serviceaccount default >/dev/null 2>&1; do
    pid_alive kube-controller-manager || fail_with_log kube-controller-manager "kube-controller-manager exited during startup"
    pid_alive kube-apiserver || fail_with_log kube-apiserver "kube-apiserver exited"
    [ $SECONDS -lt $deadline ] || fail_with_log kube-controller-manager "ServiceAccount default/default not created after ${CP_SA_TIMEOUT:-90}s"
    sleep 1
  done
  say "up in $((SECONDS - t0))s: export KUBECONFIG=$DIR/admin.kubeconfig"
}

cmd_down() {
  local c pid i stopped=0
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    c=${COMPONENTS[$i]}
    pid=$(stop_recorded "$PIDS/$c.pid")
    if [ -n "$pid" ]; then
      say "stopped $c (pid $pid)"
      stopped=$((stopped + 1))
    fi
  done
  [ $stopped -gt 0 ] || say "nothing running for $DIR"
  if [ "$PURGE" = 1 ]; then
    rm -rf "$DIR"
    say "removed $DIR"
  fi
}

cmd_status() {
  local c pid ok=0
  for c in "${COMPONENTS[@]}"; do
    if pid=$(recorded_pid "$PIDS/$c.pid"); then say "$c running (pid $pid)"; else say "$c NOT running"; ok=1; fi
  done
  if [ -f "$DIR/ports.env" ]; then
    # shellcheck disable=SC1091
    . "$DIR/ports.env"
    local r; r=$(apicurl /readyz 2>&1 || true)
    say "kube-apiserver https://$ADDRESS:$APISERVER_PORT /readyz: $r"
    [ "$r" = ok ] || ok=1
  else
    ok=1
  fi
  return $ok
}

case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env)
    echo "export KUBECONFIG='$DIR/admin.kubeconfig'"
    echo "export KUBE_CONFIG_PATH='$DIR/admin.kubeconfig'"
    ;;
  *) usage; exit 2 ;;
esac
