import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** The git dir of the manifest directory's work tree (a `.git` folder, or a `.git` file naming one), if any. */
export function findGitDir(root: string): string | undefined {
  try {
    return (
      execFileSync('git', ['-C', root, 'rev-parse', '--absolute-git-dir'], {
        encoding: 'utf8',
        timeout: 2000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** While git holds its index lock (a checkout or pull under way), the directory is half-written: wait (10 s at most). */
export async function waitForGit(gitDir: string | undefined): Promise<void> {
  if (!gitDir) return;
  for (let waited = 0; waited < 10_000 && fs.existsSync(path.join(gitDir, 'index.lock')); waited += 50) await delay(50);
}
