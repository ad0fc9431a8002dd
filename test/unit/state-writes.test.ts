import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter } from 'lowdb';
import { DurableJsonFile } from '../../src/adapters/durable-json-file.js';
import type { ControllerState } from '../../src/api/state-types.js';
import { openController } from '../../src/app.js';
import { startDaemon } from '../../src/app-daemon.js';
import { eventually } from '../support/eventually.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { FakeDocker } from '../support/fake-docker.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

/** The state file's adapter, failing its writes (as a full disk would) while `failing` is set. */
class FlakyStateFile implements Adapter<ControllerState> {
  failing = true;
  failures = 0;
  readonly #real: DurableJsonFile<ControllerState>;

  constructor(file: string) {
    this.#real = new DurableJsonFile<ControllerState>(file);
  }

  read(): Promise<ControllerState | null> {
    return this.#real.read();
  }

  async write(data: ControllerState): Promise<void> {
    if (this.failing) {
      this.failures++;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    await this.#real.write(data);
  }
}

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

function written(file: string): ControllerState | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ControllerState) : undefined;
}

describe('state writes', () => {
  let dir = '';
  let stateDir = '';
  afterEach(() => {
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  function setUp() {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
    const file = path.join(stateDir, 'state.json');
    return { file, adapter: new FlakyStateFile(file) };
  }

  it('a failed write fails its own tick only: the next tick writes everything', async () => {
    const { file, adapter } = setUp();
    const controller = await openController(fakeEngineConfig(dir, file), 'run', {
      docker: new FakeDocker(),
      stateAdapter: adapter,
    });
    try {
      await expect(controller.tick()).rejects.toThrow(/no space left on device/);
      expect(written(file)).toBeUndefined();
      adapter.failing = false;
      await controller.tick();
      expect(written(file)?.workloads['image/web']).toMatchObject({ phase: 'Ready' });
      // And the one after that, unchanged, is skipped as before.
      await controller.tick();
    } finally {
      controller.close();
    }
  });

  it("an event recorded while a full pass runs (a suspension) is kept, the pass's own after it", async () => {
    const { file, adapter } = setUp();
    adapter.failing = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const docker = new (class extends FakeDocker {
      override async list() {
        await gate;
        return super.list();
      }
    })();
    const controller = await openController(fakeEngineConfig(dir, file), 'run', { docker, stateAdapter: adapter });
    try {
      const pass = controller.tick();
      await new Promise((r) => setTimeout(r, 50));
      const suspended = {
        at: new Date().toISOString(),
        type: 'Normal',
        workload: 'image/web',
        reason: 'Suspended',
        message: 'm',
      } as const;
      controller.annotate({}, suspended);
      release();
      await pass;
      const reasons = written(file)?.events.map((e) => e.reason);
      expect(reasons).toContain('Suspended');
      expect(reasons?.indexOf('Suspended')).toBeLessThan(reasons!.indexOf('Created'));
    } finally {
      controller.close();
    }
  });

  it('a pass that breaks part-way still writes what it knew: the event says why, the heartbeat moves', async () => {
    const { file, adapter } = setUp();
    adapter.failing = false;
    const docker = new FakeDocker();
    const controller = await openController(fakeEngineConfig(dir, file), 'run', { docker, stateAdapter: adapter });
    try {
      await controller.tick();
      const before = written(file)!;
      await new Promise((resolve) => setTimeout(resolve, 10));
      // A container the engine describes in a way nothing expects: a defect surfaces mid-pass.
      docker.list = async () => [null as never];
      await expect(controller.tick()).rejects.toThrow(TypeError);
      const after = written(file)!;
      expect(after.events.at(-1)).toMatchObject({ type: 'Warning', workload: null, reason: 'ReconcileFailed' });
      expect(after.events.at(-1)!.message).toMatch(/^the pass failed: /);
      expect(after.controller.heartbeatAt).not.toBe(before.controller.heartbeatAt);
      expect(after.workloads['image/web']).toMatchObject({ phase: 'Ready' });
    } finally {
      controller.close();
    }
  });

  it('the daemon reports a failed write (stderr, /readyz, /metrics) and retries until it succeeds', async () => {
    const { file, adapter } = setUp();
    const err: string[] = [];
    const running = await startDaemon(
      { ...fakeEngineConfig(dir, file), resyncMs: 60_000, debounceMs: 50, healthAddr: { host: '127.0.0.1', port: 0 } },
      { out: () => undefined, err: (line) => err.push(line) },
      // No engine behind the fake: a quiet event stream, so readiness is about the writes alone.
      { docker: new FakeDocker(), stateAdapter: adapter, events: () => ({ start() {}, stop() {} }) },
    );
    try {
      await eventually('the failure to be reported', () =>
        err.some((line) => line.includes('cannot write the state file')),
      );
      expect(err.find((line) => line.includes('cannot write the state file'))).toContain('no space left on device');
      expect(running.health.ready()).toBe(false);
      expect(await running.health.metrics?.text()).toMatch(/^tinyforge_state_write_failures_total [1-9]\d*$/m);
      adapter.failing = false;
      await eventually('the state to be written', () => written(file)?.workloads['image/web'] !== undefined, 15_000);
      expect(written(file)?.workloads['image/web']).toMatchObject({ phase: 'Ready' });
      await eventually('readiness', () => running.health.ready());
      expect(err.some((line) => line.includes('state file is written again'))).toBe(true);
      // The failure is an event of the first write that succeeds, said once however many retries failed.
      expect(written(file)?.events.filter((e) => e.reason === 'StateWriteFailed')).toEqual([
        expect.objectContaining({ type: 'Warning', workload: null, message: expect.stringContaining('no space left') }),
      ]);
    } finally {
      await running.stop();
    }
  }, 30_000);
});
