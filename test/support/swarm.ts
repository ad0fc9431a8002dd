import Docker from 'dockerode';
import { inject } from 'vitest';
import { dockerOptions } from './docker-options.js';
import type { E2eProject } from './e2e-project.js';

/** The label test/support/swarm.sh puts on each node of the test cluster: `a` (manager) or `b` (worker). */
export const SWARM_NODE_LABEL = 'tinyforge.test.node';

/** The DOCKER_HOST of the test cluster's manager: the one the global setup was given or started. */
export function swarmHost(): string {
  return inject('swarmHost');
}

/** A dockerode client for the test cluster's manager, and its DOCKER_HOST. */
export function swarmDocker(): { docker: Docker; host: string } {
  const host = swarmHost();
  return { docker: new Docker({ ...dockerOptions(host), timeout: 30_000 }), host };
}

/** An Image named `name` on the host network (Swarm has no `none` network), sleeping quietly, with `extra` spec lines. */
export function hostSleeper(extra: string[] = [], name = 'web'): string {
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Image',
    `metadata: {name: ${name}}`,
    'spec:',
    '  image: tinyforge-test/busybox:1',
    '  command: [sleep, "3600"]',
    '  network: host',
    '  init: true',
    '  stopTimeout: 1s',
    ...extra.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/** After a test: the services its project's controller made, then the project itself (folder, containers). */
export async function removeSwarmProject(docker: Docker, project: E2eProject | undefined): Promise<void> {
  if (!project) return;
  await removeServicesOf(docker, project.name);
  await project.cleanup();
}

/** Removes the services a test's controller made, by its label (never another's). */
export async function removeServicesOf(docker: Docker, controller: string): Promise<void> {
  const services = await docker.listServices({ filters: { label: [`tinyforge.controller=${controller}`] } });
  for (const s of services) await docker.getService(s.ID).remove();
}
