import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleness } from '../../src/cli/status-command.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

describe('tinyforge wait', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  async function writeState(mutate: (state: TickHarness['state']) => void = () => undefined) {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') });
    const h = new TickHarness(path.join(dir, 'manifests'));
    await h.tick();
    const state = structuredClone(h.state);
    state.controller.lastTick = { at: new Date(Date.now() + 60_000).toISOString(), durationMs: 1, dockerCalls: 1 };
    mutate(state);
    fs.mkdirSync(path.join(dir, '.tinyforge'));
    fs.writeFileSync(path.join(dir, '.tinyforge/state.json'), JSON.stringify(state));
  }

  it('exits 0 at once for a workload that is Ready at its generation', async () => {
    await writeState();
    const result = runCli(['wait', 'web', '--timeout', '5s'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stdout: 'image/web: Ready at generation 1\n' });
  });

  it('exits 1 when the time runs out, saying what it waited for', async () => {
    await writeState((s) => (s.workloads['image/web']!.phase = 'Progressing'));
    const result = runCli(['wait', 'web', 'ghost', '--timeout', '500ms'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('timed out after 500ms: image/web: Progressing');
    expect(result.stderr).toContain('timed out after 500ms: ghost: not in the state file (yet)');
  });

  it('exits 1 at once for a workload that failed', async () => {
    await writeState((s) => (s.workloads['image/web']!.phase = 'Failed'));
    expect(runCli(['wait', 'web', '--timeout', '30s'], { cwd: dir })).toMatchObject({ code: 1, stderr: expect.stringContaining('image/web: Failed') });
  });
});

describe('status and a stale heartbeat', () => {
  it('warns when a long-running controller has not written for longer than its resync allows', async () => {
    const h = new TickHarness(makeFixtureDir({}));
    const state = { ...h.state, controller: { ...h.state.controller, resyncSeconds: 30, heartbeatAt: '2026-11-27T10:00:00.000Z' } };
    expect(staleness(state, new Date('2026-11-27T10:01:00Z'))).toBeUndefined();
    expect(staleness(state, new Date('2026-11-27T10:01:31Z'))).toBe(
      `controller not running since 2026-11-27T10:00:00.000Z (pid ${state.controller.pid}; heartbeat every 30s): this status may be out of date`,
    );
    expect(staleness({ ...state, controller: { ...state.controller, resyncSeconds: undefined } }, new Date('2027-01-01T00:00:00Z'))).toBeUndefined();
    removeFixtureDir(h.dir);
  });
});
