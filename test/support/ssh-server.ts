import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/adapters/caddy-process.js';
import { eventually } from './eventually.js';

const SSHD = '/usr/sbin/sshd';

function keygen(file: string): string {
  const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tinyforge-test', '-f', file]);
  if (made.status !== 0) throw new Error(`ssh-keygen: ${made.stderr}`);
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

/**
 * A real OpenSSH server on 127.0.0.1 (a free port) for the tests of `DOCKER_HOST=ssh://`,
 * everything in a temp folder: its config, host key and authorized_keys, and `home`, the
 * HOME a client runs with — its ~/.ssh holds a key the server accepts and a (hashed)
 * known_hosts for the server's host key. Every session runs with DOCKER_HOST set to `engineHost`, so
 * the remote `docker system dial-stdio` reaches the test engine. .ci/run installs
 * openssh-server.
 */
export class SshServer {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-sshd-'));
  readonly home = path.join(this.dir, 'home');
  readonly user = os.userInfo().username;
  port = 0;
  #process: ChildProcess | undefined;
  #log = '';

  constructor(readonly engineHost: string) {}

  get url(): string {
    return `ssh://${this.user}@127.0.0.1:${this.port}`;
  }

  /** The known_hosts line of this server's host key (`[127.0.0.1]:port type key`). */
  knownHostsLine(): string {
    const [type, key] = fs.readFileSync(path.join(this.dir, 'host_key.pub'), 'utf8').trim().split(/\s+/);
    return `[127.0.0.1]:${this.port} ${type} ${key}`;
  }

  /** The SHA256 fingerprint of the server's host key, from ssh-keygen (`SHA256:…`). */
  hostKeyFingerprint(): string {
    const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(this.dir, 'host_key.pub')], {
      encoding: 'utf8',
    });
    return listed.stdout.split(/\s+/)[1]!;
  }

  /** A known_hosts line that names this server with another key (one it never presents). */
  wrongKnownHostsLine(): string {
    const [type, key] = fs.readFileSync(path.join(this.dir, 'refused.pub'), 'utf8').trim().split(/\s+/);
    return `[127.0.0.1]:${this.port} ${type} ${key}`;
  }

  async start(): Promise<void> {
    // Debian's sshd refuses to start without its privilege separation folder, which the service makes.
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    keygen(path.join(this.dir, 'host_key'));
    const accepted = keygen(path.join(this.dir, 'accepted'));
    const withoutDocker = keygen(path.join(this.dir, 'without-docker'));
    keygen(path.join(this.dir, 'refused'));
    // The second key's sessions find no docker CLI, as on a host without one.
    const noDocker = `command="exec env PATH=/nonexistent docker system dial-stdio" ${withoutDocker}`;
    fs.writeFileSync(path.join(this.dir, 'authorized_keys'), `${accepted}\n${noDocker}\n`);
    this.port = await freePort();
    this.makeHome(this.home, { key: 'accepted', knownHosts: `${this.knownHostsLine()}\n` });
    // Hashed, as Debian's ssh writes known_hosts (HashKnownHosts yes).
    const hashed = spawnSync('ssh-keygen', ['-H', '-f', path.join(this.home, '.ssh', 'known_hosts')], {
      encoding: 'utf8',
    });
    if (hashed.status !== 0) throw new Error(`ssh-keygen -H: ${hashed.stderr}`);
    fs.writeFileSync(path.join(this.dir, 'sshd_config'), this.#config());
    this.#process = spawn(SSHD, ['-D', '-e', '-f', path.join(this.dir, 'sshd_config')], { stdio: 'pipe' });
    this.#process.stderr?.on('data', (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-4000);
    });
    await eventually('sshd to greet', () => this.#accepts(), 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; sshd said: ${this.#log}`);
    });
  }

  /** A HOME for a client: `key` as its ~/.ssh/id_ed25519 (none for `null`), `knownHosts` as its known_hosts. */
  makeHome(
    home: string,
    options: { key: 'accepted' | 'without-docker' | 'refused' | null; knownHosts: string },
  ): string {
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    if (options.key) fs.copyFileSync(path.join(this.dir, options.key), path.join(home, '.ssh', 'id_ed25519'));
    fs.writeFileSync(path.join(home, '.ssh', 'known_hosts'), options.knownHosts);
    return home;
  }

  #config(): string {
    return [
      'ListenAddress 127.0.0.1',
      `Port ${this.port}`,
      `HostKey ${path.join(this.dir, 'host_key')}`,
      `PidFile ${path.join(this.dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp folder lives under /tmp, which StrictModes would refuse as world-writable.
      'StrictModes no',
      `SetEnv DOCKER_HOST=${this.engineHost} PATH=/usr/local/bin:/usr/bin:/bin`,
      '',
    ].join('\n');
  }

  #accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }

  /**
   * A real ssh-agent holding the key the server accepts, on a socket in the folder: its
   * SSH_AUTH_SOCK and a stop that ends it (by its own process).
   */
  async startAgent(): Promise<{ socket: string; stop: () => void }> {
    const socket = path.join(this.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    await eventually('ssh-agent to listen', () => fs.existsSync(socket), 10_000);
    const added = spawnSync('ssh-add', ['-q', path.join(this.dir, 'accepted')], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      encoding: 'utf8',
    });
    if (added.status !== 0) throw new Error(`ssh-add: ${added.stderr}`);
    return { socket, stop: () => agent.kill() };
  }

  /** Stops sshd (by its own process) and removes the folder. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
