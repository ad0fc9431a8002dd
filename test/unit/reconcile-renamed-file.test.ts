import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

/** A workload is `<kind>/<name>`, not the file it is in: moving the file moves nothing on the engine. */
describe('a manifest file renamed unchanged', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('plans nothing, and the source follows the new name', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['replicas: 2', 'envFiles: [web.env]']),
      'web.env': 'TOKEN=one\n',
      'api.yaml': imageManifest('api'),
    });
    const h = new TickHarness(dir);
    expect((await h.tick()).outcome.actions).toBe(3);
    const ids = [...h.docker.containers.keys()];
    const generation = h.state.workloads['image/web']?.generation;
    for (const [from, to] of [
      ['web.yaml', 'web2.yaml'],
      ['web2.yaml', 'web2.yml'],
    ]) {
      fs.renameSync(path.join(dir, from!), path.join(dir, to!));
      h.docker.calls = [];
      const result = await h.tick();
      expect(result.planLines).toEqual([]);
      expect(result.outcome).toMatchObject({ actions: 0, mutations: 0 });
      expect(h.docker.calls).toEqual(['list']);
      expect(h.state.workloads['image/web']?.source.file).toBe(to);
    }
    expect([...h.docker.containers.keys()]).toEqual(ids);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', generation });
  });
});
