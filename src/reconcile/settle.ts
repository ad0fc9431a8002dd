import type { ObservedContainer } from '../api/observed-container.js';
import type { Clock } from './clock.js';
import type { DockerPort } from './docker-port.js';

export interface SettleOptions {
  timeoutMs: number;
  pollMs: number;
  /** How long a started container is watched once running, so that one that dies at once is seen failing. */
  graceMs?: number;
}

/** The last snapshot, or why a list failed (any error: a failed read is never a reason to throw the tick away). */
export type Settled = { snapshot: ObservedContainer[] } | { error: string };

/**
 * Waits until every container started this tick runs or has failed; answers the last snapshot.
 * `started` maps each container to when its start returned (ms, on the clock). Each one's watch
 * counts from its own start, so the watches of the first ones pass while the others are made:
 * after the last start only the rest of its watch is waited, then one list shows them all. A
 * container the engine still lists as `created` is looked at again every `pollMs` (until the
 * timeout), and watched from when it is seen to have left `created`.
 */
export async function settle(
  docker: DockerPort,
  started: ReadonlyMap<string, number>,
  deps: { clock: Clock; settle: SettleOptions },
): Promise<Settled> {
  const { clock } = deps;
  const grace = deps.settle.graceMs ?? 0;
  const deadline = clock.now().getTime() + deps.settle.timeoutMs;
  let lastStart = Number.NEGATIVE_INFINITY;
  for (const at of started.values()) lastStart = Math.max(lastStart, at);
  await sleepUntil(clock, lastStart + grace);
  let polled = false;
  for (;;) {
    let snapshot: ObservedContainer[];
    try {
      snapshot = await docker.list();
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    const pending = snapshot.some((c) => started.has(c.id) && c.state === 'created');
    if (pending && clock.now().getTime() < deadline) {
      polled = true;
      await clock.sleep(deps.settle.pollMs);
      continue;
    }
    // What left `created` between two looks has run for less than its watch: one more, then a last list.
    if (!polled || grace === 0) return { snapshot };
    polled = false;
    await clock.sleep(grace);
  }
}

async function sleepUntil(clock: Clock, at: number): Promise<void> {
  const ms = at - clock.now().getTime();
  if (ms > 0) await clock.sleep(ms);
}
