import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateEvent } from '../../src/api/state-types.js';
import { EventPrinter, isAbout, unseen } from '../../src/cli/event-lines.js';
import { eventsCommand } from '../../src/cli/events-command.js';
import { imageManifest, removeFixtureDir } from '../support/fixture-dir.js';
import { capturedOutput, stateFixture, writeState } from '../support/state-fixture.js';

const event = (at: string, workload: string | null, reason: string, message = 'm'): StateEvent => ({
  at,
  type: reason === 'Failed' ? 'Warning' : 'Normal',
  workload,
  reason,
  message,
});

describe('events: filtering, dedupe, printing', () => {
  it('NAME matches a workload by id or name, never a controller-wide event', () => {
    const web = event('t1', 'image/web', 'Created');
    expect([isAbout(web, 'web'), isAbout(web, 'image/web'), isAbout(web, 'we'), isAbout(web, undefined)]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(isAbout(event('t1', null, 'StateRecovered'), 'web')).toBe(false);
  });

  it('a new read of the ring gives only what the last read lacked, an event that fell out never again', () => {
    const a = event('t1', 'image/web', 'Created');
    const b = event('t2', 'image/web', 'Created');
    const c = event('t3', 'image/web', 'Created');
    const first = unseen([a, b], new Set());
    expect(first.fresh).toEqual([a, b]);
    // a fell out of the ring, c came in; the same event read again is no new one.
    const second = unseen([{ ...b }, c], first.seen);
    expect(second.fresh).toEqual([c]);
    expect(unseen([c], second.seen).fresh).toEqual([]);
    // Same time and reason, another message: another event.
    expect(unseen([c, event('t3', 'image/web', 'Created', 'other')], second.seen).fresh).toHaveLength(1);
  });

  it('prints aligned columns, a header once; -o json one object a line', () => {
    const lines: string[] = [];
    const text = new EventPrinter(false, (t) => lines.push(t));
    text.print([event('2026-11-27T10:00:00.000Z', 'image/web', 'Created', 'made')]);
    text.print([event('2026-11-27T10:00:01.000Z', null, 'Failed', 'broke')]);
    expect(lines).toEqual([
      'TIME                      TYPE     OBJECT     REASON   MESSAGE',
      '2026-11-27T10:00:00.000Z  Normal   image/web  Created  made',
      '2026-11-27T10:00:01.000Z  Warning  -          Failed   broke',
    ]);
    const json: string[] = [];
    const e = event('2026-11-27T10:00:00.000Z', 'image/web', 'Created');
    new EventPrinter(true, (t) => json.push(t)).print([e, e]);
    expect(json.map((l) => JSON.parse(l))).toEqual([e, e]);
  });
});

describe('tinyforge events', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  async function fixture() {
    const made = await stateFixture({
      'manifests/web.yaml': imageManifest('web'),
      'manifests/api.yaml': imageManifest('api'),
    });
    dir = made.dir;
    return made;
  }

  it('prints the events oldest first, NAME keeps one workload, -o json as JSON Lines', async () => {
    const { file, state } = await fixture();
    const all = capturedOutput();
    expect(await eventsCommand(['--state', file], all)).toBe(0);
    expect(all.stdout[0]).toMatch(/^TIME +TYPE +OBJECT +REASON +MESSAGE$/);
    expect(all.stdout.slice(1).map((l) => l.split(/ +/)[2])).toEqual(state.events.map((e) => e.workload));
    const web = capturedOutput();
    expect(await eventsCommand(['web', '--state', file, '-o', 'json'], web)).toBe(0);
    expect(web.stdout.map((l) => JSON.parse(l))).toEqual(state.events.filter((e) => e.workload === 'image/web'));
    expect(web.stdout.length).toBeGreaterThan(0);
  });

  it('exits 1 without a state file (without -f)', async () => {
    const { file } = await fixture();
    const out = capturedOutput();
    expect(await eventsCommand(['--state', `${file}.none`], out)).toBe(1);
    expect(out.stderr).toEqual([expect.stringContaining('no state file at')]);
  });

  it('-f prints new events of a replaced state file, each once, until stopped (exit 0); waits for a missing file', async () => {
    const { file, state } = await fixture();
    fs.rmSync(file);
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const out = capturedOutput();
    const running = eventsCommand(['web', '--state', file, '-f', '-o', 'json'], out, {
      stopped: () => stopped,
      pollMs: 5,
    });
    await until(() => out.stderr.length === 1);
    expect(out.stderr).toEqual([`tinyforge: waiting for the state file ${file}`]);
    writeState(file, state);
    await until(() => out.stdout.length === 1);
    const later = event('2026-11-27T11:00:00.000Z', 'image/web', 'Recreated', 'env changed');
    writeState(file, {
      ...state,
      events: [...state.events, event('2026-11-27T11:00:00.000Z', 'image/api', 'Created'), later],
    });
    await until(() => out.stdout.length === 2);
    // Unchanged rewrites print nothing new.
    writeState(file, { ...state, events: [...state.events, later] });
    await new Promise((r) => setTimeout(r, 30));
    stop();
    expect(await running).toBe(0);
    expect(out.stdout.map((l) => JSON.parse(l))).toEqual([state.events.find((e) => e.workload === 'image/web'), later]);
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}
