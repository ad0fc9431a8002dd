import path from 'node:path';
import { safeRealpath } from './adapters/manifest-loader.js';
import { readEnvFile } from './adapters/reference-files.js';
import { timedCalls } from './adapters/timed-calls.js';
import type { CallObserver } from './adapters/timed-calls.js';
import type { ControllerConfig } from './app.js';
import type { Clock } from './reconcile/clock.js';
import type { RouteProvider } from './reconcile/route-provider.js';
import { DockerUnreachableError } from './reconcile/docker-port.js';
import { SwarmBackend } from './reconcile/swarm-backend.js';

/** `--backend swarm` on an engine that is not a Swarm manager: a configuration error (exit 2). */
export class NotASwarmManagerError extends Error {
  readonly code = 'NOT_A_SWARM_MANAGER';
}

/**
 * The Swarm backend, wired (DESIGN.md section 7): the cluster through its manager at
 * `--docker-host`. An engine that answers and is no manager is refused before anything
 * is read or changed; one that does not answer is the pass's to report, as under docker.
 */
export async function swarmBackend(
  config: ControllerConfig,
  parts: { key: Buffer | undefined; clock: Clock; routes: RouteProvider; calls?: CallObserver | undefined },
): Promise<SwarmBackend> {
  // Loaded on demand, as the containers' port is: dockerode is heavy to load.
  const { DockerodeSwarmPort } = await import('./adapters/dockerode-swarm-port.js');
  const manifestDir = safeRealpath(path.resolve(config.manifests));
  const untimed = new DockerodeSwarmPort({
    host: config.dockerHost,
    timeoutMs: config.dockerTimeoutMs,
    scope: { policy: config.policy, manifestDir },
  });
  const port = parts.calls ? timedCalls(untimed, parts.calls) : untimed;
  const cluster = await port.cluster().catch((error: unknown) => {
    if (error instanceof DockerUnreachableError) return undefined;
    throw error;
  });
  if (cluster && !cluster.manager)
    throw new NotASwarmManagerError(
      `the engine at ${config.dockerHost} is not a Swarm manager (run 'docker swarm init' there, or use --backend docker)`,
    );
  return new SwarmBackend({
    port,
    key: parts.key,
    controller: config.name,
    clock: parts.clock,
    readEnvFile,
    concurrency: config.concurrency,
    settle: { timeoutMs: config.settleTimeoutMs, pollMs: 250 },
    routes: parts.routes,
    ...(cluster ? { cluster: { nodes: cluster.nodes, nodeId: cluster.nodeId } } : {}),
  });
}
