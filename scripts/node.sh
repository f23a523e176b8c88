#!/usr/bin/env bash
# A real single Kubernetes node for the end-to-end tests, joined to the control plane of
# scripts/control-plane.sh: containerd + runc, the CNI bridge, kubelet, kube-scheduler,
# kube-proxy (iptables), CoreDNS (Pods behind the kube-dns Service) and kube-router
# (NetworkPolicy enforcement only). Needs root (network namespaces, mounts, netfilter, cgroups).
#
#   scripts/node.sh up <dir> [image.tar ...]   start the control plane in <dir>/cp, then the
#                                              node; import the OCI archives; wait for Ready
#   scripts/node.sh down <dir>                 stop everything, restore the machine, rm <dir>
#   scripts/node.sh status <dir>               exit 0 if the node is Ready
#   scripts/node.sh check-clean <dir>          exit 0 if the machine matches the baseline
#                                              recorded by `up` (run after `down`)
#   scripts/node.sh env <dir>                  print KUBECONFIG / KUBE_CONFIG_PATH exports
#
# Everything lives under <dir> (state, sockets, logs, pids, certificates) except what the
# components write to hard-coded paths; `up` records which of those existed, and `down`
# removes only what it created. The node has its own address on an empty bridge the script
# creates (NODE_IP, default 10.245.255.1/32), so nothing listens on the machine's interfaces.
# The API server listens on NODE_IP:6443 (CP_ADDRESS), the kubelet on NODE_IP:10250, so Pods
# reach both as on any cluster; CoreDNS runs as Pods (k8s-app=kube-dns) behind the kube-dns
# Service, so NetworkPolicies select it as they would elsewhere. Health ports on 127.0.0.1.
# Image archives given to `up` are imported into containerd (the CoreDNS image among them).
# Binaries: scripts/toolchain.sh --only k8s,node (GOVSTACK_NODE_BINS, GOVSTACK_CNI_BIN).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_NAME=${NODE_NAME:-govstack-node}
NODE_IP=${NODE_IP:-10.245.255.1}
NODE_LINK=${NODE_LINK:-gsbp-node0}
POD_CIDR=10.244.0.0/24
POD_GATEWAY=10.244.0.1
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.0.0.0/24   # the control plane's --service-cluster-ip-range
DNS_SERVICE_IP=10.0.0.10
BRIDGE=gsbp-cni0
PAUSE_IMAGE=registry.k8s.io/pause:3.10.2  # containerd 2.4's default sandbox image, built locally
# Paths the components use whatever they are told; created by them, removed by `down` if new.
HARDCODED=(/var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/containerd /opt/containerd /run/netns /etc/cni /var/run/nri)
APISERVER_PORT=6443
COREDNS_IMAGE=${COREDNS_IMAGE:-localhost/coredns:e2e}

say() { echo "[node] $*"; }
die() { echo "[node] ERROR: $*" >&2; exit 1; }
usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

