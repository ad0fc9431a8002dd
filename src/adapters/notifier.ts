import type { Notification, NotifyFormat } from '../api/notification.js';
import { realTimers } from '../api/timers.js';
import type { Timers } from '../api/timers.js';
import { doublingDelay } from '../api/units.js';
import { notificationRequest } from './notification-body.js';
import type { NotificationRequest } from './notification-body.js';
import type { LogLevel } from './pass-reporter.js';

/** One POST: answers the status, and how long the receiver asked to wait (429/503 `Retry-After`); throws on a network error. */
export type Send = (
  url: string,
  request: NotificationRequest,
  signal: AbortSignal,
) => Promise<{ status: number; retryAfterMs?: number }>;

export interface NotifierOptions {
  /** The `--notify` URLs (distinct, as `--notify` leaves them): each gets every notification, in order, through a queue of its own. */
  urls: readonly string[];
  format: NotifyFormat;
  secret?: string;
  log: (line: string, level: LogLevel) => void;
  /** How long one POST may take (default 10 s). */
  timeoutMs?: number;
  /** Tries per notification (default 5). */
  attempts?: number;
  /** The wait after the first failed try, doubling up to `maxDelayMs` (defaults 1 s and 30 s). */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Notifications waiting per URL; past it the oldest is dropped (default 100). */
  queueLimit?: number;
  /** The POST (default: fetch). */
  send?: Send;
  /** Timers for timeouts, backoff and the grace at stop (default: the global ones). */
  timers?: Timers;
}

type Settings = Required<Omit<NotifierOptions, 'urls' | 'secret'>> & { secret?: string; stopped: AbortSignal };

/**
 * Delivers notifications beside the reconciling, never in its way: `notify` only queues.
 * Network errors, timeouts, 5xx and 429 are retried with exponential backoff, a bounded
 * number of times; other answers are not. A URL that fails is logged once until it
 * works again; at stop, what is still queued gets a short grace, then is dropped.
 */
export class Notifier {
  readonly #queues: UrlQueue[];
  readonly #stop = new AbortController();
  readonly #timers: Timers;

  constructor(options: NotifierOptions) {
    const settings: Settings = {
      timeoutMs: 10_000,
      attempts: 5,
      firstDelayMs: 1_000,
      maxDelayMs: 30_000,
      queueLimit: 100,
      send: fetchSend,
      timers: realTimers,
      ...options,
      stopped: this.#stop.signal,
    };
    this.#timers = settings.timers;
    this.#queues = options.urls.map((url, i) => new UrlQueue(url, `notify URL ${i + 1} (${redactUrl(url)})`, settings));
  }

