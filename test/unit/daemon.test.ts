import { describe, expect, it } from 'vitest';
import { ALL, Daemon } from '../../src/controller/daemon.js';
import type { DaemonHooks } from '../../src/controller/daemon.js';
import { FakeTimers, flush } from '../support/fake-timers.js';

function harness(
  options: {
    changed?: string[];
    failing?: Set<string>;
    slow?: Set<string>;
    throwing?: Set<string>;
    passes?: number;
  } = {},
) {
  const timers = new FakeTimers();
  const calls: string[] = [];
  const finishSlow: (() => void)[] = [];
  let rescans = 0;
  let running = 0;
  let mostAtOnce = 0;
  const hooks: DaemonHooks = {
    async rescan() {
      rescans++;
      return options.changed ?? [];
    },
    async reconcile(keys) {
      const label = keys === ALL ? ALL : keys.join(',');
      calls.push(label);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      try {
        if (keys !== ALL && keys.some((k) => options.slow?.has(k))) await new Promise<void>((r) => finishSlow.push(r));
        if (keys !== ALL && keys.some((k) => options.throwing?.has(k))) throw new Error('a defect');
        return { failed: keys === ALL ? [...(options.failing ?? [])] : keys.filter((k) => options.failing?.has(k)) };
      } finally {
        running--;
      }
    },
    onError() {},
  };
  const daemon = new Daemon(hooks, { debounceMs: 150, resyncMs: 30_000, timers, passes: options.passes ?? 1 });
  return { daemon, timers, calls, finishSlow, rescans: () => rescans, mostAtOnce: () => mostAtOnce };
}

