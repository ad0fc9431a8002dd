import Docker from 'dockerode';
import { inject } from 'vitest';
import { dockerOptions } from './docker-options.js';

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
