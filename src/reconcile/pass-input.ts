import type { Problem } from '../api/problem.js';
import type { ControllerState, StateEvent } from '../api/state-types.js';
import type { Reference, Workload } from '../api/workload.js';
import type { Backend, BackendSession } from './backend.js';
import type { Clock } from './clock.js';
import type { EngineWatch } from './engine-check.js';
import type { PlanEntry } from './plan-entry.js';
import type { RouteProvider } from './route-provider.js';

/** What the manifest directory held at the start of the pass. */
export interface ManifestView {
  workloads: readonly Workload[];
  problems: readonly Problem[];
  invalidIds: readonly string[];
  invalidFiles: readonly string[];
  /** The directory could not be read at all. */
  unreadable?: string;
  fileCount: number;
}

export interface TickDeps {
  /** What the pass drives: it reads and acts through this only. */
  backend: Backend;
  /** The controller key; without one (plan before any run) nothing counts as owned. */
  key: Buffer | undefined;
  controller: string;
  clock: Clock;
  /** The keyed digest of a referenced file's bytes that spec hashes use. */
  digest: (reference: Reference) => string;
  /** Whether self-heal may restart this row now (the restart budget). */
  mayHeal: (rowId: string) => boolean;
  /** What the engine check keeps across passes (engine-check.ts). */
  engineWatch: EngineWatch;
  /** The reverse proxy, read to see which routes it holds; default: routes are only recorded. */
  routes?: RouteProvider;
}

export interface TickOptions {
  /** `plan`: decide, change nothing. */
  dryRun: boolean;
  /**
   * Only these workloads are acted on and have their status rebuilt (a watch event or a
   * Docker event names them); the others keep the status they had. Default: all.
   */
  scope?: ReadonlySet<string>;
  allowEmpty: boolean;
  /** `--accept-new-engine`: a list on another engine ID records that ID and is acted on. */
  acceptNewEngine?: boolean;
  revision: string | null;
}

export interface TickResult {
  state: ControllerState;
  /** The events this pass added (also in `state.events`). */
  events: StateEvent[];
  /** The plan lines, in order (what was applied, or would be). */
  planLines: string[];
  /** The same plan, entry by entry: each line's kind, target, reason and changed fields. */
  plan: PlanEntry[];
  outcome: {
    dockerReachable: boolean;
    /** Why the pass changed nothing although the engine answered (another engine); absent otherwise. */
    held?: string;
    /** Workloads that failed this pass (an action failed or was blocked, or replicas do not run). */
    failed: string[];
    pruneRefused: string[];
    /** Workloads to look at again soon: a Project waiting for a new slot to become healthy, a route waiting for its containers. */
    rolling: string[];
    /** The changes planned, one per plan line (a Swarm service's is one, however many tasks it moves). */
    actions: number;
    dockerCalls: number;
    mutations: number;
  };
}

/** One pass's input, its session with the backend, and the events it adds as it goes. */
export interface PassInput {
  session: BackendSession;
  previous: ControllerState;
  view: ManifestView;
  deps: TickDeps;
  options: TickOptions;
  events: StateEvent[];
}

export function passEvent(
  input: PassInput,
  type: StateEvent['type'],
  workload: string | null,
  reason: string,
  message: string,
): void {
  input.events.push({ at: input.deps.clock.now().toISOString(), type, workload, reason, message });
}
