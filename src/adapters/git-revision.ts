import { execFileSync } from 'node:child_process';

/**
 * `git rev-parse HEAD` as seen from the manifest directory: a work tree, or a folder
 * whose `.git` file points at a bare repository (what `git --work-tree=DIR checkout -f`
 * in a post-receive hook leaves). Null when it is not in git or git is missing.
 */
export function gitRevision(dir: string): string | null {
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}
