import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject } from '../support/e2e-project.js';
import { runCli } from '../support/run-cli.js';

/** Two quiet services as a Docker Compose user writes them, with one key tinyforge leaves out. */
const COMPOSE = `services:
  db:
    image: tinyforge-test/busybox:1
    pull_policy: never
    command: [sleep, "3600"]
    network_mode: none
    init: true
    stop_grace_period: 2s
    container_name: shop-db
  app:
    image: tinyforge-test/busybox:1
    pull_policy: never
    command: sleep 3600
    network_mode: none
    init: true
    stop_grace_period: 2s
    depends_on: [db]
`;

describe('an imported compose file converges on the real engine', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup());

  it.each([
    ['compose', []],
    ['stack', ['--split']],
  ])('as a %s workload', async (kind, flags) => {
    project = new E2eProject();
    fs.writeFileSync(path.join(project.dir, 'docker-compose.yml'), COMPOSE);
    const imported = runCli(['import', 'docker-compose.yml', '--name', 'shop', '-o', 'manifests', ...flags], {
      cwd: project.dir,
    });
    expect(imported.stderr).toContain(
      "docker-compose.yml:9:5: key 'services.db.container_name' is not supported by tinyforge (dropped)",
    );
    expect(imported.code).toBe(1);

    const result = project.runOnce();
    expect(result.code, result.stderr).toBe(0);
    const containers = await project.containers();
    expect(
      containers.map((c) => [
        c.State,
        c.Labels['tinyforge.managed'],
        c.Labels['tinyforge.workload.id'],
        c.Labels['tinyforge.role'],
      ]),
    ).toEqual([
      ['running', 'true', `${kind}/shop`, 'app'],
      ['running', 'true', `${kind}/shop`, 'db'],
    ]);
    for (const c of containers) expect(c.Labels['tinyforge.signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(project.state().workloads[`${kind}/shop`]?.phase).toBe('Ready');
  });
});
