import type { Notification } from '../api/notification.js';
import type { ControllerState, Phase, WorkloadStatus } from '../api/state-types.js';
import { Reason } from './reasons.js';

/** What a workload was when last looked at, and the bad phase it was reported in until its return to Ready is. */
interface Seen {
  phase: Phase;
  reason: string;
  troubled: Phase | null;
}

/** What the notifications have said so far: each workload's phase, and whether Docker answers. */
export interface PhaseMemory {
  readonly workloads: ReadonlyMap<string, Seen>;
  readonly reachable: boolean;
}

/** Phases that are news when a workload enters them. */
const BAD: ReadonlySet<Phase> = new Set(['Degraded', 'Failed']);
/** Ready reasons that are news even when the phase stays Degraded or Failed: it got worse. */
const WORSE: ReadonlySet<string> = new Set([Reason.CrashLoop, Reason.RolloutFailed]);

/** Where notifications start from: the state as loaded, so a workload already Degraded is told when it recovers. */
export function rememberPhases(state: ControllerState): PhaseMemory {
  const workloads = new Map<string, Seen>();
  for (const [id, w] of Object.entries(state.workloads))
    workloads.set(id, { phase: w.phase, reason: readyOf(w).reason, troubled: BAD.has(w.phase) ? w.phase : null });
  return { workloads, reachable: state.controller.docker.reachable };
}

/**
 * The notifications `state` calls for since `memory` (DESIGN section 8): Docker going away
 * or coming back; a workload entering Degraded or Failed, or turning CrashLoop or
 * RolloutFailed there; its return to Ready from one of those (whatever came between).
 * Progressing to Ready, a suspension or an invalid manifest are not news. Pure: the
 * caller keeps the memory it answers.
 */
export function phaseNotifications(
  memory: PhaseMemory,
  state: ControllerState,
  at: string,
): { memory: PhaseMemory; notifications: Notification[] } {
  const said = (fields: Pick<Notification, 'workload' | 'phase' | 'previousPhase' | 'reason' | 'message'>) => ({
    controller: state.controller.name,
    ...fields,
    revision: state.controller.revision,
    at,
  });
  const notifications: Notification[] = [];
  const docker = state.controller.docker;
  if (docker.reachable !== memory.reachable)
    notifications.push(
      said({
        workload: null,
        phase: null,
        previousPhase: null,
        ...(docker.reachable
          ? { reason: Reason.DockerReachable, message: 'Docker is reachable again' }
          : { reason: Reason.DockerUnreachable, message: `Docker is unreachable: ${docker.lastError ?? 'no answer'}` }),
      }),
    );
  const workloads = new Map<string, Seen>();
  for (const id of Object.keys(state.workloads).sort()) {
    const w = state.workloads[id]!;
    const { seen, news } = workloadNews(memory.workloads.get(id), w);
    workloads.set(id, seen);
    if (news) notifications.push(said({ workload: id, phase: w.phase, ...news }));
  }
  return { memory: { workloads, reachable: docker.reachable }, notifications };
}

/** One workload's step: what to remember, and what to say (its previous phase, reason and message), if anything. */
function workloadNews(
  before: Seen | undefined,
  w: WorkloadStatus,
): { seen: Seen; news?: { previousPhase: string | null; reason: string; message: string } } {
  const ready = readyOf(w);
  const now = { phase: w.phase, reason: ready.reason };
  const worse =
    BAD.has(w.phase) && (before?.phase !== w.phase || (WORSE.has(ready.reason) && before.reason !== ready.reason));
  if (worse) return { seen: { ...now, troubled: w.phase }, news: { previousPhase: before?.phase ?? null, ...ready } };
  if (w.phase === 'Ready' && before?.troubled)
    return { seen: { ...now, troubled: null }, news: { previousPhase: before.troubled, ...ready } };
  return { seen: { ...now, troubled: before?.troubled ?? null } };
}

function readyOf(w: WorkloadStatus): { reason: string; message: string } {
  const ready = w.conditions.find((c) => c.type === 'Ready');
  return { reason: ready?.reason ?? '', message: ready?.message ?? '' };
}
