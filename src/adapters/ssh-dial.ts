import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { DockerUnreachableError } from '../reconcile/docker-port.js';
import { DialStdioSocket, type ExecChannel } from './dial-stdio-socket.js';
import {
  describeKey,
  type HostKeyVerdict,
  knownHostName,
  linesFor,
  parseKnownHosts,
  verifyHostKey,
} from './known-hosts.js';
import { type ParseKey, sshCredentials } from './ssh-credentials.js';
import type { SshTarget } from './ssh-docker-agent.js';

type SshError = Error & { level?: string; code?: string };
type SshClient = {
  on(event: 'ready' | 'close', listener: () => void): SshClient;
  on(event: 'error', listener: (error: SshError) => void): SshClient;
  connect(config: object): void;
  exec(command: string, callback: (error: Error | undefined, channel: ExecChannel) => void): void;
  end(): void;
};
type Ssh2 = { Client: new () => SshClient; utils: { parseKey: ParseKey } };

const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** How long the ssh handshake may take (the Docker call's own deadline is usually shorter). */
const READY_TIMEOUT_MS = 20_000;

/** `user@host:port`, as errors name the target. */
function whereOf(target: SshTarget): string {
  return `${target.user}@${target.host}:${target.port}`;
}

/** ssh2, from dockerode's own tree (docker-modem depends on it), loaded on the first ssh connection only. */
function loadSsh2(): Ssh2 {
  const fromHere = createRequire(import.meta.url);
  const fromDockerode = createRequire(fromHere.resolve('dockerode'));
  return createRequire(fromDockerode.resolve('docker-modem'))('ssh2') as Ssh2;
}

/** Opens one ssh connection to `target` and runs `docker system dial-stdio` there: the socket of one HTTP connection. */
export function openDialStdio(target: SshTarget): Promise<Duplex> {
  const ssh2 = loadSsh2();
  const home = os.homedir();
  const where = whereOf(target);
  const { methods, tried } = sshCredentials(target.user, home, process.env['SSH_AUTH_SOCK'], ssh2.utils.parseKey);
  if (methods.length === 0)
    return Promise.reject(
      new DockerUnreachableError(
        `ssh ${where}: no credentials: start ssh-agent (SSH_AUTH_SOCK) or create ~/.ssh/id_ed25519 (${tried.join(', ') || 'no key files'})`,
      ),
    );
  const known = knownHostsFiles(home).flatMap(({ file, text }) => parseKnownHosts(text, file));
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let verdict: HostKeyVerdict | undefined;
    let presented = '';
    const fail = (error: Error): void => {
      client.end();
      reject(error);
    };
    client.on('error', (error) => fail(explain(error, target, verdict, presented, tried)));
    client.on('close', () =>
      fail(new DockerUnreachableError(`ssh ${where}: the connection closed during the handshake`)),
    );
    client.on('ready', () =>
      client.exec('docker system dial-stdio', (error, channel) => {
        if (error) return fail(new DockerUnreachableError(`ssh ${where}: cannot run docker: ${error.message}`));
        const socket = new DialStdioSocket(channel, where);
        socket.once('close', () => client.end());
        resolve(socket);
      }),
    );
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      authHandler: methods,
      readyTimeout: READY_TIMEOUT_MS,
      algorithms: { serverHostKey: preferKnown(linesFor(known, target.host, target.port).map((e) => e.type)) },
      hostVerifier: (key: Buffer) => {
        verdict = verifyHostKey(known, target.host, target.port, key);
        presented = describeKey(key);
        return verdict.known;
      },
    });
  });
}

/** The user's and the system's known_hosts, those that exist, as OpenSSH reads them. */
function knownHostsFiles(home: string): { file: string; text: string }[] {
  return [path.join(home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'].flatMap((file) => {
    try {
      return [{ file, text: fs.readFileSync(file, 'utf8') }];
    } catch {
      return [];
    }
  });
}

/** Host key algorithms with the types known_hosts holds first, so the server shows a key we can check. */
function preferKnown(types: string[]): string[] {
  const known = (algorithm: string) =>
    types.includes(algorithm) || (algorithm.startsWith('rsa-') && types.includes('ssh-rsa'));
  return [...HOST_KEY_ALGORITHMS.filter(known), ...HOST_KEY_ALGORITHMS.filter((a) => !known(a))];
}

function explain(
  error: SshError,
  target: SshTarget,
  verdict: HostKeyVerdict | undefined,
  presented: string,
  tried: string[],
): DockerUnreachableError {
  const where = whereOf(target);
  if (verdict && !verdict.known) return new DockerUnreachableError(hostKeyMessage(target, verdict, presented));
  if (error.level === 'client-authentication')
    return new DockerUnreachableError(`ssh ${where}: authentication failed (tried ${tried.join(', ')})`);
  if (error.level === 'client-timeout')
    return new DockerUnreachableError(`ssh ${where}: no ssh handshake within ${READY_TIMEOUT_MS / 1000}s`);
  if (error.code) return new DockerUnreachableError(`ssh ${where}: cannot connect (${error.code})`);
  return new DockerUnreachableError(`ssh ${where}: ${error.message}`);
}

function hostKeyMessage(target: SshTarget, verdict: HostKeyVerdict & { known: false }, presented: string): string {
  const where = whereOf(target);
  const name = knownHostName(target.host, target.port);
  if (verdict.reason === 'unknown')
    return `ssh ${where}: its host key ${presented} is not in ~/.ssh/known_hosts, and tinyforge never accepts an unknown host key: check that fingerprint on the host, then add it (ssh-keyscan -p ${target.port} ${target.host} >> ~/.ssh/known_hosts, or connect once with ssh)`;
  if (verdict.reason === 'revoked')
    return `ssh ${where}: its host key ${presented} is marked @revoked (${verdict.where})`;
  return `ssh ${where}: HOST KEY CHANGED: it presented ${presented}, which does not match ${verdict.where}; someone may be intercepting the connection; if the host was reinstalled, remove the old key with ssh-keygen -R '${name}'`;
}
