import { afterAll, describe, expect, it } from 'vitest';
import { removeRunContainers, TEST_IMAGE, TEST_RUN_LABEL, testDocker } from '../support/test-docker.js';

const { docker, runId } = testDocker();

describe('the real test engine, through dockerode', () => {
  afterAll(() => removeRunContainers(docker, runId));

  it('creates a labelled container on network none, lists it by label, runs it, and removes it', async () => {
    const name = `tinyforge-e2e-plumbing-${runId}`;
    const container = await docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '30'],
      Labels: { [TEST_RUN_LABEL]: runId, 'tinyforge.managed': 'true' },
      HostConfig: { NetworkMode: 'none', Init: true },
    });
    await container.start();

    const listed = await docker.listContainers({
      all: true,
      filters: { label: [`${TEST_RUN_LABEL}=${runId}`, 'tinyforge.managed=true'] },
    });
    expect(listed.map((c) => [c.Names[0], c.State, c.Labels[TEST_RUN_LABEL], c.HostConfig.NetworkMode])).toEqual([
      [`/${name}`, 'running', runId, 'none'],
    ]);

    await container.remove({ force: true });
    const after = await docker.listContainers({ all: true, filters: { label: [`${TEST_RUN_LABEL}=${runId}`] } });
    expect(after).toEqual([]);
  });

  it('has both local test images, and no registry is needed', async () => {
    const images = await docker.listImages({ filters: { reference: ['tinyforge-test/busybox'] } });
    expect(images.flatMap((i) => i.RepoTags ?? []).sort()).toEqual([
      'tinyforge-test/busybox:1',
      'tinyforge-test/busybox:2',
    ]);
  });
});