[ $# -ge 2 ] || { usage; exit 2; }
CMD=$1 DIR=$2; shift 2
IMAGES=("$@")
[ "$CMD" = up ] && mkdir -p "$DIR"
[ -d "$DIR" ] || { [ "$CMD" = down ] && { say "nothing to stop ($DIR does not exist)"; exit 0; }; die "$DIR does not exist"; }
DIR=$(cd "$DIR" && pwd)
R=$DIR/node CP=$DIR/cp LOGS=$DIR/node/logs PIDS=$DIR/node/pids BASE=$DIR/baseline

bins() {
  eval "$("$HERE/toolchain.sh" --print-env)"
  local p b
  IFS=: read -r -a p <<<"$GOVSTACK_NODE_BINS"
  for b in kubelet kube-proxy kube-scheduler kubectl containerd containerd-shim-runc-v2 ctr runc kube-router; do
    local found=""
    for d in "${p[@]}"; do [ -x "$d/$b" ] && found=$d/$b && break; done
    [ -n "$found" ] || die "$b not built; run scripts/toolchain.sh --only k8s,node"
    printf -v "BIN_${b//-/_}" '%s' "$found"
  done
  CNI_BIN=$GOVSTACK_CNI_BIN
  [ -x "$CNI_BIN/bridge" ] || die "CNI plugins not built; run scripts/toolchain.sh --only node"
  SHIM_DIR=$(dirname "$BIN_containerd_shim_runc_v2")
  local t
  for t in iptables ipset nft ip conntrack; do command -v "$t" >/dev/null || die "$t is needed (apt-get install iptables ipset nftables iproute2 conntrack)"; done
}

kc() { "$BIN_kubectl" --kubeconfig="$CP/admin.kubeconfig" "$@"; }
# shellcheck source=lib/process.sh
. "$HERE/lib/process.sh"
pid_alive() { recorded_pid "$PIDS/$1.pid" >/dev/null; }
start() { # <name> <binary> args...  (own session: stopping it never reaches the test runner)
  local c=$1; shift
  launch "$PIDS/$c.pid" "$LOGS/$c.log" "$@"
}
stop() { stop_recorded "$PIDS/$1.pid" >/dev/null; } # <name>
fail() { # <component> <message>
  echo "[node] ERROR: $2" >&2
  [ -f "$LOGS/$1.log" ] && { echo "[node] ---- last 30 lines of $LOGS/$1.log" >&2; tail -n 30 "$LOGS/$1.log" >&2; }
  echo "[node] run: $0 down $DIR" >&2
  exit 1
}
wait_for() { # <component> <seconds> <what> <command...>
  local c=$1 s=$2 what=$3; shift 3
  local deadline=$((SECONDS + s))
  until "$@" >/dev/null 2>&1; do
    [ "$c" = - ] || pid_alive "$c" || fail "$c" "$c exited while waiting for $what"
    [ $SECONDS -lt $deadline ] || fail "$c" "$what not reached after ${s}s"
    sleep 0.5
  done
}

# ---- the machine's state before, to restore and to compare after -------------------
snapshot() { # <dir>: what `down` must leave as it found
  mkdir -p "$1"
  nft list ruleset >"$1/nft" 2>/dev/null || true
  ipset list -n 2>/dev/null | sort >"$1/ipsets" || true
  ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$1/links"
  ip route show table all | sort >"$1/routes"
  awk '{print $2" "$3}' /proc/self/mounts | sort >"$1/mounts"
  local s
  for s in net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; do echo "$s=$(sysctl -n "$s" 2>/dev/null || echo absent)"; done >"$1/sysctls"
  find /sys/fs/cgroup -maxdepth 3 -type d -name 'kubepods*' 2>/dev/null | sort >"$1/cgroups"
  for s in "${HARDCODED[@]}"; do [ -e "$s" ] && echo "$s"; done >"$1/paths" || true
}

# ---- certificates and kubeconfigs from the control plane's CA ------------------------
issue_cert() { # <name> <subject>
  local pki=$CP/pki
  [ -f "$R/pki/$1.crt" ] && return 0
  openssl req -new -nodes -newkey rsa:2048 -config "$pki/openssl.cnf" -subj "$2" -keyout "$R/pki/$1.key" -out "$R/pki/$1.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 30 -in "$R/pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -extfile "$pki/openssl.cnf" -extensions client -out "$R/pki/$1.crt" 2>/dev/null
  rm -f "$R/pki/$1.csr"
}
kubeconfig_for() { # <name> -> $R/<name>.kubeconfig
  # shellcheck disable=SC1091
  . "$CP/ports.env"
  KUBECONFIG=$R/$1.kubeconfig "$BIN_kubectl" config set-cluster local --server="https://$NODE_IP:$APISERVER_PORT" \
    --certificate-authority="$CP/pki/ca.crt" --embed-certs >/dev/null
  KUBECONFIG=$R/$1.kubeconfig "$BIN_kubectl" config set-credentials "$1" --client-certificate="$R/pki/$1.crt" \
    --client-key="$R/pki/$1.key" --embed-certs >/dev/null
  KUBECONFIG=$R/$1.kubeconfig "$BIN_kubectl" config set-context local --cluster=local --user="$1" >/dev/null
  KUBECONFIG=$R/$1.kubeconfig "$BIN_kubectl" config use-context local >/dev/null
}

# Narrow identities for the host-process add-ons (read-only where that is all they need).
addon_rbac() {
  kc apply -f - >/dev/null <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "govstack-e2e:coredns"}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "govstack-e2e:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "govstack-e2e:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "govstack-e2e:kube-router"}
