#!/usr/bin/env bash
# Lint, render and policy-check the project's Helm charts (charts/*).
#
#   test/charts/run.sh            # all charts
#   HELM=/path/to/helm test/charts/run.sh
#   GOVSTACK_CRD_DIRS="dir1:dir2" test/charts/run.sh   # also validate custom resources
#                                                      # against those CRD schemas
#   PROMTOOL=/path/to/promtool test/charts/run.sh       # also unit-test the alert rules
# For each chart: `helm lint --strict` and `helm template` with the representative
# values in test/charts/values/<chart>.yaml, rendered twice: without CRDs (CRD-kind
# objects must be skipped) and with --api-versions for every CRD kind the chart uses
# (they must render). Rendered Pods go through check-restricted.py. Negative cases
# prove that the schemas reject bad values. Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/charts
OUT=${OUT:-$(mktemp -d)}
KUBE_VERSION=${KUBE_VERSION:-1.33.0}

find_helm() {
  if [[ -n "${HELM:-}" ]]; then echo "$HELM"; return; fi
  if command -v helm >/dev/null 2>&1; then command -v helm; return; fi
  local h
  h=$(find "$HOME/.cache/govstack-blueprint" -maxdepth 2 -name helm -type f -perm -u+x 2>/dev/null | sort | tail -1)
  [[ -n "$h" ]] && echo "$h"
}
HELM=$(find_helm) || true
if [[ -z "${HELM:-}" ]]; then
  echo "run.sh: no helm binary (set HELM, put helm on PATH, or build it with scripts/toolchain.sh helm)" >&2
  exit 2
fi

# The charts carry no deployable image or port of their own, and govstack-xroad writes no
# label its NetworkPolicies select by: the stack passes them from the catalog and the model.
# The tests do the same: each helm call on one of the project's charts gets that chart's
# catalog values from the compiled catalog (npm run build or npm test first), and the xroad
# chart's security servers (from its representative values) get their Pod labels from the
# model's rule (src/model/pod-labels.ts), as the stack gives them.
REAL_HELM=$HELM
for c in govstack-building-block govstack-xroad; do
  node -e '
    const [root, chart, valuesFile] = process.argv.slice(1);
    const out = { ...require(root + "/dist/src/catalog").chartCatalogValues(chart) };
    if (chart === "govstack-xroad") {
      const labels = require(root + "/dist/src/model/pod-labels");
      const values = require(root + "/node_modules/yaml").parse(require("fs").readFileSync(valuesFile, "utf8"));
      out.securityServers = values.securityServers.map((s) => ({ ...s, podLabels: labels.securityServerPods(s.name), databasePodLabels: labels.securityServerDatabasePods(s.name) }));
    }
    process.stdout.write(JSON.stringify(out));' \
    "$ROOT" "$c" "$HERE/values/$c.yaml" >"$OUT/images-$c.json" || { echo "run.sh: build the project first (dist/src/catalog)" >&2; exit 2; }
