import { Label } from '../api/labels.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { StateEvent } from '../api/state-types.js';
import { createAndStart } from './create-container.js';
import type { CreateContext } from './create-container.js';
import type { DesiredContainer } from './desired.js';
import { DockerUnreachableError, ImageUnavailableError } from './docker-port.js';
import { executionLimits } from './execute-deps.js';
import type { ExecuteDeps } from './execute-deps.js';
import { addEvent, emptyExecuteResult, recordStarted } from './execute-result.js';
import type { ExecuteResult } from './execute-result.js';
import { describeAction, targetName } from './plan.js';
import type { Action } from './plan.js';
import { Reason } from './reasons.js';
import { applyRouteAction } from './route-actions.js';
import { Semaphore } from './semaphore.js';

/**
 * Applies a plan: workloads in parallel (up to `concurrency`), each workload's actions
 * in order (removals, restarts, then creates by start level). A failing action stops
 * its workload for this tick and is reported; other workloads go on. Stops and removals
 * run two at a time at most (Docker 20.10 deadlocks under more, moby#42545).
 */
export async function executePlan(
  actions: readonly Action[],
  snapshot: readonly ObservedContainer[],
  deps: ExecuteDeps,
): Promise<ExecuteResult> {
  const result = emptyExecuteResult();
  const byWorkload = new Map<string, Action[]>();
  for (const action of actions)
    byWorkload.set(action.workloadId, [...(byWorkload.get(action.workloadId) ?? []), action]);
  const workloads = new Semaphore(deps.concurrency);
  const { creates, removals } = deps.limits ?? executionLimits(deps.concurrency);
  const images = new Map<string, Promise<void>>();
  // Ports held by any container the engine lists, published or given to a slot.
  const takenPorts = new Set(
    snapshot.flatMap((c) => [...c.ports, ...(c.labels[Label.port] ? [Number(c.labels[Label.port])] : [])]),
  );
  const context: Context = {
    deps,
    result,
    snapshot,
    creates,
    removals,
    images,
    takenPorts,
    portLock: new Semaphore(1),
    steps: { begun: 0, total: actions.length },
  };
  await Promise.all(
    [...byWorkload].map(([workloadId, list]) => workloads.run(() => runWorkload(workloadId, list, context))),
  );
  return result;
}

interface Context extends CreateContext {
  snapshot: readonly ObservedContainer[];
  removals: Semaphore;
  /** Image pulls by pull policy and image, shared by the workloads of this pass. */
  images: Map<string, Promise<void>>;
  /** How many of the pass's actions have begun, of how many. */
  steps: { begun: number; total: number };
}

async function runWorkload(workloadId: string, actions: Action[], context: Context): Promise<void> {
  // Same-level creates of a workload go together; each level waits for the one before.
  const batches: Action[][] = [];
  for (const action of actions) {
    const last = batches[batches.length - 1];
    const level = (a: Action) => (a.type === 'create' || a.type === 'recreate' ? a.desired.level : -1);
    if (last && last[0]!.type === 'create' && action.type === 'create' && level(last[0]!) === level(action))
      last.push(action);
    else batches.push([action]);
  }
  for (const batch of batches) {
    if (context.result.unreachable !== null) return;
    try {
      await Promise.all(batch.map((action) => apply(action, context)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof DockerUnreachableError) context.result.unreachable = message;
      context.result.errors.set(workloadId, message);
      event(context, 'Warning', workloadId, Reason.Failed, message);
      return;
    }
  }
}

async function apply(action: Action, context: Context): Promise<void> {
  const { progress } = context.deps;
  progress?.begin(action, ++context.steps.begun, context.steps.total);
  try {
    await act(action, context);
  } catch (error) {
    progress?.failed?.(action);
    throw error;
  }
  progress?.done(action);
}

async function act(action: Action, context: Context): Promise<void> {
  const { docker } = context.deps;
  switch (action.type) {
    case 'start':
      await context.creates.run(() => docker.start(action.container.id));
      recordStarted(context.result, context.deps.clock, action.container.id);
      context.deps.healed?.(action.rowId);
      event(context, 'Normal', action.workloadId, Reason.Started, `${describeAction(action)}`);
      return;
    case 'remove':
      await removeContainer(action.container, context);
      event(
        context,
        'Normal',
        action.workloadId,
        action.prune ? Reason.Pruned : Reason.Removed,
        describeAction(action),
      );
      return;
    case 'create':
      await ensureImage(action.desired, context);
      await createAndStart(action.desired, context);
      if (action.selfHeal) context.deps.healed?.(action.desired.rowId);
      event(context, 'Normal', action.workloadId, Reason.Created, describeAction(action));
      return;
    case 'recreate': {
      // Preflight before disruption: image here, name and host ports free.
      await ensureImage(action.desired, context);
      preflightPorts(action.desired, action.old, context.snapshot);
      if (action.startFirst) {
        await createAndStart(action.desired, context);
        for (const old of action.old) await removeContainer(old, context);
      } else {
        for (const old of action.old) await removeContainer(old, context);
        await createAndStart(action.desired, context);
      }
      event(context, 'Normal', action.workloadId, Reason.Recreated, describeAction(action));
      return;
    }
    case 'route':
    case 'unroute': {
      const reason = await applyRouteAction(action, context.deps.routes, context.result);
      event(context, 'Normal', action.workloadId, reason, describeAction(action));
      return;
    }
  }
}

async function removeContainer(container: ObservedContainer, context: Context): Promise<void> {
  const grace = context.deps.specs.get(container.labels[Label.specHash] ?? '')?.stopTimeoutSeconds ?? 10;
  await context.removals.run(async () => {
    if (container.state === 'running' || container.state === 'restarting' || container.state === 'paused')
      await context.deps.docker.stop(container.id, grace);
    await context.deps.docker.remove(container.id);
  });
  context.result.removed.add(container.id);
}

async function ensureImage(desired: DesiredContainer, context: Context): Promise<void> {
  const image = desired.spec.image;
  const key = `${desired.pullPolicy}:${image}`;
  let pending = context.images.get(key);
  if (!pending) {
    const { docker } = context.deps;
    pending = (async () => {
      if (desired.pullPolicy === 'Always') return docker.pull(image);
      if (await docker.imagePresent(image)) return;
      if (desired.pullPolicy === 'Never')
        throw new ImageUnavailableError(`image ${image} is not on the host and pullPolicy is Never`);
      await docker.pull(image);
    })();
    context.images.set(key, pending);
  }
  await pending;
}

function preflightPorts(
  desired: DesiredContainer,
  old: readonly ObservedContainer[],
  snapshot: readonly ObservedContainer[],
): void {
  for (const port of desired.spec.ports) {
    if (port.host === null) continue;
    const holder = snapshot.find(
      (c) => c.ports.includes(port.host!) && !old.some((o) => o.id === c.id) && c.state === 'running',
    );
    if (holder)
      throw new Error(
        `host port ${port.host} is in use by container ${holder.name}; ${targetName(desired.workloadId, desired.rowId)} left as it is`,
      );
  }
}

function event(context: Context, type: StateEvent['type'], workload: string, reason: string, message: string): void {
  addEvent(context.result, context.deps.clock, type, workload, reason, message);
}
