import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamWatchdog } from '../../src/adapters/event-stream-watchdog.js';

describe('the event stream watchdog', () => {
  let asked: number[];
  let stalled: string[];
  let missed: () => Promise<number>;
  let watchdog: StreamWatchdog;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    [asked, stalled] = [[], []];
    missed = async () => 0;
    watchdog = new StreamWatchdog({
      silenceMs: 10_000,
      missedBetween: (since, until) => {
        asked.push(since, until);
        return missed();
      },
      stalled: (reason) => stalled.push(reason),
    });
    watchdog.start();
  });
  afterEach(() => {
    watchdog.stop();
    vi.useRealTimers();
  });

  it('asks nothing while the stream speaks', async () => {
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(4_000);
      watchdog.heard();
    }
    expect(asked).toEqual([]);
  });

  it('after the silence, asks the engine from when the stream last spoke; an idle engine is no stall', async () => {
    await vi.advanceTimersByTimeAsync(3_000);
    watchdog.heard();
    await vi.advanceTimersByTimeAsync(15_000);
    // From when the stream last spoke until a second ago.
    expect(asked).toEqual([1_003_000, 1_014_000]);
    // The next window starts where the last one ended.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(asked).toEqual([1_003_000, 1_014_000, 1_014_000, 1_024_000]);
    expect(stalled).toEqual([]);
  });

  it('reports a stall within twice the silence of the first missed event, once, and stops asking', async () => {
    await vi.advanceTimersByTimeAsync(1_000);
    missed = async () => 2;
    await vi.advanceTimersByTimeAsync(19_000);
    expect(stalled).toEqual([
      'Docker event stream stalled: nothing for 10s while the engine had 2 events for this controller',
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stalled).toHaveLength(1);
    expect(asked).toHaveLength(2);
  });

  it('takes an engine that does not answer the check for a stall too', async () => {
    missed = async () => {
      throw new Error('Docker did not answer within 10s (list recent events)');
    };
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stalled).toEqual([
      'Docker event stream silent and the engine did not answer: Docker did not answer within 10s (list recent events)',
    ]);
  });

  it('ignores what it counted when the stream spoke while it asked', async () => {
    missed = async () => {
      watchdog.heard();
      return 1;
    };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(stalled).toEqual([]);
  });
});
