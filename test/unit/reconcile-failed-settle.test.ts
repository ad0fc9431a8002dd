import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import type { FakeDocker } from '../support/fake-docker.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];

/** Every row that says running names a container the engine has (guarantee 1: a failed read invents nothing). */
function runningRowsExist(state: ControllerState, docker: FakeDocker): void {
  for (const status of Object.values(state.workloads)) {
    for (const row of status.containers)
      if (row.state === 'running') expect(docker.containers.has(row.containerId ?? '')).toBe(true);
  }
}

const failures: [string, () => Error][] = [
  ['unreachable', () => new DockerUnreachableError('cannot reach Docker: ECONNREFUSED')],
  ['a plain error (a dropped connection)', () => new Error('list containers: socket hang up')],
];

describe('a list that fails after the actions of a tick (guarantee 1)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it.each(failures)(
    'scaling up (%s): the new row keeps what the deployer wrote, nothing is missing',
    async (_what, failure) => {
      dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
      const h = new TickHarness(dir);
      await h.tick();
      const first = structuredClone(h.state.workloads['image/web']!.containers[0]!);
      fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'replicas: 2']));
      h.docker.listError = failure();
      h.docker.failListAfter = 1;
      const result = await h.tick();

      const rows = h.state.workloads['image/web']!.containers;
      expect(rows.map((r) => r.state)).not.toContain('missing');
      expect(rows.find((r) => r.replica === 1)).toEqual(first);
      const second = rows.find((r) => r.replica === 2)!;
      const created = [...h.docker.containers.values()].find((c) => c.name === second.name)!;
      expect(second).toMatchObject({ containerId: created.id, state: 'created' });
      runningRowsExist(h.state, h.docker);
      expect(result.outcome.dockerReachable).toBe(false);
      expect(h.state.controller.docker).toMatchObject({ reachable: false, lastError: failure().message });

      // The next list that answers observes both replicas, and nothing is done twice.
      h.docker.listError = undefined;
      h.docker.calls = [];
      await h.tick();
      expect(h.docker.mutations()).toEqual([]);
      expect(h.state.workloads['image/web']!.containers.map((r) => [r.containerId, r.state])).toEqual([
        [first.containerId, 'running'],
        [created.id, 'running'],
      ]);
    },
  );

  it.each(failures)(
    'an env change (%s): the row names the new container, never the removed one as running',
    async (_what, failure) => {
      dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
      const h = new TickHarness(dir);
      await h.tick();
      const old = h.state.workloads['image/web']!.containers[0]!.containerId!;
      fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'env: {MODE: two}']));
      h.docker.listError = failure();
      h.docker.failListAfter = 1;
      await h.tick();

      expect(h.docker.containers.has(old)).toBe(false);
      const [fresh] = [...h.docker.containers.keys()];
      const rows = h.state.workloads['image/web']!.containers;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ containerId: fresh, state: 'created' });
      runningRowsExist(h.state, h.docker);
      expect(h.state.controller.docker).toMatchObject({ reachable: false, lastError: failure().message });
    },
  );

  it('scaling down: the row of the removed replica does not stay running', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', SLEEP));
    h.docker.unreachable();
    h.docker.failListAfter = 1;
    await h.tick();

    expect(h.docker.containers.size).toBe(1);
    const rows = h.state.workloads['image/web']!.containers;
    expect(rows.map((r) => [r.replica, r.state])).toEqual([[1, 'running']]);
    runningRowsExist(h.state, h.docker);
  });
});
