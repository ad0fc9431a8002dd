#!/usr/bin/env bash
# A real two-node Docker Swarm on this machine, for the end-to-end tests of the swarm
# backend: two private engines (src/sandbox/engine.sh, each in its own folder with its
# own socket, data root, exec root and local images) joined over loopback. Node A is the
# manager (listening on $TINYFORGE_SWARM_ADDR:2377, default 127.0.0.1), node B a worker (:2378); the nodes
# carry the label tinyforge.test.node=a|b. No bridge, no iptables: services run on the
# host network (or none) and publish ports in host mode.
#
#   swarm.sh start    start both engines, form the swarm, wait for two Ready nodes,
#                     print the manager's DOCKER_HOST
#   swarm.sh hosts    print the DOCKER_HOST of A, then of B
#   swarm.sh remove   leave the swarm (B, then A), remove both engines and the folder
#
# TINYFORGE_SWARM_DIR is the cluster's folder (default /tmp/tinyforge-swarm): the engines
# live in $TINYFORGE_SWARM_DIR/a and $TINYFORGE_SWARM_DIR/b. Every command is safe to run
# again, and remove is safe on a half-started cluster.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir="${TINYFORGE_SWARM_DIR:-/tmp/tinyforge-swarm}"
docker_cli=/usr/bin/docker
[ -x "$docker_cli" ] || docker_cli=docker
# Another loopback address (TINYFORGE_SWARM_ADDR, e.g. 127.0.0.2) lets a second cluster
# run beside the first on the same machine.
addr="${TINYFORGE_SWARM_ADDR:-127.0.0.1}"
manager_addr=$addr:2377
worker_addr=$addr:2378

log() { echo "swarm: $*" >&2; }

engine() { TINYFORGE_ENGINE_DIR="$dir/$1" bash "$here/engine.sh" "${@:2}"; }
host_of() { echo "unix://$dir/$1/docker.sock"; }
dk() { local node=$1; shift; DOCKER_HOST="$(host_of "$node")" timeout 60 "$docker_cli" "$@"; }

# The node's swarm state: inactive, pending, active, error or locked ("" when no engine answers).
swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }

ready_nodes() {
  dk a node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$' || true
}

# Swarm creates the ingress network (a VXLAN socket on 0.0.0.0:4789) and the
# docker_gwbridge bridge (172.x) for it, a moment after init: the routing mesh needs
# iptables, which these engines run without, and services here use the host network.
# Remove both, so the cluster uses loopback only.
drop_ingress() {
  local _ wait=$1
  for _ in $(seq 1 "$wait"); do
    dk a network inspect ingress >/dev/null 2>&1 && break
    sleep 0.25
  done
  if dk a network inspect ingress >/dev/null 2>&1; then
    echo y | dk a network rm ingress >/dev/null
  fi
  for _ in $(seq 1 40); do
    dk a network inspect docker_gwbridge >/dev/null 2>&1 || return 0
    dk a network rm docker_gwbridge >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  log "docker_gwbridge is still there"
}

start() {
  mkdir -p "$dir"
  local host_a host_b
  host_a=$(engine a start)
  host_b=$(engine b start)
  [ "$host_a" = "$(host_of a)" ] && [ "$host_b" = "$(host_of b)" ] || { log "unexpected engine hosts $host_a $host_b"; exit 1; }

  local ingress_wait=0
  if [ "$(swarm_state a)" != active ]; then
    ingress_wait=40
    log "init on A (manager, $manager_addr)"
    dk a swarm init --listen-addr "$manager_addr" --advertise-addr "$manager_addr" >/dev/null
  fi
  local manager_id
  manager_id=$(dk a info --format '{{.Swarm.NodeID}}')
  if [ "$(swarm_state b)" != active ]; then
    # B in another swarm, or half-joined from an earlier run: start it over.
    [ "$(swarm_state b)" = inactive ] || dk b swarm leave --force >/dev/null 2>&1 || true
    # A node that left leaves its entry, Down, on the manager: remove such entries.
    for id in $(dk a node ls --filter role=worker --format '{{.ID}} {{.Status}}' | awk '$2 != "Ready" {print $1}'); do
      dk a node rm --force "$id" >/dev/null 2>&1 || true
    done
    log "join B to the swarm (worker, $worker_addr)"
    local token
    token=$(dk a swarm join-token -q worker)
    dk b swarm join --token "$token" --listen-addr "$worker_addr" --advertise-addr "$worker_addr" "$manager_addr" >/dev/null
  fi
  local worker_id
  worker_id=$(dk b info --format '{{.Swarm.NodeID}}')

  for _ in $(seq 1 120); do
    [ "$(ready_nodes)" -ge 2 ] && break
    sleep 0.25
  done
  if [ "$(ready_nodes)" -lt 2 ]; then log "the swarm has not two Ready nodes:"; dk a node ls >&2 || true; exit 1; fi
  drop_ingress "$ingress_wait"
  dk a node update --label-add tinyforge.test.node=a "$manager_id" >/dev/null
  dk a node update --label-add tinyforge.test.node=b "$worker_id" >/dev/null
  log "two Ready nodes: A $manager_id (manager), B $worker_id (worker)"
  echo "$host_a"
}

remove() {
  local node
  for node in b a; do
    if [ -S "$dir/$node/docker.sock" ] && [ -n "$(swarm_state "$node")" ] && [ "$(swarm_state "$node")" != inactive ]; then
      dk "$node" swarm leave --force >/dev/null 2>&1 || log "node $node did not leave the swarm"
    fi
  done
  for node in b a; do
    [ -d "$dir/$node" ] && engine "$node" remove
  done
  rm -rf "$dir"
  log "removed $dir"
}

case "${1:-}" in
  start) start ;;
  hosts) host_of a; host_of b ;;
  remove) remove ;;
  *) echo "usage: $0 start|hosts|remove" >&2; exit 2 ;;
esac
