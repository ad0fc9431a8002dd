import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { TEST_IMAGE, TEST_RUN_LABEL } from '../support/test-docker.js';

/** Faults injected by hand against the real engine: a copied signature, a forbidden network mode, a renamed file. */
describe('run --once against injected faults', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup(`${TEST_RUN_LABEL}=${project.name}`));

  it('a signature copied onto a container of another name is foreign: never stopped, never pruned', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    expect(project.runOnce().code).toBe(0);
    const real = (await project.containers())[0]!;
    // Every label of the real container, signature included, on a container of another name.
    const copy = await project.docker.createContainer({
      name: `${project.name}-copy`,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '3600'],
      Labels: { ...real.Labels, [TEST_RUN_LABEL]: project.name },
      HostConfig: { NetworkMode: 'none', Init: true },
    });
    await copy.start();
    const again = project.runOnce();
    expect(again.code, again.stderr).toBe(0);
    expect(project.foreign()).toEqual([
      { containerId: copy.id, name: `${project.name}-copy`, workloadId: 'image/web', reason: 'bad signature' },
    ]);
    // The workload's manifest goes: its own container is pruned, the copy stays running.
    project.remove('web.yaml');
    const pruned = project.runOnce(['--allow-empty']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((await project.containers()).map((c) => [c.Id, c.State])).toEqual([[copy.id, 'running']]);
    expect(project.foreign().map((f) => f.containerId)).toEqual([copy.id]);
  });

  it('refuses a Compose service joining another container network, naming file and flag, and creates nothing', async () => {
    const compose = [
      'apiVersion: tinyforge.dev/v1',
      'kind: Compose',
      'metadata: {name: spy}',
      'spec:',
      '  compose:',
      '    services:',
      '      api:',
      `        image: ${TEST_IMAGE}`,
      '        network_mode: "container:victim"',
      '',
    ].join('\n');
    project = new E2eProject({ 'spy.yaml': compose });
    const result = project.runOnce();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "manifests/spy.yaml:9:23: spec.compose.services.api.network_mode: joining another container's network namespace (container:victim) is not allowed; the operator can allow it with --allow-host-namespaces",
    );
    expect(await project.containers()).toEqual([]);
  });

  it('a manifest file renamed unchanged recreates nothing; its source follows the new name', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    expect(project.runOnce().code).toBe(0);
    const before = (await project.containers()).map((c) => c.Id);
    project.write('web2.yaml', sleeper('web'));
    project.remove('web.yaml');
    const result = project.runOnce();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('in sync');
    expect((await project.containers()).map((c) => c.Id)).toEqual(before);
    expect(project.state().workloads['image/web']?.source.file).toBe('manifests/web2.yaml');
  });
});
