import { Label } from '../api/labels.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { ContainerRow, StateEvent } from '../api/state-types.js';
import type { Reference } from '../api/workload.js';
import type { Clock } from './clock.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import { DockerUnreachableError, ImageUnavailableError, NameConflictError } from './docker-port.js';
import type { DockerPort } from './docker-port.js';
import { emptyRow } from './observe.js';
import { ownershipLabels } from './ownership.js';
import { describeAction, targetName } from './plan.js';
import type { Action } from './plan.js';
import { Reason } from './reasons.js';
import { Semaphore } from './semaphore.js';
import { DEFAULT_PORT_RANGE, portAllocator } from './port-allocator.js';
import { recordOnlyRoutes } from './route-provider.js';
import type { PortAllocator, RouteProvider } from './route-provider.js';
import { DEFAULT_HOST_IP } from '../api/defaults.js';

export interface ExecuteDeps {
  docker: DockerPort;
  key: Buffer;
  controller: string;
  clock: Clock;
  /** Reads an env file's variables (secrets: they go to Docker and nowhere else). */
  readEnvFile: (reference: Reference) => Map<string, string>;
  /** Workloads reconciled at once. */
  concurrency: number;
  /** Specs by hash, for the stop grace period of containers being replaced. */
  specs: ReadonlyMap<string, ContainerSpec>;
  /** Limits shared by ticks that run at once (the daemon's workers); per execution otherwise. */
  limits?: ExecutionLimits;
  /** Called when self-heal restarted or recreated a row, for the restart budget. */
  healed?: (rowId: string) => void;
  /** The reverse proxy (`--routes`); default: routes are only recorded. */
  routes?: RouteProvider;
  /** Host ports for Project slots; default: the lowest of the default range that no container holds. */
  ports?: PortAllocator;
}

/** How many creates/starts, and how many stops/removals, may run at once. */
export interface ExecutionLimits {
  creates: Semaphore;
  removals: Semaphore;
}

/** Stops and removals two at a time at most: Docker 20.10 deadlocks under more (moby#42545). */
export function executionLimits(concurrency: number): ExecutionLimits {
  return { creates: new Semaphore(concurrency), removals: new Semaphore(2) };
}

export interface ExecuteResult {
  /** Per workload, why it did not converge. */
  errors: Map<string, string>;
  events: StateEvent[];
  /** Rows written by the deploy path: placeholders before `create`, ids after. */
  placed: Map<string, ContainerRow[]>;
  /** Containers started (or created) this tick, to wait for. */
  started: Set<string>;
  /** Containers this tick removed. */
  removed: Set<string>;
  /** The engine stopped answering part-way. */
  unreachable: string | null;
  /** Routes switched this tick: the rows now behind each. */
  routed: { workloadId: string; routeId: string; rowIds: string[] }[];
  /** Routes removed this tick: no row is behind them any more. */
  unrouted: { workloadId: string; routeId: string }[];
}

/** What a pass that acted on nothing did: no errors, events, placements or routes. */
export function emptyExecuteResult(): ExecuteResult {
  return {
    errors: new Map(),
    events: [],
    placed: new Map(),
    started: new Set(),
    removed: new Set(),
    unreachable: null,
    routed: [],
    unrouted: [],
  };
}

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
  };
  await Promise.all(
    [...byWorkload].map(([workloadId, list]) => workloads.run(() => runWorkload(workloadId, list, context))),
  );
  return result;
}

interface Context {
  deps: ExecuteDeps;
  result: ExecuteResult;
  snapshot: readonly ObservedContainer[];
  creates: Semaphore;
  removals: Semaphore;
  images: Map<string, Promise<void>>;
  takenPorts: Set<number>;
  /** Ports are given out one at a time, so two slots never get the same one. */
  portLock: Semaphore;
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
  const { docker } = context.deps;
  switch (action.type) {
    case 'start':
      await context.creates.run(() => docker.start(action.container.id));
      context.result.started.add(action.container.id);
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
      await (context.deps.routes ?? recordOnlyRoutes).apply(action.route);
      context.result.routed.push({ workloadId: action.workloadId, routeId: action.route.id, rowIds: action.rowIds });
      event(context, 'Normal', action.workloadId, Reason.RouteSet, describeAction(action));
      return;
    case 'unroute':
      await (context.deps.routes ?? recordOnlyRoutes).remove(action.routeId);
      context.result.unrouted.push({ workloadId: action.workloadId, routeId: action.routeId });
      event(context, 'Normal', action.workloadId, Reason.RouteRemoved, describeAction(action));
      return;
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

async function createAndStart(desired: DesiredContainer, context: Context): Promise<void> {
  const { deps } = context;
  const { rollout } = desired;
  // The deploy path writes the deployer-owned fields it knows: the route's domain, and a Project's stage, slot and tag.
  const row = {
    ...emptyRow(desired.rowId, desired.role, desired.replica),
    name: desired.name,
    image: desired.spec.image,
    domain: desired.spec.domain,
    placedAt: deps.clock.now().toISOString(),
    ...(rollout ? { stage: rollout.stage, slot: desired.slot, imageTag: rollout.tag } : {}),
  };
  const placed = context.result.placed.get(desired.workloadId) ?? [];
  placed.push(row);
  context.result.placed.set(desired.workloadId, placed);

  const env = new Map<string, string>();
  for (const file of desired.envFiles) for (const [k, v] of deps.readEnvFile(file)) env.set(k, v);
  for (const [k, v] of Object.entries(desired.spec.env)) env.set(k, v);
  // A Project's program may say where it runs (as the demo's page does); not part of the spec hash.
  if (rollout) env.set('TINYFORGE_STAGE', rollout.stage);
  if (desired.slot) env.set('TINYFORGE_SLOT', desired.slot);
  // A Project slot gets its own host port: its $PORT on network host, else where `port` is published.
  let spec = desired.spec;
  const extra: Record<string, string> = {};
  if (rollout?.reachable) {
    const port = await slotPort(context);
    extra[Label.port] = String(port);
    row.ports = [port];
    if (rollout.hostNetwork) env.set('PORT', String(port));
    else if (rollout.port !== null)
      spec = {
        ...spec,
        ports: [...spec.ports, { container: rollout.port, host: port, hostIP: DEFAULT_HOST_IP, protocol: 'tcp' }],
      };
  }
  const labels = {
    ...desired.spec.labels,
    ...ownershipLabels(
      {
        controller: deps.controller,
        workloadId: desired.workloadId,
        kind: desired.kind,
        name: desired.workloadName,
        role: desired.role,
        replica: desired.replica,
        specHash: desired.hash,
        slot: desired.slot,
      },
      desired.name,
      deps.key,
      extra,
    ),
  };
  const id = await context.creates.run(async () => {
    try {
      return await deps.docker.create({ name: desired.name, spec, labels, env: [...env].map(([k, v]) => `${k}=${v}`) });
    } catch (error) {
      if (error instanceof NameConflictError) {
        throw new NameConflictError(
          `container name ${desired.name} is taken by a container tinyforge does not own; remove or rename it`,
        );
      }
      throw error;
    }
  });
  row.containerId = id;
  row.state = 'created';
  await context.creates.run(() => deps.docker.start(id));
  context.result.started.add(id);
}

async function slotPort(context: Context): Promise<number> {
  const allocator = context.deps.ports ?? portAllocator(DEFAULT_PORT_RANGE);
  return context.portLock.run(async () => {
    const port = await allocator.allocate(context.takenPorts);
    context.takenPorts.add(port);
    return port;
  });
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
  context.result.events.push({ at: context.deps.clock.now().toISOString(), type, workload, reason, message });
}