rules:
- {apiGroups: [""], resources: [namespaces, pods, services, endpoints, nodes], verbs: [get, list, watch]}
- {apiGroups: [networking.k8s.io], resources: [networkpolicies], verbs: [get, list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "govstack-e2e:kube-router"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "govstack-e2e:kube-router"}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "govstack-e2e:kube-router"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "govstack-e2e:kube-proxy"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:node-proxier"}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:kube-proxy"}]
EOF
}

write_configs() {
  cat >"$R/containerd.toml" <<EOF
version = 3
root = "$R/containerd/root"
state = "$R/containerd/state"
[grpc]
  address = "$R/containerd/containerd.sock"
[ttrpc]
  address = "$R/containerd/containerd.sock.ttrpc"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins.'io.containerd.cri.v1.runtime']
  # This VM lacks CAP_SYS_RESOURCE: negative oom_score_adj values fail, so clamp them.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$BIN_runc"
        Root = "$R/containerd/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$CNI_BIN"]
    conf_dir = "$R/cni/net.d"
[plugins.'io.containerd.nri.v1.nri']
  disable = true
[plugins.'io.containerd.internal.v1.opt']
  path = "$R/containerd/opt"
EOF
  mkdir -p "$R/cni/net.d" "$R/cni/ipam"
  cat >"$R/cni/net.d/10-govstack.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "govstack-e2e",
 "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$POD_GATEWAY"}]],
            "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$R/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  cat >"$R/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$R/containerd/containerd.sock
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 11248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CP/pki/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
resolvConf: $R/resolv.conf
podCIDR: $POD_CIDR
maxPods: 250  # the traffic test adds a listener and a probe per endpoint (a /24 Pod range holds 253)
oomScoreAdj: 0
serializeImagePulls: false
failSwapOn: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
staticPodPath: ""
registerNode: true
EOF
  # Pods resolve through CoreDNS only; its upstream is the machine's resolver.
  echo "nameserver $DNS_SERVICE_IP" >"$R/resolv.conf"
  cat >"$R/kube-scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection: {kubeconfig: $R/kube-scheduler.kubeconfig}
leaderElection: {leaderElect: false}
EOF
  cat >"$R/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $R/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $CLUSTER_CIDR
metricsBindAddress: 127.0.0.1:11249
healthzBindAddress: 127.0.0.1:11256
conntrack: {maxPerCore: 0}
iptables: {localhostNodePorts: false}
nodePortAddresses: [$NODE_IP/32]
oomScoreAdj: 0
EOF
}

# CoreDNS as clusters run it: a Deployment in kube-system behind the kube-dns Service.
cluster_dns() {
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        prometheus :9153
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
        }
        cache 30
        loop
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      containers:
      - name: coredns
        image: $COREDNS_IMAGE
        imagePullPolicy: Never
        args: ["-conf", "/etc/coredns/Corefile"]
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        - {name: metrics, containerPort: 9153, protocol: TCP}
        readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
        volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_SERVICE_IP
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, targetPort: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, targetPort: 53, protocol: TCP}
  - {name: metrics, port: 9153, targetPort: 9153, protocol: TCP}
EOF
}

dns_ready() { [ "$(kc -n kube-system get deployment coredns -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" = 1 ]; }

