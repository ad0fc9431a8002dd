import type Docker from 'dockerode';
import { dockerEventFilters, readDockerEvent } from './docker-event-filter.js';
import type { DockerEventNews } from './docker-event-filter.js';
import { DockerEventLines } from './docker-event-lines.js';
import { callDocker } from './docker-call.js';
import { dockerClient } from './dockerode-client.js';
import { StreamWatchdog } from './event-stream-watchdog.js';
import { doublingDelay } from '../api/units.js';

const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

export interface DockerEventHandlers {
  /** A container of this controller's workload changed (`action`: Docker's event, e.g. `die`). */
  workload(id: string, action: string): void;
  /** The stream was (re)connected after a gap: events may have been missed; relist. */
  reconnected(): void;
  /** The stream broke, or stalled (see StreamWatchdog); it is being reconnected. */
  lost(reason: string): void;
  /** A line of the stream was not an event (said once per stream); the stream goes on. */
  unreadable(what: string): void;
}

export interface DockerEventSourceOptions {
  /** How long the stream may say nothing before the engine is asked whether it missed something. */
  silenceMs: number;
  /** Deadline of that question. */
  timeoutMs: number;
}

/**
 * Follows Docker's event stream for this controller's containers (managed, and
 * labelled with its name); events of other controllers' containers never arrive. Its own client has no
 * timeout: a client timeout also kills idle streams. When the stream ends or errors
 * (a daemon restart), it reconnects with backoff (1 s doubling to 30 s) and resumes
 * with `since`; since the engine keeps only 256 events, a reconnect also asks for a
 * relist so nothing missed stays missed. A stream that stays open but goes silent while
 * the engine has events for us is found by its StreamWatchdog and reconnected the same way.
 */
export class DockerEventSource {
  readonly #docker: Docker;
  #stream: NodeJS.ReadableStream | undefined;
  #since: number | undefined;
  /** The engine's own time of the newest event delivered (`timeNano`): never counted as missed, whatever the clocks say. */
  #lastNano: bigint | undefined;
  /** Reconnections tried since the stream last opened: the wait before the next doubles from 1 s to 30 s. */
  #failures = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #watchdog: StreamWatchdog;

  constructor(
    private readonly host: string,
    /** The controller's name: only its containers' events are followed. */
    private readonly controller: string,
    private readonly handlers: DockerEventHandlers,
    private readonly options: DockerEventSourceOptions,
  ) {
    this.#docker = dockerClient(host);
    this.#watchdog = new StreamWatchdog({
      silenceMs: options.silenceMs,
      missedBetween: (sinceMs, untilMs) => this.#missedBetween(sinceMs, untilMs),
      stalled: (reason) => this.#broken(reason),
    });
  }

  start(): void {
    void this.#connect(false);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#drop();
  }

  /** Forgets the current stream, whatever it may still say. */
  #drop(): void {
    this.#watchdog.stop();
    const stream = this.#stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    stream?.removeAllListeners();
    stream?.on('error', () => undefined);
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
      this.#failures = 0;
      if (isReconnect) this.handlers.reconnected();
      this.#watchdog.start();
      const lines = new DockerEventLines(this.controller, (what) => this.handlers.unreadable(what));
      stream.on('data', (chunk: Buffer) => {
        this.#watchdog.heard();
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
    this.#lastNano = news.timeNano ?? this.#lastNano;
    if (news.workload) this.handlers.workload(news.workload.id, news.workload.action);
  }

  /** How many events for this controller the engine has between two instants: one finite, bounded call. */
  #missedBetween(sinceMs: number, untilMs: number): Promise<number> {
    return callDocker(this.host, 'list recent events', this.options.timeoutMs, async (abortSignal) => {
      const stream = (await this.#docker.getEvents({
        filters: dockerEventFilters(this.controller),
        since: (sinceMs / 1000).toFixed(3),
        until: (untilMs / 1000).toFixed(3),
        abortSignal,
      } as object)) as NodeJS.ReadableStream;
      let text = '';
      for await (const chunk of stream) text += chunk.toString();
      const last = this.#lastNano;
      const newer = (news: DockerEventNews) => last === undefined || (news.timeNano ?? 0n) > last;
      return text
        .split('\n')
        .map((line) => readDockerEvent(line, this.controller))
        .filter((news) => news?.workload !== undefined && newer(news)).length;
    });
  }

  #broken(reason: string): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#drop();
    this.handlers.lost(reason);
    this.#failures++;
    const delay = doublingDelay(this.#failures, RECONNECT_FIRST_MS, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect(true);
    }, delay);
  }
}
