#!/usr/bin/env python3
"""Pack a root filesystem folder into a one-layer OCI image archive for `ctr images import`.

No registry and no container engine are needed: the archive holds the OCI layout
(oci-layout, index.json, blobs) with the image's full reference as the
`io.containerd.image.name` annotation, so containerd lists it under exactly that name.
The layer is reproducible: entries sorted, owners and times zeroed, gzip without a timestamp.

  mkimage.py --rootfs DIR --name docker.io/library/x:1 --out x.tar
             [--entrypoint JSON] [--cmd JSON] [--user UID:GID] [--workdir /]
             [--env K=V ...] [--port 8080/tcp ...]
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import tarfile


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def layer(rootfs: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        paths = []
        for folder, dirs, files in os.walk(rootfs):
            dirs.sort()
            paths.extend(os.path.join(folder, n) for n in dirs + files)
        for path in sorted(paths):
            info = tar.gettarinfo(path, arcname=os.path.relpath(path, rootfs))
            info.mtime = 0
            info.uname = info.gname = ""
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rootfs", required=True)
    p.add_argument("--name", required=True, help="full reference, e.g. docker.io/library/node:22")
    p.add_argument("--out", required=True)
    p.add_argument("--entrypoint", default="null", help="JSON list")
    p.add_argument("--cmd", default="null", help="JSON list")
    p.add_argument("--user", default="")
    p.add_argument("--workdir", default="/")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--port", action="append", default=[])
    a = p.parse_args()

    raw = layer(os.path.abspath(a.rootfs))
    compressed = gzip.compress(raw, compresslevel=6, mtime=0)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", *a.env],
            "WorkingDir": a.workdir,
        },
        "rootfs": {"type": "layers", "diff_ids": [digest(raw)]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "govstack-blueprint scripts/images/mkimage.py"}],
    }
    for key, value in (("Entrypoint", json.loads(a.entrypoint)), ("Cmd", json.loads(a.cmd))):
        if value:
            config["config"][key] = value
    if a.user:
        config["config"]["User"] = a.user
    if a.port:
        config["config"]["ExposedPorts"] = {port: {} for port in a.port}
    config_blob = canonical(config)
    manifest_blob = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config_blob), "size": len(config_blob)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest(compressed), "size": len(compressed)}],
    })
    last = a.name.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else "latest"
    index_blob = canonical({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest(manifest_blob),
            "size": len(manifest_blob),
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"io.containerd.image.name": a.name, "org.opencontainers.image.ref.name": tag},
        }],
    })
    tmp = a.out + ".tmp"
    with tarfile.open(tmp, "w") as out:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            out.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index_blob)
        for blob in (config_blob, manifest_blob, compressed):
            add("blobs/sha256/" + hashlib.sha256(blob).hexdigest(), blob)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
