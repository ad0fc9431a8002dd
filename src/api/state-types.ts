import type { Kind } from './kinds.js';

/** Workload phases (docs/how-it-works.md: The state file). */
export const Phase = {
  Pending: 'Pending',
  Progressing: 'Progressing',
  Ready: 'Ready',
  Degraded: 'Degraded',
  Failed: 'Failed',
  Invalid: 'Invalid',
  Suspended: 'Suspended',
  Terminating: 'Terminating',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** Normalized container states of a row. */
export const RowState = {
  starting: 'starting',
  created: 'created',
  running: 'running',
  restarting: 'restarting',
  paused: 'paused',
  stopped: 'stopped',
  removing: 'removing',
  missing: 'missing',
} as const;
export type RowState = (typeof RowState)[keyof typeof RowState];

export const ConditionType = { Ready: 'Ready', Reconciling: 'Reconciling', Stalled: 'Stalled' } as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** One container of a workload as the state file shows it. */
export interface ContainerRow {
  /** `<workload id>:<role>:<replica>`, e.g. `image/web:image:1`. */
  id: string;
  containerId: string | null;
  name: string;
  role: string;
  replica: number;
  state: RowState;
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  image: string;
  imageTag: string | null;
  ports: number[];
  /** Deployer-owned: written by the deploy path only, never cleared by observation. */
  stage: string | null;
  slot: 'blue' | 'green' | null;
  domain: string | null;
  routeId: string | null;
  startedAt: string | null;
  restarts: number;
  /** When a placeholder was written (rows in `starting`), to expire it. */
  placedAt?: string;
  /** Why the row is what it is, when that is not plain (`CreateNeverObserved`). */
  reason?: string;
  /** Swarm only: the hostname of the node the task's container runs on. */
  node?: string;
}

export interface WorkloadStatus {
  kind: Kind;
  name: string;
  /** When the controller first saw this workload. */
  createdAt: string;
  source: { file: string; document: number };
  generation: number;
  observedGeneration: number;
  specHash: string;
  phase: Phase;
  conditions: Condition[];
  replicas: { desired: number; running: number; updated: number };
  containers: ContainerRow[];
  lastError: string | null;
  lastReconciledAt: string | null;
  lastAppliedRevision: string | null;
  /** Per role, the last applied container spec without secrets, to say what changed. */
  applied?: Record<string, unknown>;
  /** Each Project stage's rollout, by stage name; under the swarm backend each role's last update, by role. */
  rollouts?: Record<string, StageRolloutStatus>;
  /** The plan lines of the last pass that changed something for it (what `run` set out to do, worded as `plan` prints it; the events say how each step went). */
  lastPlan?: { at: string; lines: string[] };
}

/** Where a Project stage's blue-green rollout is. */
export interface StageRolloutStatus {
  /**
   * Progressing: a new slot is starting; Complete: one slot serves the spec; Failed: the new slot never became healthy.
   * Under swarm (no slots: serving and next null): the service is updating, runs the spec, or Swarm rolled it back.
   */
  phase: 'Progressing' | 'Complete' | 'Failed';
  /** The slot the stage's route points at (null before any slot was healthy). */
  serving: 'blue' | 'green' | null;
  /** The slot being rolled out to. */
  next: 'blue' | 'green' | null;
  /** The spec this record is about. */
  specHash: string;
  /** A spec whose rollout failed: not tried again until the spec changes. */
  failedSpecHash: string | null;
  message: string;
}

export interface InvalidEntry {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export interface ForeignEntry {
  containerId: string;
  name: string;
  workloadId: string | null;
  reason: string;
}

export interface StateEvent {
  at: string;
  type: 'Normal' | 'Warning';
  workload: string | null;
  reason: string;
  message: string;
}

export interface ControllerInfo {
  name: string;
  /** What workloads become (`--backend`); absent in files written before backends existed. */
  backend?: 'docker' | 'swarm';
  /** Swarm only: the cluster's nodes, as the manager last listed them. */
  nodes?: { id: string; hostname: string; role: 'manager' | 'worker'; state: string; availability: string }[];
  pid: number;
  startedAt: string;
  heartbeatAt: string;
  manifestDir: string;
  revision: string | null;
  /**
   * `engineId`: the ID of the engine the containers were last seen on (absent in files
   * written before it was recorded); a list showing none of them on another ID acts on nothing.
   */
  docker: { reachable: boolean; lastError: string | null; engineId?: string | null };
  lastTick: { at: string; durationMs: number; dockerCalls: number } | null;
  /** The long-running controller's resync interval; `status` warns when the heartbeat is older than that allows. */
  resyncSeconds?: number;
  /** How the manifest directory is watched (long-running controller only). */
  watch?: { mode: 'events' | 'polling' | 'resync-only'; lastError: string | null };
  /**
   * Workloads `tinyforge suspend` froze, by id, with when: not acted on until `tinyforge
   * resume` (absent in files written before the command existed, and when none is).
   */
  suspended?: Record<string, { at: string }>;
}

/** The whole state file (schemas/state.schema.json). */
export interface ControllerState {
  apiVersion: 'tinyforge.dev/v1';
  kind: 'ControllerState';
  controller: ControllerInfo;
  workloads: Record<string, WorkloadStatus>;
  invalid: InvalidEntry[];
  foreign: ForeignEntry[];
  events: StateEvent[];
}

export const MAX_EVENTS = 200;
