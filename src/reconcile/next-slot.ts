import type { OwnedContainer } from './classify.js';
import type { DesiredContainer, Slot } from './desired.js';
import { createOrCrashLoop, removeAction, startOrCrashLoop } from './heal.js';
import { otherSlot, inTarget } from './slots.js';
import { complete, failed, healSink, healSlot, inSlot, progressing } from './stage-context.js';
import type { StageContext } from './stage-context.js';
import { isReady } from './stage-readiness.js';
import { routeToSet, unrouteRows } from './stage-route.js';

/** The slot a stage rolls out to, once completed: what it should hold, what it holds, how much of it is ready. */
interface NextSlot {
  slot: Slot;
  targets: DesiredContainer[];
  /** Every container in the slot, of any spec. */
  containers: OwnedContainer[];
  /** Those of the wanted spec. */
  current: OwnedContainer[];
  healthy: number;
}

/**
 * A slot has containers of the wanted spec: complete it, judge its readiness, then switch
 * to it, keep serving from it, wait for it, roll back from it, or report it failed.
 */
export function planNextSlot(s: StageContext, slot: Slot): void {
  const next = completeSlot(s, slot);
  const old = inSlot(s, otherSlot(slot));
  const { record, hash } = s;
  if (next.healthy === next.targets.length) switchTo(s, next, old);
  // It served already: a replica down is self-heal's business, not a rollout.
  else if (old.length === 0 && servedAlready(s, slot)) complete(s, slot, serves(s, next), next.targets);
  else if (!timedOut(s, next)) waitFor(s, next, old);
  else if (old.length > 0) rollBack(s, next, old);
  // Nothing to roll back to (the first deploy, or strategy recreate): it stays, reported failed.
  else if (record !== undefined && record.specHash === hash) failed(s, null, slot, failure(s, next), next.targets);
  // No record of this rollout (the state file was lost): judge it again on the next look.
  else progressing(s, null, slot, waiting(s, next), next.targets);
}

/** Containers of another spec, surplus replicas and duplicates go; each wanted replica is created or started. */
function completeSlot(s: StageContext, slot: Slot): NextSlot {
  const targets = inTarget(s.wanted, slot);
  const containers = inSlot(s, slot);
  for (const o of containers)
    if (o.identity.specHash !== s.hash) s.removals.push(removeAction(o, 'superseded by a newer spec'));
  const current = containers.filter((o) => o.identity.specHash === s.hash);
  for (const o of current)
    if (o.identity.replica > s.rollout.replicas)
      s.removals.push(removeAction(o, `scaled down to ${s.rollout.replicas}`));
  let healthy = 0;
  for (const d of targets) if (completeReplica(s, d, current)) healthy += 1;
  return { slot, targets, containers, current, healthy };
}

/** One replica: the running, newest container is kept and the others go; none is created. Whether it is ready. */
function completeReplica(s: StageContext, d: DesiredContainer, current: readonly OwnedContainer[]): boolean {
  const [keep, ...duplicates] = current
    .filter((o) => o.identity.replica === d.replica)
    .sort((a, b) => runningFirst(a, b) || b.container.created - a.container.created);
  for (const dup of duplicates) s.removals.push(removeAction(dup, `duplicate of ${keep!.container.name}`));
  if (!keep) {
    createOrCrashLoop(d, s.input.hadContainer.has(d.rowId), healSink(s));
    return false;
  }
  startOrCrashLoop(d.rowId, keep.container, healSink(s));
  return isReady(keep, d, s.input.rows, s.input.now);
}

/** All replicas are healthy: the route switches to the slot and the old slot goes. */
function switchTo(s: StageContext, next: NextSlot, old: readonly OwnedContainer[]): void {
  const route = routeToSet(s.input, s.stage, next.slot, next.targets, next.current, old.length > 0);
  if (route) s.rest.push(route);
  // The stage lost its domain: the route it had goes.
  if (s.wanted[0]!.spec.domain === null) {
    const rows = s.input.rows.filter((r) => r.role === s.stage);
    s.rest.push(...unrouteRows(s.input.workloadId, rows, 'domain removed'));
  }
  for (const o of old) s.rest.push(removeAction(o, `rolled out to ${next.slot}`));
  complete(s, next.slot, serves(s, next), next.targets);
}

/** Not healthy yet, within the health timeout: the old slot, if any, keeps serving and is healed. */
function waitFor(s: StageContext, next: NextSlot, old: readonly OwnedContainer[]): void {
  if (old.length > 0) healSlot(s, old);
  const serving = old.length > 0 ? otherSlot(next.slot) : (s.record?.serving ?? null);
  progressing(s, serving, next.slot, waiting(s, next), next.targets);
}

/** Automatic rollback: the new slot goes, the old one keeps serving. */
function rollBack(s: StageContext, next: NextSlot, old: readonly OwnedContainer[]): void {
  const previous = otherSlot(next.slot);
  s.removals.length = 0;
  s.rest.length = 0;
  for (const o of next.containers) s.removals.push(removeAction(o, 'rollout failed: not healthy in time'));
  healSlot(s, old);
  failed(s, previous, null, `${failure(s, next)}; rolled back to ${previous}`, inTarget(s.wanted, previous));
}

/** The rollout record says this slot completed with the wanted spec. */
function servedAlready(s: StageContext, slot: Slot): boolean {
  const { record } = s;
  return record?.phase === 'Complete' && record.serving === slot && record.specHash === s.hash;
}

/** The health timeout counts from the slot's oldest container of the wanted spec. */
function timedOut(s: StageContext, next: NextSlot): boolean {
  const now = s.input.now.getTime();
  const startedMs = Math.min(...next.current.map((o) => o.container.created * 1000), now);
  return now - startedMs >= s.rollout.healthTimeoutMs;
}

function serves(s: StageContext, next: NextSlot): string {
  return `${next.slot} serves ${s.rollout.tag}: ${next.healthy}/${next.targets.length} healthy`;
}

function waiting(s: StageContext, next: NextSlot): string {
  return `waiting for ${next.slot} (${s.rollout.tag}) to become healthy: ${next.healthy}/${next.targets.length}`;
}

function failure(s: StageContext, next: NextSlot): string {
  const { tag, healthTimeoutMs } = s.rollout;
  return `rollout of ${tag} to ${next.slot} failed: ${next.healthy}/${next.targets.length} healthy after ${formatMs(healthTimeoutMs)}`;
}

function runningFirst(a: OwnedContainer, b: OwnedContainer): number {
  return Number(b.container.state === 'running') - Number(a.container.state === 'running');
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
