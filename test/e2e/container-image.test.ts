import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { PROJECT_ROOT } from '../support/run-cli.js';
import { TEST_RUN_LABEL } from '../support/test-docker.js';

const DOCKER_CLI = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker'; // Debian's, matched to its engine
/** A label of the workload's containers (metadata keys under `tinyforge.` are the controller's). */
const WORKLOAD_LABEL = 'tinyforge-test-run';

let project: E2eProject;
/** This file's run id: in image tags and on everything it creates. */
let run: string;
let image: string;
let packageImage: string;
let controller: string;

/** The docker CLI against the test engine; throws with its output when it fails. */
function docker(args: string[], timeoutMs = 60_000): string {
  const result = spawnSync(DOCKER_CLI, args, {
    env: { ...process.env, DOCKER_HOST: project.host },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0) throw new Error(`docker ${args[0]}: exit ${result.status}: ${result.stderr}`);
  return result.stdout.trim();
}

beforeAll(() => {
  project = new E2eProject();
  run = project.name.slice('e2e-'.length);
  image = `tinyforge-test/controller:${run}`;
  packageImage = `tinyforge-test/controller-package:${run}`;
  // The manifests are read by the image's user node (uid 1000), not by root.
  project.write('web.yaml', sleeper('web', [`labels: {${WORKLOAD_LABEL}: "${run}"}`]));
  for (const dir of [project.dir, project.manifests]) fs.chmodSync(dir, 0o755);
  const build = spawnSync('bash', [path.join(PROJECT_ROOT, 'test/support/controller-image.sh'), image, packageImage], {
    env: { ...process.env, DOCKER_HOST: project.host },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (build.status !== 0) throw new Error(`controller-image.sh: exit ${build.status}: ${build.stderr}`);
}, 300_000);

afterAll(async () => {
  if (controller) {
    docker(['stop', '--time', '10', controller]);
    docker(['rm', '--volumes', controller]);
  }
  await project.cleanup(`${WORKLOAD_LABEL}=${run}`);
  // The Node base stays on the engine for the next run; what this run built goes.
  const built = [image, packageImage].filter((tag) => docker(['image', 'ls', '--quiet', tag]) !== '');
  if (built.length > 0) docker(['image', 'rm', ...built]);
});

describe('the container image (Dockerfile)', () => {
  it('runs the controller as node with the socket mounted: it converges a workload and turns healthy', async () => {
    const socket = new URL(project.host).pathname;
    // As the README says to run it, with its own CMD; no network needed for a unix socket.
    controller = docker([
      'run',
      '--detach',
      '--label',
      `${TEST_RUN_LABEL}=${run}`,
      '--network',
      'none',
      '--volume',
      `${socket}:/var/run/docker.sock`,
      '--group-add',
      String(fs.statSync(socket).gid),
      '--volume',
      `${project.manifests}:/manifests:ro`,
      '--health-interval',
      '1s',
      image,
    ]);

    await eventually(
      'the workload container running, labelled by the controller in the container',
      async () => {
        const list = await project.docker.listContainers({
          filters: {
            label: [`${WORKLOAD_LABEL}=${run}`, 'tinyforge.controller=default', 'tinyforge.workload.id=image/web'],
          },
        });
        return list.length === 1 && list[0]!.State === 'running';
      },
      30_000,
    );
    await eventually('the HEALTHCHECK on /healthz healthy', () => health(controller) === 'healthy', 30_000);
    expect(docker(['inspect', '--format', '{{.Config.User}}', controller])).toBe('node');
    const volumes = JSON.parse(docker(['inspect', '--format', '{{json .Config.Volumes}}', controller])) as object;
    expect(Object.keys(volumes).sort()).toEqual(['/manifests', '/var/lib/tinyforge']);
    const status = docker(['exec', controller, 'tinyforge', 'status', '--state', '/var/lib/tinyforge/state.json']);
    expect(status).toMatch(/^web +Image +Ready +1\/1/m);
  });
});

function health(container: string): string {
  return docker(['inspect', '--format', '{{.State.Health.Status}}', container]);
}
