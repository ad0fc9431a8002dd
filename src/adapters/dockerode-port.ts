import type Docker from 'dockerode';
import { MANAGED_FILTER } from '../api/labels.js';
import type { DockerState, ObservedContainer } from '../api/observed-container.js';
import { DockerUnreachableError, ImageUnavailableError, NameConflictError } from '../reconcile/docker-port.js';
import type { CreateRequest, DockerPort } from '../reconcile/docker-port.js';
import type { PolicyScope } from '../reconcile/enforce-policy.js';
import { toCreateOptions } from './docker-create-options.js';
import { callDocker, messageOf, statusOf } from './docker-call.js';
import { dockerClient } from './dockerode-client.js';

export interface DockerodePortOptions {
  /** DOCKER_HOST-style: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`. */
  host: string;
  /** Deadline of one API call (a stop adds its grace period; a pull has ten times as long). */
  timeoutMs: number;
  scope: PolicyScope;
}

/** DockerPort over dockerode, with a deadline on every call and Docker's quirks absorbed. */
export class DockerodePort implements DockerPort {
  readonly #docker: Docker;
  readonly #options: DockerodePortOptions;

  constructor(options: DockerodePortOptions) {
    this.#options = options;
    this.#docker = dockerClient(options.host);
  }

  async list(): Promise<ObservedContainer[]> {
    try {
      return await this.#call('list containers', this.#options.timeoutMs, async (abortSignal) => {
        const infos = await this.#docker.listContainers({
          all: true,
          filters: { label: [MANAGED_FILTER] },
          abortSignal,
        } as Docker.ContainerListOptions);
        return infos.map(toObserved);
      });
    } catch (error) {
      // A list the engine answers with an error (an HTTP 500) tells as little as no answer: the tick must sweep nothing.
      if (error instanceof DockerUnreachableError) throw error;
      throw new DockerUnreachableError(messageOf(error));
    }
  }

  engineId(): Promise<string> {
    return this.#call('engine info', this.#options.timeoutMs, async (abortSignal) => {
      // dockerode's types omit info's options; its code passes the abort signal on.
      const docker = this.#docker as unknown as {
        info(options: object): Promise<{ ID?: unknown; DockerRootDir?: unknown }>;
      };
      const info = await docker.info({ abortSignal });
      if (typeof info.ID !== 'string' || info.ID === '') throw new Error('the engine reported no ID');
      // Before Docker 23 the ID comes from /etc/docker/key.json, shared by every engine of a
      // host: the data root tells a second engine on the same host apart.
      return typeof info.DockerRootDir === 'string' ? `${info.ID}@${info.DockerRootDir}` : info.ID;
    });
  }

  imagePresent(image: string): Promise<boolean> {
    return this.#call(`inspect image ${image}`, this.#options.timeoutMs, async (abortSignal) => {
      try {
        await this.#docker.getImage(image).inspect({ abortSignal } as object);
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    });
  }

  pull(image: string): Promise<void> {
    return this.#call(`pull ${image}`, this.#options.timeoutMs * 10, async (abortSignal) => {
      const stream = (await this.#docker.pull(image, { abortSignal })) as NodeJS.ReadableStream;
      const events = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) => {
        this.#docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) =>
          error ? reject(error) : resolve(output as never),
        );
      });
      // A pull can fail inside an HTTP 200 stream (dockerode#639, #647): look for it.
      const failure = events.find((e) => e.error !== undefined || e.errorDetail !== undefined);
      if (failure)
        throw new ImageUnavailableError(`pull of ${image} failed: ${failure.errorDetail?.message ?? failure.error}`);
    });
  }

  create(request: CreateRequest): Promise<string> {
    const options = toCreateOptions(request, this.#options.scope);
    return this.#call(`create ${request.name}`, this.#options.timeoutMs, async (abortSignal) => {
      try {
        const container = await this.#docker.createContainer({
          ...options,
          abortSignal,
        } as Docker.ContainerCreateOptions);
        return container.id;
      } catch (error) {
        const message = messageOf(error);
        if (statusOf(error) === 409 || /is already in use|Conflict\. The container name/i.test(message)) {
          throw new NameConflictError(`container name ${request.name} is already in use`);
        }
        if (statusOf(error) === 404 && /no such image/i.test(message))
          throw new ImageUnavailableError(`image ${request.spec.image} is not on the host`);
        throw error;
      }
    });
  }

  start(id: string): Promise<void> {
    return this.#call(`start ${id.slice(0, 12)}`, this.#options.timeoutMs, async (abortSignal) => {
      try {
        await this.#docker.getContainer(id).start({ abortSignal } as object);
      } catch (error) {
        if (statusOf(error) !== 304) throw error;
      }
    });
  }

  stop(id: string, timeoutSeconds: number): Promise<void> {
    return this.#call(
      `stop ${id.slice(0, 12)}`,
      this.#options.timeoutMs + timeoutSeconds * 1000,
      async (abortSignal) => {
        try {
          await this.#docker.getContainer(id).stop({ t: timeoutSeconds, abortSignal } as object);
        } catch (error) {
          if (statusOf(error) !== 304 && statusOf(error) !== 404) throw error;
        }
      },
    );
  }

  remove(id: string): Promise<void> {
    return this.#call(`remove ${id.slice(0, 12)}`, this.#options.timeoutMs, async (abortSignal) => {
      try {
        await this.#docker.getContainer(id).remove({ force: true, v: true, abortSignal } as object);
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return;
        if (status === 409 && /already in progress/i.test(messageOf(error))) return;
        throw error;
      }
    });
  }

  #call<T>(what: string, timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return callDocker(this.#options.host, what, timeoutMs, fn);
  }
}

/** A list entry in tinyforge's own terms. */
export function toObserved(info: Docker.ContainerInfo): ObservedContainer {
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(info.Status ?? '')?.[1];
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? '').replace(/^\//, ''),
    image: info.Image,
    labels: info.Labels ?? {},
    state: (info.State ?? 'created') as DockerState,
    status: info.Status ?? '',
    created: info.Created,
    ports: [
      ...new Set(
        (info.Ports ?? []).map((p) => p.PublicPort).filter((p): p is number => typeof p === 'number' && p > 0),
      ),
    ].sort((a, b) => a - b),
    health: health === 'health: starting' ? 'starting' : ((health as 'healthy' | 'unhealthy' | undefined) ?? null),
  };
}
