import type Docker from 'dockerode';
import { Label, MANAGED_FILTER } from '../api/labels.js';
import type { ObservedNode, ObservedService, ObservedTask, UpdateState } from '../api/observed-service.js';
import { DockerUnreachableError } from '../reconcile/docker-port.js';
import type { PolicyScope } from '../reconcile/enforce-policy.js';
import type { ServiceRequest, SwarmPort } from '../reconcile/swarm-port.js';
import { callDocker, messageOf, statusOf } from './docker-call.js';
import { dockerClient } from './dockerode-client.js';
import { serviceDrift, serviceHash } from './swarm-service-hash.js';
import { toServiceSpec } from './swarm-service-spec.js';

export interface DockerodeSwarmPortOptions {
  /** The manager's DOCKER_HOST. */
  host: string;
  timeoutMs: number;
  scope: PolicyScope;
}

/** SwarmPort over dockerode, with a deadline on every call; a failed read is always DockerUnreachableError. */
export class DockerodeSwarmPort implements SwarmPort {
  readonly #docker: Docker;
  readonly #options: DockerodeSwarmPortOptions;

  constructor(options: DockerodeSwarmPortOptions) {
    this.#options = options;
    this.#docker = dockerClient(options.host);
  }

  async cluster(): Promise<{ manager: boolean; nodes: ObservedNode[]; nodeId: string | null }> {
    const info = (await this.#read('info', (abortSignal) =>
      (this.#docker.info as (options: object) => Promise<unknown>).call(this.#docker, { abortSignal }),
    )) as { Swarm?: { ControlAvailable?: boolean; NodeID?: string } };
    const nodeId = info.Swarm?.NodeID || null;
    if (info.Swarm?.ControlAvailable !== true) return { manager: false, nodes: [], nodeId };
    return { manager: true, nodes: await this.nodes(), nodeId };
  }

  async nodes(): Promise<ObservedNode[]> {
    const nodes = await this.#read('list nodes', (abortSignal) => this.#docker.listNodes({ abortSignal }));
    return (nodes as NodeInfo[]).map(toNode);
  }

  async services(): Promise<ObservedService[]> {
    const list = await this.#read('list services', (abortSignal) =>
      this.#docker.listServices({ filters: { label: [MANAGED_FILTER] }, abortSignal }),
    );
    return (list as Docker.Service[]).map(toService);
  }

  async tasks(serviceIds: readonly string[]): Promise<ObservedTask[]> {
    if (serviceIds.length === 0) return [];
    const list = await this.#read('list tasks', (abortSignal) =>
      this.#docker.listTasks({ filters: { service: [...serviceIds] }, abortSignal } as object),
    );
    return (list as TaskInfo[]).map(toTask);
  }

  createService(request: ServiceRequest): Promise<string> {
    const spec = toServiceSpec(request, this.#options.scope);
    return this.#call(`create service ${request.name}`, async (abortSignal) => {
      const created = (await this.#docker.createService({ ...spec, abortSignal } as Docker.CreateServiceOptions)) as {
        id?: string;
        ID?: string;
      };
      return created.id ?? created.ID ?? '';
    });
  }

  updateService(id: string, version: number, request: ServiceRequest): Promise<void> {
    const spec = toServiceSpec(request, this.#options.scope);
    return this.#call(`update service ${request.name}`, async (abortSignal) => {
      await this.#docker.getService(id).update({ ...spec, version, abortSignal } as object);
    });
  }

  removeService(id: string): Promise<void> {
    return this.#call(`remove service ${id.slice(0, 12)}`, async (abortSignal) => {
      try {
        await this.#docker.getService(id).remove({ abortSignal } as object);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    });
  }

  serviceHash(request: ServiceRequest): string {
    return serviceHash(toServiceSpec(request, this.#options.scope));
  }

  #call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return callDocker(this.#options.host, what, this.#options.timeoutMs, fn);
  }

  /** A read: whatever went wrong, it is a failed read (guarantee 1). */
  async #read<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await this.#call(what, fn);
    } catch (error) {
      if (error instanceof DockerUnreachableError) throw error;
      throw new DockerUnreachableError(messageOf(error));
    }
  }
}

interface NodeInfo {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Addr?: string };
}

interface TaskInfo {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  Status?: {
    State?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string };
    PortStatus?: { Ports?: { PublishedPort?: number }[] };
  };
}

function toNode(node: NodeInfo): ObservedNode {
  return {
    id: node.ID,
    hostname: node.Description?.Hostname ?? '',
    role: node.Spec?.Role === 'manager' ? 'manager' : 'worker',
    state: node.Status?.State ?? 'unknown',
    addr: addressOf(node),
    availability: node.Spec?.Availability ?? 'unknown',
    labels: node.Spec?.Labels ?? {},
  };
}

/** Where the node is reached: its address, or a manager's own when Swarm says 0.0.0.0 (it does for some managers). */
function addressOf(node: NodeInfo): string {
  const addr = node.Status?.Addr ?? '';
  if (addr !== '0.0.0.0') return addr;
  return node.ManagerStatus?.Addr?.replace(/:\d+$/, '') ?? '';
}

function toService(service: Docker.Service): ObservedService {
  const raw = service as unknown as {
    ID: string;
    Version?: { Index?: number };
    Spec?: {
      Name?: string;
      Labels?: Record<string, string>;
      Mode?: { Replicated?: { Replicas?: number } };
      TaskTemplate?: { ContainerSpec?: { Image?: string } };
    };
    UpdateStatus?: { State?: string; Message?: string };
  };
  return {
    id: raw.ID,
    name: raw.Spec?.Name ?? '',
    version: raw.Version?.Index ?? 0,
    labels: raw.Spec?.Labels ?? {},
    // The CLI pins `--image` to a digest where it can: the tag is what a person asked for.
    image: (raw.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:[0-9a-f]+$/, ''),
    replicas: raw.Spec?.Mode?.Replicated?.Replicas ?? 0,
    updateState: (raw.UpdateStatus?.State ?? null) as UpdateState,
    updateMessage: raw.UpdateStatus?.Message ?? null,
    drift: serviceDrift((raw.Spec ?? {}) as Docker.ServiceSpec, raw.Spec?.Labels?.[Label.serviceHash]),
  };
}

function toTask(task: TaskInfo): ObservedTask {
  return {
    id: task.ID,
    serviceId: task.ServiceID,
    slot: task.Slot ?? 0,
    nodeId: task.NodeID ?? null,
    desiredState: task.DesiredState ?? '',
    state: task.Status?.State ?? '',
    message: task.Status?.Err ?? task.Status?.Message ?? '',
    containerId: task.Status?.ContainerStatus?.ContainerID ?? null,
    created: task.CreatedAt ? Math.floor(Date.parse(task.CreatedAt) / 1000) : 0,
    ports: (task.Status?.PortStatus?.Ports ?? []).flatMap((p) => (p.PublishedPort ? [p.PublishedPort] : [])),
  };
}
