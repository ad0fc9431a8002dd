import { namesWorkload } from './api/kinds.js';
import { SUSPEND_ANNOTATION } from './api/annotations.js';
import type { ControlAction, ControlReply } from './api/control.js';
import type { ControllerState } from './api/state-types.js';
import type { Workload } from './api/workload.js';
import type { ControlHandler } from './adapters/control-server.js';
import type { Controller } from './app.js';
import type { Daemon } from './controller/daemon.js';
import { isSuspended, suspension } from './reconcile/is-suspended.js';
import { Reason } from './reconcile/reasons.js';
import { isFailedPhase } from './reconcile/workload-status.js';

export { askController, ControllerNotRunningError } from './adapters/control-client.js';
export { controlSocketPath } from './adapters/control-server.js';

/** What the control socket's requests act through: the daemon's queue, the controller's state, the manifests as last read. */
export interface ControlParts {
  daemon: Daemon;
  controller: Controller;
  workloads: () => readonly Workload[];
}

/**
 * The running controller's answers to `reconcile`, `suspend` and `resume`. Each rescans
 * the manifest directory first (an edit is seen without waiting for the watcher), finds
 * NAME as `status` does, changes the runtime suspension if asked (persisted in the state
 * file's `controller.suspended`, with an event), and waits for a pass over the workload
 * (also when it refuses: the status it answers with is observed then).
 */
export function controlHandler(parts: ControlParts): ControlHandler {
  return async (action, name) => {
    await parts.daemon.rescanNow();
    const id = findWorkload(name, parts);
    if (id === null)
      return {
        status: 404,
        reply: { ok: false, workload: null, phase: null, message: `no workload ${JSON.stringify(name)}` },
      };
    const workload = parts.workloads().find((w) => w.id === id);
    const refusal = refuse(action, id, workload, parts.controller.state);
    if (refusal === undefined && action !== 'reconcile') setSuspended(parts.controller, id, action === 'suspend');
    // Refused or not, the pass runs: the status it answers with is observed now.
    await parts.daemon.reconcileAndWait(id);
    if (refusal !== undefined)
      return { status: 409, reply: { ok: false, workload: id, phase: phaseOf(id, parts), message: refusal } };
    return { status: 200, reply: outcome(action, id, parts.controller.state) };
  };
}

/** NAME among the manifests' workloads, those in the state file, and those suspended at runtime. */
function findWorkload(name: string, { workloads, controller }: ControlParts): string | null {
  const ids = [
    ...workloads().map((w) => w.id),
    ...Object.keys(controller.state.workloads),
    ...Object.keys(controller.state.controller.suspended ?? {}),
  ];
  return ids.find((id) => namesWorkload(name, id)) ?? null;
}

/**
 * Why the request changes nothing: a suspended workload is not reconciled, and its
 * annotation wins over `resume` (and `reconcile`): only an edit of its manifest lifts it.
 */
function refuse(
  action: ControlAction,
  id: string,
  workload: Workload | undefined,
  state: ControllerState,
): string | undefined {
  if (workload === undefined || action === 'suspend') return undefined;
  if (isSuspended(workload))
    return `${id} is suspended by annotation ${SUSPEND_ANNOTATION} in ${workload.source.file}: remove the annotation there to ${action} it`;
  const why = action === 'reconcile' ? suspension(workload, state) : null;
  return why === null ? undefined : `${id} is ${why}: run 'tinyforge resume ${workload.name}' first`;
}

/** Adds or lifts `id`'s runtime suspension, with an event; written with the pass the request waits for. */
function setSuspended(controller: Controller, id: string, suspend: boolean): void {
  const suspended = { ...controller.state.controller.suspended };
  if (suspend === id in suspended) return;
  const at = new Date().toISOString();
  if (suspend) suspended[id] = { at };
  else delete suspended[id];
  controller.annotate(
    { suspended },
    {
      at,
      type: 'Normal',
      workload: id,
      reason: suspend ? Reason.Suspended : Reason.Resumed,
      message: suspend ? `${id} suspended by 'tinyforge suspend'` : `${id} resumed by 'tinyforge resume'`,
    },
  );
}

function phaseOf(id: string, { controller }: ControlParts): ControlReply['phase'] {
  return controller.state.workloads[id]?.phase ?? null;
}

/** The workload as the pass left it: `reconcile` and `resume` succeed unless it failed, `suspend` once it is Suspended. */
function outcome(action: ControlAction, id: string, state: ControllerState): ControlReply {
  const status = state.workloads[id];
  const { docker } = state.controller;
  if (!docker.reachable)
    return {
      ok: false,
      workload: id,
      phase: status?.phase ?? null,
      message: `Docker is unreachable: ${docker.lastError}`,
    };
  if (!status)
    return { ok: action !== 'suspend', workload: id, phase: null, message: `${id} is gone (its manifest was deleted)` };
  const ready = status.conditions.find((c) => c.type === 'Ready');
  const ok = action === 'suspend' ? status.phase === 'Suspended' : !isFailedPhase(status.phase);
  return { ok, workload: id, phase: status.phase, message: ready?.message ?? '' };
}
