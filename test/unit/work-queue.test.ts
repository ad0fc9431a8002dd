import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/controller/backoff.js';
import { Debouncer } from '../../src/controller/debouncer.js';
import { WorkQueue } from '../../src/controller/work-queue.js';
import { FakeTimers } from '../support/fake-timers.js';

describe('the work queue', () => {
  it('hands out each key once however often it is added', async () => {
    const queue = new WorkQueue({ timers: new FakeTimers() });
    queue.add('image/web');
    queue.add('image/web');
    queue.add('image/api');
    expect(await queue.getBatch()).toEqual(['image/web', 'image/api']);
    expect(queue.length).toBe(0);
  });

  it('hands a waiting consumer the whole burst of keys added at once', async () => {
    const queue = new WorkQueue({ timers: new FakeTimers() });
    const waiting = queue.getBatch();
    for (let i = 0; i < 50; i++) queue.add(`image/w${i}`);
    expect(await waiting).toHaveLength(50);
    expect(queue.busy).toBe(50);
    expect(queue.length).toBe(0);
  });

  it('hands second looks asked for in one turn back in one batch, whatever the clock does meanwhile', async () => {
    const timers = new FakeTimers();
    const queue = new WorkQueue({ timers });
    for (let i = 0; i < 10; i++) queue.addLater(`image/w${i}`, 50);
    expect(timers.pending).toBe(1);
    await Promise.resolve();
    queue.addLater('image/next-turn', 50);
    expect(timers.pending).toBe(2);
    const waiting = queue.getBatch();
    await timers.advance(50);
    expect(await waiting).toEqual(Array.from({ length: 10 }, (_, i) => `image/w${i}`));
    queue.shutdown();
  });

  it('never hands out a key being processed; one added meanwhile comes back after done', async () => {
    const queue = new WorkQueue({ timers: new FakeTimers() });
    queue.add('image/web');
    const [key] = (await queue.getBatch())!;
    queue.add('image/web');
    expect(queue.length).toBe(0);
    queue.done(key!);
    expect(queue.length).toBe(1);
    expect(await queue.getBatch()).toEqual(['image/web']);
  });

  it('retries a failing key after 1 s, doubling to a 5 min cap, and starts over after a success', async () => {
    const timers = new FakeTimers();
    const queue = new WorkQueue({ timers });
    const delays = Array.from({ length: 11 }, () => {
      const d = queue.retry('image/bad');
      queue.add('image/bad');
      return d;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000]);
    queue.forget('image/bad');
    expect(new Backoff().next('x')).toBe(1000);
    expect(queue.retry('image/bad')).toBe(1000);
  });

  it('brings a retried key back only after its delay', async () => {
    const timers = new FakeTimers();
    const queue = new WorkQueue({ timers });
    queue.retry('image/bad');
    expect(queue.length).toBe(0);
    await timers.advance(999);
    expect(queue.length).toBe(0);
    await timers.advance(1);
    expect(queue.length).toBe(1);
  });

  it('answers waiting workers undefined on shutdown', async () => {
    const queue = new WorkQueue({ timers: new FakeTimers() });
    const waiting = queue.getBatch();
    queue.shutdown();
    expect(await waiting).toBeUndefined();
  });
});

describe('the debouncer', () => {
  it('fires once after a quiet period, however long the burst', async () => {
    const timers = new FakeTimers();
    let fired = 0;
    const debouncer = new Debouncer(() => fired++, 150, timers);
    for (let i = 0; i < 10; i++) {
      debouncer.trigger();
      await timers.advance(100);
    }
    expect(fired).toBe(0);
    await timers.advance(150);
    expect(fired).toBe(1);
  });
});
