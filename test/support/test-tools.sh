#!/usr/bin/env bash
# The programs the tests drive beside Docker (which test/support/engine.sh installs), from
# Debian's packages when missing, so that `npm test` runs the whole suite on a fresh
# machine as .ci/run does (as root; nothing is done when all are there):
# - git: the GitOps tests drive a real repository and its hook;
# - tmux: the terminal tests read what a real terminal shows (plan's colour, progress);
# - zsh: the zsh completion is loaded by zsh itself;
# - openssh-server: the DOCKER_HOST=ssh:// tests start their own sshd on 127.0.0.1
#   (test/support/ssh-server.ts); installed with services held back (Debian's
#   policy-rc.d convention), so the package starts no sshd on port 22 of every address;
# - systemd and curl: the service test checks deploy/tinyforge.service with
#   systemd-analyze verify (no systemd needs to run as PID 1) and runs its
#   ExecStartPost, a curl. Neither package starts a service;
# - prometheus: `promtool check metrics` reads what /metrics serves (the package's own
#   server is held back like sshd: nothing listens);
# - chromium: the status page's browser tests drive it with playwright-core.
set -euo pipefail
missing=()
for tool in git tmux zsh curl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "test tools: installing ${missing[*]}" >&2
held=
# Services held back while installing (openssh-server, prometheus): none starts.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && held=1
fi
status=0
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || status=$?
if [ -n "$held" ]; then rm -f /usr/sbin/policy-rc.d; fi
exit "$status"