node_ready() { [ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }

cmd_up() {
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, mounts, netfilter, cgroups)"
  bins
  [ ! -f "$PIDS/containerd.pid" ] || die "a node already runs from $DIR; run: $0 down $DIR"
  mkdir -p "$R/pki" "$LOGS" "$PIDS"; chmod 700 "$R/pki"
  local t0=$SECONDS
  [ -d "$BASE" ] || snapshot "$BASE"
  # Kernel switches the node needs; `down` restores the recorded values.
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1

  # The node's own address, on a link of its own.
  ip link add "$NODE_LINK" type bridge  # an empty bridge: this kernel has no dummy links (CONFIG_DUMMY unset)
  ip addr add "$NODE_IP/32" dev "$NODE_LINK"
  ip link set "$NODE_LINK" up

  say "control plane on $NODE_IP:$APISERVER_PORT"
  CP_ADDRESS=$NODE_IP CP_APISERVER_PORT=$APISERVER_PORT bash "$HERE/control-plane.sh" up "$CP"
  issue_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  issue_cert kube-scheduler "/CN=system:kube-scheduler"
  issue_cert kube-proxy "/CN=system:kube-proxy"
  issue_cert kube-router "/CN=govstack-e2e:kube-router"
  local k; for k in kubelet kube-scheduler kube-proxy kube-router; do kubeconfig_for "$k"; done
  addon_rbac
  write_configs

  say "containerd"
  PATH=$SHIM_DIR:$PATH start containerd "$BIN_containerd" --config "$R/containerd.toml"
  wait_for containerd 30 "containerd socket" "$BIN_ctr" --address "$R/containerd/containerd.sock" version
  local img
  for img in "${IMAGES[@]}"; do
    "$BIN_ctr" --address "$R/containerd/containerd.sock" -n k8s.io images import --snapshotter overlayfs "$img" >>"$LOGS/images.log" 2>&1 \
      || fail images "importing $img failed"
  done
  say "imported ${#IMAGES[@]} image(s) in $((SECONDS - t0))s since start"

  say "kubelet, kube-scheduler, kube-proxy"
  start kubelet "$BIN_kubelet" --config="$R/kubelet.yaml" --kubeconfig="$R/kubelet.kubeconfig" --root-dir="$R/kubelet" \
    --cert-dir="$R/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --v=1
  start kube-scheduler "$BIN_kube_scheduler" --config="$R/kube-scheduler.yaml" --authentication-kubeconfig="$R/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$R/kube-scheduler.kubeconfig" --bind-address=127.0.0.1 --secure-port=11259 --v=1
  start kube-proxy "$BIN_kube_proxy" --config="$R/kube-proxy.yaml" --v=1
  wait_for kubelet 120 "node $NODE_NAME Ready" node_ready

  say "kube-router (NetworkPolicy enforcement)"
  start kube-router "$BIN_kube_router" --kubeconfig="$R/kube-router.kubeconfig" --hostname-override="$NODE_NAME" \
    --service-cluster-ip-range="$SERVICE_CIDR" --run-firewall=true --run-router=false --run-service-proxy=false \
    --run-loadbalancer=false --metrics-port=0 --health-port=11244 --v=1
  wait_for kube-router 60 "kube-router healthy" curl -sf --max-time 2 http://127.0.0.1:11244/healthz
  say "CoreDNS"
  cluster_dns
  wait_for kubelet 120 "CoreDNS Ready" dns_ready
  for k in kube-scheduler kube-proxy; do pid_alive "$k" || fail "$k" "$k exited"; done
  echo "$((SECONDS - t0))" >"$R/startup-seconds"
  say "node $NODE_NAME Ready in $((SECONDS - t0))s: export KUBECONFIG=$CP/admin.kubeconfig"
}

