import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { E2eProject } from './e2e-project.js';
import { BIN } from './run-cli.js';

export { eventually } from './eventually.js';

/** `tinyforge run` (no --once) as a child process of a test, with its output kept. */
export class DaemonProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(project: E2eProject, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [BIN, 'run', '--name', project.name, '--resync', '60s', ...args], {
      cwd: project.dir,
      env: { ...process.env, DOCKER_HOST: project.host, ...env },
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** After a daemon test: stop its daemon (if one was started), then remove its containers and folder. */
export async function finishDaemonTest(daemon: DaemonProcess | undefined, project: E2eProject): Promise<void> {
  await daemon?.stop();
  await project.cleanup();
}
