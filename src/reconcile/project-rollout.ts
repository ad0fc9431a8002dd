import type { OwnedContainer } from './classify.js';
import type { Lookup, Membership } from './lazy.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer, Slot } from './desired.js';
import { createAction, createOrCrashLoop, removeAction } from './heal.js';
import { planNextSlot } from './next-slot.js';
import type { ProjectPlan, ProjectPlanInput } from './project-plan.js';
import { SLOTS, inTarget, otherSlot, placeInSlot } from './slots.js';
import { failed, healSink, healSlot, inSlot, progressing, stageContext } from './stage-context.js';
import type { StageContext } from './stage-context.js';
import { unrouteRows } from './stage-route.js';
import { specChanges } from './spec-changes.js';

export type { ProjectPlan, ProjectPlanInput } from './project-plan.js';
export { placeInSlot } from './slots.js';
export { upForMs } from './stage-readiness.js';

/**
 * A Project's stages, each rolled out blue-green (docs/how-it-works.md: Project rollouts): the new spec
 * starts in the other slot; once all its replicas are healthy (their healthcheck, or
 * running `minReadySeconds` without one) the stage's route switches to it and the old
 * slot is removed. A new slot that is not healthy within `healthTimeout` is removed and
 * the old one keeps serving; that spec is not tried again until it changes. Everything
 * is decided from the owned containers and the state file's rows and rollout records,
 * so a rollout interrupted by a crash carries on where it was.
 */
export function planProject(input: ProjectPlanInput): ProjectPlan {
  const plan: ProjectPlan = { actions: [], target: [], rollouts: {}, rolling: [], failed: [], crashLooping: new Set() };
  const stages = new Map<string, DesiredContainer[]>();
  for (const d of input.desired) stages.set(d.role, [...(stages.get(d.role) ?? []), d]);
  for (const [stage, wanted] of stages) planStage(stage, wanted, input, plan);
  // Stages no longer in the manifest: their routes and containers go.
  const removedRows = input.rows.filter((r) => !stages.has(r.role));
  plan.actions.push(...unrouteRows(input.workloadId, removedRows, 'stage removed'));
  for (const o of input.owned) {
    if (stages.has(o.identity.role)) continue;
    plan.actions.push(removeAction(o, `stage ${o.identity.role} removed`));
  }
  return plan;
}

/** One stage: a slot already running the wanted spec is carried on with, else the spec is new to it. */
function planStage(
  stage: string,
  wanted: readonly DesiredContainer[],
  input: ProjectPlanInput,
  plan: ProjectPlan,
): void {
  const s = stageContext(stage, wanted, input, plan);
  for (const o of s.mine)
    if (o.identity.slot !== 'blue' && o.identity.slot !== 'green') s.removals.push(removeAction(o, 'not in a slot'));
  const next = slotWithSpec(s);
  if (next === null) planNewSpec(s);
  else planNextSlot(s, next);
  plan.actions.push(...s.removals, ...s.rest);
}

/** The slot holding containers of the wanted spec; when both do, the one the rollout record says is next. */
function slotWithSpec(s: StageContext): Slot | null {
  const withSpec = SLOTS.filter((slot) => inSlot(s, slot).some((o) => o.identity.specHash === s.hash));
  if (withSpec.length === 2) return s.record?.next ?? 'blue';
  return withSpec[0] ?? null;
}

/** No slot runs the wanted spec: one that failed before keeps the old slot, any other starts a rollout. */
function planNewSpec(s: StageContext): void {
  const occupied = SLOTS.filter((slot) => inSlot(s, slot).length > 0);
  const serving = servingSlot(s, occupied);
  if (s.record?.failedSpecHash === s.hash) keepFailedSpec(s, serving, s.record.message);
  else startRollout(s, occupied, serving);
}

/** This spec failed its rollout: the old slot serves and is kept running until the spec changes. */
function keepFailedSpec(s: StageContext, serving: Slot | null, message: string): void {
  if (serving) healSlot(s, inSlot(s, serving));
  failed(s, serving, null, message, inTarget(s.wanted, serving ?? 'blue'));
}

/** The new spec starts in the slot that does not serve; a rollout still under way for an older spec is superseded. */
function startRollout(s: StageContext, occupied: readonly Slot[], serving: Slot | null): void {
  for (const slot of occupied)
    if (slot !== serving)
      for (const o of inSlot(s, slot)) s.removals.push(removeAction(o, 'superseded by a newer spec'));
  const next = serving ? otherSlot(serving) : 'blue';
  const recreate = s.rollout.strategy === 'recreate';
  if (recreate && serving)
    for (const o of inSlot(s, serving)) s.removals.push(removeAction(o, 'replaced (strategy recreate)'));
  const targets = inTarget(s.wanted, next);
  for (const d of targets) {
    // A stage with nothing left in any slot had its containers vanish: recreated within the restart budget.
    if (serving === null) createOrCrashLoop(d, hadContainerInAnySlot(d, s.input.hadContainer), healSink(s));
    else s.rest.push(createAction(d, `rollout to ${next}: ${rolloutCause(inSlot(s, serving), d, s.input.specs)}`));
  }
  progressing(s, recreate ? null : serving, next, `starting ${next} (${s.rollout.tag})`, targets);
}

/** Which occupied slot serves: the one the state file says, else the one with the oldest containers. */
function servingSlot(s: StageContext, occupied: readonly Slot[]): Slot | null {
  const recorded = s.record?.serving;
  if (recorded && occupied.includes(recorded)) return recorded;
  const oldest = (slot: Slot) => Math.min(...inSlot(s, slot).map((o) => o.container.created));
  return [...occupied].sort((a, b) => oldest(a) - oldest(b))[0] ?? null;
}

/** Whether this replica of the stage had a container before, in either slot. */
function hadContainerInAnySlot(d: DesiredContainer, hadContainer: Membership<string>): boolean {
  return SLOTS.some((slot) => hadContainer.has(placeInSlot(d, slot).rowId));
}

function rolloutCause(
  serving: readonly OwnedContainer[],
  d: DesiredContainer,
  specs: Lookup<string, ContainerSpec>,
): string {
  const before = serving[0] ? specs.get(serving[0].identity.specHash) : undefined;
  const changes = before ? specChanges(before, d.spec) : [];
  if (changes.length > 0) return changes.join(', ');
  const image = serving[0]?.container.image;
  return image && image !== d.spec.image ? `image ${image} -> ${d.spec.image}` : 'spec changed';
}
