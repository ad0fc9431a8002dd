import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableJsonFile } from '../../src/adapters/durable-json-file.js';
import { StateStore } from '../../src/adapters/state-store.js';
import { loadControllerKey } from '../../src/adapters/controller-key.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import type { ControllerState } from '../../src/api/state-types.js';
import { emptyState } from '../support/tick-harness.js';

const NOW = new Date('2026-11-27T10:00:00Z');

describe('the state file', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('is written whole through a uniquely named temp file, mode 0600, leaving no temp behind (guarantees 6, 12)', async () => {
    dir = makeFixtureDir({});
    const file = path.join(dir, 'state', 'state.json');
    const store = new StateStore(file, emptyState(NOW));
    await store.load(NOW);
    const state = emptyState(NOW);
    expect(await store.save(state)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(state);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('is not rewritten when nothing changed, nor for a fresh heartbeat alone until it is due', async () => {
    dir = makeFixtureDir({});
    const file = path.join(dir, 'state.json');
    const store = new StateStore(file, emptyState(NOW));
    const base = {
      ...emptyState(NOW),
      controller: { ...emptyState(NOW).controller, lastTick: { at: NOW.toISOString(), durationMs: 7, dockerCalls: 1 } },
    };
    await store.save(base);
    const inode = fs.statSync(file).ino;
    expect(await store.save(structuredClone(base))).toBe(false);
    const later = new Date(NOW.getTime() + 10_000);
    const beat = {
      ...emptyState(NOW),
      controller: {
        ...emptyState(NOW).controller,
        heartbeatAt: later.toISOString(),
        lastTick: { at: later.toISOString(), durationMs: 5, dockerCalls: 1 },
      },
    };
    expect(await store.save(beat, { heartbeatEveryMs: 30_000, now: later })).toBe(false);
    expect(fs.statSync(file).ino).toBe(inode);
    const due = new Date(NOW.getTime() + 30_000);
    expect(
      await store.save(
        { ...beat, controller: { ...beat.controller, heartbeatAt: due.toISOString() } },
        { heartbeatEveryMs: 30_000, now: due },
      ),
    ).toBe(true);
    const changed = { ...beat, invalid: [{ file: 'a.yaml', line: 1, column: 1, path: '', message: 'x' }] };
    expect(await store.save(changed, { heartbeatEveryMs: 30_000, now: due })).toBe(true);
  });

  it('survives two writers at once: each rename is whole, never a torn file', async () => {
    dir = makeFixtureDir({});
    const file = path.join(dir, 'state.json');
    const a = new DurableJsonFile<{ writer: string; pad: string }>(file);
    const b = new DurableJsonFile<{ writer: string; pad: string }>(file);
    const pad = 'x'.repeat(200_000);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).write({ writer: String(i), pad })));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pad).toBe(pad);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('leaves no partial temp file behind when a write fails midway, so retries on a full disk do not pile them up', async () => {
    dir = makeFixtureDir({ 'state.json': '{"old": true}\n' });
    const file = path.join(dir, 'state.json');
    // Serialising fails after the temp file is opened, as a write(2) on a full disk would.
    await expect(new DurableJsonFile<{ n: bigint }>(file).write({ n: 1n })).rejects.toThrow(/BigInt/);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"old": true}\n');
  });

  it('writes the next save after a failed one, and coalesces saves that arrive during a write into the newest', async () => {
    dir = makeFixtureDir({});
    const file = path.join(dir, 'state.json');
    const real = new DurableJsonFile<ControllerState>(file);
    const written: string[] = [];
    let fail = true;
    const adapter = {
      read: () => real.read(),
      async write(data: ControllerState) {
        await new Promise((r) => setTimeout(r, 10));
        if (fail) throw new Error('EACCES: permission denied');
        written.push(data.controller.name);
        await real.write(data);
      },
    };
    const store = new StateStore(file, emptyState(NOW), adapter);
    await store.load(NOW);
    const named = (name: string) => ({ ...emptyState(NOW), controller: { ...emptyState(NOW).controller, name } });
    await expect(store.save(named('a'))).rejects.toThrow(/EACCES/);
    fail = false;
    // b is written; c and d arrive while it is in flight and are written once, as d.
    const saves = [store.save(named('b')), store.save(named('c')), store.save(named('d'))];
    expect(await Promise.all(saves)).toEqual([true, true, true]);
    expect(written).toEqual(['b', 'd']);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).controller.name).toBe('d');
  });

  it('is moved aside when corrupt, and the defaults are used to rebuild (guarantee 6)', async () => {
    dir = makeFixtureDir({ 'state.json': '{"apiVersion": "tinyforge.dev/v1", "workl' });
    const store = new StateStore(path.join(dir, 'state.json'), emptyState(NOW));
    const loaded = await store.load(NOW);
    expect(loaded.movedAside?.file).toBe(path.join(dir, 'state.json.corrupt-2026-11-27T10-00-00-000Z'));
    expect(loaded.movedAside?.why).toMatch(/^is not valid JSON: /);
    expect(loaded.state.workloads).toEqual({});
    expect(fs.readFileSync(loaded.movedAside!.file, 'utf8')).toContain('"workl');
  });
});

describe('the controller key', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('is created 0600 beside the state file by run, and never by plan', () => {
    dir = makeFixtureDir({});
    const state = path.join(dir, 'state.json');
    expect(loadControllerKey(state, false)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'controller.key'))).toBe(false);
    const key = loadControllerKey(state, true);
    expect(key).toHaveLength(32);
    expect(fs.statSync(path.join(dir, 'controller.key')).mode & 0o777).toBe(0o600);
    expect(loadControllerKey(state, false)).toEqual(key);
  });
});
