import fs from 'node:fs';
import path from 'node:path';

/** Another controller holds the state file. */
export class StateLockedError extends Error {
  readonly code = 'STATE_LOCKED';
}

/**
 * One controller per state file (DESIGN.md guarantee 11): `<state>.lock` holds the
 * holder's pid and command, created exclusively. A lock whose process is gone is stale
 * and taken over. Answers a release function.
 */
export function acquireStateLock(stateFile: string, holder: string): () => void {
  const lock = `${stateFile}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, holder, since: new Date().toISOString() }));
      fs.closeSync(fd);
      return () => {
        try {
          const info = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid?: number };
          if (info.pid === process.pid) fs.rmSync(lock, { force: true });
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = readLock(lock);
      if (info && info.pid !== process.pid && alive(info.pid)) {
        throw new StateLockedError(`${stateFile} is in use by another controller: pid ${info.pid} (${info.holder ?? 'tinyforge'}, since ${info.since ?? 'unknown'}); lock file ${lock}`);
      }
      fs.rmSync(lock, { force: true });
    }
  }
  throw new StateLockedError(`could not take the lock ${lock}`);
}

function readLock(lock: string): { pid: number; holder?: string; since?: string } | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid?: unknown; holder?: string; since?: string };
    return typeof info.pid === 'number' ? (info as { pid: number; holder?: string; since?: string }) : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
