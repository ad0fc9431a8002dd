import Docker from 'dockerode';
import { dockerEventFilters } from './docker-event-filter.js';
import type { DockerEventNews } from './docker-event-filter.js';
import { DockerEventLines } from './docker-event-lines.js';
import { dockerConnection } from './dockerode-port.js';

export interface DockerEventHandlers {
  /** A container of this controller's workload changed (`action`: Docker's event, e.g. `die`). */
  workload(id: string, action: string): void;
  /** The stream was (re)connected after a gap: events may have been missed; relist. */
  reconnected(): void;
  /** The stream broke; it is being reconnected. */
  lost(reason: string): void;
  /** A line of the stream was not an event (said once per stream); the stream goes on. */
  unreadable(what: string): void;
}

/**
 * Follows Docker's event stream for this controller's containers (managed, and
 * labelled with its name); events of other controllers' containers never arrive. Its own client has no
 * timeout: a client timeout also kills idle streams. When the stream ends or errors
 * (a daemon restart), it reconnects with backoff (1 s doubling to 30 s) and resumes
 * with `since`; since the engine keeps only 256 events, a reconnect also asks for a
 * relist so nothing missed stays missed.
 */
export class DockerEventSource {
  readonly #docker: Docker;
  #stream: NodeJS.ReadableStream | undefined;
  #since: number | undefined;
  #delayMs = 1000;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    host: string,
    /** The controller's name: only its containers' events are followed. */
    private readonly controller: string,
    private readonly handlers: DockerEventHandlers,
  ) {
    this.#docker = new Docker(dockerConnection(host));
  }

  start(): void {
    void this.#connect(false);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const stream = this.#stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    stream?.destroy?.();
    this.#stream = undefined;
  }

  async #connect(isReconnect: boolean): Promise<void> {
    if (this.#stopped) return;
    try {
      const filters = dockerEventFilters(this.controller);
      const stream = (await this.#docker.getEvents({
        filters,
        ...(this.#since !== undefined ? { since: this.#since } : {}),
      })) as NodeJS.ReadableStream;
      if (this.#stopped) {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        return;
      }
      this.#stream = stream;
      this.#delayMs = 1000;
      if (isReconnect) this.handlers.reconnected();
      const lines = new DockerEventLines(this.controller, (what) => this.handlers.unreadable(what));
      stream.on('data', (chunk: Buffer) => {
        for (const news of lines.push(chunk)) this.#handle(news);
      });
      stream.once('end', () => this.#broken('event stream ended'));
      stream.once('error', (error: Error) => this.#broken(`event stream failed: ${error.message}`));
    } catch (error) {
      this.#broken(`cannot follow Docker events: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #handle(news: DockerEventNews): void {
    if (news.time !== undefined) this.#since = news.time;
    if (news.workload) this.handlers.workload(news.workload.id, news.workload.action);
  }

  #broken(reason: string): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#stream = undefined;
    this.handlers.lost(reason);
    const delay = this.#delayMs;
    this.#delayMs = Math.min(this.#delayMs * 2, 30_000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect(true);
    }, delay);
  }
}
