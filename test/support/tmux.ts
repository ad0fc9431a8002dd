import { spawnSync } from 'node:child_process';

/** A tmux server of a test's own (`-S`, a socket in the project's folder): no one else's sessions are touched, nothing is left behind. */
export function tmux(socket: string, ...args: string[]): string {
  const result = spawnSync('tmux', ['-S', socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`tmux ${args[0]}: ${result.stderr}`);
  return result.stdout;
}

/** `text` as one word of a POSIX shell line. */
export const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * Runs `script` in a detached tmux pane of a fixed size in `cwd`, with `env` (the test
 * runner's colour settings taken out); answers tmux's complaints, empty when it started.
 */
export function startPane(socket: string, cwd: string, script: string, env: NodeJS.ProcessEnv): string {
  const clean: NodeJS.ProcessEnv = { ...env, TERM: 'xterm-256color' };
  delete clean.NO_COLOR;
  delete clean.FORCE_COLOR;
  const started = spawnSync(
    'tmux',
    ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '160', '-y', '40', '-c', cwd, script],
    { env: clean, encoding: 'utf8', timeout: 10_000 },
  );
  return started.stderr;
}
