import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { inject } from 'vitest';
import { dockerOptions } from './docker-options.js';

/** Every container an end-to-end test creates carries this label, with the run's id as value. */
export const TEST_RUN_LABEL = 'tinyforge.test.run';

/** The local images test/support/engine.sh builds; nothing can be pulled. */
export const TEST_IMAGE = 'tinyforge-test/busybox:1';
export const TEST_IMAGE_2 = 'tinyforge-test/busybox:2';

/** A dockerode client for the test engine, and a unique id for this test file's run. */
export function testDocker(): { docker: Docker; host: string; runId: string } {
  const host = inject('dockerHost');
  return { docker: new Docker({ ...dockerOptions(host), timeout: 30_000 }), host, runId: randomUUID().slice(0, 8) };
}

/** Removes the containers labelled with this run's id, and only those, two at a time at most. */
export async function removeRunContainers(docker: Docker, runId: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } });
  for (const info of containers) {
    await docker.getContainer(info.Id).remove({ force: true });
  }
}