describe('the daemon', () => {
  it('starts with a rescan and one full reconcile', async () => {
    const h = harness();
    h.daemon.start();
    await flush();
    expect(h.calls).toEqual([ALL]);
    expect(h.rescans()).toBe(1);
    await h.daemon.stop();
  });

  it('treats file events as hints: one rescan after the quiet period, then only the changed workloads', async () => {
    const h = harness({ changed: ['image/web', 'stack/app'] });
    h.daemon.start();
    await flush();
    for (let i = 0; i < 5; i++) h.daemon.fileChanged();
    await h.timers.advance(149);
    expect(h.rescans()).toBe(1);
    await h.timers.advance(1);
    expect(h.rescans()).toBe(2);
    // One pass for everything the rescan found changed.
    expect(h.calls.slice(1)).toEqual(['image/web,stack/app']);
    await h.daemon.stop();
  });

  it('de-duplicates Docker events of one workload', async () => {
    const h = harness({ slow: new Set(['image/web']) });
    h.daemon.start();
    await flush();
    for (let i = 0; i < 5; i++) h.daemon.workloadChanged('image/web');
    await flush();
    expect(h.calls).toEqual([ALL, 'image/web']);
    for (let i = 0; i < 5; i++) h.daemon.workloadChanged('image/web');
    h.finishSlow.shift()!();
    await flush();
    // Added while in flight: looked at once more, not five times.
    expect(h.calls).toEqual([ALL, 'image/web', 'image/web']);
    h.finishSlow.shift()!();
    await h.daemon.stop();
  });

  it('reconciles a burst of events for 50 workloads in one pass', async () => {
    const h = harness();
    h.daemon.start();
    await flush();
    const ids = Array.from({ length: 50 }, (_, i) => `image/w${i}`);
    for (const id of ids) h.daemon.workloadChanged(id);
    await flush();
    const passes = h.calls.slice(1);
    expect(passes).toHaveLength(1);
    expect(passes[0]!.split(',').sort()).toEqual([...ids].sort());
    await h.daemon.stop();
  });

  it('collects events that arrive during a pass into the next single pass', async () => {
    const h = harness({ slow: new Set(['image/slow']) });
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/slow');
    await flush();
    expect(h.calls).toEqual([ALL, 'image/slow']);
    for (let i = 0; i < 20; i++) {
      h.daemon.workloadChanged(`image/w${i}`);
      await flush();
    }
    // Nothing starts while the slow pass runs, however the events trickle in.
    expect(h.calls).toEqual([ALL, 'image/slow']);
    h.finishSlow.shift()!();
    await flush();
    expect(h.calls).toHaveLength(3);
    expect(h.calls[2]!.split(',')).toEqual(Array.from({ length: 20 }, (_, i) => `image/w${i}`));
    expect(h.mostAtOnce()).toBe(1);
    await h.daemon.stop();
  });

  it('runs one pass at a time: a full resync waits for the scoped pass and covers the keys queued beside it', async () => {
    const h = harness({ slow: new Set(['image/slow']) });
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/slow');
    await flush();
    h.daemon.workloadChanged('image/web');
    h.daemon.resyncNow();
    await flush();
    expect(h.calls).toEqual([ALL, 'image/slow']);
    h.finishSlow.shift()!();
    await flush();
    expect(h.calls).toEqual([ALL, 'image/slow', ALL]);
    expect(h.mostAtOnce()).toBe(1);
    await h.daemon.stop();
  });

  it('with several passes, a slow workload holds up no other; a full resync waits for them and runs alone', async () => {
    const h = harness({ slow: new Set(['image/slow']), passes: 2 });
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/slow');
    await flush();
    for (let i = 0; i < 3; i++) h.daemon.workloadChanged(`image/w${i}`);
    await flush();
    // The events that came during the slow pass got a pass of their own, at once.
    expect(h.calls).toEqual([ALL, 'image/slow', 'image/w0,image/w1,image/w2']);
    h.daemon.resyncNow();
    await flush();
    expect(h.calls).toHaveLength(3);
    h.finishSlow.shift()!();
    await flush();
    expect(h.calls).toEqual([ALL, 'image/slow', 'image/w0,image/w1,image/w2', ALL]);
    expect(h.mostAtOnce()).toBe(2);
    await h.daemon.stop();
  });

  it('runs a batch that throws again one workload at a time: the defect stays with its workload', async () => {
    const h = harness({ throwing: new Set(['image/bad']) });
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/bad');
    h.daemon.workloadChanged('image/good');
    await flush();
    expect(h.calls).toEqual([ALL, 'image/bad,image/good', 'image/bad', 'image/good']);
    // Only the one that throws alone backs off.
    await h.timers.advance(1000);
    expect(h.calls.slice(4)).toEqual(['image/bad']);
    await h.daemon.stop();
  });

  it('stops after the pass in flight: keys queued meanwhile start no other pass', async () => {
    const h = harness({ slow: new Set(['image/slow']) });
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/slow');
    await flush();
    h.daemon.workloadChanged('image/other');
    const stopped = h.daemon.stop();
    h.finishSlow.shift()!();
    await stopped;
    expect(h.calls).toEqual([ALL, 'image/slow']);
  });

  it('backs off a failing workload of a batch without delaying the others', async () => {
    const failing = new Set<string>();
    const h = harness({ failing });
    h.daemon.start();
    await flush();
    failing.add('image/bad');
    h.daemon.workloadChanged('image/bad');
    h.daemon.workloadChanged('image/good');
    await flush();
    expect(h.calls).toEqual([ALL, 'image/bad,image/good']);
    h.daemon.workloadChanged('image/good');
    await flush();
    // The good one goes again at once; the bad one waits out its backoff, then goes alone.
    expect(h.calls).toEqual([ALL, 'image/bad,image/good', 'image/good']);
    await h.timers.advance(999);
    expect(h.calls).toHaveLength(3);
    await h.timers.advance(1);
    expect(h.calls).toEqual([ALL, 'image/bad,image/good', 'image/good', 'image/bad']);
    await h.daemon.stop();
  });

  it('backs a failing workload off (1 s, then 2 s, ...) while others go on at once', async () => {
    const h = harness({ failing: new Set(['image/bad']) });
    h.daemon.start();
    await flush();
    const bad = () => h.calls.filter((c) => c === 'image/bad').length;
    h.daemon.workloadChanged('image/good');
    await flush();
    expect(h.calls).toEqual([ALL, 'image/good']);
    await h.timers.advance(999);
    expect(bad()).toBe(0);
    await h.timers.advance(1);
    expect(bad()).toBe(1);
    await h.timers.advance(1999);
    expect(bad()).toBe(1);
    await h.timers.advance(1);
    expect(bad()).toBe(2);
    await h.daemon.stop();
  });

  it('resyncs everything every resync interval', async () => {
    const h = harness();
    h.daemon.start();
    await flush();
    await h.timers.advance(30_000);
    await h.timers.advance(30_000);
    expect(h.calls).toEqual([ALL, ALL, ALL]);
    await h.daemon.stop();
  });

  it('looks at a workload again shortly after an event that runs ahead of the state', async () => {
    const h = harness();
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/web', 100);
    await flush();
    await h.timers.advance(100);
    expect(h.calls).toEqual([ALL, 'image/web', 'image/web']);
    await h.daemon.stop();
  });

  it('reconcileAndWait answers after a pass that began after the call, not the one in flight', async () => {
    const h = harness({ slow: new Set(['image/web']) });
    h.daemon.start();
    await flush();
    h.daemon.workloadChanged('image/web');
    await flush();
    let answered = false;
    const waiting = h.daemon.reconcileAndWait('image/web').then(() => (answered = true));
    h.finishSlow.shift()!();
    await flush();
    // The pass in flight when it was asked has ended; the one it asked for runs now.
    expect(h.calls).toEqual([ALL, 'image/web', 'image/web']);
    expect(answered).toBe(false);
    h.finishSlow.shift()!();
    await waiting;
    await h.daemon.stop();
  });

  it('rescanNow rescans without the quiet period and queues what changed', async () => {
    const h = harness({ changed: ['image/web'] });
    h.daemon.start();
    await flush();
    await h.daemon.rescanNow();
    expect(h.rescans()).toBe(2);
    await flush();
    expect(h.calls).toEqual([ALL, 'image/web']);
    await h.daemon.stop();
  });
});
