#!/usr/bin/env bash
# A private Docker engine, a sandbox: for `tinyforge demo` and for the end-to-end tests
# (test/support/engine.sh runs this script). No bridge network, no iptables, its own
# socket and data root, never another engine's containers, and local busybox images
# since nothing is pulled.
#
#   engine.sh start           install what is missing (as root), start, build images
#   engine.sh start --fresh   the same, from an empty data root
#   engine.sh stop            stop the engine this script started
#   engine.sh host            print the DOCKER_HOST of the engine
#   engine.sh remove          stop the engine, unmount and delete its folder
#
# TINYFORGE_ENGINE_DIR moves the engine's folder (default /tmp/tinyforge-engine).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir="${TINYFORGE_ENGINE_DIR:-/tmp/tinyforge-engine}"
sock="$dir/docker.sock"
host="unix://$sock"
docker_cli=/usr/bin/docker   # Debian's client, matched to its engine
[ -x "$docker_cli" ] || docker_cli=docker

log() { echo "engine: $*" >&2; }

answers() {
  [ -S "$sock" ] && DOCKER_HOST="$host" timeout 5 "$docker_cli" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

install_missing() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  # The image needs the static busybox: it has no libc to link against.
  dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
  # A real reverse proxy for the route tests (test/support/caddy.ts runs its own on loopback).
  command -v caddy >/dev/null 2>&1 || need+=(caddy)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then log "needs ${need[*]}: run as root to have them installed, or apt-get install them"; exit 1; fi
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

# Local images, since nothing can be pulled: tinyforge-test/busybox:1 and :2 (the same
# busybox) for the tests, tinyforge-demo/web:1 and :2 (a page showing its tag) for the demo.
build_images() {
  if DOCKER_HOST="$host" "$docker_cli" image inspect tinyforge-demo/web:2 >/dev/null 2>&1; then return; fi
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/www" "$root/app"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  echo '<h1>tinyforge</h1>' > "$root/www/index.html"
  import_image "$root" tinyforge-test/busybox:1
  DOCKER_HOST="$host" "$docker_cli" tag tinyforge-test/busybox:1 tinyforge-test/busybox:2
  cp "$here/serve.sh" "$root/app/serve.sh"
  for tag in 1 2; do
    echo "$tag" > "$root/app/tag"
    import_image "$root" "tinyforge-demo/web:$tag" -c 'CMD ["/bin/sh", "/app/serve.sh"]'
  done
  rm -rf "$root"
  log "built tinyforge-test/busybox:1, :2 and tinyforge-demo/web:1, :2"
}

# import_image ROOT IMAGE [docker import options]: the folder ROOT as the image IMAGE.
import_image() {
  local root=$1 image=$2
  shift 2
  tar -C "$root" -c . | DOCKER_HOST="$host" "$docker_cli" import -c 'ENV PATH=/bin' "$@" - "$image" >/dev/null
}

# A stopped engine can leave its network namespaces mounted under its folder: unmount
# them. On a machine no engine ever ran on, grep finds nothing, which is no error.
unmount_leftovers() {
  { grep -o " $dir/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

start() {
  install_missing
  mkdir -p "$dir"
  if answers; then
    log "already running at $host"
  else
    if [ "$(id -u)" != 0 ]; then log "a private Docker engine runs as root: run this as root (sudo)"; exit 1; fi
    log "starting dockerd at $host"
    # A stale pidfile from a killed run makes dockerd refuse to start.
    rm -f "$dir/docker.pid" "$sock"
    if [ "$fresh" = 1 ]; then
      # Containers left by an earlier run would come back with their restart policies:
      # a test run or a demo starts from an empty engine; the images take a second.
      pkill -f "containerd-shim.*$dir/exec" 2>/dev/null || true
      unmount_leftovers
      rm -rf "$dir/data" "$dir/exec"
    fi
    # A Swarm task would try a pull of its tag first (nothing can be pulled here, and no
    # registry is ever asked): with this set, a node runs the local image it has.
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 setsid dockerd --host "$host" \
      --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
      --bridge=none --iptables=false --ip6tables=false \
      >"$dir/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 120); do
      answers && break
      sleep 0.25
    done
    if ! answers; then log "dockerd did not answer; its log:"; tail -20 "$dir/dockerd.log" >&2; exit 1; fi
  fi
  build_images
  echo "$host"
}

stop() {
  [ -f "$dir/docker.pid" ] || { log "not running"; return 0; }
  local pid
  pid=$(cat "$dir/docker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "dockerd ignored SIGTERM; killing"; kill -9 "$pid" || true; fi
  fi
  # containerd-shims outlive a killed dockerd; end those of this engine only.
  pkill -f "containerd-shim.*$dir/exec" 2>/dev/null || true
  for _ in $(seq 1 40); do pgrep -f "containerd-shim.*$dir/exec" >/dev/null || break; sleep 0.25; done
  # A shim ended that way leaves its task folder, and the next start could not start that
  # container again ("file exists"): with no shim left, no task is alive to keep.
  rm -rf "$dir/exec/containerd/daemon/io.containerd.runtime.v2.task"
  rm -f "$dir/docker.pid"
  log "stopped"
}

remove() {
  stop
  unmount_leftovers
  rm -rf "$dir"
  log "removed $dir"
}

fresh=0
[ "${2:-}" = --fresh ] && fresh=1
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  host) echo "$host" ;;
  remove) remove ;;
  *) echo "usage: $0 start [--fresh]|stop|remove|host" >&2; exit 2 ;;
esac
