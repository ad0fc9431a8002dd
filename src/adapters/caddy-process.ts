import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Caddy (Debian's package; the sandbox engine script installs it) on loopback, for the
 * demo and the tests: its admin API on a free port, no configuration beyond that,
 * nothing saved to disk. tinyforge's route provider then configures it.
 */
export class CaddyProcess {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-caddy-'));
  #child: ChildProcess | undefined;
  adminPort = 0;

  get admin(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  async start(): Promise<void> {
    this.adminPort ||= await freePort();
    const config = path.join(this.dir, 'caddy.json');
    fs.writeFileSync(
      config,
      JSON.stringify({ admin: { listen: `127.0.0.1:${this.adminPort}`, config: { persist: false } } }),
    );
    const env = { ...process.env, HOME: this.dir, XDG_DATA_HOME: this.dir, XDG_CONFIG_HOME: this.dir };
    // A group of its own: a terminal's Ctrl-C is for tinyforge, which stops Caddy in order.
    this.#child = spawn('caddy', ['run', '--config', config], { env, stdio: 'ignore', detached: true });
    for (let waited = 0; ; waited += 100) {
      if ((await this.adminGet('/config/').catch(() => undefined)) !== undefined) return;
      if (waited > 10_000 || this.#child.exitCode !== null) {
        await this.stop();
        throw new Error('caddy did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** GET on the admin API: status and body. */
  async adminGet(route: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.admin}${route}`, { signal: AbortSignal.timeout(2000) });
    return { status: response.status, body: await response.text() };
  }

  /** Stops Caddy and starts it again on the same admin port, with nothing configured: what it was given is gone. */
  async restart(): Promise<void> {
    await this.#kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.#kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async #kill(): Promise<void> {
    const child = this.#child;
    // Not yet exited: neither an exit code nor a signal that ended it.
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}
