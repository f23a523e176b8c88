#!/usr/bin/env python3
"""Check rendered Kubernetes manifests against Pod Security "restricted" and the
govstack-blueprint security defaults (and reject duplicate YAML keys).

Usage: check-restricted.py [--allow-baseline REGEX ...] [FILE ...]   (default: stdin)

Every Pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob) must satisfy:
  * Pod Security Standards "restricted" (which includes "baseline"), and
  * project defaults: readOnlyRootFilesystem, automountServiceAccountToken false,
    requests and limits (cpu, memory) on every container incl. init containers,
    startup/liveness/readiness probes on every app container,
    terminationGracePeriodSeconds 30, images pinned by tag (not "latest") or digest.

A workload whose "<Kind>/<namespace>/<name>" matches an --allow-baseline regex AND
whose Pod template is annotated govstack.global/pod-security-level: baseline (with a
govstack.global/pod-security-justification) is checked against "baseline" instead;
the restricted controls it relaxes are printed as WAIVED lines.

Exit status: 0 when nothing is violated, 1 otherwise, 2 on bad input.
Needs PyYAML only.
"""
import argparse
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check-restricted.py needs PyYAML (python3 -m pip install pyyaml)")

class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (the API server's decoder does too)."""


def _no_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)

POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}
BASELINE_CAPS = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                 "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
RESTRICTED_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                           "persistentVolumeClaim", "projected", "secret"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
SELINUX_TYPES = {None, "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
LEVEL_ANNOTATION = "govstack.global/pod-security-level"
JUSTIFICATION_ANNOTATION = "govstack.global/pod-security-justification"
IMAGE_RE = re.compile(r"^[^\s@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$")


def pod_templates(doc):
    """Yield (pod metadata, pod spec) of a manifest, if it holds a Pod template."""
    kind = doc.get("kind")
    spec = doc.get("spec") or {}
    if kind == "Pod":
        yield doc.get("metadata") or {}, spec
    elif kind in POD_KINDS:
        tpl = spec.get("template") or {}
        yield tpl.get("metadata") or {}, tpl.get("spec") or {}
    elif kind == "CronJob":
        tpl = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        yield tpl.get("metadata") or {}, tpl.get("spec") or {}


class Report:
    def __init__(self, ref):
        self.ref = ref
        self.violations = []
        self.waived = []

    def check(self, ok, msg, baseline_relaxable=False, waive=False):
        if ok:
            return
        if waive and baseline_relaxable:
            self.waived.append(msg)
        else:
            self.violations.append(msg)


def effective(container_sc, pod_sc, key):
    value = (container_sc or {}).get(key)
    return value if value is not None else (pod_sc or {}).get(key)


def check_pod(ref, meta, spec, allow_baseline):
    r = Report(ref)
    annotations = meta.get("annotations") or {}
    waive = bool(allow_baseline) and annotations.get(LEVEL_ANNOTATION) == "baseline"
    if waive and len(annotations.get(JUSTIFICATION_ANNOTATION, "")) < 40:
        r.violations.append(f"annotated {LEVEL_ANNOTATION}=baseline without a {JUSTIFICATION_ANNOTATION}")
        waive = False
    pod_sc = spec.get("securityContext") or {}

    # ---- baseline: pod level
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        r.check(not spec.get(key), f"{key} must not be true")
    r.check(not (pod_sc.get("windowsOptions") or {}).get("hostProcess"), "hostProcess must not be true")
    for sysctl in pod_sc.get("sysctls") or []:
        r.check(sysctl.get("name") in SAFE_SYSCTLS, f"unsafe sysctl {sysctl.get('name')}")
    se = pod_sc.get("seLinuxOptions") or {}
    r.check(se.get("type") in SELINUX_TYPES and not se.get("user") and not se.get("role"),
            "pod seLinuxOptions not allowed")
    r.check((pod_sc.get("seccompProfile") or {}).get("type") != "Unconfined", "pod seccompProfile Unconfined")
    r.check((pod_sc.get("appArmorProfile") or {}).get("type") != "Unconfined", "pod appArmorProfile Unconfined")
    for vol in spec.get("volumes") or []:
        vtypes = [k for k in vol if k != "name"]
        r.check("hostPath" not in vtypes, f"volume {vol.get('name')}: hostPath")
        r.check(all(t in RESTRICTED_VOLUME_TYPES for t in vtypes),
                f"volume {vol.get('name')}: type {vtypes} not allowed by restricted")

    # ---- project defaults: pod level
    r.check(spec.get("automountServiceAccountToken") is False, "automountServiceAccountToken must be false")
    r.check(spec.get("terminationGracePeriodSeconds") == 30, "terminationGracePeriodSeconds must be 30")

    containers = [("container", c) for c in spec.get("containers") or []]
    containers += [("initContainer", c) for c in spec.get("initContainers") or []]
    containers += [("ephemeralContainer", c) for c in spec.get("ephemeralContainers") or []]
    r.check(bool(spec.get("containers")), "no containers")
    for ctype, c in containers:
        name = f"{ctype} {c.get('name')}"
        sc = c.get("securityContext") or {}
        # baseline
        r.check(not sc.get("privileged"), f"{name}: privileged")
        caps = sc.get("capabilities") or {}
        added = set(caps.get("add") or [])
        r.check(added <= BASELINE_CAPS, f"{name}: capabilities {sorted(added - BASELINE_CAPS)} not allowed by baseline")
        for port in c.get("ports") or []:
            r.check(not port.get("hostPort"), f"{name}: hostPort {port.get('hostPort')}")
        r.check(sc.get("procMount") in (None, "Default"), f"{name}: procMount")
        cse = sc.get("seLinuxOptions") or {}
        r.check(cse.get("type") in SELINUX_TYPES and not cse.get("user") and not cse.get("role"),
                f"{name}: seLinuxOptions not allowed")
        r.check((sc.get("seccompProfile") or {}).get("type") != "Unconfined", f"{name}: seccompProfile Unconfined")
        r.check((sc.get("appArmorProfile") or {}).get("type") != "Unconfined", f"{name}: appArmorProfile Unconfined")
        r.check(not (sc.get("windowsOptions") or {}).get("hostProcess"), f"{name}: hostProcess")
        # restricted (relaxable for documented baseline workloads)
        r.check(sc.get("allowPrivilegeEscalation") is False,
                f"{name}: allowPrivilegeEscalation must be false", True, waive)
        r.check(effective(sc, pod_sc, "runAsNonRoot") is True,
                f"{name}: runAsNonRoot must be true", True, waive)
        uid = effective(sc, pod_sc, "runAsUser")
        r.check(uid != 0, f"{name}: runAsUser must not be 0", True, waive)
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        r.check(seccomp in ("RuntimeDefault", "Localhost"),
                f"{name}: seccompProfile must be RuntimeDefault or Localhost")
        r.check("ALL" in (caps.get("drop") or []), f"{name}: capabilities must drop ALL")
        r.check(added <= {"NET_BIND_SERVICE"},
                f"{name}: capabilities add {sorted(added - {'NET_BIND_SERVICE'})} beyond NET_BIND_SERVICE", True, waive)
        # project defaults
        if ctype != "ephemeralContainer":
            r.check(sc.get("readOnlyRootFilesystem") is True,
                    f"{name}: readOnlyRootFilesystem must be true", True, waive)
            res = c.get("resources") or {}
            for section in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    r.check(resource in (res.get(section) or {}), f"{name}: missing resources.{section}.{resource}")
        image = str(c.get("image", ""))
        pinned = IMAGE_RE.match(image) and (":" in image.rsplit("/", 1)[-1] or "@sha256:" in image)
        r.check(bool(pinned) and "latest" not in image.rsplit("/", 1)[-1].split("@")[0].lower(),
                f"{name}: image {image!r} not pinned by version tag or digest")
        if ctype == "container":
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                r.check(bool(c.get(probe)), f"{name}: missing {probe}")
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--allow-baseline", action="append", default=[], metavar="REGEX",
                    help="Kind/namespace/name regex of workloads allowed to be baseline when annotated")
    ap.add_argument("--quiet", action="store_true", help="print only violations and the summary")
    args = ap.parse_args()
    streams = [open(f) for f in args.files] if args.files else [sys.stdin]
    docs = []
    try:
        for s in streams:
            docs += [d for d in yaml.load_all(s, Loader=StrictLoader) if isinstance(d, dict)]
    except yaml.YAMLError as e:
        print(f"check-restricted: cannot parse YAML: {e}", file=sys.stderr)
        return 2
    pods = bad = 0
    for doc in docs:
        meta = doc.get("metadata") or {}
        ref = f"{doc.get('kind')}/{meta.get('namespace', '-')}/{meta.get('name')}"
        for pod_meta, pod_spec in pod_templates(doc):
            pods += 1
            allow = any(re.search(rx, ref) for rx in args.allow_baseline)
            r = check_pod(ref, pod_meta, pod_spec, allow)
            for w in r.waived:
                if not args.quiet:
                    print(f"WAIVED  {ref}: {w} (pod-security-level: baseline, justified)")
            for v in r.violations:
                print(f"FAIL    {ref}: {v}")
            if r.violations:
                bad += 1
            elif not args.quiet:
                print(f"OK      {ref}: {'baseline (documented exception)' if r.waived else 'restricted'}")
    print(f"check-restricted: {pods} pod template(s), {bad} with violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
