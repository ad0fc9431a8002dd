import { describe, expect, it } from 'vitest';
import { Notifier, redactUrl } from '../../src/adapters/notifier.js';
import type { NotifierOptions, Send } from '../../src/adapters/notifier.js';
import type { Notification } from '../../src/api/notification.js';
import { FakeTimers, flush } from '../support/fake-timers.js';

const A = 'http://127.0.0.1:1/a';
const B = 'http://127.0.0.1:2/b';

function note(workload: string): Notification {
  return {
    controller: 'default',
    workload,
    phase: 'Degraded',
    previousPhase: 'Ready',
    reason: 'ReplicasNotRunning',
    message: '0/1 running',
    revision: null,
    at: '2026-01-02T03:04:05.000Z',
  };
}

/** A notifier on fake time whose POSTs `answer` decides: a status, a thrown error, or never (until aborted). */
function harness(
  answer: (
    url: string,
    workload: string,
    signal: AbortSignal,
  ) => Promise<number | { status: number; retryAfterMs: number }>,
  tuning: Partial<NotifierOptions> = {},
) {
  const timers = new FakeTimers();
  const tries: { url: string; workload: string; at: number }[] = [];
  const logged: string[] = [];
  const send: Send = async (url, request, signal) => {
    const workload = JSON.parse(request.body).workload as string;
    tries.push({ url, workload, at: timers.now });
    const answered = await answer(url, workload, signal);
    return typeof answered === 'number' ? { status: answered } : answered;
  };
  const notifier = new Notifier({
    urls: [A],
    format: 'json',
    log: (line, level) => logged.push(`${level}: ${line}`),
    send,
    timers,
    ...tuning,
  });
  return { notifier, timers, tries, logged };
}

const refused = async (): Promise<number> => {
  throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
};
/** Never answers: only the abort (timeout or stop) ends it. */
const hanging = (_url: string, _workload: string, signal: AbortSignal) =>
  new Promise<number>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

