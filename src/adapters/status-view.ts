import type {
  Condition,
  ContainerRow,
  ControllerState,
  ForeignEntry,
  InvalidEntry,
  Phase,
  StateEvent,
} from '../api/state-types.js';
import { readyCount } from '../api/readiness.js';

/** Events the page lists per workload, and for the controller itself. */
const RECENT_EVENTS = 5;

/** One container as the page shows it: no env, no command, no spec. */
export interface ContainerView {
  name: string;
  role: string;
  replica: number;
  state: string;
  health: string | null;
  image: string;
  ports: number[];
  node: string | null;
  stage: string | null;
  slot: string | null;
  domain: string | null;
  restarts: number;
}

export interface WorkloadView {
  id: string;
  kind: string;
  name: string;
  phase: Phase;
  createdAt: string;
  source: string;
  /** Containers that serve (running, and healthy where checked), as `status`'s READY counts them, of those wanted. */
  replicas: { ready: number; desired: number };
  message: string;
  conditions: Condition[];
  containers: ContainerView[];
  events: StateEvent[];
}

/**
 * What the status page shows of the state, picked field by field (an allow-list): the
 * applied specs, plans and anything else that might hold a value from a manifest's env
 * never reach the page or its JSON.
 */
export interface StatusView {
  controller: {
    name: string;
    revision: string | null;
    docker: { reachable: boolean; lastError: string | null };
    heartbeatAt: string;
    lastPassAt: string | null;
  };
  workloads: WorkloadView[];
  invalid: InvalidEntry[];
  foreign: ForeignEntry[];
  /** The controller's own events (no workload). */
  events: StateEvent[];
}

export function statusView(state: ControllerState): StatusView {
  const { controller } = state;
  return {
    controller: {
      name: controller.name,
      revision: controller.revision,
      docker: { reachable: controller.docker.reachable, lastError: controller.docker.lastError },
      heartbeatAt: controller.heartbeatAt,
      lastPassAt: controller.lastTick?.at ?? null,
    },
    workloads: Object.entries(state.workloads)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, w]) => ({
        id,
        kind: w.kind,
        name: w.name,
        phase: w.phase,
        createdAt: w.createdAt,
        source: w.source.file,
        replicas: { ready: readyCount(w.containers), desired: w.replicas.desired },
        message: w.lastError ?? w.conditions.find((c) => c.type === 'Ready')?.message ?? '',
        conditions: w.conditions.map(({ type, status, reason, message, lastTransitionTime }) => ({
          ...{ type, status, reason, message, lastTransitionTime },
        })),
        containers: w.containers.map(containerView),
        events: recent(state.events, id),
      })),
    invalid: state.invalid.map(({ file, line, column, path, message }) => ({ file, line, column, path, message })),
    foreign: state.foreign.map(({ containerId, name, workloadId, reason }) => ({
      containerId,
      name,
      workloadId,
      reason,
    })),
    events: recent(state.events, null),
  };
}

function containerView(row: ContainerRow): ContainerView {
  return {
    name: row.name,
    role: row.role,
    replica: row.replica,
    state: row.state,
    health: row.health,
    image: row.image,
    ports: [...row.ports],
    node: row.node ?? null,
    stage: row.stage,
    slot: row.slot,
    domain: row.domain,
    restarts: row.restarts,
  };
}

/** The newest events of one workload (or of the controller), newest first. */
function recent(events: readonly StateEvent[], workload: string | null): StateEvent[] {
  const picked: StateEvent[] = [];
  for (let i = events.length - 1; i >= 0 && picked.length < RECENT_EVENTS; i--) {
    const { at, type, workload: of, reason, message } = events[i]!;
    if (of === workload) picked.push({ at, type, workload: of, reason, message });
  }
  return picked;
}
