import type { ObservedContainer } from '../api/observed-container.js';
import type { Clock } from './clock.js';
import type { DockerPort } from './docker-port.js';

export interface SettleOptions {
  timeoutMs: number;
  pollMs: number;
  graceMs?: number;
}

/** The last snapshot, or why a list failed (any error: a failed read is never a reason to throw the tick away). */
export type Settled = { snapshot: ObservedContainer[] } | { error: string };

/** Waits until every container started this tick runs or has failed; answers the last snapshot. */
export async function settle(
  docker: DockerPort,
  started: ReadonlySet<string>,
  deps: { clock: Clock; settle: SettleOptions },
): Promise<Settled> {
  const deadline = deps.clock.now().getTime() + deps.settle.timeoutMs;
  let graced = false;
  for (;;) {
    let snapshot: ObservedContainer[];
    try {
      snapshot = await docker.list();
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    const pending = snapshot.filter((c) => started.has(c.id) && c.state === 'created');
    if (pending.length === 0 || deps.clock.now().getTime() >= deadline) {
      if (graced || !deps.settle.graceMs) return { snapshot };
      graced = true;
      await deps.clock.sleep(deps.settle.graceMs);
      continue;
    }
    await deps.clock.sleep(deps.settle.pollMs);
  }
}
