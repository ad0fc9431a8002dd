import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { colourOn } from '../../src/cli/colour.js';
import { planJson, planSummary, planText } from '../../src/cli/plan-output.js';
import type { PlanEntry } from '../../src/reconcile/plan-entry.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SECRET = 'unit-secret-value-7731';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const RED = '\u001b[31m';

describe('a plan a person can read', () => {
  let dir: string;
  afterEach(() => removeFixtureDir(dir));

  /** `web` at 2 replicas with env and an env file applied, then edited as `lines` say; the plan of the edit. */
  async function planOfEdit(lines: string[], envFile = `TOKEN=${SECRET}-old\n`, image = '1'): Promise<PlanEntry[]> {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['replicas: 2', 'env: {GREETING: "hi"}', 'envFiles: [web.env]']),
      'web.env': `TOKEN=${SECRET}-old\n`,
    });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', lines).replace('busybox:1', `busybox:${image}`));
    fs.writeFileSync(path.join(dir, 'web.env'), envFile);
    return (await h.tick({ dryRun: true })).plan;
  }

  it('names each changed field with its old and new value, env files masked, in every output form', async () => {
    const plan = await planOfEdit(
      ['replicas: 3', 'env: {GREETING: "hello"}', 'envFiles: [web.env]'],
      `TOKEN=${SECRET}\n`,
      '2',
    );
    const text = planText(plan, false);
    expect(text.slice(0, 5)).toEqual([
      '~ recreate image/web#1: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:2, env.GREETING changed, envFiles/web.env content changed',
      '    image: tinyforge-test/busybox:1 -> tinyforge-test/busybox:2',
      '    env.GREETING: "hi" -> "hello"',
      '    envFiles/web.env: (secret changed)',
      '~ recreate image/web#2: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:2, env.GREETING changed, envFiles/web.env content changed',
    ]);
    expect(text).toContain('    replicas: 2 -> 3');
    expect(planSummary(plan)).toBe('1 to create, 2 to recreate, 0 to remove');
    const json = JSON.parse(planJson(plan)) as { actions: unknown[]; summary: unknown };
    expect(json.summary).toEqual({ create: 1, recreate: 2, remove: 0 });
    expect(json.actions[2]).toEqual({
      kind: 'create',
      workload: 'image/web',
      container: 'image/web#3',
      reason: 'new replica',
      changes: [{ path: 'replicas', old: 2, new: 3 }],
    });
    for (const form of [text.join('\n'), planText(plan, true).join('\n'), planJson(plan), JSON.stringify(plan)])
      expect(form).not.toContain(SECRET);
  });

  it('says what a scale-down and a removed env file change', async () => {
    const plan = await planOfEdit(['replicas: 1', 'env: {GREETING: "hi"}']);
    expect(planText(plan, false)).toEqual([
      '- remove image/web#2: scaled down to 1',
      '    replicas: 2 -> 1',
      '~ recreate image/web#1: envFiles/web.env removed',
      '    envFiles/web.env: (secret) -> (none)',
    ]);
    expect(planSummary(plan)).toBe('0 to create, 1 to recreate, 1 to remove');
    const started = { ...plan[0]!, kind: 'start' };
    expect(planSummary([...plan, started])).toBe('0 to create, 1 to recreate, 1 to remove, 1 to start');
  });

  it('colours + green, ~ yellow and - red only when asked to', async () => {
    const plan = await planOfEdit(['replicas: 1', 'env: {GREETING: "hello"}', 'envFiles: [web.env]']);
    const coloured = planText(plan, true);
    expect(coloured[0]).toBe(`${RED}- remove${'\u001b[0m'} image/web#2: scaled down to 1`);
    expect(coloured.find((l) => l.includes('recreate'))?.startsWith(`${YELLOW}~ recreate\u001b[0m `)).toBe(true);
    expect(planText(plan, false).join('\n')).not.toContain('\u001b[');
    const created: PlanEntry = {
      kind: 'create',
      workload: 'image/a',
      container: 'image/a#1',
      reason: 'new replica',
      changes: [],
      line: '+ create image/a#1: new replica',
    };
    expect(planText([created], true)).toEqual([`${GREEN}+ create\u001b[0m image/a#1: new replica`]);
  });
});

describe('whether stdout gets colour', () => {
  it('a terminal does, unless NO_COLOR is set to anything or TERM is dumb', () => {
    expect(colourOn({}, true)).toBe(true);
    expect(colourOn({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourOn({ NO_COLOR: 'false' }, true)).toBe(false);
    expect(colourOn({ NO_COLOR: '' }, true)).toBe(true);
    expect(colourOn({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('a pipe or a file does not, unless FORCE_COLOR says so', () => {
    expect(colourOn({}, false)).toBe(false);
    expect(colourOn({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colourOn({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colourOn({ FORCE_COLOR: '0' }, true)).toBe(false);
  });
});
