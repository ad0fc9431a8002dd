import path from 'node:path';
import type { ProcessFacts } from './process-facts.js';

/**
 * What a state lock file says about its holder. A pid alone proves little: after a
 * reboot, a container restart or enough forks it names some other live process (pid 1
 * in a container). The host, the boot and the pid's start time together name one
 * process. Locks written before these were recorded hold `pid`, `holder`, `since` only.
 */
export interface LockClaim {
  pid: number;
  holder?: string;
  since?: string;
  host?: string;
  bootId?: string;
  /** Clock ticks since boot, as /proc/PID/stat gives it (absent where there is no /proc). */
  startTime?: string;
}

/** This process's claim on a lock. */
export function ownClaim(holder: string, now: Date, facts: ProcessFacts): LockClaim {
  const bootId = facts.bootId();
  const startTime = facts.startTime(process.pid);
  return {
    pid: process.pid,
    holder,
    since: now.toISOString(),
    host: facts.host(),
    ...(bootId ? { bootId } : {}),
    ...(startTime ? { startTime } : {}),
  };
}

/** The claim in a lock file's text; undefined when it names no pid (it is then stale). */
export function parseClaim(text: string): LockClaim | undefined {
  try {
    const claim = JSON.parse(text) as Record<string, unknown>;
    return typeof claim['pid'] === 'number' ? (claim as unknown as LockClaim) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a claim names still holds the lock: same host, same boot, the pid
 * alive and started when the claim says. What cannot be read (no /proc: not Linux; a
 * process hidden from this user) is given the benefit of the doubt, so the check falls
 * back to the pid being alive: a false "held" asks a person to look, a false "stale"
 * lets two controllers write one state file.
 */
export function stillHeld(claim: LockClaim, facts: ProcessFacts): boolean {
  if (claim.startTime === undefined) return legacyHeld(claim, facts);
  if (claim.host !== facts.host() || claim.bootId !== facts.bootId()) return false;
  if (!facts.alive(claim.pid)) return false;
  const started = facts.startTime(claim.pid);
  return started === undefined || started === claim.startTime;
}

/**
 * A claim without a start time: held while its pid is alive and runs node or tinyforge.
 * An unrelated process that got the pid (an init, a shell) does not keep it.
 */
function legacyHeld(claim: LockClaim, facts: ProcessFacts): boolean {
  if (!facts.alive(claim.pid)) return false;
  const args = facts.commandLine(claim.pid);
  if (args === undefined) return true;
  return /^node/.test(path.basename(args[0] ?? '')) || args.some((arg) => arg.includes('tinyforge'));
}
