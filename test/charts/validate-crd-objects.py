#!/usr/bin/env python3
"""Validate rendered custom resources against the openAPIV3Schema of their CRDs.

Usage: validate-crd-objects.py --crds DIR_OR_FILE [--crds ...] MANIFEST...

Objects whose apiVersion/kind has no CRD among the given files are skipped (core
kinds are checked by helm/kubeconform, not here). CEL rules
(x-kubernetes-validations) are not evaluated; unknown fields are reported because
the API server would prune or reject them. No CRD is stored in this repository:
point --crds at the CRDs of the versions you deploy (Envoy Gateway's
charts/gateway-helm CRDs, prometheus-operator's example/prometheus-operator-crd).
Needs PyYAML and jsonschema.
"""
import argparse
import os
import sys

import jsonschema
import yaml


class _Loader(yaml.SafeLoader):
    pass


# Some CRDs contain the YAML 1.1 "=" value tag (e.g. matchType enums).
_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def strictify(schema):
    """Forbid unknown fields where the CRD does not preserve them (structural schema rule)."""
    if isinstance(schema, dict):
        out = {k: strictify(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
        if schema.get("type") == "object" and "properties" in schema \
                and "additionalProperties" not in schema \
                and not schema.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        if schema.get("nullable"):
            t = out.get("type")
            if isinstance(t, str):
                out["type"] = [t, "null"]
        return out
    if isinstance(schema, list):
        return [strictify(s) for s in schema]
    return schema


def load_crds(paths):
    schemas = {}
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += [os.path.join(p, f) for f in sorted(os.listdir(p)) if f.endswith((".yaml", ".yml"))]
        else:
            files.append(p)
    for f in files:
        with open(f) as fh:
            for d in yaml.load_all(fh, Loader=_Loader):
                if not isinstance(d, dict) or d.get("kind") != "CustomResourceDefinition":
                    continue
                group, kind = d["spec"]["group"], d["spec"]["names"]["kind"]
                for v in d["spec"]["versions"]:
                    s = (v.get("schema") or {}).get("openAPIV3Schema")
                    if s and v.get("served", True):
                        schemas[(f"{group}/{v['name']}", kind)] = strictify(s)
    return schemas


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crds", action="append", required=True)
    ap.add_argument("manifests", nargs="+")
    args = ap.parse_args()
    schemas = load_crds(args.crds)
    checked = failed = skipped = 0
    for m in args.manifests:
        with open(m) as fh:
            for doc in yaml.load_all(fh, Loader=_Loader):
                if not isinstance(doc, dict):
                    continue
                key = (doc.get("apiVersion"), doc.get("kind"))
                if key not in schemas:
                    skipped += 1
                    continue
                checked += 1
                name = f"{doc['kind']}/{doc.get('metadata', {}).get('namespace', '-')}/{doc.get('metadata', {}).get('name')}"
                errors = sorted(jsonschema.Draft7Validator(schemas[key]).iter_errors(doc), key=lambda e: list(e.path))
                for e in errors:
                    print(f"FAIL {name} ({key[0]}): {'/'.join(map(str, e.path))}: {e.message[:300]}")
                if errors:
                    failed += 1
                else:
                    print(f"OK   {name} ({key[0]})")
    print(f"validate-crd-objects: {checked} checked, {failed} failed, {skipped} without CRD schema")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
