import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];

describe('rows written by the deploy path', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('a field removed from the manifest is cleared from the row the recreate writes', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'domain: web.localhost']) });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.state.workloads['image/web']?.containers[0]?.domain).toBe('web.localhost');

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', SLEEP));
    const result = await h.tick();
    expect(result.planLines).toEqual([expect.stringMatching(/^~ recreate image\/web#1: .*domain changed/)]);
    expect(h.state.workloads['image/web']?.containers).toEqual([expect.objectContaining({ id: 'image/web:image:1', state: 'running', domain: null })]);
  });
});
