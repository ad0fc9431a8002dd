import { afterEach, describe, expect, it } from 'vitest';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import type { CreateRequest } from '../../src/reconcile/docker-port.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

/** The engine made the container, but its answer was lost: the call timed out on tinyforge's side. */
describe('a create that timed out but succeeded on the engine', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('is adopted by the next pass through its signed labels, never created twice (guarantee 9)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['replicas: 2']) });
    const h = new TickHarness(dir);
    const create = h.docker.create.bind(h.docker);
    let answersLost = 1;
    h.docker.create = async (request: CreateRequest) => {
      const id = await create(request);
      if (answersLost-- > 0)
        throw new DockerUnreachableError(`Docker did not answer within 4s (create ${request.name})`);
      return id;
    };

    await h.tick();
    expect(h.docker.containers.size).toBe(2);
    expect(h.state.workloads['image/web']?.lastError).toContain('Docker did not answer within 4s');

    h.docker.calls = [];
    await h.tick();
    expect(h.docker.calls.filter((c) => c.startsWith('create'))).toEqual([]);
    const containers = [...h.docker.containers.values()];
    expect(containers.map((c) => [c.labels['tinyforge.replica'], c.state]).sort()).toEqual([
      ['1', 'running'],
      ['2', 'running'],
    ]);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', lastError: null });
    expect(h.state.workloads['image/web']?.containers.map((c) => c.containerId).sort()).toEqual(
      containers.map((c) => c.id).sort(),
    );
    expect(h.state.foreign).toEqual([]);
  });
});
