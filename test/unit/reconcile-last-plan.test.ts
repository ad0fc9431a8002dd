import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LAST_PLAN_LINES } from '../../src/reconcile/last-plan.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];

describe("a workload's last plan lines in the state file (describe shows them)", () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('records what a pass applied for each workload, keeps it through passes that change nothing, and replaces it on the next change', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']),
      'db.yaml': imageManifest('db', SLEEP),
    });
    const h = new TickHarness(dir);
    const first = await h.tick();
    const at = h.state.workloads['image/web']!.lastPlan!.at;
    expect(h.state.workloads['image/web']!.lastPlan!.lines).toEqual([
      '+ create image/web#1: new replica',
      '+ create image/web#2: new replica',
    ]);
    expect(h.state.workloads['image/db']!.lastPlan!.lines).toEqual(['+ create image/db#1: new replica']);
    expect(first.planLines).toHaveLength(3);

    const before = JSON.stringify(h.state.workloads);
    h.clock.advance(60_000);
    await h.tick();
    // Nothing to do: every status as it was, the last plan included (the state file is not rewritten).
    expect(JSON.stringify(h.state.workloads)).toBe(before);

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'replicas: 1']));
    h.clock.advance(60_000);
    await h.tick();
    expect(h.state.workloads['image/web']!.lastPlan!.lines).toEqual(['- remove image/web#2: scaled down to 1']);
    expect(h.state.workloads['image/web']!.lastPlan!.at).not.toBe(at);
    expect(h.state.workloads['image/db']!.lastPlan!.lines).toEqual(['+ create image/db#1: new replica']);
  });

  it('plan (a dry run) records nothing; a long plan keeps its first lines and says how many more', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 25']) });
    const h = new TickHarness(dir);
    const dry = await h.tick({ dryRun: true });
    expect(dry.state.workloads['image/web']?.lastPlan).toBeUndefined();
    await h.tick();
    const lines = h.state.workloads['image/web']!.lastPlan!.lines;
    expect(lines).toHaveLength(LAST_PLAN_LINES);
    expect(lines.at(-2)).toBe(`+ create image/web#${LAST_PLAN_LINES - 1}: new replica`);
    expect(lines.at(-1)).toBe(`... and ${25 - LAST_PLAN_LINES + 1} more`);
  });

  it('never records an env file value: the line says the file changed', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...SLEEP, 'envFiles: [web.env]']),
      'web.env': 'TOKEN=first-secret\n',
    });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.env'), 'TOKEN=second-secret\n');
    await h.tick();
    const lastPlan = h.state.workloads['image/web']!.lastPlan!;
    expect(lastPlan.lines).toEqual([expect.stringMatching(/^~ recreate image\/web#1: .*web\.env/)]);
    expect(JSON.stringify(h.state)).not.toMatch(/first-secret|second-secret/);
  });
});
