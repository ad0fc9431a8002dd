import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(PROJECT_ROOT, 'dist/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `tinyforge` binary (npm run build first) as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    // Plain output unless a test asks for colour: the runner's own colour settings stay out.
    env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
