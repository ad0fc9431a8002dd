import { DEFAULT_HOST_IP } from '../api/defaults.js';
import { Label } from '../api/labels.js';
import type { ContainerRow } from '../api/state-types.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import { NameConflictError } from './docker-port.js';
import type { CreateRequest } from './docker-port.js';
import type { ExecuteDeps } from './execute-deps.js';
import { recordStarted } from './execute-result.js';
import type { ExecuteResult } from './execute-result.js';
import { placedRow } from './rows.js';
import { envFileEnv, withoutSecrets } from './redact-secrets.js';
import { ownershipLabels } from './ownership.js';
import { DEFAULT_PORT_RANGE, portAllocator } from './port-allocator.js';
import type { Semaphore } from './semaphore.js';

/** What creating a container needs of the pass that executes a plan. */
export interface CreateContext {
  deps: ExecuteDeps;
  result: ExecuteResult;
  creates: Semaphore;
  /** Host ports held by any container the engine lists, and those given to slots this pass. */
  takenPorts: Set<number>;
  /** Ports are given out one at a time, so two slots never get the same one. */
  portLock: Semaphore;
}

/**
 * Creates and starts a wanted container: its row is placed first and gets the container's id
 * once created; a Project slot gets its own host port.
 */
export async function createAndStart(desired: DesiredContainer, context: CreateContext): Promise<void> {
  const secrets = envFileEnv(desired.envFiles, context.deps.readEnvFile);
  try {
    await createWithEnv(desired, secrets, context);
  } catch (error) {
    // The engine may quote the request's env in its error: that text must not carry a secret.
    throw withoutSecrets(error, secrets.values());
  }
}

async function createWithEnv(
  desired: DesiredContainer,
  secrets: Map<string, string>,
  context: CreateContext,
): Promise<void> {
  const { docker } = context.deps;
  const row = placeRow(desired, context);
  const env = containerEnv(desired, secrets);
  const { spec, extraLabels } = await withSlotPort(desired, env, row, context);
  const labels = { ...desired.spec.labels, ...ownedLabels(desired, context.deps, extraLabels) };
  const request = { name: desired.name, spec, labels, env: [...env].map(([k, v]) => `${k}=${v}`) };
  const id = await context.creates.run(() => createNamed(request, context.deps));
  row.containerId = id;
  row.state = 'created';
  await context.creates.run(() => docker.start(id));
  recordStarted(context.result, context.deps.clock, id);
}

/** The deploy path writes the deployer-owned fields it knows (rows.ts placedRow). */
function placeRow(desired: DesiredContainer, context: CreateContext): ContainerRow {
  const row = placedRow(desired, context.deps.clock.now());
  const placed = context.result.placed.get(desired.workloadId) ?? [];
  placed.push(row);
  context.result.placed.set(desired.workloadId, placed);
  return row;
}

/** Env files first, then the spec's own variables, then where a Project's container runs. */
function containerEnv(desired: DesiredContainer, envFiles: Map<string, string>): Map<string, string> {
  const env = new Map(envFiles);
  for (const [k, v] of Object.entries(desired.spec.env)) env.set(k, v);
  // A Project's program may say where it runs (as the demo's page does); not part of the spec hash.
  if (desired.rollout) env.set('TINYFORGE_STAGE', desired.rollout.stage);
  if (desired.slot) env.set('TINYFORGE_SLOT', desired.slot);
  return env;
}

/**
 * A Project slot gets its own host port, recorded on its row and in a label: its $PORT on
 * network host, else where `port` is published.
 */
async function withSlotPort(
  desired: DesiredContainer,
  env: Map<string, string>,
  row: ContainerRow,
  context: CreateContext,
): Promise<{ spec: ContainerSpec; extraLabels: Record<string, string> }> {
  const { rollout, spec } = desired;
  if (!rollout?.reachable) return { spec, extraLabels: {} };
  const port = await slotPort(context);
  row.ports = [port];
  const extraLabels = { [Label.port]: String(port) };
  if (rollout.hostNetwork) env.set('PORT', String(port));
  else if (rollout.port !== null) {
    const published = { container: rollout.port, host: port, hostIP: DEFAULT_HOST_IP, protocol: 'tcp' as const };
    return { spec: { ...spec, ports: [...spec.ports, published] }, extraLabels };
  }
  return { spec, extraLabels };
}

async function slotPort(context: CreateContext): Promise<number> {
  const allocator = context.deps.ports ?? portAllocator(DEFAULT_PORT_RANGE);
  return context.portLock.run(async () => {
    const port = await allocator.allocate(context.takenPorts);
    context.takenPorts.add(port);
    return port;
  });
}

function ownedLabels(
  desired: DesiredContainer,
  deps: ExecuteDeps,
  extraLabels: Record<string, string>,
): Record<string, string> {
  const identity = {
    controller: deps.controller,
    workloadId: desired.workloadId,
    kind: desired.kind,
    name: desired.workloadName,
    role: desired.role,
    replica: desired.replica,
    specHash: desired.hash,
    slot: desired.slot,
  };
  return ownershipLabels(identity, desired.name, deps.key, extraLabels);
}

/** A name held by a container tinyforge does not own is reported as such. */
async function createNamed(request: CreateRequest, deps: ExecuteDeps): Promise<string> {
  try {
    return await deps.docker.create(request);
  } catch (error) {
    if (error instanceof NameConflictError)
      throw new NameConflictError(
        `container name ${request.name} is taken by a container tinyforge does not own; remove or rename it`,
      );
    throw error;
  }
}
