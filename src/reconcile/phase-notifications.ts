import type { Notification } from '../api/notification.js';
import type { ControllerState, Phase, WorkloadStatus } from '../api/state-types.js';
import { Reason } from './reasons.js';

/**
 * What a workload was when last looked at; the bad phase it was last in, until its return
 * to Ready; and what was told of its bad stretch so far (bad phases and worse reasons).
 */
interface Seen {
  phase: Phase;
  troubled: Phase | null;
  told: ReadonlySet<string>;
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
const NOTHING_TOLD: ReadonlySet<string> = new Set();

/** How bad the news is: a recovery (or Docker back), a workload Degraded, or one Failed or Docker gone. */
export type Severity = 'good' | 'warning' | 'critical';

/** The one place that says how bad a notification is; the bodies and ntfy's priority follow it. */
export function severity(n: Notification): Severity {
  if (n.workload === null) return n.reason === Reason.DockerUnreachable ? 'critical' : 'good';
  if (n.phase === 'Failed') return 'critical';
  return BAD.has(n.phase as Phase) ? 'warning' : 'good';
}

/** Where notifications start from: the state as loaded, so a workload already Degraded is told when it recovers. */
export function rememberPhases(state: ControllerState): PhaseMemory {
  const workloads = new Map<string, Seen>();
  for (const [id, w] of Object.entries(state.workloads))
    workloads.set(id, {
      phase: w.phase,
      troubled: null,
      told: NOTHING_TOLD,
      ...(BAD.has(w.phase) ? bad(w, NOTHING_TOLD) : {}),
    });
  return { workloads, reachable: state.controller.docker.reachable };
}

/**
 * The notifications `state` calls for since `memory` (DESIGN section 8): Docker going away
 * or coming back; a workload entering Degraded or Failed, or turning CrashLoop or
 * RolloutFailed there; its return to Ready from one of those (whatever came between).
 * Within one bad stretch (until that return to Ready) each bad phase and each worse
 * reason is told once: a crash loop whose restart budget frees a restart now and then
 * (CrashLoop, ReplicasNotRunning, CrashLoop …) is one notification, and so is a Failed
 * that turns Degraded again. Progressing to Ready, a suspension or an invalid manifest
 * are not news. Pure: the caller keeps the memory it answers.
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
  const told = before?.told ?? NOTHING_TOLD;
  if (BAD.has(w.phase)) {
    const seen = { phase: w.phase, ...bad(w, told) };
    return seen.told === told ? { seen } : { seen, news: { previousPhase: before?.phase ?? null, ...ready } };
  }
  if (w.phase === 'Ready')
    return {
      seen: { phase: w.phase, troubled: null, told: NOTHING_TOLD },
      ...(before?.troubled ? { news: { previousPhase: before.troubled, ...ready } } : {}),
    };
  return { seen: { phase: w.phase, troubled: before?.troubled ?? null, told } };
}

/** A workload in a bad phase: that phase, and what is told of its stretch once this one is (the same set when nothing new). */
function bad(w: WorkloadStatus, told: ReadonlySet<string>): { troubled: Phase; told: ReadonlySet<string> } {
  const reason = readyOf(w).reason;
  const news = [w.phase, ...(WORSE.has(reason) ? [reason] : [])].filter((what) => !told.has(what));
  return { troubled: w.phase, told: news.length === 0 ? told : new Set([...told, ...news]) };
}

function readyOf(w: WorkloadStatus): { reason: string; message: string } {
  const ready = w.conditions.find((c) => c.type === 'Ready');
  return { reason: ready?.reason ?? '', message: ready?.message ?? '' };
}
