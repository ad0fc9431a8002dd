import Docker from 'dockerode';
import { dockerOptions } from './docker-options.js';

/** The label test/support/swarm.sh puts on each node of the test cluster: `a` (manager) or `b` (worker). */
export const SWARM_NODE_LABEL = 'tinyforge.test.node';

/** The DOCKER_HOST of the test cluster's manager, from TINYFORGE_TEST_SWARM_HOST. Never skips: no cluster, no run. */
export function swarmHost(): string {
  const host = process.env['TINYFORGE_TEST_SWARM_HOST'];
  if (host) return host;
  if (process.env['CI']) {
    throw new Error('TINYFORGE_TEST_SWARM_HOST is not set: CI must start the Swarm cluster (.ci/run does)');
  }
  throw new Error(
    'TINYFORGE_TEST_SWARM_HOST is not set: start the two-node Swarm cluster with ' +
      '`TINYFORGE_SWARM_DIR=/tmp/tinyforge-swarm bash test/support/swarm.sh start` and set ' +
      'TINYFORGE_TEST_SWARM_HOST to the host it prints (`... swarm.sh remove` takes it down)',
  );
}

/** A dockerode client for the test cluster's manager, and its DOCKER_HOST. */
export function swarmDocker(): { docker: Docker; host: string } {
  const host = swarmHost();
  return { docker: new Docker({ ...dockerOptions(host), timeout: 30_000 }), host };
}