  notify(notification: Notification): void {
    if (this.#stop.signal.aborted) return;
    for (const queue of this.#queues) queue.push(notification);
  }

  /** Notifications dropped so far because a queue was full. */
  get dropped(): number {
    return this.#queues.reduce((sum, q) => sum + q.dropped, 0);
  }

  /** Waits up to `graceMs` for the queues to empty, then drops what is left; never waits on a receiver past that. */
  async stop(graceMs = 2_000): Promise<void> {
    const graceOver = new AbortController();
    const grace = sleep(graceMs, graceOver.signal, this.#timers);
    await Promise.race([Promise.all(this.#queues.map((q) => q.drained())), grace]);
    graceOver.abort();
    this.#stop.abort();
    await Promise.all(this.#queues.map((q) => q.drained()));
  }
}

/** One URL's notifications, delivered one at a time in the order they came. */
class UrlQueue {
  dropped = 0;
  readonly #pending: Notification[] = [];
  #running: Promise<void> | undefined;
  /** Why the URL fails, from its first undelivered notification until one is delivered again. */
  #failing: string | null = null;
  #undelivered = 0;
  #overflowing = false;

  constructor(
    private readonly url: string,
    private readonly label: string,
    private readonly settings: Settings,
  ) {}

  push(notification: Notification): void {
    if (this.#pending.length >= this.settings.queueLimit) {
      this.#pending.shift();
      this.dropped++;
      // Said once per overflow: until the queue has emptied again.
      if (!this.#overflowing)
        this.settings.log(
          `${this.label}: ${this.settings.queueLimit} notifications waiting; dropping the oldest`,
          'warn',
        );
      this.#overflowing = true;
    }
    this.#pending.push(notification);
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
  }

  /** Settles once nothing is queued or in flight. */
  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    for (let next = this.#pending.shift(); next; next = this.#pending.shift()) {
      const why = this.settings.stopped.aborted
        ? STOPPED
        : await this.#deliver(notificationRequest(next, this.settings.format, this.settings.secret));
      if (why === undefined) this.#delivered();
      else if (why === STOPPED) this.#lost(1 + this.#pending.splice(0).length, 'the controller stopped');
      else this.#undeliverable(why);
    }
    this.#overflowing = false;
  }

  /** Tries until delivered (undefined), stopped, out of tries or answered with a status not worth retrying (why not). */
  async #deliver(request: NotificationRequest): Promise<string | undefined> {
    const { attempts, firstDelayMs, maxDelayMs, stopped } = this.settings;
    for (let attempt = 1; ; attempt++) {
      const tried = await this.#attempt(request);
      if (tried.ok) return undefined;
      if (stopped.aborted) return STOPPED;
      if (!tried.retry || attempt >= attempts) return attempt > 1 ? `${tried.why} (${attempt} tries)` : tried.why;
      const backoff = doublingDelay(attempt, firstDelayMs, maxDelayMs);
      await sleep(Math.max(backoff, Math.min(tried.retryAfterMs ?? 0, maxDelayMs)), stopped, this.settings.timers);
      if (stopped.aborted) return STOPPED;
    }
  }

  async #attempt(request: NotificationRequest): Promise<Attempt> {
    const { send, timeoutMs, stopped, timers } = this.settings;
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stopped.addEventListener('abort', onStop);
    const timer = timers.setTimeout(() => abort.abort(), timeoutMs);
    try {
      const { status, retryAfterMs } = await send(this.url, request, abort.signal);
      if (status >= 200 && status < 300) return { ok: true };
      const retry = status === 429 || status >= 500;
      return { ok: false, retry, why: `answered ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    } catch (error) {
      const why = abort.signal.aborted ? `no answer within ${timeoutMs / 1000}s` : networkError(error);
      return { ok: false, retry: true, why };
    } finally {
      timers.clearTimeout(timer);
      stopped.removeEventListener('abort', onStop);
    }
  }

  #delivered(): void {
    if (this.#failing === null) return;
    const lost = this.#undelivered;
    this.settings.log(
      `${this.label}: delivering again (${lost} notification${lost === 1 ? '' : 's'} not delivered)`,
      'info',
    );
    [this.#failing, this.#undelivered] = [null, 0];
  }

  /** Said once per outage, not for every notification or try. */
  #undeliverable(why: string): void {
    this.#undelivered++;
    if (this.#failing !== null) return;
    this.#failing = why;
    this.settings.log(`${this.label}: a notification was not delivered: ${why}`, 'warn');
  }

  #lost(count: number, why: string): void {
    this.settings.log(`${this.label}: ${count} notification${count === 1 ? '' : 's'} not delivered: ${why}`, 'warn');
  }
}

type Attempt = { ok: true } | { ok: false; retry: boolean; why: string; retryAfterMs?: number };

const STOPPED = '\0stopped';

/** A URL as logs show it: scheme and host only, since paths and queries of webhooks carry their tokens. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  const more = parsed.pathname !== '/' || parsed.search !== '' ? '/…' : '';
  return `${parsed.protocol}//${parsed.host}${more}`;
}

/** fetch's error, said by its cause's code (`ECONNREFUSED`) rather than `fetch failed`. */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal, timers: Timers): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = timers.setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** The POST through fetch: a URL's `user:password@` becomes Basic authentication; redirects are not followed. */
const fetchSend: Send = async (url, request, signal) => {
  const target = new URL(url);
  const headers: Record<string, string> = { ...request.headers };
  if (target.username !== '' || target.password !== '') {
    const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers['Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
    [target.username, target.password] = ['', ''];
  }
  const response = await fetch(target, { method: 'POST', body: request.body, headers, signal, redirect: 'manual' });
  await response.body?.cancel().catch(() => undefined);
  const seconds = Number(response.headers.get('retry-after') ?? NaN);
  return { status: response.status, ...(seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {}) };
};
