import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/manifest/parse-yaml.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'env: {LEVEL: "info"}'];

describe('a file broken part-way (found by the hostile-manifest corpus)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('a stray document end that cuts a running workload short recreates nothing until the file is whole', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    const ids = [...h.docker.containers.keys()];
    // `...` ends the document before `command`: what is left is a valid, different spec; the rest is no manifest.
    const cut = imageManifest('web', ['...', ...SLEEP]).replace('  ...', '...');
    fs.writeFileSync(path.join(dir, 'web.yaml'), cut);
    expect(h.view().workloads.map((w) => w.id)).toEqual(['image/web']);
    h.docker.calls = [];
    const result = await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect([...h.docker.containers.keys()]).toEqual(ids);
    expect(result.planLines).toEqual([]);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Invalid' });
    expect(h.state.invalid[0]).toMatchObject({ file: 'web.yaml', line: 8 });

    // Whole again, with a change: applied.
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'replicas: 2']));
    await h.tick();
    expect(h.docker.mutations()).toContainEqual(expect.stringMatching(/^create tf-web-image-2/));
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready' });
  });

  it('a new workload in a file with a broken document elsewhere is still created', async () => {
    dir = makeFixtureDir({
      'web.yaml': `${imageManifest('web', SLEEP)}---\n${imageManifest('api', ['replicas: two'])}`,
    });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.docker.mutations()).toContainEqual(expect.stringMatching(/^create tf-web-image-1/));
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready' });
  });

  it('positions after a syntax error that runs a value into the next line are on the right lines', () => {
    // An indented first line puts the parser in error; `Never` then runs on into the more indented next line.
    const lines = ['    a: 1', 'b: 2', 'c: Never', '      d: x', 'e: 5', 'f: [1, 2]', ''];
    const parsed = parseYamlFile(lines.join('\n'), 'p.yaml');
    const at = (token: string) => parsed.problems.find((p) => p.message.includes(`"${token}"`));
    expect(at('e')).toMatchObject({ line: 5, column: 1 });
    expect(at('[')).toMatchObject({ line: 6, column: 4 });
    for (const p of parsed.problems) expect(p.column).toBeLessThanOrEqual(lines[p.line - 1]!.length + 1);
  });
});
