import type { ContainerRow } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer } from './desired.js';

/**
 * Healthy: its healthcheck says so, or, without one, it has run `minReadySeconds`: as
 * long as the state file has seen it running, or as Docker's status says (`Up 2 minutes`).
 */
export function isReady(o: OwnedContainer, d: DesiredContainer, rows: readonly ContainerRow[], now: Date): boolean {
  if (o.container.state !== 'running') return false;
  if (d.rollout!.healthchecked) return o.container.health === 'healthy';
  const row = rows.find((r) => r.containerId === o.container.id && r.state === 'running');
  const since = row?.startedAt ? now.getTime() - Date.parse(row.startedAt) : 0;
  return Math.max(Number.isFinite(since) ? since : 0, upForMs(o.container.status)) >= d.rollout!.minReadyMs;
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
  year: 31_536_000_000,
};

/** How long Docker's status says a container has been up, at least (`Up 5 seconds (healthy)` -> 5000). */
export function upForMs(status: string): number {
  const match =
    /^Up (?:(Less than a second)|About an? (hour|minute)|(\d+) (second|minute|hour|day|week|month|year)s?)\b/.exec(
      status,
    );
  if (!match || match[1]) return 0;
  return match[2] ? UNIT_MS[match[2]]! : Number(match[3]) * UNIT_MS[match[4]!]!;
}