cmd_down() {
  [ -d "$R" ] || { bash "$HERE/control-plane.sh" down "$CP" --purge >/dev/null 2>&1 || true; restore_kernel; ip link del "$NODE_LINK" 2>/dev/null || true; return 0; }
  bins
  local sock=$R/containerd/containerd.sock ctr=("$BIN_ctr" --address "$R/containerd/containerd.sock" -n k8s.io)
  stop kube-scheduler
  # Let the kubelet stop the pods itself (CNI DEL, unmounts), briefly.
  if pid_alive kubelet && bash "$HERE/control-plane.sh" status "$CP" >/dev/null 2>&1; then
    kc delete pods -A --field-selector "spec.nodeName=$NODE_NAME" --grace-period=1 --wait=false >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do
      [ -S "$sock" ] || break
      "${ctr[@]}" tasks ls -q 2>/dev/null | grep -q . || break
      sleep 0.5
    done
  fi
  stop kube-router; "$BIN_kube_router" --cleanup-config >>"$LOGS/kube-router.log" 2>&1 || true
  stop kube-proxy; "$BIN_kube_proxy" --cleanup >>"$LOGS/kube-proxy.log" 2>&1 || true
  stop kubelet
  if [ -S "$sock" ]; then
    local id
    for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 0.5
    for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks rm -f "$id" >/dev/null 2>&1 || true; done
    for id in $("${ctr[@]}" containers ls -q 2>/dev/null); do "${ctr[@]}" containers rm "$id" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  # Shims outlive containerd by design; ours are the ones bound to this node's socket.
  local pid
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $R/containerd/containerd.sock" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  bash "$HERE/control-plane.sh" down "$CP" --purge >/dev/null || true
  # Mounts under the node's folder, deepest first (rootfs overlays, shm, netns, kubelet's bind).
  local m
  for _ in 1 2 3; do
    for m in $(awk -v r="$R" 'index($2, r) == 1 {print $2}' /proc/self/mounts | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
      umount -l "$m" 2>/dev/null || true
    done
  done
  # Network devices: pod veths on our bridge, the bridge, the node's link.
  local l
  for l in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'); do ip link del "$l" 2>/dev/null || true; done
  ip link del "$BRIDGE" 2>/dev/null || true
  ip link del "$NODE_LINK" 2>/dev/null || true
  restore_netfilter
  restore_kernel
  # cgroups the kubelet made, depth first.
  local c
  for c in $(find /sys/fs/cgroup -depth -type d -path '*kubepods*' 2>/dev/null); do rmdir "$c" 2>/dev/null || true; done
  # Hard-coded paths the components created (never ones that existed before).
  for m in "${HARDCODED[@]}"; do
    [ -e "$m" ] || continue
    grep -qxF "$m" "$BASE/paths" 2>/dev/null && continue
    umount -l "$m" 2>/dev/null || true
    rm -rf "$m"
  done
  rm -rf "$R" "$CP"
  say "node stopped and machine restored"
}

restore_netfilter() {
  [ -f "$BASE/nft" ] || return 0
  if [ ! -s "$BASE/nft" ]; then
    nft flush ruleset 2>/dev/null || true
  else
    # The machine had rules of its own: delete only the chains the node's components add.
    local fam tbl ch
    while read -r fam tbl ch; do
      nft flush chain "$fam" "$tbl" "$ch" 2>/dev/null || true
    done < <(nft -a list chains 2>/dev/null | awk '/table/ {f=$2; t=$3} /chain (KUBE-|kube-)/ {print f, t, $2}')
    while read -r fam tbl ch; do
      nft delete chain "$fam" "$tbl" "$ch" 2>/dev/null || true
    done < <(nft -a list chains 2>/dev/null | awk '/table/ {f=$2; t=$3} /chain (KUBE-|kube-)/ {print f, t, $2}')
  fi
  local s
  for s in $(ipset list -n 2>/dev/null); do
    grep -qxF "$s" "$BASE/ipsets" 2>/dev/null && continue
    ipset destroy "$s" 2>/dev/null || true
  done
  conntrack -D -s "$POD_CIDR" >/dev/null 2>&1 || true
}

restore_kernel() {
  [ -f "$BASE/sysctls" ] || return 0
  local kv
  while read -r kv; do
    [ "${kv#*=}" = absent ] || sysctl -qw "$kv" 2>/dev/null || true
  done <"$BASE/sysctls"
}

cmd_check_clean() {
  [ -d "$BASE" ] || die "no baseline in $BASE (was the node started from $DIR?)"
  local now; now=$(mktemp -d)
  snapshot "$now"
  local bad=0 f
  for f in nft ipsets links routes mounts sysctls cgroups paths; do
    if ! diff -q "$BASE/$f" "$now/$f" >/dev/null; then
      echo "[node] machine differs from the baseline in $f:"; diff "$BASE/$f" "$now/$f" | sed 's/^/[node]   /' | head -20
      bad=1
    fi
  done
  local left; left=$(pgrep -f "$DIR/" || true)
  [ -z "$left" ] || { echo "[node] processes still running from $DIR: $left"; bad=1; }
  rm -rf "$now"
  [ $bad = 0 ] && { say "machine matches the baseline"; rm -rf "$DIR"; }
  return $bad
}

case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  status) bins; node_ready && say "node $NODE_NAME Ready" ;;
  check-clean) cmd_check_clean ;;
  env) echo "export KUBECONFIG='$CP/admin.kubeconfig'"; echo "export KUBE_CONFIG_PATH='$CP/admin.kubeconfig'" ;;
  *) usage; exit 2 ;;
esac
