import type { ObservedContainer } from '../api/observed-container.js';
import { passEvent } from './pass-input.js';
import type { PassInput } from './pass-input.js';
import { Reason } from './reasons.js';
import { suspectList } from './suspect-list.js';

/** What a pass may do with a list that succeeded, and the engine ID the state file is to keep. */
export interface EngineCheck {
  engineId: string | null;
  /** Another engine: the pass does nothing, as on a failed list, and this says why. */
  changed: string | null;
  /** The owned containers vanished on the same engine: the pass holds, and these workloads are looked at again. */
  confirming: string[];
  /** The engine would not say its ID when the list was suspect: the pass is one whose read failed. */
  unreadable?: string;
}

/**
 * What the engine check keeps from pass to pass. Since when lists have shown none of the
 * owned containers on the same engine: the disappearance is acted on once a list the
 * grace later still agrees (the deletion grace's rule, for containers); a list that shows
 * them again ends it. And the ID asked for to record it: once per process, so an engine
 * whose `/info` hangs (moby#42545) costs one deadline, not one per pass.
 */
export class EngineWatch {
  #since: number | null = null;
  #toRecord: Promise<string | null> | undefined;

  constructor(readonly graceMs: number) {}

  /** Whether a grace is running (a first list showed none of them). */
  get watching(): boolean {
    return this.#since !== null;
  }

  /** Whether the disappearance seen at `now` is confirmed; the first sighting starts the grace. */
  confirmed(now: number): boolean {
    if (this.#since === null) this.#since = now;
    if (now - this.#since < this.graceMs) return false;
    this.#since = null;
    return true;
  }

  clear(): void {
    this.#since = null;
  }

  /**
   * The ID asked for once per process to record it (null when the engine would not say):
   * passes that run at once, or start before the first one's state is written, share it.
   */
  recordOnce(ask: () => Promise<string | null>): Promise<string | null> {
    this.#toRecord ??= ask();
    return this.#toRecord;
  }
}

/**
 * The engine check of a pass whose list succeeded. The engine's ID is asked only to
 * record it (the state has none yet) and when the list is suspect (suspect-list.ts), so a
 * steady pass makes no call for it. A suspect list on another engine ID acts on nothing
 * until `--accept-new-engine`; on the same engine, once a second list confirms it.
 * A failed ID call on a suspect list is a failed read (`unreadable`).
 */
export async function checkEngine(input: PassInput, listed: readonly ObservedContainer[]): Promise<EngineCheck> {
  const { session, previous, options, deps } = input;
  const recorded = previous.controller.docker.engineId ?? null;
  if (!session.engineId) return proceed(recorded);
  const { suspect, known } = suspectList(previous.workloads, listed);
  if (!suspect) {
    deps.engineWatch.clear();
    if (recorded !== null || options.dryRun) return proceed(recorded);
    // Recording it is a nicety: an engine that will not say leaves it unknown (a suspect list asks again).
    const ask = session.engineId.bind(session);
    return proceed(await deps.engineWatch.recordOnce(() => ask().catch(() => null)));
  }
  let current: string;
  try {
    current = await session.engineId();
  } catch (error) {
    return { ...proceed(recorded), unreadable: error instanceof Error ? error.message : String(error) };
  }
  if (recorded !== null && current !== recorded) return otherEngine(input, recorded, current);
  return sameEngine(input, current, known);
}

function proceed(engineId: string | null): EngineCheck {
  return { engineId, changed: null, confirming: [] };
}

function otherEngine(input: PassInput, recorded: string, current: string): EngineCheck {
  if (input.options.acceptNewEngine) {
    const message = `engine ID ${current} adopted in place of ${recorded} (--accept-new-engine)`;
    passEvent(input, 'Normal', null, Reason.EngineAdopted, message);
    return proceed(current);
  }
  const message =
    `engine ID changed from ${recorded} to ${current} (another engine, or its data root was swapped): ` +
    'nothing is created until confirmed; run with --accept-new-engine to adopt it';
  // Said once: while it lasts the state keeps it in lastError, pass after pass.
  if (input.previous.controller.docker.lastError !== message)
    passEvent(input, 'Warning', null, Reason.EngineChanged, message);
  return { engineId: recorded, changed: message, confirming: [] };
}

function sameEngine(input: PassInput, current: string, known: number): EngineCheck {
  const { engineWatch, clock } = input.deps;
  // `plan` tells what a pass does once the disappearance is confirmed.
  if (input.options.dryRun) return proceed(current);
  const first = !engineWatch.watching;
  if (engineWatch.confirmed(clock.now().getTime())) return proceed(current);
  if (first) {
    const message = `none of the ${known} owned containers is listed any more: they are made again if a list ${engineWatch.graceMs / 1000}s later agrees`;
    passEvent(input, 'Warning', null, Reason.ContainersVanished, message);
  }
  const confirming = Object.entries(input.previous.workloads)
    .filter(([, w]) => w.containers.some((row) => row.containerId !== null))
    .map(([id]) => id);
  return { engineId: current, changed: null, confirming };
}
