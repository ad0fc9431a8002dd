import http from 'node:http';
import os from 'node:os';
import type { Duplex } from 'node:stream';

/** Where `ssh://[user@]host[:port]` leads; the user defaults to the local one, as with ssh. */
export type SshTarget = { user: string; host: string; port: number };

/** How long a kept-alive ssh connection may sit unused (longer than the default 30 s resync). */
export const IDLE_MS = 60_000;

export function sshTarget(url: string): SshTarget {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username) || os.userInfo().username;
  return { user, host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port || 22) };
}

/**
 * An http.Agent whose connections are `docker system dial-stdio` run over ssh on the
 * remote host, as the docker CLI does for `DOCKER_HOST=ssh://…`: one ssh connection per
 * HTTP connection, kept alive and reused, closed after IDLE_MS unused. The host key must
 * be in ~/.ssh/known_hosts (or /etc/ssh/ssh_known_hosts); an unknown or changed key is
 * refused, never accepted. What dials (ssh2, known_hosts, keys) loads on the first
 * connection: a client of a local engine never pays for it.
 */
export class SshDockerAgent extends http.Agent {
  readonly #target: SshTarget;

  constructor(target: SshTarget, idleMs = IDLE_MS) {
    // An idle kept-alive connection closes after idleMs: each holds a docker CLI process on the remote.
    super({ keepAlive: true, timeout: idleMs });
    this.#target = target;
  }

  override createConnection(_options: object, callback: (error: Error | null, socket?: Duplex) => void): undefined {
    import('./ssh-dial.js')
      .then(({ openDialStdio }) => openDialStdio(this.#target))
      .then(
        (socket) => callback(null, socket),
        (error: Error) => callback(error),
      );
    return undefined;
  }
}
