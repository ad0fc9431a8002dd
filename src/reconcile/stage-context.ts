import type { StageRolloutStatus } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer, Slot, StageRollout } from './desired.js';
import { startOrCrashLoop } from './heal.js';
import type { HealSink } from './heal.js';
import { rowIdOf } from './ownership.js';
import type { Action } from './plan.js';
import type { ProjectPlan, ProjectPlanInput } from './project-plan.js';

/** One Project stage being planned: what it wants, what it has, and where its actions and status go. */
export interface StageContext {
  stage: string;
  wanted: readonly DesiredContainer[];
  rollout: StageRollout;
  /** The spec hash the manifest asks for. */
  hash: string;
  /** The stage's rollout record in the state file. */
  record: StageRolloutStatus | undefined;
  /** The stage's owned containers, in a slot or not. */
  mine: readonly OwnedContainer[];
  input: ProjectPlanInput;
  plan: ProjectPlan;
  /** Removals run before the rest of the stage's actions. */
  removals: Action[];
  rest: Action[];
}

export function stageContext(
  stage: string,
  wanted: readonly DesiredContainer[],
  input: ProjectPlanInput,
  plan: ProjectPlan,
): StageContext {
  return {
    stage,
    wanted,
    rollout: wanted[0]!.rollout!,
    hash: wanted[0]!.hash,
    record: input.rollouts?.[stage],
    mine: input.owned.filter((o) => o.identity.role === stage),
    input,
    plan,
    removals: [],
    rest: [],
  };
}

export function inSlot(s: StageContext, slot: Slot): OwnedContainer[] {
  return s.mine.filter((o) => o.identity.slot === slot);
}

/** The stage waits for a slot to become healthy: its counts are measured against `targets`, look again soon. */
export function progressing(
  s: StageContext,
  serving: Slot | null,
  next: Slot,
  message: string,
  targets: readonly DesiredContainer[],
): void {
  setStatus(s, 'Progressing', serving, next, message);
  s.plan.rolling.push(s.stage);
  s.plan.target.push(...targets);
}

/** The stage serves from `serving`, done rolling out. */
export function complete(s: StageContext, serving: Slot, message: string, targets: readonly DesiredContainer[]): void {
  setStatus(s, 'Complete', serving, null, message);
  s.plan.target.push(...targets);
}

/** The wanted spec failed its rollout: recorded so that it is not tried again until it changes. */
export function failed(
  s: StageContext,
  serving: Slot | null,
  next: Slot | null,
  message: string,
  targets: readonly DesiredContainer[],
): void {
  setStatus(s, 'Failed', serving, next, message, s.hash);
  s.plan.failed.push(`${s.stage}: ${message}`);
  s.plan.target.push(...targets);
}

function setStatus(
  s: StageContext,
  phase: StageRolloutStatus['phase'],
  serving: Slot | null,
  next: Slot | null,
  message: string,
  failedSpecHash: string | null = null,
): void {
  s.plan.rollouts[s.stage] = { phase, serving, next, specHash: s.hash, failedSpecHash, message };
}

/** Stopped containers of the serving slot are started again (within the restart budget). */
export function healSlot(s: StageContext, containers: readonly OwnedContainer[]): void {
  for (const o of containers) startOrCrashLoop(rowIdOf(o.identity), o.container, healSink(s));
}

export function healSink(s: StageContext): HealSink {
  return {
    workloadId: s.input.workloadId,
    mayHeal: s.input.mayHeal,
    actions: s.rest,
    crashLooping: s.plan.crashLooping,
  };
}