describe('delivering notifications', () => {
  it('retries a network error with backoff (1s, 2s, 4s, 8s), 5 tries, then gives up; said once per outage', async () => {
    let down = true;
    const h = harness(async () => (down ? refused() : 200));
    h.notifier.notify(note('image/a'));
    h.notifier.notify(note('image/b'));
    await flush();
    await h.timers.advance(60_000);
    expect(h.tries.filter((t) => t.workload === 'image/a').map((t) => t.at)).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(h.tries.filter((t) => t.workload === 'image/b')).toHaveLength(5);
    expect(h.logged).toEqual([
      'warn: notify URL 1 (http://127.0.0.1:1/…): a notification was not delivered: ECONNREFUSED (5 tries)',
    ]);
    down = false;
    h.notifier.notify(note('image/c'));
    await h.timers.advance(0);
    expect(h.logged.at(-1)).toBe(
      'info: notify URL 1 (http://127.0.0.1:1/…): delivering again (2 notifications not delivered)',
    );
    expect(h.tries.at(-1)).toMatchObject({ workload: 'image/c' });
  });

  it('retries 5xx and 429, not another 4xx; a 2xx is delivered', async () => {
    const answers: Record<string, number[]> = { 'image/a': [503, 429, 204], 'image/b': [400] };
    const h = harness(async (_url, workload) => answers[workload]!.shift() ?? 200);
    h.notifier.notify(note('image/a'));
    h.notifier.notify(note('image/b'));
    await flush();
    await h.timers.advance(60_000);
    expect(h.tries.map((t) => `${t.workload}@${t.at}`)).toEqual([
      'image/a@0',
      'image/a@1000',
      'image/a@3000',
      'image/b@3000',
    ]);
    expect(h.logged).toEqual([
      'warn: notify URL 1 (http://127.0.0.1:1/…): a notification was not delivered: answered 400',
    ]);
  });

  it("waits as long as a 429's Retry-After asks, up to the longest backoff", async () => {
    const answers = [{ status: 429, retryAfterMs: 20_000 }, { status: 503, retryAfterMs: 600_000 }, 200];
    const h = harness(async () => answers.shift()!);
    h.notifier.notify(note('image/a'));
    await flush();
    await h.timers.advance(120_000);
    expect(h.tries.map((t) => t.at)).toEqual([0, 20_000, 50_000]);
  });

  it('a receiver that does not answer is timed out per try, and retried', async () => {
    const h = harness(hanging, { timeoutMs: 10_000, attempts: 2 });
    h.notifier.notify(note('image/a'));
    await h.timers.advance(30_000);
    expect(h.tries.map((t) => t.at)).toEqual([0, 11_000]);
    expect(h.logged).toEqual([
      'warn: notify URL 1 (http://127.0.0.1:1/…): a notification was not delivered: no answer within 10s (2 tries)',
    ]);
  });

  it('delivers in order, one at a time per URL; a URL that hangs holds up no other', async () => {
    const h = harness(async (url, workload, signal) => (url === B ? hanging(url, workload, signal) : 200), {
      urls: [A, B],
    });
    for (const w of ['image/1', 'image/2', 'image/3']) h.notifier.notify(note(w));
    await h.timers.advance(0);
    expect(h.tries.filter((t) => t.url === A).map((t) => t.workload)).toEqual(['image/1', 'image/2', 'image/3']);
    expect(h.tries.filter((t) => t.url === B).map((t) => t.workload)).toEqual(['image/1']);
  });

  it('a full queue drops the oldest waiting, counted, and says so once per overflow', async () => {
    const h = harness(hanging, { queueLimit: 2, attempts: 1 });
    for (const w of ['image/1', 'image/2', 'image/3', 'image/4', 'image/5']) h.notifier.notify(note(w));
    expect(h.notifier.dropped).toBe(2);
    expect(h.logged).toEqual([
      'warn: notify URL 1 (http://127.0.0.1:1/…): 2 notifications waiting; dropping the oldest',
    ]);
    await h.timers.advance(60_000);
    // image/1 was in flight; image/2 and image/3 were dropped.
    expect(h.tries.map((t) => t.workload)).toEqual(['image/1', 'image/4', 'image/5']);
  });

  it('at stop, what is queued gets a short grace, then is dropped: a hanging receiver does not hold the stop', async () => {
    const h = harness(hanging, { timeoutMs: 10_000 });
    h.notifier.notify(note('image/1'));
    h.notifier.notify(note('image/2'));
    let stopped = false;
    void h.notifier.stop(2_000).then(() => (stopped = true));
    await h.timers.advance(1_999);
    expect(stopped).toBe(false);
    await h.timers.advance(1);
    await flush();
    expect(stopped).toBe(true);
    expect(h.tries.map((t) => t.workload)).toEqual(['image/1']);
    expect(h.logged).toEqual([
      'warn: notify URL 1 (http://127.0.0.1:1/…): 2 notifications not delivered: the controller stopped',
    ]);
    h.notifier.notify(note('image/3'));
    await h.timers.advance(60_000);
    expect(h.tries).toHaveLength(1);
  });

  it('at stop, a queue that empties within the grace ends the wait at once', async () => {
    const h = harness(async () => 200);
    h.notifier.notify(note('image/1'));
    await h.notifier.stop(60_000);
    expect(h.tries).toHaveLength(1);
    expect(h.logged).toEqual([]);
  });
});

describe('a notify URL in the log', () => {
  it('shows scheme and host only: paths, queries and credentials carry tokens', () => {
    expect(redactUrl('https://hooks.slack.com/services/T0/B0/XXXXSECRET')).toBe('https://hooks.slack.com/…');
    expect(redactUrl('https://user:pw@ntfy.example:8443/topic?auth=tok')).toBe('https://ntfy.example:8443/…');
    expect(redactUrl('http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000');
  });
});
