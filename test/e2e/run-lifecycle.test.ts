import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper, stack } from '../support/e2e-project.js';

const SLEEPING = 'image: tinyforge-test/busybox:1, command: [sleep, "3600"], network: none, init: true';

describe('run --once against the real engine', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup());

  it('creates, scales up, scales down, recreates on change and prunes', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']), 'api.yaml': sleeper('api') });
    const first = project.runOnce();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('+ create image/web#1: new replica');
    let names = await project.names();
    expect(names).toEqual([
      expect.stringMatching(/^tf-e2e-\w+-api-image-1-/),
      expect.stringMatching(/-web-image-1-/),
      expect.stringMatching(/-web-image-2-/),
    ]);
    expect(
      (await project.containers()).every((c) => c.State === 'running' && c.HostConfig.NetworkMode === 'none'),
    ).toBe(true);

    project.write('web.yaml', sleeper('web', ['replicas: 3']));
    expect(project.runOnce().stdout).toContain('+ create image/web#3: new replica');
    expect(await project.names()).toHaveLength(4);

    project.write('web.yaml', sleeper('web', ['replicas: 1']));
    const down = project.runOnce();
    expect(down.stdout.split('\n').filter((l) => l.startsWith('-'))).toEqual([
      '- remove image/web#3: scaled down to 1',
      '- remove image/web#2: scaled down to 1',
    ]);
    expect((await project.names()).filter((n) => n.includes('-web-'))).toEqual([
      expect.stringMatching(/-web-image-1-/),
    ]);

    const before = (await project.containers()).find((c) => c.Names[0]!.includes('-web-'))!.Id;
    project.write('web.yaml', sleeper('web', ['replicas: 1', 'env: {MODE: "two"}']));
    const changed = project.runOnce();
    expect(changed.stdout).toContain('~ recreate image/web#1: env.MODE added');
    const after = (await project.containers()).find((c) => c.Names[0]!.includes('-web-'))!;
    expect(after.Id).not.toBe(before);
    expect(after.State).toBe('running');
    expect(project.state().workloads['image/web']).toMatchObject({
      generation: 4,
      observedGeneration: 4,
      phase: 'Ready',
    });

    project.remove('web.yaml');
    const pruned = project.runOnce();
    expect(pruned.stdout).toContain('- remove image/web#1: manifest deleted');
    names = await project.names();
    expect(names).toEqual([expect.stringMatching(/-api-image-1-/)]);
    expect(Object.keys(project.state().workloads)).toEqual(['image/api']);
  });

  it('a second run makes zero create/start/stop/destroy events (Docker events API)', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    expect(project.runOnce().code).toBe(0);
    // Docker takes fractional seconds: events of the first run, a moment ago, stay out.
    await new Promise((r) => setTimeout(r, 50));
    const since = (Date.now() / 1000).toFixed(3);
    const second = project.runOnce();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('in sync');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await project.events(since, ['create', 'start', 'stop', 'destroy', 'kill', 'die'])).toEqual([]);
    expect(project.state().controller.lastTick?.dockerCalls).toBe(1);
  });

  it('heals a removed and a stopped container', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    expect(project.runOnce().code).toBe(0);
    const [one, two] = await project.containers();
    await project.docker.getContainer(one!.Id).stop({ t: 0 });
    await project.docker.getContainer(two!.Id).remove({ force: true });
    const heal = project.runOnce();
    expect(heal.code, heal.stderr).toBe(0);
    expect(heal.stdout).toContain('~ start image/web#1: container stopped (exited)');
    expect(heal.stdout).toContain('+ create image/web#2: container vanished');
    const after = await project.containers();
    expect(after.map((c) => c.State)).toEqual(['running', 'running']);
    expect(after[0]!.Id).toBe(one!.Id);
  });

  it('starts Stack services in dependsOn order', async () => {
    project = new E2eProject({
      'app.yaml': stack('app', {
        web: `${SLEEPING}, dependsOn: [api]`,
        api: `${SLEEPING}, dependsOn: [db]`,
        db: SLEEPING,
      }),
    });
    const since = Math.floor(Date.now() / 1000) - 1;
    expect(project.runOnce().code).toBe(0);
    const roles = (await project.events(since, ['start'])).map((e) => e.attributes['tinyforge.role']);
    expect(roles).toEqual(['db', 'api', 'web']);
  });
});
