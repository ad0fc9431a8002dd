import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { E2eProject } from './e2e-project.js';
import { BIN } from './run-cli.js';

/** A `tinyforge` command that runs until stopped (`logs -f`, `events -f`), in a project's folder, output kept. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(project: E2eProject, args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: project.dir,
      env: { ...process.env, DOCKER_HOST: project.host },
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  lines(): string[] {
    return this.stdout.split('\n').filter(Boolean);
  }

  /** Ctrl-C, then the exit code. */
  async interrupt(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    return this.exited;
  }

  /** After a test: ends it however it stands. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
