import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `git rev-parse HEAD` as seen from the manifest directory: a work tree, or a folder
 * whose `.git` file points at a bare repository (what `git --work-tree=DIR checkout -f`
 * in a post-receive hook leaves). Null when it is not in git or git is missing.
 */
export function gitRevision(dir: string): string | null {
  if (!mayBeInGit(dir)) return null;
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

/**
 * Whether git could find a repository from `dir`: a `.git` in it or in a folder above, or
 * GIT_DIR naming one. When none can, git is not started (it would fail, and costs a process).
 */
function mayBeInGit(dir: string): boolean {
  if (process.env['GIT_DIR']) return true;
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, '.git'))) return true;
    if (path.dirname(at) === at) return false;
  }
}
