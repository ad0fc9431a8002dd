import { describe, expect, it } from 'vitest';
import { settle } from '../../src/reconcile/settle.js';
import type { Settled } from '../../src/reconcile/settle.js';
import { FakeClock, FakeDocker } from '../support/fake-docker.js';

const GRACE = 250;
const options = { timeoutMs: 1000, pollMs: 100, graceMs: GRACE };
const request = (name: string) => ({
  name,
  labels: {},
  env: [],
  spec: { image: 'tinyforge-test/busybox:1', ports: [] },
});

/** A clock whose sleeps run `onSleep` with the time they end at, as the engine moves on meanwhile. */
class ScriptedClock extends FakeClock {
  sleeps: number[] = [];
  onSleep: (until: number) => void = () => undefined;

  override async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    await super.sleep(ms);
    this.onSleep(this.now().getTime());
  }
}

async function started(docker: FakeDocker, clock: FakeClock, names: string[]): Promise<Map<string, number>> {
  const at = new Map<string, number>();
  for (const name of names) {
    const id = await docker.create(request(name) as never);
    await docker.start(id);
    at.set(id, clock.now().getTime());
  }
  return at;
}

const stateOf = (settled: Settled, id: string) =>
  'snapshot' in settled ? settled.snapshot.find((c) => c.id === id)?.state : settled.error;

describe('settling what a pass started: each container watched from its own start', () => {
  it('waits only the rest of the last start watch, then lists once', async () => {
    const clock = new ScriptedClock();
    const docker = new FakeDocker(clock);
    const first = await started(docker, clock, ['a']);
    clock.advance(400);
    const last = await started(docker, clock, ['b']);
    clock.advance(100);
    docker.calls = [];

    const settled = await settle(docker, new Map([...first, ...last]), { clock, settle: options });

    // a's watch passed while b was made; b started 100 ms ago: 150 ms of its watch are left.
    expect(clock.sleeps).toEqual([GRACE - 100]);
    expect(docker.calls).toEqual(['list']);
    expect(stateOf(settled, [...last.keys()][0]!)).toBe('running');
  });

  it('a container that dies within its watch is listed as it is then: stopped', async () => {
    const clock = new ScriptedClock();
    const docker = new FakeDocker(clock);
    const ids = await started(docker, clock, ['a', 'b']);
    const dying = [...ids.keys()][1]!;
    const startedAt = clock.now().getTime();
    // It dies 200 ms after its start: inside the watch.
    clock.onSleep = (until) => {
      if (until >= startedAt + 200) docker.containers.get(dying)!.state = 'exited';
    };

    const settled = await settle(docker, ids, { clock, settle: options });

    expect(stateOf(settled, dying)).toBe('exited');
    expect(clock.now().getTime()).toBe(startedAt + GRACE);
  });

  it('nothing started: one list, no wait', async () => {
    const clock = new ScriptedClock();
    const docker = new FakeDocker(clock);
    await settle(docker, new Map(), { clock, settle: options });
    expect(clock.sleeps).toEqual([]);
    expect(docker.calls).toEqual(['list']);
  });

  it('one still created is looked at again, then watched once it has left created', async () => {
    const clock = new ScriptedClock();
    const docker = new FakeDocker(clock);
    docker.slowStarting.add('tinyforge-test/busybox:1');
    const ids = await started(docker, clock, ['slow']);
    const slow = [...ids.keys()][0]!;
    docker.calls = [];
    const comesUpAt = clock.now().getTime() + GRACE + 150;
    let diesAt = Number.POSITIVE_INFINITY;
    clock.onSleep = (until) => {
      const c = docker.containers.get(slow)!;
      if (c.state === 'created' && until >= comesUpAt) {
        c.state = 'running';
        diesAt = until + 200;
      } else if (until >= diesAt) c.state = 'exited';
    };

    const settled = await settle(docker, ids, { clock, settle: options });

    // Its watch, polls every 100 ms until it runs, then a whole watch more: it died in that one.
    expect(clock.sleeps).toEqual([GRACE, 100, 100, GRACE]);
    expect(docker.calls).toEqual(['list', 'list', 'list', 'list']);
    expect(stateOf(settled, slow)).toBe('exited');
  });

  it('one that never leaves created is given up at the timeout, watched once more, and listed as it is', async () => {
    const clock = new ScriptedClock();
    const docker = new FakeDocker(clock);
    docker.slowStarting.add('tinyforge-test/busybox:1');
    const ids = await started(docker, clock, ['stuck']);
    const begun = clock.now().getTime();

    const settled = await settle(docker, ids, { clock, settle: options });

    expect(stateOf(settled, [...ids.keys()][0]!)).toBe('created');
    // Looked at every 100 ms until the timeout had passed, then watched once more.
    expect(clock.now().getTime() - begun).toBeGreaterThanOrEqual(options.timeoutMs + GRACE);
    expect(clock.now().getTime() - begun).toBeLessThanOrEqual(options.timeoutMs + options.pollMs + GRACE);
  });

  it('a list that fails answers why, never a snapshot', async () => {
    const clock = new ScriptedClock();
    const docker = new FakeDocker(clock);
    const ids = await started(docker, clock, ['a']);
    docker.unreachable();
    expect(await settle(docker, ids, { clock, settle: options })).toEqual({
      error: 'cannot reach Docker: ECONNREFUSED',
    });
  });
});
