import fs from 'node:fs';
import path from 'node:path';
import { ownClaim, parseClaim, stillHeld } from './lock-claim.js';
import type { LockClaim } from './lock-claim.js';
import { procFacts } from './process-facts.js';
import type { ProcessFacts } from './process-facts.js';

/** Another controller holds the state file. */
export class StateLockedError extends Error {
  readonly code = 'STATE_LOCKED';
}

/**
 * One controller per state file (docs/guarantees.md #11): `<state>.lock` holds the
 * holder's claim (pid, command, host, boot, start time; see LockClaim), created
 * exclusively. A lock whose holder is gone is stale and taken over, also when its pid now
 * names another process. Answers a release function.
 */
export function acquireStateLock(stateFile: string, holder: string, facts: ProcessFacts = procFacts()): () => void {
  const lock = `${stateFile}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(ownClaim(holder, new Date(), facts)));
      fs.closeSync(fd);
      return () => release(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const claim = readClaim(lock);
      if (claim && claim.pid !== process.pid && stillHeld(claim, facts)) {
        throw new StateLockedError(
          `${stateFile} is in use by another controller: pid ${claim.pid} (${claim.holder ?? 'tinyforge'}, since ${claim.since ?? 'unknown'}); lock file ${lock}`,
        );
      }
      fs.rmSync(lock, { force: true });
    }
  }
  throw new StateLockedError(`could not take the lock ${lock}`);
}

/** Removes the lock if it is still this process's. */
function release(lock: string): void {
  if (readClaim(lock)?.pid === process.pid) fs.rmSync(lock, { force: true });
}

function readClaim(lock: string): LockClaim | undefined {
  try {
    return parseClaim(fs.readFileSync(lock, 'utf8'));
  } catch {
    // Gone meanwhile: nothing holds it.
    return undefined;
  }
}
