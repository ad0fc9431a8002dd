import { execFileSync } from 'node:child_process';

/** Runs git in `cwd` with a fixed identity, answering its output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'tinyforge tests',
      GIT_AUTHOR_EMAIL: 'tests@tinyforge.invalid',
      GIT_COMMITTER_NAME: 'tinyforge tests',
      GIT_COMMITTER_EMAIL: 'tests@tinyforge.invalid',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