done
helm_with_catalog_images() {
  local extra=() a
  for a in "$@"; do
    [[ -f "$OUT/images-${a##*/}.json" && "$a" == */charts/* ]] && extra=(-f "$OUT/images-${a##*/}.json")
  done
  "$REAL_HELM" "$@" "${extra[@]}"
}
HELM=helm_with_catalog_images
# Checks that run helm inside `bash -c` call the same function (sh would not know it).
export -f helm_with_catalog_images
export OUT REAL_HELM

pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "PASS  $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; }

# expect_ok NAME CMD...: command must succeed
expect_ok() {
  local name=$1; shift
  local log=$OUT/$(echo "$name" | tr -c 'A-Za-z0-9' '_').log
  if "$@" >"$log" 2>&1; then ok "$name"; else bad "$name"; sed 's/^/      /' "$log" | tail -20; fi
}
# expect_fail NAME PATTERN CMD...: command must fail and print PATTERN (extended regex)
expect_fail() {
  local name=$1 pattern=$2; shift 2
  local log=$OUT/$(echo "$name" | tr -c 'A-Za-z0-9' '_').log
  if "$@" >"$log" 2>&1; then
    bad "$name (expected failure, got success)"
  elif grep -Eq -- "$pattern" "$log"; then
    ok "$name"
  else
    bad "$name (failed without /$pattern/)"; sed 's/^/      /' "$log" | tail -10
  fi
}

# render OUTFILE CHART_DIR HELM_ARGS...: helm template into OUTFILE
render() {
  local out=$1; shift
  "$HELM" template t "$@" -n govstack-test --kube-version "$KUBE_VERSION" >"$out"
}

declare -A CRDS=(
  [govstack-building-block]="monitoring.coreos.com/v1/ServiceMonitor"
  [govstack-gateway]="gateway.networking.k8s.io/v1/GatewayClass gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/HTTPRoute gateway.envoyproxy.io/v1alpha1/EnvoyProxy gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy gateway.envoyproxy.io/v1alpha1/SecurityPolicy"
  [govstack-xroad]=""
  [govstack-observability]="monitoring.coreos.com/v1/PrometheusRule monitoring.coreos.com/v1alpha1/AlertmanagerConfig monitoring.coreos.com/v1/PodMonitor"
)
# Workloads allowed to run under "baseline" (documented in charts/govstack-xroad/README.md).
XROAD_BASELINE='^StatefulSet/[^/]+/[^/]+-(ss-[a-z0-9-]+[a-z0-9]|cs)$'

for chart in govstack-building-block govstack-gateway govstack-xroad govstack-observability; do
  dir=$ROOT/charts/$chart
  values=$HERE/values/$chart.yaml
  api=()
  for k in ${CRDS[$chart]}; do api+=(--api-versions "$k"); done

  expect_ok "$chart: helm lint --strict" "$HELM" lint --strict "$dir" -f "$values"
  expect_ok "$chart: helm template (no CRDs)" \
    render "$OUT/$chart.nocrd.yaml" "$dir" -f "$values"
  expect_ok "$chart: helm template (CRDs served)" \
    render "$OUT/$chart.yaml" "$dir" -f "$values" "${api[@]}"

  # CRD-kind objects appear only when their kind is served.
  for k in ${CRDS[$chart]}; do
    kind=${k##*/}
    if grep -q "^kind: $kind\$" "$OUT/$chart.nocrd.yaml"; then bad "$chart: $kind rendered without its CRD"; else ok "$chart: $kind skipped without its CRD"; fi
    if grep -q "^kind: $kind\$" "$OUT/$chart.yaml"; then ok "$chart: $kind rendered with its CRD"; else bad "$chart: $kind not rendered with its CRD"; fi
  done
  if [[ -n "${CRDS[$chart]}" ]]; then
    expect_fail "$chart: requireCrds=true fails without CRDs" "does not serve|not serve" \
      "$HELM" template t "$dir" -n govstack-test -f "$values" --set requireCrds=true --kube-version "$KUBE_VERSION"
  fi

  expect_ok "$chart: Pod Security restricted (check-restricted.py)" \
    python3 "$HERE/check-restricted.py" --allow-baseline "$XROAD_BASELINE" "$OUT/$chart.yaml"

  # Schema: unknown top-level key.
  expect_fail "$chart: schema rejects an unknown top-level key" "additional properties|additionalProperties|not allowed" \
    "$HELM" template t "$dir" -f "$values" --set notAValue=1
done

BB=$ROOT/charts/govstack-building-block; BBV=$HERE/values/govstack-building-block.yaml
expect_fail "building-block: schema rejects image tag latest" "latest|tag" \
  "$HELM" template t "$BB" -f "$BBV" --set image.tag=latest
expect_fail "building-block: schema rejects image tag 1.0-latest" "latest|tag" \
  "$HELM" template t "$BB" -f "$BBV" --set image.tag=1.0-latest
expect_fail "building-block: schema rejects an empty tag without digest" "tag|digest|anyOf" \
  "$HELM" template t "$BB" -f "$BBV" --set image.tag=
expect_ok "building-block: digest without tag is accepted" \
  "$HELM" template t "$BB" -f "$BBV" --set image.tag= --set image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
expect_fail "building-block: schema rejects missing resources" "resources" \
  "$HELM" template t "$BB" -f "$BBV" --set resources=null
expect_fail "building-block: schema rejects missing resources.limits" "limits" \
  "$HELM" template t "$BB" -f "$BBV" --set resources.limits=null
expect_fail "building-block: schema rejects a secret-looking env name" "propertyNames|DB_PASSWORD|does not match|not" \
  "$HELM" template t "$BB" -f "$BBV" --set env.DB_PASSWORD=x
expect_fail "building-block: schema requires buildingBlock" "buildingBlock" \
  "$HELM" template t "$BB" -f "$BBV" --set buildingBlock=
expect_fail "building-block: schema rejects runAsUser 0" "runAsUser|minimum" \
  "$HELM" template t "$BB" -f "$BBV" --set securityContext.runAsUser=0
expect_fail "building-block: schema rejects database image tag latest" "latest|tag" \
  "$HELM" template t "$BB" -f "$BBV" --set database.image.tag=latest
expect_fail "building-block: a datastore without the catalog's port fails naming it" "database.port is required" \
  "$REAL_HELM" template t "$BB" -f "$BBV" --set database.enabled=true --set database.image.repository=postgres --set database.image.tag=17.9-alpine
if "$HELM" template t "$BB" -f "$BBV" --set database.enabled=true >"$OUT/bb-database.yaml" 2>"$OUT/bb-database.err" \
  && python3 - "$OUT/bb-database.yaml" "$OUT/images-govstack-building-block.json" <<'PY'
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
port = json.load(open(sys.argv[2]))["database"]["port"]
svc = next(d for d in docs if d["kind"] == "Service" and d["spec"].get("clusterIP") == "None")
sts = next(d for d in docs if d["kind"] == "StatefulSet")
dep = next(d for d in docs if d["kind"] == "Deployment")
db = sts["spec"]["template"]["spec"]["containers"][0]
assert svc["spec"]["ports"][0]["port"] == port, svc["spec"]["ports"]
assert db["ports"][0]["containerPort"] == port, db["ports"]
for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
    assert f"-p {port} " in db[probe]["exec"]["command"][2], (probe, db[probe])
env = {e["name"]: e.get("value") for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}
assert env["DATABASE_PORT"] == str(port), env
PY
then ok "building-block: the datastore's Service, container, probes and DATABASE_PORT use the catalog's port"
else bad "building-block: the datastore's Service, container, probes and DATABASE_PORT use the catalog's port ($(tail -3 "$OUT/bb-database.err"))"
fi
ROOT_MODE=(--set securityContext.runAsNonRoot=false --set securityContext.runAsUser=0 --set securityContext.runAsGroup=0 --set securityContext.fsGroup=0)
expect_fail "building-block: root mode requires podSecurityJustification" "podSecurityJustification" \
  "$HELM" template t "$BB" -f "$BBV" "${ROOT_MODE[@]}"
expect_fail "building-block: capabilitiesAdd needs root mode" "capabilitiesAdd|maxItems" \
  "$HELM" template t "$BB" -f "$BBV" --set 'securityContext.capabilitiesAdd={CHOWN}'
expect_ok "building-block: root mode renders a documented baseline exception" \
  render "$OUT/bb-root.yaml" "$BB" -f "$BBV" "${ROOT_MODE[@]}" \
    --set podSecurityJustification="The vendor image writes to root-owned paths at start and publishes no non-root variant."
expect_ok "building-block: root mode passes as justified baseline, datastore stays restricted" \
  python3 "$HERE/check-restricted.py" --quiet --allow-baseline '^Deployment/' "$OUT/bb-root.yaml"
expect_fail "building-block: root mode is not restricted" "runAsNonRoot must be true" \
  python3 "$HERE/check-restricted.py" --quiet "$OUT/bb-root.yaml"
expect_ok "building-block: no PDB with 1 replica" \
  bash -c '! "$0" template t "$1" -f "$2" --set replicas=1 | grep -q "^kind: PodDisruptionBudget$"' "$HELM" "$BB" "$BBV"
expect_ok "building-block: PDB with 2 replicas" \
  bash -c '"$0" template t "$1" -f "$2" --set replicas=2 | grep -q "^kind: PodDisruptionBudget$"' "$HELM" "$BB" "$BBV"
# probeType: http (default) GETs healthPath; tcp (what the stack passes for a product no HTTP
# probe can pass, the catalog's messaging example mock) opens a TCP connection to the "http" port.
if "$HELM" template t "$BB" -f "$BBV" --set probeType=tcp >"$OUT/bb-tcp.yaml" 2>"$OUT/bb-tcp.err" \
  && "$HELM" template t "$BB" -f "$BBV" >"$OUT/bb-http.yaml" 2>>"$OUT/bb-tcp.err" \
  && python3 - "$OUT/bb-tcp.yaml" "$OUT/bb-http.yaml" <<'PY'
import sys, yaml
def container(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    return next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]["containers"][0]
tcp, http = container(sys.argv[1]), container(sys.argv[2])
assert [p["name"] for p in tcp["ports"]] == ["http"], tcp["ports"]
for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
    assert tcp[probe]["tcpSocket"] == {"port": "http"} and "httpGet" not in tcp[probe], (probe, tcp[probe])
    assert http[probe]["httpGet"] == {"path": "/healthz", "port": "http"} and "tcpSocket" not in http[probe], (probe, http[probe])
    assert tcp[probe]["periodSeconds"] == http[probe]["periodSeconds"], probe
PY
then ok "building-block: probeType tcp opens the http port in all three probes, http (default) GETs healthPath"
else bad "building-block: probeType tcp opens the http port in all three probes, http (default) GETs healthPath ($(tail -3 "$OUT/bb-tcp.err"))"
fi
expect_fail "building-block: schema rejects an unknown probeType" "probeType|enum|value must be one of" \
  "$HELM" template t "$BB" -f "$BBV" --set probeType=exec

GW=$ROOT/charts/govstack-gateway; GWV=$HERE/values/govstack-gateway.yaml
expect_fail "gateway: schema rejects both certificateSecret and clusterIssuer" "oneOf|certificateSecret|clusterIssuer" \
  "$HELM" template t "$GW" -f "$GWV" --set gateways.internal.tls.clusterIssuer=x
expect_fail "gateway: schema rejects neither certificateSecret nor clusterIssuer" "oneOf|certificateSecret|clusterIssuer" \
  "$HELM" template t "$GW" -f "$GWV" --set gateways.internal.tls.certificateSecret=
expect_fail "gateway: schema rejects TLS 1.1" "minVersion|enum|value must be one of" \
  "$HELM" template t "$GW" -f "$GWV" --set tls.minVersion=1.1
expect_fail "gateway: schema requires clientId with an OIDC issuer" "clientId|minLength" \
  "$HELM" template t "$GW" -f "$GWV" --set oidc.clientId=
expect_ok "gateway: Gateways, policies and parentRefs use the per-gateway namespaces" \
  python3 - "$OUT/govstack-gateway.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
ns = {"t-external": "gs-gateway-external", "t-internal": "gs-gateway-internal"}
for d in docs:
    k, m = d["kind"], d["metadata"]
    if k == "Gateway":
        assert m["namespace"] == ns[m["name"]], m
    if k in ("ClientTrafficPolicy", "BackendTrafficPolicy", "SecurityPolicy"):
        assert m["namespace"] == ns[d["spec"]["targetRefs"][0]["name"]], m
    if k == "HTTPRoute":
        for p in d["spec"]["parentRefs"]:
            assert p["namespace"] == ns[p["name"]], p
PY
expect_fail "gateway: route to a disabled gateway fails" "not enabled" \
  "$HELM" template t "$GW" -f "$GWV" --set gateways.internal.enabled=false
expect_fail "gateway: schema rejects a client range that is not a CIDR" "clientCidrs|pattern|does not match" \
  "$HELM" template t "$GW" -f "$GWV" --set 'rateLimit.clientCidrs={everyone}'
expect_ok "gateway: rate limit per client address (one Distinct sourceCIDR rule per range, no shared rule)" \
  python3 - "$OUT/govstack-gateway.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "BackendTrafficPolicy"]
assert len(docs) == 2, len(docs)
for d in docs:
    rules = d["spec"]["rateLimit"]["local"]["rules"]
    assert [r["clientSelectors"] for r in rules] == [[{"sourceCIDR": {"type": "Distinct", "value": c}}] for c in ("0.0.0.0/0", "::/0")], rules
PY

XR=$ROOT/charts/govstack-xroad; XRV=$HERE/values/govstack-xroad.yaml
expect_fail "xroad: schema rejects security server image tag latest" "latest|tag" \
  "$HELM" template t "$XR" -f "$XRV" --set images.securityServer.tag=latest
expect_fail "xroad: schema rejects a non-baseline capability" "capabilitiesAdd|enum|value must be one of" \
  "$HELM" template t "$XR" -f "$XRV" --set 'xroadSecurityContext.capabilitiesAdd={SYS_ADMIN}'
XRR=$HERE/values/govstack-xroad-reconcile.yaml
expect_fail "xroad: reconcile enabled needs a configuration" "configuration" \
  "$HELM" template t "$XR" -f "$XRV" --set reconcile.enabled=true
expect_ok "xroad: helm lint --strict with the reconcile Job" "$HELM" lint --strict "$XR" -f "$XRV" -f "$XRR"
expect_ok "xroad: helm template with the reconcile Job" \
  render "$OUT/xroad-reconcile.yaml" "$XR" -f "$XRV" -f "$XRR"
expect_ok "xroad: reconcile Job is Pod Security restricted, X-Road servers stay documented baseline" \
  python3 "$HERE/check-restricted.py" --quiet --allow-baseline "$XROAD_BASELINE" "$OUT/xroad-reconcile.yaml"
expect_ok "xroad: reconcile Job, script, credentials by secretKeyRef only, admin API parameters mounted" \
  python3 - "$OUT/xroad-reconcile.yaml" "$ROOT/charts/govstack-xroad/files/reconcile.js" <<'PY'
import json, re, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
jobs = [d for d in docs if d["kind"] == "Job"]
assert len(jobs) == 1, [d["metadata"]["name"] for d in jobs]
job = jobs[0]
assert re.fullmatch(r"t-reconcile-[0-9a-f]{10}", job["metadata"]["name"]), job["metadata"]["name"]
pod = job["spec"]["template"]["spec"]
assert pod["restartPolicy"] == "Never"
c = pod["containers"][0]
assert c["image"] == "node:22.20.0-alpine3.22", c["image"]
for e in c["env"]:
    if re.search(r"USER|PASSWORD|PIN", e["name"]):
        assert "value" not in e and e["valueFrom"]["secretKeyRef"]["name"].endswith("-credentials"), e
names = {e["name"] for e in c["env"]}
for n in ("SS_GOV_ADMIN_USER", "SS_GOV_ADMIN_PASSWORD", "SS_GOV_TOKEN_PIN", "SS_ORG_TOKEN_PIN", "CS_ADMIN_PASSWORD", "CS_TOKEN_PIN", "CS_ADDRESS"):
    assert n in names, n
cms = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
assert cms["t-reconcile"]["data"]["reconcile.js"].strip() == open(sys.argv[2]).read().strip(), "script differs from files/reconcile.js"
desired = json.loads(cms["t-reconcile"]["data"]["desired.json"])
assert desired["instance"] == "SANDBOX" and desired["accessRights"], desired
assert not re.search(r"(?i)password|token_pin|pin-", cms["t-reconcile"]["data"]["desired.json"])
assert "key-management-api-whitelist" in cms["t-admin-api"]["data"]["override-govstack-admin-api.ini"]
for d in docs:
    if d["kind"] == "StatefulSet" and re.fullmatch(r"t-(ss-(gov|org)|cs)", d["metadata"]["name"]):
        mounts = d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        assert any(m["mountPath"] == "/etc/xroad/conf.d/override-govstack-admin-api.ini" for m in mounts), d["metadata"]["name"]
# Every server the Job calls (servers.json adminUrl) presents a certificate of the release CA for
# that name, installed from its "<server>-tls" Secret: the Job's TLS verification cannot be off.
servers = json.loads(cms["t-servers"]["data"]["servers.json"])
hosts = [s["service"] for s in servers["securityServers"]] + ([servers["centralServer"]["service"]] if servers["centralServer"]["enabled"] else [])
assert "t-cs" in hosts, hosts
secrets = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Secret"}
sets = {d["metadata"]["name"]: d for d in docs if d["kind"] == "StatefulSet"}
for h in hosts:
    assert secrets[h + "-tls"]["type"] == "kubernetes.io/tls", h
    vols = sets[h]["spec"]["template"]["spec"]["volumes"]
    assert any(v.get("secret", {}).get("secretName") == h + "-tls" for v in vols), h
    init = [c["name"] for c in sets[h]["spec"]["template"]["spec"]["initContainers"]]
    assert "install-tls" in init, (h, init)
PY
expect_ok "xroad: the Job name is stable for equal values and changes with the configuration" \
  bash -c 'a=$("$0" template t "$1" -f "$2" -f "$3" | grep -o "t-reconcile-[0-9a-f]\{10\}" | head -1);
         b=$("$0" template t "$1" -f "$2" -f "$3" | grep -o "t-reconcile-[0-9a-f]\{10\}" | head -1);
         c=$("$0" template t "$1" -f "$2" -f "$3" --set "reconcile.configuration.subsystems[0].services[0].timeout=30" | grep -o "t-reconcile-[0-9a-f]\{10\}" | head -1);
         [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ]' "$HELM" "$XR" "$XRV" "$XRR"
expect_fail "xroad: reconcile configuration of another instance fails" "differs from instance" \
  "$HELM" template t "$XR" -f "$XRV" -f "$XRR" --set reconcile.configuration.instance=OTHER
expect_fail "xroad: reconcile configuration naming an unknown security server fails" "not in securityServers" \
  "$HELM" template t "$XR" -f "$XRV" -f "$XRR" --set "reconcile.configuration.securityServers[0].name=nope"
expect_fail "xroad: schema rejects an unpinned reconcile image" "latest|tag" \
  "$HELM" template t "$XR" -f "$XRV" -f "$XRR" --set reconcile.image.tag=latest
expect_ok "xroad: no reconcile objects while disabled" \
  bash -c '! grep -Eq "name: t-(reconcile|admin-api)" "$0"' "$OUT/govstack-xroad.yaml"
expect_fail "xroad: schema requires instance" "instance" \
  "$HELM" template t "$XR" -f "$XRV" --set instance=
expect_ok "xroad: X-Road pods carry the baseline justification" \
  grep -q "govstack.global/pod-security-justification" "$OUT/govstack-xroad.yaml"
expect_ok "xroad: no secret value in the servers ConfigMap" \
  bash -c '! grep -A40 "name: t-servers" "$0" | grep -Eiq "password\"?: *\"[^\"]|pin\"?: *\"[^\"]"' "$OUT/govstack-xroad.yaml"

# The stack's own values: the chart rendered with exactly what the InformationMediator
# construct passes for a blueprint (src/constructs/xroad-values.ts), no test values at all.
# Every security server's Pods carry the model's labels (securityServerPods), and nothing
# else the chart renders is selected by them; every port is the catalog's.
for case in sandbox.yaml examples/kenya-aks.yaml sandbox.yaml:bundled; do
  bp=${case%%:*}; mode=${case#"$bp"}; mode=${mode#:}
  tag=$(basename "$bp" .yaml)${mode:+-$mode}
  expect_ok "xroad: the stack's values for blueprints/$bp${mode:+ ($mode documents)} render (no test values)" bash -c '
    node "$0/test/charts/stack-values.js" "$0" "$0/blueprints/$1" "$OUT/stack-$2.json" "$OUT/expected-$2.json" $3 &&
      "$REAL_HELM" template t "$0/charts/govstack-xroad" -n gs-mediator -f "$OUT/stack-$2.json" >"$OUT/stack-$2.yaml"' "$ROOT" "$bp" "$tag" "$mode"
  expect_ok "xroad ($tag): Pods carry exactly the model's labels (security servers, document server), ports are the catalog's" \
    python3 - "$OUT/stack-$tag.yaml" "$OUT/expected-$tag.json" <<'PY'
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
expected = json.load(open(sys.argv[2]))
catalog = expected["catalog"]
pods = [(f'{d["kind"]}/{d["metadata"]["name"]}', d["spec"]["template"]) for d in docs if d["kind"] in ("StatefulSet", "Deployment", "Job")]
def selected(want):
    return [w for w, t in pods if all(t["metadata"]["labels"].get(k) == v for k, v in want.items())]
assert expected["servers"], "the blueprint has security servers"
for name, want in expected["servers"].items():
    assert selected(want) == [f"StatefulSet/t-ss-{name}"], (name, want, selected(want))
    sts = next(d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == f"t-ss-{name}")
    given = {k: v for k, v in sts["spec"]["selector"]["matchLabels"].items() if k not in ("app.kubernetes.io/name", "app.kubernetes.io/instance")}
    assert given == want, (given, want)
    ports = {p["name"]: p["containerPort"] for p in sts["spec"]["template"]["spec"]["containers"][0]["ports"]}
    ss = catalog["securityServer"]["ports"]
    assert ports == {"admin": ss["admin"], "client-http": ss["clientHttp"], "client-https": ss["clientHttps"], "messaging": ss["messaging"], "ocsp": ss["ocsp"], "health": ss["health"]}, ports
    db = next(d for d in docs if d["kind"] == "StatefulSet" and d["metadata"]["name"] == f"t-ss-{name}-db")
    assert db["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == catalog["database"]["port"]
documents = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "t-documents"]
if expected["documentServer"] is None:
    assert not documents, "no document server without bundled documents"
else:
    assert selected(expected["documentServer"]) == ["Deployment/t-documents"], selected(expected["documentServer"])
    c = documents[0]["spec"]["template"]["spec"]["containers"][0]
    assert c["ports"] == [{"name": "http", "containerPort": expected["documentServerPort"]["port"], "protocol": "TCP"}], c["ports"]
    svc = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "xroad-documents")
    assert svc["spec"]["ports"][0]["port"] == expected["documentServerPort"]["port"]
    sources = documents[0]["spec"]["template"]["spec"]["volumes"][1]["projected"]["sources"]
    maps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("t-documents-")}
    assert len(sources) == len(maps) > 0, (len(sources), len(maps))
print("ok", sorted(expected["servers"]))
PY
  expect_ok "xroad ($tag): Pod Security restricted except the documented X-Road servers" \
    python3 "$HERE/check-restricted.py" --quiet --allow-baseline "$XROAD_BASELINE" "$OUT/stack-$tag.yaml"
done
expect_ok "xroad: the templates write no label the NetworkPolicies select by, and no port number" \
  bash -c '! grep -rnE "govstack.global/security-server|(containerPort|port|targetPort): *[0-9]+|-p +[0-9]+" "$0/templates"' "$XR"
python3 -c 'import json, sys; v = json.load(open(sys.argv[1])); del v["ports"]["securityServer"]["admin"]; json.dump(v, open(sys.argv[2], "w"))' \
  "$OUT/images-govstack-xroad.json" "$OUT/xroad-no-admin-port.json"
expect_fail "xroad: a missing port fails naming it" "ports.securityServer.admin is required" \
  "$REAL_HELM" template t "$XR" -f "$XRV" -f "$OUT/xroad-no-admin-port.json"
expect_fail "xroad: a missing database port fails naming it" "ports.database is required" \
  "$HELM" template t "$XR" -f "$XRV" --set ports.database=0
python3 -c 'import json, sys; v = json.load(open(sys.argv[1])); del v["securityServers"][0]["podLabels"]; json.dump(v, open(sys.argv[2], "w"))' \
  "$OUT/images-govstack-xroad.json" "$OUT/xroad-no-labels.json"
expect_fail "xroad: a security server without the stack's Pod labels fails" "securityServers\[gov\].podLabels is required" \
  "$REAL_HELM" template t "$XR" -f "$XRV" -f "$OUT/xroad-no-labels.json"
expect_fail "xroad: Pod labels may not replace the chart's own" "may not set app.kubernetes.io/instance" \
  "$HELM" template t "$XR" -f "$XRV" --set 'securityServers[0].podLabels.app\.kubernetes\.io/instance=x'

OB=$ROOT/charts/govstack-observability; OBV=$HERE/values/govstack-observability.yaml
expect_fail "observability: schema rejects an unknown receiver type" "type|enum|value must be one of" \
  "$HELM" template t "$OB" -f "$OBV" --set 'receivers[0].type=pagerduty'
expect_fail "observability: schema requires smarthost for email" "smarthost" \
  "$HELM" template t "$OB" -f "$OBV" --set 'receivers[0].smarthost=null'

# Alert rules: syntax and behaviour (needs promtool; skipped when absent).
PROMTOOL=${PROMTOOL:-$(command -v promtool || true)}
if [[ -n "$PROMTOOL" ]]; then
  python3 - "$OUT/govstack-observability.yaml" "$OUT/rules.yaml" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "PrometheusRule":
        yaml.safe_dump({"groups": d["spec"]["groups"]}, open(sys.argv[2], "w"), sort_keys=False)
PY
  cp "$HERE/alerts.test.yaml" "$OUT/alerts.test.yaml"
  expect_ok "observability: promtool check rules" "$PROMTOOL" check rules "$OUT/rules.yaml"
  expect_ok "observability: promtool test rules (alerts.test.yaml)" "$PROMTOOL" test rules "$OUT/alerts.test.yaml"
else
  echo "SKIP  observability: promtool not found (set PROMTOOL) - alert rules not unit-tested"
fi

if [[ -n "${GOVSTACK_CRD_DIRS:-}" ]]; then
  crd_args=()
  IFS=: read -ra dirs <<<"$GOVSTACK_CRD_DIRS"
  for d in "${dirs[@]}"; do crd_args+=(--crds "$d"); done
  expect_ok "custom resources valid against their CRD schemas" \
    python3 "$HERE/validate-crd-objects.py" "${crd_args[@]}" \
      "$OUT/govstack-building-block.yaml" "$OUT/govstack-gateway.yaml" "$OUT/govstack-observability.yaml"
fi

echo "rendered manifests and logs: $OUT"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
