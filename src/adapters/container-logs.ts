import type Docker from 'dockerode';
import { Label, MANAGED_FILTER } from '../api/labels.js';
import type { LogOptions, LogSink, OpenLog } from '../api/container-log.js';
import type { ObservedContainer } from '../api/observed-container.js';
import { callDocker } from './docker-call.js';
import { dockerClient } from './dockerode-client.js';
import { toObserved } from './dockerode-port.js';

/** What `tinyforge logs` asks of the engine: one workload's containers, and their logs. */
export class DockerodeLogs {
  readonly #docker: Docker;

  constructor(
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    this.#docker = dockerClient(host);
  }

  /** The containers that claim the workload for this controller, stopped ones included: one filtered list. */
  list(workloadId: string, controller: string): Promise<ObservedContainer[]> {
    return callDocker(this.host, 'list containers', this.timeoutMs, async (abortSignal) => {
      const labels = [MANAGED_FILTER, `${Label.controller}=${controller}`, `${Label.workloadId}=${workloadId}`];
      const infos = await this.#docker.listContainers({
        all: true,
        filters: { label: labels },
        abortSignal,
      } as Docker.ContainerListOptions);
      return infos.map(toObserved);
    });
  }

  /**
   * Streams one container's log, with Docker's timestamp before each line, to `sink`
   * (stdout and stderr apart: Docker multiplexes them unless the container has a TTY, then
   * all is stdout). The request has the call deadline; the stream then runs until its end
   * (`follow`: until the container stops) or `close()`.
   */
  open(containerId: string, options: LogOptions, sink: LogSink): Promise<OpenLog> {
    return this.#open(`/containers/${containerId}/logs?`, `logs ${containerId.slice(0, 12)}`, logQuery(options), sink);
  }

  /**
   * Streams a Swarm service's log, all its tasks' lines, through the manager, as `open`
   * does a container's: each line is `<timestamp> <details> <text>`, the details naming
   * the task (`com.docker.swarm.task.id=…`); multiplexed as a container's log is.
   */
  openService(serviceId: string, options: LogOptions, sink: LogSink): Promise<OpenLog> {
    const query = { ...logQuery(options), details: true };
    return this.#open(`/services/${serviceId}/logs?`, `service logs ${serviceId.slice(0, 12)}`, query, sink);
  }

  async #open(path: string, what: string, query: object, sink: LogSink): Promise<OpenLog> {
    const stream = await callDocker(this.host, what, this.timeoutMs, (abortSignal) =>
      this.#dial(path, query, abortSignal),
    );
    const ended = new Promise<void>((resolve) => {
      let over = false;
      const end = () => {
        if (!over) sink.end();
        over = true;
        resolve();
      };
      stream.on('end', end);
      stream.on('close', end);
      // A broken connection ends this container's log; what came before stays printed.
      stream.on('error', end);
    });
    // demuxStream only calls write() on its outputs.
    const to = (name: 'stdout' | 'stderr') =>
      ({
        write: (data: Buffer) => {
          sink.chunk({ stream: name, data });
          return true;
        },
      }) as unknown as NodeJS.WritableStream;
    this.#docker.modem.demuxStream(stream, to('stdout'), to('stderr'));
    return { ended, close: () => (stream as unknown as { destroy(): void }).destroy() };
  }

  /** GET /…/logs as a stream whether it follows or not (dockerode buffers a log that does not follow). */
  #dial(path: string, options: object, abortSignal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return new Promise((resolve, reject) => {
      this.#docker.modem.dial(
        {
          path,
          method: 'GET',
          isStream: true,
          abortSignal,
          statusCodes: { 200: true, 404: 'no such container or service', 500: 'server error', 503: 'not a manager' },
          options,
        },
        (error, stream) => (error ? reject(error) : resolve(stream as NodeJS.ReadableStream)),
      );
    });
  }
}

/** The engine's log query for these options: timestamped, stdout and stderr. */
export function logQuery(options: LogOptions): Record<string, string | boolean> {
  return {
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: options.follow,
    tail: options.tail === undefined ? 'all' : String(options.tail),
    ...(options.sinceSeconds === undefined ? {} : { since: options.sinceSeconds.toFixed(3) }),
  };
}
