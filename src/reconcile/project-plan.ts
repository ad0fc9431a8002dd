import type { ContainerRow, StageRolloutStatus } from '../api/state-types.js';
import type { Lookup, Membership } from './lazy.js';
import type { OwnedContainer } from './classify.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import type { Action } from './plan.js';
import type { Route } from './route-provider.js';

export interface ProjectPlanInput {
  workloadId: string;
  controller: string;
  /** The stages' containers as the manifest asks for them, without a slot. */
  desired: readonly DesiredContainer[];
  owned: readonly OwnedContainer[];
  /** The workload's rows in the state file: when each container was first seen running, and its route. */
  rows: readonly ContainerRow[];
  /** The rollout records of the state file, by stage. */
  rollouts: Readonly<Record<string, StageRolloutStatus>> | undefined;
  now: Date;
  /** Row ids that had a container before: a missing one vanished. */
  hadContainer: Membership<string>;
  mayHeal: (rowId: string) => boolean;
  /** Specs known by hash, to say what changed. */
  specs: Lookup<string, ContainerSpec>;
  /** The routes the proxy holds, when it can say: one missing or pointing elsewhere is set again. */
  routes?: ReadonlyMap<string, Route> | undefined;
}

export interface ProjectPlan {
  actions: Action[];
  /** The containers each stage serves from, or is rolling out to: what its counts are measured against. */
  target: DesiredContainer[];
  rollouts: Record<string, StageRolloutStatus>;
  /** A stage is waiting for its new slot to become healthy: look again soon. */
  rolling: string[];
  /** Stages whose rollout failed, with why. */
  failed: string[];
  crashLooping: Set<string>;
}
